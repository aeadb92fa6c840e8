/**
 * @org/coder-api-client: a typed Coder REST client (tasks, chats, workspaces, templates, users).
 * Every call resolves to `CoderResult<T>`; failures are `CoderApiError` values from a closed union.
 */
export { createCoderClient } from './client.js';
export {
  describeCoderError,
  isCoderApiError,
  kindForStatus,
  narrowErrorBody,
  retryAfterMsFrom,
  RETRYABLE_KINDS,
} from './errors.js';
export { DEFAULT_TIMEOUT_MS, lateBoundFetch, normalizeBaseUrl, SESSION_TOKEN_HEADER } from './http.js';
export { backoffDelayMs, DEFAULT_RETRY, resolveRetryOptions } from './retry.js';
export { taskQuery } from './tasks.js';
export { CHAT_KEYS, chatQuery } from './chats.js';
export {
  decodeFrame,
  openChatStream,
  openChatWatch,
  socketUrl,
  type BasePathResolution,
  type ChatSocketOptions,
  type ChatsBasePath,
} from './chat-socket.js';
export { TaskListBody, TASK_KEYS } from './task-list-body.js';
export { ChatListBody } from './chat-list-body.js';
export { WorkspaceListBody } from './workspace-list-body.js';
export { JsonListBody, indexJsonList, type IndexedJsonList, type JsonListShape } from './json-list-body.js';
export { indexJsonArray, type JsonArrayIndex } from './json-array-index.js';
export { isExperimentalTask, isGaTask, isKnownChatStatus, KNOWN_CHAT_STATUSES } from './guards.js';
export {
  capabilitiesFor,
  CHATS_EXPERIMENTAL_SINCE,
  CHATS_V2_SINCE,
  chatsApiFor,
  parseCoderVersion,
  serverInfoFor,
  tasksApiFor,
  TASKS_EXPERIMENTAL_SINCE,
  TASKS_GA_SINCE,
  TASKS_REMOVED_IN,
  type CoderVersion,
} from './version.js';
export type * from './types.js';
