import { UnknownChatError } from '../chat-control.js';
import { TaskNotRunningError, UnknownTaskError, type PushVersionInit, type SimControl } from '../control.js';
import { ChatRefusal } from '../model/chats/engine.js';
import { CHAT_ERROR_KINDS, CHAT_STATUSES, type ChatErrorKind, type ChatPersona, type ChatStatus } from '../model/chats/types.js';
import type { SocketFilter } from '../socket-control.js';
import type { FaultRuleInit } from '../faults.js';
import { isCoderVersion } from '../versions.js';
import type { TemplateVersionParameter, WorkspaceAppStatusState } from '../wire-types.js';
import { fail, json, readJson, type SimRequest, type SimResponse } from './http.js';

const STATES: readonly WorkspaceAppStatusState[] = ['working', 'idle', 'complete', 'failure'];

function num(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(400, 'Validation failed.', undefined, [{ field, detail: 'must be a finite number' }]);
  return value;
}

function str(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') fail(400, 'Validation failed.', undefined, [{ field, detail: 'must be a non-empty string' }]);
  return value;
}

function optionalStr(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * `/__sim/...` control API for out-of-process drivers (benchmarks, recordings). Admin token only.
 *   GET  /__sim/state                    now, version, counts
 *   POST /__sim/advance {ms}             manual clock
 *   GET  /__sim/counters   POST /__sim/counters/reset
 *   GET  /__sim/faults     POST /__sim/faults {kind, route?, status?, latencyMs?, times?, retryAfterSeconds?, message?}
 *   DELETE /__sim/faults   DELETE /__sim/faults/{id}
 *   POST /__sim/rate-limit {limit, windowMs?}   DELETE /__sim/rate-limit
 *   GET  /__sim/transitions?since=N
 *   POST /__sim/version {coderVersion}
 *   POST /__sim/users {username, role?, token?}
 *   GET  /__sim/tasks
 *   POST /__sim/tasks {owner?, template?, input, name?, persona?}
 *   POST /__sim/tasks/{ref}/state {state, message?, uri?, holdMs?}
 *   POST /__sim/tasks/{ref}/fail-build {error?}    POST /__sim/tasks/{ref}/cancel-build
 *   POST /__sim/tasks/{ref}/connection {connected, reason?}
 *   POST /__sim/tasks/{ref}/disconnect {reason?}   POST /__sim/tasks/{ref}/reconnect
 *   POST /__sim/templates/{name}/versions {name?, removeParameters?, addParameters?, activate?}
 *   GET  /__sim/chats    POST /__sim/chats {text, owner?, title?, labels?, persona?, parent?}
 *   POST /__sim/chats/{ref}/status {status}        POST /__sim/chats/{ref}/fail {kind, message?}
 *   POST /__sim/chats/{ref}/require-action {toolCalls?: [{toolCallId, toolName, args}]}
 *   POST /__sim/chats/{ref}/resolve-action         POST /__sim/chats/{ref}/finish-turn
 *   POST /__sim/chats/{ref}/pr {state?, draft?, changesRequested?, approved?, additions?, deletions?}
 *   POST /__sim/chats/{ref}/share {username, shared?}
 *   POST /__sim/chat-limits {concurrency?: n|null, spendLimitMicros?: n|null, username?}
 *   GET  /__sim/sockets  POST /__sim/sockets/{drop|close|stall|resume} {kind?, chatId?, user?, code?, ms?}
 */
export function handleControl(req: SimRequest, control: SimControl): SimResponse {
  const path = req.path.replace(/\/+$/, '');
  const method = req.method;
  const taskAction = /^\/__sim\/tasks\/([^/]+)\/([a-z-]+)$/.exec(path);
  const chatAction = /^\/__sim\/chats\/([^/]+)\/([a-z-]+)$/.exec(path);
  const socketAction = /^\/__sim\/sockets\/(drop|close|stall|resume)$/.exec(path);
  const templatePush = /^\/__sim\/templates\/([^/]+)\/versions$/.exec(path);
  try {
    if (templatePush && method === 'POST') return json(control.pushTemplateVersion(decodeURIComponent(templatePush[1] ?? ''), pushInit(readJson(req))), 201);
    if (taskAction) return taskActionRoute(req, control, decodeURIComponent(taskAction[1] ?? ''), taskAction[2] ?? '');
    if (chatAction && method === 'POST') return chatActionRoute(req, control, decodeURIComponent(chatAction[1] ?? ''), chatAction[2] ?? '');
    if (socketAction && method === 'POST') return socketActionRoute(req, control, socketAction[1] ?? '');
    const key = `${method} ${path}`;
    switch (key) {
      case 'GET /__sim/state': {
        const tasks = control.tasks();
        return json({ now: new Date(control.now()).toISOString(), nowMs: control.now(), coderVersion: control.coderVersion(), tasks: tasks.length, clock: control.fleet.clock.kind });
      }
      case 'POST /__sim/advance':
        control.advance(num(readJson(req)['ms'], 'ms'));
        return json({ nowMs: control.now(), now: new Date(control.now()).toISOString() });
      case 'GET /__sim/counters':
        return json(control.counters());
      case 'POST /__sim/counters/reset':
      case 'DELETE /__sim/counters':
        control.resetCounters();
        return json({});
      case 'GET /__sim/faults':
        return json({ rules: control.faults.list(), rateLimit: control.faults.rateLimitConfig });
      case 'POST /__sim/faults':
        return json({ id: control.faults.add(readJson(req) as unknown as FaultRuleInit) }, 201);
      case 'DELETE /__sim/faults':
        control.faults.clear();
        return json({});
      case 'POST /__sim/rate-limit': {
        const body = readJson(req);
        control.faults.rateLimit(num(body['limit'], 'limit'), body['windowMs'] === undefined ? undefined : num(body['windowMs'], 'windowMs'));
        return json({ rateLimit: control.faults.rateLimitConfig });
      }
      case 'DELETE /__sim/rate-limit':
        control.faults.clearRateLimit();
        return json({});
      case 'GET /__sim/transitions':
        return json(control.transitions(Number(req.query.get('since') ?? 0) || 0));
      case 'POST /__sim/version': {
        const v = str(readJson(req)['coderVersion'], 'coderVersion');
        if (!isCoderVersion(v)) fail(400, `Unsupported coderVersion "${v}".`);
        control.setCoderVersion(v);
        return json({ coderVersion: v });
      }
      case 'POST /__sim/path-apps': {
        const enabled = readJson(req)['enabled'];
        if (typeof enabled !== 'boolean') fail(400, 'enabled must be a boolean.');
        control.setPathApps(enabled);
        return json({ pathApps: enabled });
      }
      case 'POST /__sim/users': {
        const body = readJson(req);
        const role = body['role'] === 'admin' ? 'admin' : 'member';
        const token = optionalStr(body['token']);
        return json(control.addUser({ username: str(body['username'], 'username'), role, ...(token ? { token } : {}) }), 201);
      }
      case 'GET /__sim/tasks':
        return json(control.tasks());
      case 'POST /__sim/tasks': {
        const body = readJson(req);
        const owner = optionalStr(body['owner']);
        const template = optionalStr(body['template']);
        const name = optionalStr(body['name']);
        return json(
          control.createTask({ input: str(body['input'], 'input'), ...(owner ? { owner } : {}), ...(template ? { template } : {}), ...(name ? { name } : {}) }),
          201,
        );
      }
      case 'GET /__sim/chats':
        return json(control.chats.list());
      case 'POST /__sim/chats': {
        const body = readJson(req);
        const owner = optionalStr(body['owner']);
        const title = optionalStr(body['title']);
        const persona = optionalStr(body['persona']) as ChatPersona | undefined;
        const parent = optionalStr(body['parent']);
        const labels = body['labels'] && typeof body['labels'] === 'object' ? (body['labels'] as Record<string, string>) : undefined;
        const text = typeof body['text'] === 'string' ? body['text'] : '';
        return json(control.chats.create({ text, ...(owner ? { owner } : {}), ...(title ? { title } : {}), ...(persona ? { persona } : {}), ...(parent ? { parent } : {}), ...(labels ? { labels } : {}) }), 201);
      }
      case 'POST /__sim/chat-limits': {
        const body = readJson(req);
        const limit = (key: string) => (body[key] === null ? null : num(body[key], key));
        if (body['concurrency'] !== undefined) control.chats.setConcurrency(limit('concurrency'));
        if (body['spendLimitMicros'] !== undefined) control.chats.setSpendLimit(limit('spendLimitMicros'), optionalStr(body['username']));
        return json({});
      }
      case 'GET /__sim/sockets':
        return json(control.sockets.list());
      default:
        if (method === 'DELETE' && path.startsWith('/__sim/faults/')) {
          control.faults.clear(decodeURIComponent(path.slice('/__sim/faults/'.length)));
          return json({});
        }
        return fail(404, 'Route not found.');
    }
  } catch (error) {
    if (error instanceof RangeError || error instanceof UnknownTaskError || error instanceof UnknownChatError) return fail(400, error.message);
    if (error instanceof ChatRefusal) return fail(409, error.message);
    if (error instanceof TaskNotRunningError) return fail(409, error.message);
    if (error instanceof Error && /already exists|already in use|needs clock/.test(error.message)) return fail(409, error.message);
    throw error;
  }
}

function pushInit(body: Record<string, unknown>): PushVersionInit {
  const names = (v: unknown, field: string): string[] => {
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) fail(400, 'Validation failed.', undefined, [{ field, detail: 'must be an array of strings' }]);
    return v as string[];
  };
  const name = optionalStr(body['name']);
  return {
    ...(name ? { name } : {}),
    ...(body['removeParameters'] !== undefined ? { removeParameters: names(body['removeParameters'], 'removeParameters') } : {}),
    ...(Array.isArray(body['addParameters']) ? { addParameters: body['addParameters'] as TemplateVersionParameter[] } : {}),
    ...(typeof body['activate'] === 'boolean' ? { activate: body['activate'] } : {}),
  };
}

function taskActionRoute(req: SimRequest, control: SimControl, ref: string, action: string): SimResponse {
  if (req.method !== 'POST') fail(404, 'Route not found.');
  const body = readJson(req);
  switch (action) {
    case 'state': {
      const state = str(body['state'], 'state') as WorkspaceAppStatusState;
      if (!STATES.includes(state)) fail(400, `Unknown state "${state}".`);
      const message = optionalStr(body['message']);
      const uri = optionalStr(body['uri']);
      const holdMs = body['holdMs'] === undefined ? undefined : num(body['holdMs'], 'holdMs');
      control.setAgentState(ref, state, { ...(message !== undefined ? { message } : {}), ...(uri !== undefined ? { uri } : {}), ...(holdMs !== undefined ? { holdMs } : {}) });
      break;
    }
    case 'fail-build':
      control.failWorkspace(ref, optionalStr(body['error']));
      break;
    case 'cancel-build':
      control.cancelBuild(ref);
      break;
    case 'connection':
      if (typeof body['connected'] !== 'boolean') fail(400, 'Validation failed.', undefined, [{ field: 'connected', detail: 'must be a boolean' }]);
      control.setConnection(ref, body['connected'], optionalStr(body['reason']));
      break;
    case 'disconnect':
      control.setConnection(ref, false, optionalStr(body['reason']));
      break;
    case 'reconnect':
      control.setConnection(ref, true);
      break;
    default:
      fail(404, 'Route not found.');
  }
  return json(control.task(ref));
}

function chatActionRoute(req: SimRequest, control: SimControl, ref: string, action: string): SimResponse {
  const body = readJson(req);
  const chats = control.chats;
  switch (action) {
    case 'status': {
      const status = str(body['status'], 'status') as ChatStatus;
      if (!CHAT_STATUSES.includes(status)) fail(400, `Unknown chat status "${status}".`);
      return json(chats.setStatus(ref, status));
    }
    case 'fail': {
      const kind = str(body['kind'], 'kind') as ChatErrorKind;
      if (!CHAT_ERROR_KINDS.includes(kind)) fail(400, `Unknown error kind "${kind}".`);
      return json(chats.fail(ref, kind, optionalStr(body['message'])));
    }
    case 'require-action':
      return json(chats.requireAction(ref, Array.isArray(body['toolCalls']) ? (body['toolCalls'] as { toolCallId: string; toolName: string; args: string }[]) : undefined));
    case 'resolve-action':
      return json(chats.resolveAction(ref));
    case 'finish-turn':
      return json(chats.finishTurn(ref));
    case 'pr':
      return json(chats.setPullRequest(ref, body as Parameters<SimControl['chats']['setPullRequest']>[1]));
    case 'share':
      return json(chats.share(ref, str(body['username'], 'username'), body['shared'] !== false));
    default:
      return fail(404, 'Route not found.');
  }
}

function socketActionRoute(req: SimRequest, control: SimControl, action: string): SimResponse {
  const body = readJson(req);
  const kind = optionalStr(body['kind']);
  const chatId = optionalStr(body['chatId']);
  const user = optionalStr(body['user']);
  const filter: SocketFilter = { ...(kind === 'watch' || kind === 'stream' ? { kind } : {}), ...(chatId ? { chatId } : {}), ...(user ? { user } : {}) };
  const sockets = control.sockets;
  const count =
    action === 'drop'
      ? sockets.drop(filter)
      : action === 'close'
        ? sockets.close(filter, body['code'] === undefined ? undefined : num(body['code'], 'code'))
        : action === 'stall'
          ? sockets.stall(filter, body['ms'] === undefined ? undefined : num(body['ms'], 'ms'))
          : sockets.resume(filter);
  return json({ sockets: count });
}
