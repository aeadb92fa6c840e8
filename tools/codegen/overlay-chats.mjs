/**
 * Coder Agents (Chats API) fixes: the bundled snapshot (2026-08-03) describes chats only under
 * `/api/experimental` and predates the v2.37 promotion. Evidence is ../shared/docs/coder-chats-api.md
 * (cited as "doc §n") and coder/coder codersdk/chats.go (the Go wire types: a field without `omitempty`
 * is always sent; a pointer without `omitempty` is sent as `null`). One comment per fix.
 * Applied by overlay.mjs after pruning and before the shared error-response fix.
 */
const ref = (name) => ({ $ref: `#/components/schemas/${name}` });
const uuid = () => ({ type: 'string', format: 'uuid' });
const str = () => ({ type: 'string' });
const int = () => ({ type: 'integer' });
const bool = () => ({ type: 'boolean' });
const time = () => ({ type: 'string', format: 'date-time' });
const json = (schema) => ({ 'application/json': { schema } });
const chatParam = { name: 'chat', in: 'path', required: true, schema: str() };
const query = (name, schema) => ({ name, in: 'query', required: false, schema });

const EXP = '/api/experimental/chats';
const V2 = '/api/v2/chats';

/** @param {any} spec pruned OpenAPI 3.0 document (mutated in place). */
export function applyChatOverlay(spec) {
  const schemas = spec.components.schemas;
  if (!schemas['codersdk.Chat']) return; // chats not selected in operations.mjs

  // C1. Enums are open: "The API keeps moving weekly: treat every enum as open" (doc §0). Each enum becomes
  //     `known.X | string`, so an unknown value type-checks and callers map it to "unknown" instead of crashing.
  //     ChatStatus: the newest SDK has waiting, running, error, requires_action, interrupting; newest docs add
  //     paused; `pending` and `completed` were removed before v2.32 (doc §4) and are not "known" any more.
  openEnum(schemas, 'ChatStatus', ['waiting', 'running', 'error', 'requires_action', 'interrupting', 'paused']);
  //     ChatErrorKind gained content_filter, hook_dispatch_failed, hook_denied (chats.go AllChatErrorKinds).
  openEnum(schemas, 'ChatErrorKind', ['generic', 'overloaded', 'rate_limit', 'timeout', 'stream_silence_timeout', 'auth',
    'config', 'usage_limit', 'missing_key', 'provider_disabled', 'content_filter', 'hook_dispatch_failed', 'hook_denied']);
  //     Watch kinds gained chat_summary_change and context_dirty (chats.go), project_change (newest docs, doc §6).
  openEnum(schemas, 'ChatWatchEventKind', ['status_change', 'summary_change', 'chat_summary_change', 'title_change',
    'created', 'deleted', 'diff_status_change', 'action_required', 'context_dirty', 'project_change']);
  openEnum(schemas, 'ChatStreamEventType', ['message_part', 'message', 'status', 'error', 'queue_update', 'retry',
    'action_required', 'preview_reset', 'history_reset']);
  //     Part types gained hook-notice (chats.go) and workspace-file-reference (doc §4); hook-context is never returned.
  openEnum(schemas, 'ChatMessagePartType', ['text', 'reasoning', 'tool-call', 'tool-result', 'source', 'file',
    'file-reference', 'context-file', 'skill', 'workspace-file-reference', 'hook-notice']);
  //     Chat.mode exists on some builds (chats.go ChatMode; doc §4).
  openEnum(schemas, 'ChatMode', ['computer_use', 'explore', 'orchestrator']);
  //     The reach of the generated types: an `allOf: [ref]` wrapper around an enum adds nothing once it is open.
  unwrapAllOf(schemas['codersdk.ChatError'], 'kind');

  // C2. Chat: required = the Go fields without omitempty (chats.go `Chat`; doc §4 "?" marks the others).
  //     `last_turn_summary` and `summary` are *string without omitempty: always present, null until set.
  const chat = schemas['codersdk.Chat'];
  Object.assign(chat.properties, {
    last_turn_summary: { type: 'string', nullable: true },
    summary: { type: 'string', nullable: true },
    last_reasoning_effort: str(),
    mode: ref('codersdk.ChatMode'),
    // Only the single GET fills these (doc §3).
    queued_for_capacity: bool(),
    context: ref('codersdk.ChatContext'),
    // A subagent's parent and root, when this chat is a child (doc §4; depth is capped at 1).
    parent_chat_id: uuid(),
    root_chat_id: uuid(),
  });
  chat.required = ['id', 'organization_id', 'owner_id', 'last_model_config_id', 'title', 'status', 'last_turn_summary',
    'summary', 'created_at', 'updated_at', 'archived', 'shared', 'pin_order', 'mcp_server_ids', 'labels', 'has_unread',
    'client_type', 'children'];
  // C3. ChatContext is in chats.go but not in the snapshot: {dirty, dirty_since?, error?, resources?} (doc §4).
  schemas['codersdk.ChatContext'] = {
    type: 'object',
    required: ['dirty'],
    properties: { dirty: bool(), dirty_since: time(), error: str(), resources: { type: 'array', items: { type: 'object' } } },
  };
  // C4. ChatDiffStatus (PR tracking): non-omitempty fields are required; newest docs add git_branch, remote_origin.
  const diffStatus = schemas['codersdk.ChatDiffStatus'];
  Object.assign(diffStatus.properties, { git_branch: str(), remote_origin: str() });
  diffStatus.required = ['chat_id', 'pull_request_title', 'pull_request_draft', 'changes_requested', 'additions',
    'deletions', 'changed_files'];
  // C5. ChatError: `message` and `retryable` have no omitempty.
  schemas['codersdk.ChatError'].required = ['message', 'retryable'];
  // C6. ChatMessage: id, chat_id, created_at, role always present; `queued_message_id` on promoted messages (doc §4).
  const message = schemas['codersdk.ChatMessage'];
  message.properties.queued_message_id = int();
  message.required = ['id', 'chat_id', 'created_at', 'role'];
  schemas['codersdk.ChatQueuedMessage'].required = ['id', 'chat_id', 'content', 'created_at'];
  // C7. ChatMessagePart: `args`/`result` are json.RawMessage (any JSON, not byte arrays), `data` is []byte
  //     (base64 text on the wire); internal fields (`typescript:"-"`, stripped before API responses) are dropped.
  const part = schemas['codersdk.ChatMessagePart'];
  part.properties.args = {};
  part.properties.result = {};
  part.properties.data = { type: 'string', format: 'byte' };
  for (const internal of ['provider_metadata', 'context_file_content', 'context_file_os', 'context_file_directory',
    'skill_dir', 'context_file_skill_meta_file']) delete part.properties[internal];
  Object.assign(part.properties, { hook_rewritten: bool() }, workspaceFileFields());
  part.required = ['type'];
  // C8. ChatInputPart (what clients send) also takes workspace-file-reference and skill parts (doc §4).
  const inputTypes = schemas['codersdk.ChatInputPartType'];
  inputTypes.enum = [...new Set([...inputTypes.enum, 'workspace-file-reference', 'skill'])];
  const input = schemas['codersdk.ChatInputPart'];
  Object.assign(input.properties, { skill_name: str() }, workspaceFileFields());
  input.required = ['type'];
  // C9. CreateChatRequest: organization_id and content are required (no omitempty; content may be []: the chat
  //     is then created idle); newer servers take request_id (idempotency), reasoning_effort, owner_id, title (doc §4).
  const create = schemas['codersdk.CreateChatRequest'];
  Object.assign(create.properties, { request_id: str(), reasoning_effort: str(), owner_id: uuid(), title: str() });
  create.required = ['organization_id', 'content'];
  // C10. CreateChatMessageRequest: content required; busy_behavior queue|interrupt; request_id, reasoning_effort (doc §4).
  const send = schemas['codersdk.CreateChatMessageRequest'];
  Object.assign(send.properties, { request_id: str(), reasoning_effort: str(), busy_behavior: ref('codersdk.ChatBusyBehavior') });
  send.required = ['content'];
  // C11. CreateChatMessageResponse: `queued` always present; `messages` lists every inserted message (chats.go).
  const sent = schemas['codersdk.CreateChatMessageResponse'];
  sent.properties.messages = { type: 'array', items: ref('codersdk.ChatMessage') };
  sent.required = ['queued'];
  // C12. UpdateChatRequest: `read` (owner only) is newer; plan_mode "" clears it (chats.go: ptr to "" = clear).
  const update = schemas['codersdk.UpdateChatRequest'];
  update.properties.read = bool();
  update.properties.plan_mode = { type: 'string', enum: ['plan', ''] };
  // C13. ChatMessagesResponse: messages/has_more always; queued_messages only on the first cursor-less page
  //      (may be null otherwise); newest docs add turn_start_id (doc §4).
  const page = schemas['codersdk.ChatMessagesResponse'];
  page.properties.queued_messages = { type: 'array', nullable: true, items: ref('codersdk.ChatQueuedMessage') };
  page.properties.turn_start_id = int();
  page.required = ['messages', 'has_more'];
  // C14. ChatDiffContents: chat_id always; diff is omitempty (empty diff → absent).
  schemas['codersdk.ChatDiffContents'].required = ['chat_id'];
  // C15. Stream and watch payloads: required = fields without omitempty (chats.go ChatStreamEvent and friends).
  schemas['codersdk.ChatStreamEvent'].required = ['type', 'chat_id'];
  schemas['codersdk.ChatStreamStatus'].required = ['status'];
  schemas['codersdk.ChatStreamMessagePart'].required = ['part'];
  schemas['codersdk.ChatStreamRetry'].required = ['attempt', 'delay_ms', 'error', 'retrying_at'];
  unwrapAllOf(schemas['codersdk.ChatStreamRetry'], 'kind');
  schemas['codersdk.ChatStreamToolCall'].required = ['tool_call_id', 'tool_name', 'args'];
  schemas['codersdk.ChatStreamActionRequired'].required = ['tool_calls'];
  schemas['codersdk.ChatWatchEvent'].required = ['kind', 'chat'];
  // C16. ChatCost (GET /chats/{chat}/cost) is newer than the snapshot: AI Gateway cost of the whole chat tree (doc §4).
  schemas['codersdk.ChatCost'] = {
    type: 'object',
    required: ['chat_id', 'total_cost_micros', 'request_count', 'unpriced_request_count'],
    properties: { chat_id: uuid(), total_cost_micros: int(), request_count: int(), unpriced_request_count: int() },
  };

  const paths = spec.paths;
  // C17. GET /chats pages with after_id (chat UUID), limit and offset (doc §3: codersdk.Pagination); label repeats.
  paths[EXP].get.parameters = [
    ...paths[EXP].get.parameters.filter((p) => p.name !== 'label'),
    { name: 'label', in: 'query', required: false, style: 'form', explode: true, schema: { type: 'array', items: str() } },
    query('after_id', uuid()),
    query('limit', int()),
    query('offset', int()),
  ];
  // C18. The WebSockets answer 101 with JSON text frames: watch sends one ChatWatchEvent per frame; the
  //      per-chat stream sends a bare array of ChatStreamEvent (batches up to 256) and takes after_id (doc §6).
  //      (Older builds wrapped frames as {type: ping|data|error, data}; the client tolerates both.)
  paths[`${EXP}/watch`].get.responses = { 101: { description: 'Switching Protocols', content: json(ref('codersdk.ChatWatchEvent')) } };
  const stream = paths[`${EXP}/{chat}/stream`].get;
  stream.parameters = [chatParam, query('after_id', int())];
  stream.responses = {
    101: { description: 'Switching Protocols', content: json({ type: 'array', items: ref('codersdk.ChatStreamEvent') }) },
  };
  // C19. Routes newer than the snapshot (doc §3): cost; queue delete (2xx, 200 and 204 alike); promote (202 per
  //      newest docs, 200 with the promoted ChatMessage on older handlers; a stale id answers 404).
  const queueParam = { name: 'queuedMessage', in: 'path', required: true, schema: int() };
  paths[`${EXP}/{chat}/cost`] = {
    get: { operationId: 'get-chat-cost', parameters: [chatParam], responses: { 200: { description: 'OK', content: json(ref('codersdk.ChatCost')) } } },
  };
  paths[`${EXP}/{chat}/queue/{queuedMessage}`] = {
    delete: {
      operationId: 'delete-chat-queued-message',
      parameters: [chatParam, queueParam],
      responses: { 200: { description: 'OK' }, 204: { description: 'No Content' } },
    },
  };
  paths[`${EXP}/{chat}/queue/{queuedMessage}/promote`] = {
    post: {
      operationId: 'promote-chat-queued-message',
      parameters: [chatParam, queueParam],
      responses: { 200: { description: 'OK', content: json(ref('codersdk.ChatMessage')) }, 202: { description: 'Accepted' } },
    },
  };

  // C20. v2.37 serves the chat routes under /api/v2 (PRs #28496-#28498 double-mounted them 2026-08-24; #29548
  //      later removed the experimental copies). The /api/v2 form keeps the original operationIds; the
  //      /api/experimental form (2.32-2.36) becomes `experimental-…`, as for tasks.
  for (const [path, item] of Object.entries(paths)) {
    if (!path.startsWith(EXP)) continue;
    paths[path.replace(EXP, V2)] = structuredClone(item);
    for (const op of Object.values(item)) if (op && typeof op === 'object' && op.operationId) op.operationId = `experimental-${op.operationId}`;
  }

  // C21. Models are org-scoped from v2.37 (`GET /api/experimental/chats/models` answers 404 there; doc §3, §10):
  //      GET /api/v2/organizations/{organization}/chats/models → {models, providers, unsupported_providers}.
  schemas['codersdk.ChatModel'] = {
    type: 'object',
    required: ['id', 'organization_id', 'model', 'display_name', 'enabled', 'is_default'],
    properties: {
      id: uuid(), organization_id: uuid(), ai_provider_id: uuid(), model: str(), display_name: str(), enabled: bool(),
      is_default: bool(), context_limit: int(), compression_threshold: int(), model_config: { type: 'object' },
      reasoning_efforts: { type: 'array', items: str() }, created_at: time(), updated_at: time(),
    },
  };
  schemas['codersdk.ChatModelProviderDescriptor'] = {
    type: 'object',
    required: ['id', 'type', 'display_name', 'enabled', 'available'],
    properties: {
      id: uuid(), type: str(), display_name: str(), icon: str(), enabled: bool(), has_api_key: bool(),
      has_user_api_key: bool(), has_effective_api_key: bool(), allow_user_api_key: bool(), available: bool(),
      unavailable_reason: str(),
    },
  };
  schemas['codersdk.OrganizationChatModelsResponse'] = {
    type: 'object',
    required: ['models'],
    properties: {
      models: { type: 'array', items: ref('codersdk.ChatModel') },
      providers: { type: 'array', items: ref('codersdk.ChatModelProviderDescriptor') },
      unsupported_providers: { type: 'array', items: { type: 'object', properties: { provider: str(), display_name: str() } } },
    },
  };
  paths['/api/v2/organizations/{organization}/chats/models'] = {
    get: {
      operationId: 'list-organization-chat-models',
      parameters: [{ name: 'organization', in: 'path', required: true, schema: uuid() }],
      responses: { 200: { description: 'OK', content: json(ref('codersdk.OrganizationChatModelsResponse')) } },
    },
  };
}

/** A workspace-file-reference part's fields (doc §4), in both message and input parts. */
function workspaceFileFields() {
  return {
    workspace_file_path: str(),
    workspace_file_name: str(),
    workspace_file_size: int(),
    workspace_file_workspace_id: uuid(),
    workspace_file_media_type: str(),
  };
}

/** `codersdk.X` becomes `known.X | string`; `known.X` keeps the listed values as a closed enum. */
function openEnum(schemas, name, values) {
  schemas[`known.${name}`] = { type: 'string', enum: values };
  schemas[`codersdk.${name}`] = { anyOf: [ref(`known.${name}`), { type: 'string' }] };
}

function unwrapAllOf(schema, field) {
  const prop = schema?.properties?.[field];
  if (prop?.allOf?.length === 1) schema.properties[field] = prop.allOf[0];
}
