/**
 * `createCoderClient`: typed Coder REST calls that always resolve to a `CoderResult` (no HTTP outcome
 * or network failure throws; only programmer errors do).
 */
import { openChatStream, openChatWatch, type BasePathResolution } from './chat-socket.js';
import { createChatsApi, type ChatRouteResult } from './chats.js';
import { chatsUnsupportedError, describeCoderError, timeoutError, tasksUnsupportedError, unexpectedResponse } from './errors.js';
import { createHttp, DEFAULT_TIMEOUT_MS } from './http.js';
import { createTasksApi, type RouteResult, type TaskRoute } from './tasks.js';
import { createTemplatesApi } from './templates.js';
import type { CallOptions, Capabilities, CoderClient, CoderClientOptions, CoderResult, ServerInfo } from './types.js';
import { createUsersApi } from './users.js';
import { capabilitiesFor, parseCoderVersion, serverInfoFor } from './version.js';
import { createWorkspacesApi } from './workspaces.js';
import { createAgentApi } from './agentapi.js';

export function createCoderClient(options: CoderClientOptions): CoderClient {
  if (!options || typeof options.baseUrl !== 'string' || options.baseUrl.trim() === '') {
    throw new TypeError('createCoderClient: baseUrl is required');
  }
  if (typeof options.sessionToken !== 'string') {
    throw new TypeError('createCoderClient: sessionToken must be a string');
  }
  const http = createHttp(options);
  const users = createUsersApi(http);

  let serverInfo: Promise<CoderResult<ServerInfo>> | undefined;
  let lifecycleRoute: TaskRoute | undefined;

  async function loadServerInfo(): Promise<CoderResult<ServerInfo>> {
    const build = await users.getBuildInfo();
    if (!build.ok) return build;
    const raw = build.value.version ?? '';
    const version = parseCoderVersion(raw);
    if (!version) {
      return http.fail(unexpectedResponse('GET /api/v2/buildinfo', build.status, `Unrecognised Coder version "${raw}".`));
    }
    return { ok: true, value: serverInfoFor(version, options.assumeTasksSupported), status: build.status };
  }

  function getServerInfo(opts?: CallOptions): Promise<CoderResult<ServerInfo>> {
    // Read once and share; a failed read is not cached so the next call tries again. The shared read
    // is not tied to one caller's signal: each caller stops waiting on its own abort instead.
    serverInfo ??= loadServerInfo().then((r) => {
      if (!r.ok) serverInfo = undefined;
      return r;
    });
    const shared = serverInfo.then((r) => (r.ok ? { ...r, value: withLearnedRoutes(r.value) } : r));
    return opts?.signal ? untilAborted(shared, opts.signal) : shared;
  }

  function untilAborted<T>(work: Promise<CoderResult<T>>, signal: AbortSignal): Promise<CoderResult<T>> {
    const cancelled = () => http.fail(timeoutError('GET /api/v2/buildinfo', options.timeoutMs ?? DEFAULT_TIMEOUT_MS, true));
    if (signal.aborted) return Promise.resolve(cancelled());
    return new Promise((resolve) => {
      const onAbort = (): void => resolve(cancelled());
      signal.addEventListener('abort', onAbort, { once: true });
      void work.then((r) => {
        signal.removeEventListener('abort', onAbort);
        resolve(r);
      });
    });
  }

  function withLearnedRoutes(info: ServerInfo): ServerInfo {
    if (lifecycleRoute === undefined) return info;
    return { ...info, features: { ...info.features, pauseResume: true, v2PauseResume: lifecycleRoute === 'v2' } };
  }

  async function route(operation: string, opts?: CallOptions): Promise<RouteResult> {
    const info = await getServerInfo(opts);
    if (!info.ok) return info;
    if (info.value.tasksApi === 'none') return http.fail(tasksUnsupportedError(operation, info.value.version));
    return { ok: true, value: info.value.tasksApi };
  }

  async function detectCapabilities(opts?: CallOptions): Promise<CoderResult<Capabilities>> {
    const info = await getServerInfo(opts);
    if (!info.ok) return info;
    const version = parseCoderVersion(info.value.raw);
    if (!version) return http.fail(unexpectedResponse('GET /api/v2/buildinfo', info.status, `Unrecognised Coder version "${info.value.raw}".`));
    const value = capabilitiesFor(version, { assumeTasksSupported: options.assumeTasksSupported, chatsApi: options.chatsApi });
    return { ok: true, value, status: info.status };
  }

  async function chatRoute(operation: string, opts?: CallOptions): Promise<ChatRouteResult> {
    const caps = await detectCapabilities(opts);
    if (!caps.ok) return caps;
    if (caps.value.chats === 'none') return http.fail(chatsUnsupportedError(operation, caps.value.version));
    return { ok: true, value: caps.value.chats };
  }

  /** The chats base path for a socket, from buildinfo; a failed read is retried by the socket's back-off. */
  async function socketBasePath(): Promise<BasePathResolution> {
    const caps = await detectCapabilities();
    if (caps.ok) {
      if (caps.value.chatsBasePath) return { ok: true, value: caps.value.chatsBasePath };
      const reason = chatsUnsupportedError('GET /api/v2/chats/watch', caps.value.version).message;
      return { ok: false, reason, final: { state: 'failed', reason } };
    }
    const { error } = caps;
    if (error.kind === 'unauthorized' || error.kind === 'forbidden') {
      return { ok: false, reason: error.message, final: { state: 'auth_failed', status: error.status ?? 401, reason: error.message } };
    }
    return { ok: false, reason: describeCoderError(error) };
  }

  const socketOptions = () => ({
    baseUrl: options.baseUrl,
    sessionToken: options.sessionToken,
    chatsBasePath: socketBasePath,
    ...(options.userAgent ? { userAgent: options.userAgent } : {}),
    ...(options.random ? { random: options.random } : {}),
  });

  const tasks = createTasksApi({
    http,
    route,
    lifecycleRoute: {
      get: () => lifecycleRoute,
      set: (value) => {
        lifecycleRoute = value;
      },
    },
  });

  return {
    getServerInfo,
    detectCapabilities,
    ...users,
    ...tasks,
    ...createChatsApi({ http, route: chatRoute }),
    watchChats: (handlers, tuning) => openChatWatch({ ...socketOptions(), ...tuning, ...handlers }),
    streamChat: (chatId, handlers, tuning) => openChatStream({ ...socketOptions(), ...tuning, ...handlers, chatId }),
    ...createTemplatesApi(http),
    ...createWorkspacesApi(http),
    ...createAgentApi(http),
  };
}
