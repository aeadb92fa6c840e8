import { ChatRefusal } from '../model/chats/engine.js';
import type { SimChat } from '../model/chats/types.js';
import type { SimUser } from '../model/types.js';
import { UUID_PATTERN } from '../util/prng.js';
import type { VersionFeatures } from '../versions.js';
import type { ChatCost, ChatDiffContents, ChatMessagesResponse, CreateChatMessageResponse, OrganizationChatModelsResponse, ValidationError } from '../wire-types.js';
import { compareChats, parseChatQuery, parseLabels } from './chat-query.js';
import { chatJson, toChat, toChatMessage, toQueuedMessage } from './chat-serialize.js';
import { empty, fail, json, notFound, readJson, requireUser, uuidParam, type Route, type RouteContext, type SimRequest, type SimResponse } from './http.js';

const MAX_LABELS = 50;
const MAX_TITLE = 200;
const MESSAGES_DEFAULT_LIMIT = 50;
const MESSAGES_MAX_LIMIT = 200;

function validation(message: string, field: string, detail: string): never {
  return fail(400, message, undefined, [{ field, detail }]);
}

/** Map the engine's expected refusals to Coder's answers. */
function refusal(error: unknown): never {
  if (!(error instanceof ChatRefusal)) throw error;
  switch (error.code) {
    case 'queued_message_not_found':
    case 'empty_queue':
      return fail(404, error.message);
    case 'spend_limit':
      return fail(409, error.message, 'Your usage has reached the spend limit set by your administrator for this period.');
    case 'busy':
    case 'archived':
    case 'queue_full':
    case 'invalid':
      return fail(409, error.message);
  }
}

function attempt<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    return refusal(error);
  }
}

/** The `{chat}` the caller may read (404 otherwise, as coderd hides what you cannot see). */
function readableChat(req: SimRequest, ctx: RouteContext): SimChat {
  const chat = ctx.fleet.chats.store.get(uuidParam(req, 'chat'));
  if (!chat || !ctx.fleet.chats.store.canRead(requireUser(req), chat)) notFound();
  return chat;
}

/** The `{chat}` the caller may change (shared readers get 403). */
function writableChat(req: SimRequest, ctx: RouteContext): SimChat {
  const chat = readableChat(req, ctx);
  if (!ctx.fleet.chats.store.canWrite(requireUser(req), chat)) fail(403, 'Forbidden.');
  return chat;
}

/** Text of ChatInputPart[] (text parts; other parts are accepted and described). */
function inputText(value: unknown, field = 'content'): string {
  if (!Array.isArray(value)) validation('Invalid request.', field, 'must be an array of input parts');
  const texts: string[] = [];
  for (const part of value as unknown[]) {
    if (!part || typeof part !== 'object') validation('Invalid request.', field, 'each part must be an object');
    const p = part as Record<string, unknown>;
    if (typeof p['type'] !== 'string') validation('Invalid request.', field, 'each part needs a type');
    if (p['type'] === 'text') {
      if (typeof p['text'] !== 'string') validation('Invalid request.', field, 'a text part needs text');
      texts.push(p['text']);
    } else if (p['type'] === 'file-reference') texts.push(`[${String(p['file_name'] ?? 'file')}]`);
  }
  return texts.join('\n');
}

function labelsOf(value: unknown, field = 'labels'): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) validation('Invalid request.', field, 'must be an object of strings');
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > MAX_LABELS) validation('Invalid request.', field, `at most ${MAX_LABELS} labels`);
  for (const [k, v] of entries) if (typeof v !== 'string' || k === '') validation('Invalid request.', field, `label "${k}" must have a string value`);
  return Object.fromEntries(entries) as Record<string, string>;
}

function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') validation('Invalid request.', key, 'must be a string');
  return value;
}

function titleOf(body: Record<string, unknown>): string | undefined {
  const title = optionalString(body, 'title');
  if (title !== undefined && [...title].length > MAX_TITLE) validation('Invalid request.', 'title', `must be at most ${MAX_TITLE} characters`);
  return title;
}

function listChats(req: SimRequest, ctx: RouteContext): SimResponse {
  const caller = requireUser(req);
  const engine = ctx.fleet.chats;
  const matchesQuery = parseChatQuery(req.query.get('q') ?? '', caller, engine);
  const matchesLabels = parseLabels(req.query.getAll('label'));
  const limit = pagingInt(req, 'limit');
  const offset = pagingInt(req, 'offset');
  const afterId = req.query.get('after_id');
  if (afterId !== null && afterId !== '' && !UUID_PATTERN.test(afterId)) validation('Query parameters have invalid values.', 'after_id', 'must be a chat UUID');
  let matches = engine.store.roots().filter((c) => matchesQuery(c) && matchesLabels(c));
  matches.sort(compareChats);
  if (afterId) {
    const at = matches.findIndex((c) => c.id === afterId.toLowerCase());
    if (at < 0) validation('Query parameters have invalid values.', 'after_id', `chat ${afterId} is not in this list`);
    matches = matches.slice(at + 1);
  }
  const page = matches.slice(offset, limit > 0 ? offset + limit : undefined);
  return { status: 200, raw: `[${page.map((c) => chatJson(ctx.fleet, c)).join(',')}]` };
}

function pagingInt(req: SimRequest, name: string): number {
  const raw = req.query.get(name);
  if (raw === null || raw === '') return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) validation('Query parameters have invalid values.', name, `must be a non-negative integer, got "${raw}"`);
  return n;
}

function createFingerprint(body: Record<string, unknown>): string {
  const keys = ['organization_id', 'content', 'labels', 'model_config_id', 'workspace_id', 'title', 'plan_mode', 'system_prompt', 'owner_id'];
  return JSON.stringify(keys.map((k) => body[k] ?? null));
}

function createChat(req: SimRequest, ctx: RouteContext): SimResponse {
  const caller = requireUser(req);
  const { fleet } = ctx;
  const engine = fleet.chats;
  const body = readJson(req);
  const validations: ValidationError[] = [];
  const orgId = optionalString(body, 'organization_id');
  if (!orgId || !UUID_PATTERN.test(orgId)) validations.push({ field: 'organization_id', detail: 'organization_id is required and must be a UUID' });
  if (body['content'] === undefined || body['content'] === null) validations.push({ field: 'content', detail: 'content is required (it may be empty)' });
  if (validations.length > 0) fail(400, 'Invalid request.', undefined, validations);
  const organizationId = (orgId ?? '').toLowerCase();
  let owner: SimUser = caller;
  const ownerId = optionalString(body, 'owner_id');
  if (ownerId !== undefined) {
    if (caller.role !== 'admin') fail(403, 'Forbidden.', 'Creating a chat for another user needs site-wide authority.');
    const found = fleet.users.find((u) => u.id === ownerId.toLowerCase());
    if (!found) validation('Invalid request.', 'owner_id', 'no such user');
    owner = found;
  }
  if (!owner.organizationIds.includes(organizationId)) validation('Invalid request.', 'organization_id', 'You are not a member of this organization or it does not exist.');
  const text = inputText(body['content']);
  const labels = labelsOf(body['labels']);
  const title = titleOf(body);
  const modelId = optionalString(body, 'model_config_id');
  if (modelId !== undefined && engine.store.model(modelId.toLowerCase())?.organizationId !== organizationId) validation('Invalid request.', 'model_config_id', 'Model not found in this organization.');
  const workspaceId = optionalString(body, 'workspace_id');
  if (workspaceId !== undefined) {
    const ws = fleet.workspaceById(workspaceId.toLowerCase());
    if (!ws || ws.deleted || ws.ownerId !== owner.id) validation('Invalid request.', 'workspace_id', 'Workspace not found.');
  }
  const clientType = optionalString(body, 'client_type');
  if (clientType !== undefined && clientType !== 'ui' && clientType !== 'api') validation('Invalid request.', 'client_type', 'must be ui or api');
  const planMode = optionalString(body, 'plan_mode');
  if (planMode !== undefined && planMode !== 'plan' && planMode !== '') validation('Invalid request.', 'plan_mode', 'must be "plan"');
  const requestId = optionalString(body, 'request_id');
  if (requestId) {
    const seen = engine.store.request(owner.id, requestId);
    if (seen) {
      if (seen.fingerprint !== createFingerprint(body)) fail(409, 'This request_id was already used with a different request.', `request_id "${requestId}" belongs to chat ${seen.chatId}.`);
      const chat = engine.store.get(seen.chatId);
      if (chat) return json(toChat(fleet, chat), 201);
    }
  }
  const chat = attempt(() =>
    engine.create({
      ownerId: owner.id,
      organizationId,
      text,
      labels,
      ...(modelId ? { modelConfigId: modelId.toLowerCase() } : {}),
      ...(workspaceId ? { workspaceId: workspaceId.toLowerCase() } : {}),
      ...(title !== undefined && title !== '' ? { title } : {}),
      clientType: clientType === 'ui' ? 'ui' : 'api',
      planMode: planMode === 'plan',
    }),
  );
  if (requestId) engine.store.rememberRequest(owner.id, requestId, createFingerprint(body), chat.id);
  return json(toChat(fleet, chat), 201);
}

function updateChat(req: SimRequest, ctx: RouteContext): SimResponse {
  const chat = writableChat(req, ctx);
  const caller = requireUser(req);
  const engine = ctx.fleet.chats;
  const body = readJson(req);
  const title = titleOf(body);
  const labels = body['labels'] === undefined ? undefined : labelsOf(body['labels']);
  const archived = body['archived'];
  if (archived !== undefined && typeof archived !== 'boolean') validation('Invalid request.', 'archived', 'must be a boolean');
  const read = body['read'];
  if (read !== undefined && typeof read !== 'boolean') validation('Invalid request.', 'read', 'must be a boolean');
  if (read !== undefined && engine.store.rootOf(chat).ownerId !== caller.id) fail(403, 'Only the chat owner can change its read state.');
  const pin = body['pin_order'];
  if (pin !== undefined && (typeof pin !== 'number' || !Number.isInteger(pin) || pin < 0)) validation('Invalid request.', 'pin_order', 'must be an integer >= 0');
  const planMode = optionalString(body, 'plan_mode');
  if (planMode !== undefined && planMode !== 'plan' && planMode !== '') validation('Invalid request.', 'plan_mode', 'must be "plan" or ""');
  const workspaceId = optionalString(body, 'workspace_id');
  if (workspaceId !== undefined) {
    const ws = ctx.fleet.workspaceById(workspaceId.toLowerCase());
    if (!ws || ws.deleted || ws.ownerId !== chat.ownerId) validation('Invalid request.', 'workspace_id', 'Workspace not found.');
  }
  if (typeof archived === 'boolean') attempt(() => engine.setArchived(chat, archived));
  if (title !== undefined) engine.setTitle(chat, title);
  if (labels !== undefined) engine.setLabels(chat, labels);
  if (typeof pin === 'number') engine.setPinOrder(chat, pin);
  if (planMode !== undefined) engine.setPlanMode(chat, planMode === 'plan');
  if (typeof read === 'boolean') engine.markRead(chat, read);
  if (workspaceId !== undefined) {
    chat.workspaceId = workspaceId.toLowerCase();
    engine.touch(chat, ctx.fleet.clock.now());
  }
  return empty(204);
}

function cursor(req: SimRequest, name: string): number | undefined {
  const raw = req.query.get(name);
  if (raw === null || raw === '') return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n)) fail(400, 'Query parameters have invalid values.', undefined, [{ field: name, detail: `"${raw}" must be a non-negative integer` }]);
  return n;
}

function listMessages(req: SimRequest, ctx: RouteContext): SimResponse {
  const chat = readableChat(req, ctx);
  const before = cursor(req, 'before_id');
  const after = cursor(req, 'after_id');
  const rawLimit = cursor(req, 'limit');
  if (rawLimit !== undefined && (rawLimit < 1 || rawLimit > MESSAGES_MAX_LIMIT)) fail(400, 'Query parameters have invalid values.', undefined, [{ field: 'limit', detail: `must be between 1 and ${MESSAGES_MAX_LIMIT}` }]);
  if (before !== undefined && after !== undefined && after >= before) fail(400, 'Query parameters have invalid values.', undefined, [{ field: 'after_id', detail: 'after_id must be less than before_id' }]);
  const limit = rawLimit ?? MESSAGES_DEFAULT_LIMIT;
  const inRange = chat.messages.filter((m) => (before === undefined || m.id < before) && (after === undefined || m.id > after));
  // after_id alone pages forward (ASC, for polling); otherwise newest first.
  const ascending = after !== undefined && before === undefined;
  const ordered = ascending ? inRange : [...inRange].reverse();
  const page = ordered.slice(0, limit);
  const model = ctx.fleet.chats.store.model(chat.modelConfigId);
  const firstPage = before === undefined && after === undefined;
  return json({
    messages: page.map((m) => toChatMessage(ctx.fleet, chat, m, model)),
    ...(firstPage ? { queued_messages: chat.queue.map((q) => toQueuedMessage(ctx.fleet, chat, q)) } : {}),
    has_more: ordered.length > page.length,
  } satisfies ChatMessagesResponse);
}

function sendMessage(req: SimRequest, ctx: RouteContext): SimResponse {
  const chat = writableChat(req, ctx);
  const caller = requireUser(req);
  const body = readJson(req);
  if (body['content'] === undefined || body['content'] === null) validation('Invalid request.', 'content', 'content is required');
  const text = inputText(body['content']);
  if (text.trim() === '') validation('Invalid request.', 'content', 'content must not be empty');
  const busy = optionalString(body, 'busy_behavior') ?? 'queue';
  if (busy !== 'queue' && busy !== 'interrupt') validation('Invalid request.', 'busy_behavior', 'must be queue or interrupt');
  // request_id: a repeat of the same request (a client retrying after a lost answer) gets the first answer, nothing is sent twice.
  const requestId = optionalString(body, 'request_id');
  const fingerprint = JSON.stringify([body['content'], busy, body['model_config_id'] ?? null]);
  const seen = requestId ? ctx.fleet.chats.store.messageRequest(chat.id, requestId) : undefined;
  if (seen) {
    if (seen.fingerprint !== fingerprint) fail(409, 'This request_id was already used with a different message.');
    return json(seen.answer);
  }
  const modelId = optionalString(body, 'model_config_id');
  if (modelId !== undefined && ctx.fleet.chats.store.model(modelId.toLowerCase())?.organizationId !== chat.organizationId) validation('Invalid request.', 'model_config_id', 'Model not found in this organization.');
  if (modelId !== undefined) chat.modelConfigId = modelId.toLowerCase();
  const result = attempt(() => ctx.fleet.chats.send(chat, text, busy, caller.id));
  const model = ctx.fleet.chats.store.model(chat.modelConfigId);
  const answer = {
    queued: result.queued,
    ...(result.message ? { message: toChatMessage(ctx.fleet, chat, result.message, model) } : {}),
    ...(result.messages.length > 0 ? { messages: result.messages.map((m) => toChatMessage(ctx.fleet, chat, m, model)) } : {}),
    ...(result.queuedMessage ? { queued_message: toQueuedMessage(ctx.fleet, chat, result.queuedMessage) } : {}),
  } satisfies CreateChatMessageResponse;
  if (requestId) ctx.fleet.chats.store.rememberMessageRequest(chat.id, requestId, fingerprint, answer);
  return json(answer);
}

function interruptChat(req: SimRequest, ctx: RouteContext): SimResponse {
  const chat = writableChat(req, ctx);
  attempt(() => ctx.fleet.chats.interrupt(chat));
  return json(toChat(ctx.fleet, chat));
}

function queuedId(req: SimRequest): number {
  const raw = req.params['queuedMessage'] ?? '';
  if (!/^\d+$/.test(raw)) fail(400, `Invalid queued message ID "${raw}".`);
  return Number(raw);
}

function deleteQueued(req: SimRequest, ctx: RouteContext): SimResponse {
  const chat = writableChat(req, ctx);
  const id = queuedId(req);
  attempt(() => ctx.fleet.chats.deleteQueued(chat, id));
  return empty(204);
}

function promoteQueued(req: SimRequest, ctx: RouteContext): SimResponse {
  const chat = writableChat(req, ctx);
  const id = queuedId(req);
  attempt(() => ctx.fleet.chats.promoteQueued(chat, id));
  return empty(202);
}

/** AI Gateway cost of the chat and its subagents. */
function chatCost(req: SimRequest, ctx: RouteContext): SimResponse {
  const chat = readableChat(req, ctx);
  const tree = [chat, ...ctx.fleet.chats.store.childrenOf(chat)];
  return json({
    chat_id: chat.id,
    total_cost_micros: tree.reduce((sum, c) => sum + c.costMicros, 0),
    request_count: tree.reduce((sum, c) => sum + c.requestCount, 0),
    unpriced_request_count: 0,
  } satisfies ChatCost);
}

function chatDiff(req: SimRequest, ctx: RouteContext): SimResponse {
  const chat = readableChat(req, ctx);
  const diff = chat.diff;
  if (!diff) return json({ chat_id: chat.id } satisfies ChatDiffContents);
  const files = Math.max(1, Math.min(diff.changedFiles, 3));
  const hunks = Array.from({ length: files }, (_, i) => `diff --git a/src/file${i}.ts b/src/file${i}.ts\n--- a/src/file${i}.ts\n+++ b/src/file${i}.ts\n@@ -1,3 +1,4 @@\n import { run } from './run';\n-run();\n+await run();\n+// simulated change ${i + 1}\n`);
  return json({
    chat_id: chat.id,
    provider: 'github',
    remote_origin: 'https://github.com/example-org/app.git',
    branch: diff.branch,
    ...(diff.pr ? { pull_request_url: diff.pr.url } : {}),
    diff: hunks.join(''),
  } satisfies ChatDiffContents);
}

function orgModels(req: SimRequest, ctx: RouteContext): SimResponse {
  const caller = requireUser(req);
  const orgId = uuidParam(req, 'organization');
  if (!caller.organizationIds.includes(orgId)) notFound();
  const models = ctx.fleet.chats.store.modelsOf(orgId);
  return json({
    models: models.map((m) => ({
      id: m.id,
      organization_id: m.organizationId,
      ai_provider_id: providerId(m.provider),
      model: m.model,
      display_name: m.displayName,
      enabled: true,
      is_default: m.isDefault,
      context_limit: m.contextLimit,
      compression_threshold: 70,
      created_at: ctx.fleet.time(m.createdAt),
      updated_at: ctx.fleet.time(m.createdAt),
    })),
    providers: [...new Set(models.map((m) => m.provider))].map((p) => ({ id: providerId(p), type: p, display_name: p === 'openai' ? 'OpenAI' : 'Anthropic', enabled: true, has_api_key: true, available: true })),
    unsupported_providers: [],
  } satisfies OrganizationChatModelsResponse);
}

function providerId(provider: string): string {
  return provider === 'openai' ? '0b9c3e0a-0000-4000-8000-00000000a1a1' : '0b9c3e0a-0000-4000-8000-00000000a2a2';
}

function notUpgraded(): SimResponse {
  return fail(400, 'Expected a WebSocket upgrade.', 'This endpoint speaks WebSocket only (Connection: Upgrade, Upgrade: websocket).');
}

function streamAfterId(req: SimRequest): number {
  return cursor(req, 'after_id') ?? 0;
}

function chatRoutesUnder(prefix: string, available: (f: VersionFeatures) => boolean): Route[] {
  const P = `${prefix}/chats`;
  const r = (method: string, template: string, handler: Route['handler'], extra: Partial<Route> = {}): Route => ({ method, template, auth: true, available, handler, ...extra });
  return [
    r('GET', P, listChats),
    r('POST', P, createChat),
    // Before `/chats/{chat}`, which would match "watch" as a chat id.
    r('GET', `${P}/watch`, notUpgraded, { socket: (req) => ({ kind: 'watch', user: requireUser(req) }) }),
    r('GET', `${P}/{chat}`, (req, ctx) => json(toChat(ctx.fleet, readableChat(req, ctx), { single: true }))),
    r('PATCH', `${P}/{chat}`, updateChat),
    r('GET', `${P}/{chat}/messages`, listMessages),
    r('POST', `${P}/{chat}/messages`, sendMessage),
    r('POST', `${P}/{chat}/interrupt`, interruptChat),
    r('DELETE', `${P}/{chat}/queue/{queuedMessage}`, deleteQueued),
    r('POST', `${P}/{chat}/queue/{queuedMessage}/promote`, promoteQueued),
    r('GET', `${P}/{chat}/stream`, (req, ctx) => {
      readableChat(req, ctx);
      streamAfterId(req);
      return notUpgraded();
    }, { socket: (req, ctx) => ({ kind: 'stream', user: requireUser(req), chat: readableChat(req, ctx), afterId: streamAfterId(req) }) }),
    r('GET', `${P}/{chat}/cost`, chatCost),
    r('GET', `${P}/{chat}/diff`, chatDiff),
  ];
}

/** Coder Agents routes: /api/v2 from 2.37, /api/experimental on 2.32–2.37.0; org-scoped models from 2.37. */
export function chatRoutes(): Route[] {
  return [
    ...chatRoutesUnder('/api/v2', (f) => f.v2Chats),
    ...chatRoutesUnder('/api/experimental', (f) => f.experimentalChats),
    { method: 'GET', template: '/api/v2/organizations/{organization}/chats/models', auth: true, available: (f) => f.v2Chats, handler: orgModels },
  ];
}
