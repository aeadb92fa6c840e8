export * from './types.js';
export {
  DATABASE_URL_ENV,
  DEFAULT_RETENTION_DAYS,
  RETENTION_FLAG,
  STORE_FLAG,
  defaultStateDir,
  describeStoreTarget,
  parseRetentionDays,
  parseStoreValue,
  resolveStoreConfig,
  storeFileNameForCoderUrl,
  type StoreConfig,
  type StoreConfigError,
  type StoreConfigInput,
  type StoreConfigResult,
  type StoreTarget,
} from './config.js';
export { REDACTED, redactSecrets } from './errors.js';
export { openStore, type OpenStoreOptions } from './open.js';
