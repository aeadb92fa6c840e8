/**
 * Store configuration as a pure function (the server wires flags and env into it):
 *   --store memory | sqlite:<path> | postgres://…   (flag wins over FLEET_MCP_DATABASE_URL)
 *   FLEET_MCP_DATABASE_URL                           (same forms; meant for a shared Postgres)
 *   default                                          SQLite file under $XDG_STATE_HOME/coder-fleet-mcp/
 *                                                    (else ~/.local/state/coder-fleet-mcp/), one per Coder URL;
 *                                                    memory when neither XDG_STATE_HOME nor HOME is set
 *   --retention-days N                               (default 30)
 * A bad value is a typed error naming the flag or variable, so the server stops at start and says which.
 */
import { posix } from 'node:path';
import { assertNever } from './assert.js';
import { fnv1a32 } from './hash.js';

export const STORE_FLAG = '--store';
export const DATABASE_URL_ENV = 'FLEET_MCP_DATABASE_URL';
export const RETENTION_FLAG = '--retention-days';
export const DEFAULT_RETENTION_DAYS = 30;
export const MAX_RETENTION_DAYS = 3_650;
export const STATE_DIR_NAME = 'coder-fleet-mcp';

export type StoreTarget =
  | { kind: 'memory' }
  | { kind: 'sqlite'; path: string; isDefault: boolean }
  /** `url` has the `schema` query parameter removed (pg would not understand it). */
  | { kind: 'postgres'; url: string; schema: string };

export interface StoreConfig {
  target: StoreTarget;
  retentionDays: number;
}

export interface StoreConfigInput {
  /** --store (or its env twin), raw. */
  store?: string;
  /** FLEET_MCP_DATABASE_URL, raw. */
  databaseUrl?: string;
  /** --retention-days, raw. */
  retentionDays?: string | number;
  /** The Coder deployment URL: the default SQLite file is one per deployment. */
  coderUrl: string;
  /** For relative sqlite: paths. */
  cwd: string;
  env: { XDG_STATE_HOME?: string; HOME?: string };
}

export interface StoreConfigError {
  kind: 'invalid_store_config';
  /** The flag or variable to fix: "--store", "FLEET_MCP_DATABASE_URL", "--retention-days", "--coder-url". */
  flag: string;
  message: string;
}

export type StoreConfigResult = { ok: true; value: StoreConfig } | { ok: false; error: StoreConfigError };

const fail = (flag: string, message: string): { ok: false; error: StoreConfigError } => ({
  ok: false,
  error: { kind: 'invalid_store_config', flag, message: `${flag}: ${message}` },
});

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const FORMS = 'expected memory, sqlite:<path> or postgres://user@host:5432/db';

function expandHome(path: string, home: string | undefined): string | undefined {
  if (path === '~' || path.startsWith('~/')) return home ? posix.join(home, path.slice(1)) : undefined;
  return path;
}

/** Parses one store value (from --store or FLEET_MCP_DATABASE_URL). Secrets in the URL are never echoed. */
export function parseStoreValue(
  raw: string,
  flag: string,
  context: Pick<StoreConfigInput, 'cwd' | 'env'>,
): { ok: true; value: StoreTarget } | { ok: false; error: StoreConfigError } {
  const value = raw.trim();
  if (value === 'memory') return { ok: true, value: { kind: 'memory' } };
  if (value.startsWith('sqlite:')) {
    const given = value.slice('sqlite:'.length);
    if (given === '') return fail(flag, `sqlite: needs a file path (sqlite:/var/lib/fleet.sqlite); ${FORMS}`);
    if (given === ':memory:') return { ok: true, value: { kind: 'memory' } };
    const expanded = expandHome(given, context.env.HOME);
    if (expanded === undefined) return fail(flag, `cannot expand ~ in "${given}": HOME is not set`);
    const path = posix.resolve(context.cwd, expanded);
    // Kernel pseudo-filesystems hold no database (and creating directories there can loop forever).
    if (/^\/(proc|sys|dev)(\/|$)/.test(path)) return fail(flag, `${path} is on a kernel pseudo-filesystem (/proc, /sys, /dev); give a file on a real disk (sqlite:/var/lib/coder-fleet-mcp/fleet.sqlite)`);
    return { ok: true, value: { kind: 'sqlite', path, isDefault: false } };
  }
  if (/^postgres(ql)?:\/\//i.test(value)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return fail(flag, `not a valid Postgres URL; ${FORMS}`);
    }
    const schema = url.searchParams.get('schema') ?? 'public';
    if (!SCHEMA_NAME.test(schema)) return fail(flag, `schema "${schema}" must be lower-case letters, digits and _`);
    url.searchParams.delete('schema');
    if (url.pathname === '' || url.pathname === '/') return fail(flag, 'the Postgres URL needs a database name (postgres://host/db)');
    return { ok: true, value: { kind: 'postgres', url: url.toString(), schema } };
  }
  const shown = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? `${value.split('://')[0]}://…` : JSON.stringify(value.slice(0, 60));
  return fail(flag, `unsupported store ${shown}; ${FORMS}`);
}

/** A file name for a Coder URL: readable host/port/path plus a short hash so distinct URLs never collide. */
export function storeFileNameForCoderUrl(coderUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(coderUrl);
  } catch {
    return undefined;
  }
  if (!url.hostname) return undefined;
  const path = url.pathname.replace(/\/+$/, '');
  const normalized = `${url.protocol}//${url.host.toLowerCase()}${path}`;
  const readable = `${url.hostname.toLowerCase()}${url.port ? `_${url.port}` : ''}${path}`
    .replace(/[^a-z0-9.-]+/gi, '_')
    .replace(/^[._]+|[._]+$/g, '')
    .slice(0, 80);
  const hash = (fnv1a32(normalized) >>> 0).toString(16).padStart(8, '0');
  return `${readable || 'coder'}-${hash}.sqlite`;
}

/** `$XDG_STATE_HOME/coder-fleet-mcp` when XDG_STATE_HOME is absolute, else `~/.local/state/coder-fleet-mcp`. */
export function defaultStateDir(env: StoreConfigInput['env']): string | undefined {
  if (env.XDG_STATE_HOME && posix.isAbsolute(env.XDG_STATE_HOME)) return posix.join(env.XDG_STATE_HOME, STATE_DIR_NAME);
  if (env.HOME) return posix.join(env.HOME, '.local', 'state', STATE_DIR_NAME);
  return undefined;
}

export function parseRetentionDays(raw: string | number | undefined): { ok: true; value: number } | { ok: false; error: StoreConfigError } {
  if (raw === undefined || raw === '') return { ok: true, value: DEFAULT_RETENTION_DAYS };
  const text = String(raw).trim();
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1 || n > MAX_RETENTION_DAYS) {
    return fail(RETENTION_FLAG, `must be a whole number of days from 1 to ${MAX_RETENTION_DAYS}, got ${JSON.stringify(text.slice(0, 20))}`);
  }
  return { ok: true, value: n };
}

export function resolveStoreConfig(input: StoreConfigInput): StoreConfigResult {
  const retention = parseRetentionDays(input.retentionDays);
  if (!retention.ok) return retention;
  const explicit =
    input.store !== undefined && input.store.trim() !== ''
      ? { raw: input.store, flag: STORE_FLAG }
      : input.databaseUrl !== undefined && input.databaseUrl.trim() !== ''
        ? { raw: input.databaseUrl, flag: DATABASE_URL_ENV }
        : undefined;
  if (explicit) {
    const target = parseStoreValue(explicit.raw, explicit.flag, input);
    return target.ok ? { ok: true, value: { target: target.value, retentionDays: retention.value } } : target;
  }
  const file = storeFileNameForCoderUrl(input.coderUrl);
  if (!file) return fail('--coder-url', 'is needed to name the default store file (or pass --store)');
  const dir = defaultStateDir(input.env);
  // No home at all (a bare service or test environment): nothing to default to, so history stays in memory.
  if (!dir) return { ok: true, value: { target: { kind: 'memory' }, retentionDays: retention.value } };
  return { ok: true, value: { target: { kind: 'sqlite', path: posix.join(dir, file), isDefault: true }, retentionDays: retention.value } };
}

/** One line for logs and tool answers; never credentials. */
export function describeStoreTarget(target: StoreTarget): string {
  switch (target.kind) {
    case 'memory':
      return 'memory (nothing survives a restart)';
    case 'sqlite':
      return `sqlite ${target.path}`;
    case 'postgres':
      return `postgres ${describePostgresUrl(target.url)} schema ${target.schema}`;
    default:
      return assertNever(target);
  }
}

/** host[:port]/database, never user or password. */
export function describePostgresUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || 'localhost'}${u.port ? `:${u.port}` : ''}${u.pathname || '/'}`;
  } catch {
    return '(unparsable Postgres URL)';
  }
}
