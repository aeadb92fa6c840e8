/**
 * The Workspaces backend (issue #17): agents are plain Coder workspaces whose agent runs an AI app (AgentAPI; the
 * Claude Code module's `ccw` unless `--agent-app-slug` says otherwise), as fleet agents of kind `workspace`. It
 * needs neither Coder Tasks nor Coder Agents, so it serves any Coder version (2.37+ included).
 *
 *   read     GET /api/v2/workspaces, one request per page (the first page says how many there are; the rest
 *            are read with bounded concurrency), single-flight cached; fleet-domain says which workspaces are
 *            agents (the AI app, a status report, or a template version with an AI prompt parameter: stopped
 *            workspaces have no apps) and maps them (WORKSPACE_STATUS_TABLE). Pages are indexed, not parsed
 *            whole: a workspace whose bytes are unchanged since the previous read keeps its agent (as tasks do).
 *   steer    AgentAPI through Coder's path-based app proxy with the session token: input is a `user` message
 *            (AgentAPI refuses it with 409 while a turn runs), interrupt a `raw` ESC, the conversation GET messages.
 *            A proxy refusal (path apps disabled, no access, agent offline) is a clear failure naming the setting.
 *   lifecycle workspace create (template + preset, the task in the AI prompt parameter), stop/start/delete builds.
 */
import { findAiApp, isAgentWorkspace, isAiPromptParameter, reassessAgent, resolveAgentRef, toWorkspaceAgent, type Agent, type AttentionThresholds } from '@org/fleet-domain';
import type { WorkspaceListBody } from '@org/coder-api-client';
import type { AgentApiMessage, AgentApiTarget, CoderApiError, CoderClient, CoderResult, TaskLogEntry, Workspace, WorkspaceBuild } from '../coder.js';
import type { Clock } from '../clock.js';
import { fromCoderApiError, fromDomainError, mayHaveBeenApplied, outcomeUnknown, toolFailure, type Outcome, type ToolFailure } from '../failures.js';
import { mapListIncrementally, type MappedList } from '../runtime/incremental-list.js';
import { createSingleFlightCache } from '../runtime/single-flight-cache.js';
import type { TemplateCatalog } from '../runtime/template-catalog.js';
import { mapBounded } from '../runtime/template-facts.js';
import { toMutationSignals, type FleetRead, type HeldCreate, type HeldCreatePort, type MutationSignals, type QueueDeliveryPort, type SendOutcome } from './backend.js';

export type WorkspacesClient = Pick<
  CoderClient,
  'listWorkspaces' | 'listWorkspacesIndexed' | 'getWorkspace' | 'createWorkspace' | 'createWorkspaceBuild' | 'getWorkspaceBuildParameters' | 'getAgentApiStatus' | 'getAgentApiMessages' | 'postAgentApiMessage'
>;

/** An agent workspace the caller pinned, read fresh from Coder (lifecycle decisions need the current state). */
export interface WorkspaceTarget {
  readonly id: string;
  /** owner/name */
  readonly ref: string;
  readonly workspace: Workspace;
  readonly agent: Agent;
  /** Where its AgentAPI is; absent while the workspace has no agent with the AI app (stopped, building). */
  readonly app?: AgentApiTarget;
}

export interface WorkspaceCreateRequest {
  organizationId: string;
  owner: string;
  name: string;
  templateVersionId: string;
  presetId?: string;
  /** The rich parameter that carries the task (the template's AI prompt parameter). */
  promptParameter: string;
  prompt: string;
}

export interface WorkspacesBackend {
  list(options?: { force?: boolean }): Promise<CoderResult<FleetRead>>;
  invalidate(): void;
  /** By id, name or owner/name (names case-insensitively); `missing` when no agent workspace matches. */
  resolve(ref: string, signal?: AbortSignal): Promise<Outcome<WorkspaceTarget> | 'missing'>;
  load(id: string, signal?: AbortSignal): Promise<Outcome<WorkspaceTarget>>;
  /** The AgentAPI conversation as log entries (`user` → input, `agent` → output), oldest first. */
  conversation(target: WorkspaceTarget, signal?: AbortSignal): Promise<Outcome<TaskLogEntry[]>>;
  /** A `user` message; AgentAPI refuses it while a turn runs (agent_busy: there is no queue). */
  sendInput(target: WorkspaceTarget, text: string, signal?: AbortSignal | MutationSignals): Promise<Outcome<SendOutcome>>;
  /** ESC as a raw message while a turn runs; `unchanged` when AgentAPI says it is stable already. */
  interrupt(target: WorkspaceTarget, signal?: AbortSignal | MutationSignals): Promise<Outcome<{ agent: Agent; unchanged: boolean }>>;
  build(target: WorkspaceTarget, transition: 'start' | 'stop' | 'delete', signal?: AbortSignal): Promise<CoderResult<WorkspaceBuild>>;
  create(request: WorkspaceCreateRequest, signal?: AbortSignal | MutationSignals): Promise<Outcome<{ agent: Agent; workspace: Workspace; recovered?: string }>>;
  /** The name of an AI prompt parameter of a template version, if it has one. */
  promptParameter(templateVersionId: string): Promise<CoderResult<string | undefined>>;
  /** How the queue dispatcher delivers stored input: the workspace read fresh, a `user` message, the user messages. */
  readonly deliveryPort: QueueDeliveryPort;
  /** How the queue dispatcher makes a create held at --capacity, and recognises it by name and prompt. */
  readonly heldCreates: HeldCreatePort;
}

type ListedWorkspace = Workspace & { readonly id: string };
/** What one listed workspace maps to: its agent, nothing (plain or out of scope), or waiting for its template version. */
type WorkspaceSlot = Agent | null | { readonly pending: Workspace };
const LIST_OPERATION = 'GET /api/v2/workspaces';

export const DEFAULT_WORKSPACE_PAGE_SIZE = 500;
export const WORKSPACE_PAGE_CONCURRENCY = 4;
/** Most pages read per fleet read (20,000 workspaces by default, past the 10,000 agents the server is built for). */
export const DEFAULT_WORKSPACE_MAX_PAGES = 40;
const VERSION_LOOKUP_CONCURRENCY = 4;
/** AgentAPI's interrupt: the ESC key typed into the agent's terminal. */
export const ESC = '\u001b';

export function createWorkspacesBackend(options: {
  coder: WorkspacesClient;
  clock: Clock;
  templates: Pick<TemplateCatalog, 'parameters'>;
  thresholds: AttentionThresholds;
  appSlug: string;
  ttlMs: number;
  loadTimeoutMs: number;
  /** Restrict to these owners (usernames, --owner). */
  owners?: readonly string[];
  pageSize?: number;
  maxPages?: number;
}): WorkspacesBackend {
  const { coder, clock, thresholds, appSlug } = options;
  const pageSize = options.pageSize ?? DEFAULT_WORKSPACE_PAGE_SIZE;
  const maxPages = options.maxPages ?? DEFAULT_WORKSPACE_MAX_PAGES;
  const owners = new Set((options.owners ?? []).map((o) => o.toLowerCase()));
  const cache = createSingleFlightCache<CoderResult<FleetRead>>({ clock, ttlMs: options.ttlMs, loadTimeoutMs: options.loadTimeoutMs, shouldCache: (r) => r.ok });
  /** Template versions known to carry an AI prompt parameter (template versions never change). */
  const promptVersions = new Map<string, string | undefined>();
  const toAgent = (ws: Workspace, now = clock.now()): Agent => toWorkspaceAgent(ws, now, { ...thresholds, appSlug });
  const inScope = (ws: Workspace) => owners.size === 0 || owners.has((ws.owner_name ?? '').toLowerCase());
  const isAgent = (ws: Workspace) => isAgentWorkspace(ws, { appSlug, hasAiPrompt: (v) => promptVersions.get(v) !== undefined });

  const promptParameter: WorkspacesBackend['promptParameter'] = async (versionId) => {
    if (promptVersions.has(versionId)) return { ok: true, status: 200, value: promptVersions.get(versionId) };
    const r = await options.templates.parameters(versionId);
    if (!r.ok) return r;
    const name = r.value.find((p) => isAiPromptParameter(p.name ?? ''))?.name;
    promptVersions.set(versionId, name);
    return { ok: true, status: r.status, value: name };
  };

  // One owner in scope: Coder filters (fewer pages); several are filtered here.
  const q = owners.size === 1 ? `owner:${[...owners][0] ?? ''}` : undefined;
  /** The previous read: a workspace whose bytes are unchanged keeps its agent (re-judged for time-based attention only). */
  let previous: MappedList<ListedWorkspace, WorkspaceSlot> | undefined;
  const load = async (signal: AbortSignal): Promise<CoderResult<FleetRead>> => {
    const first = await coder.listWorkspacesIndexed({ limit: pageSize, ...(q ? { q } : {}) }, { signal });
    if (!first.ok) return first;
    const pages = Math.min(maxPages, Math.max(1, Math.ceil(first.value.count / pageSize)));
    const rest = await mapBounded(
      Array.from({ length: pages - 1 }, (_, i) => i + 1),
      WORKSPACE_PAGE_CONCURRENCY,
      (page) => coder.listWorkspacesIndexed({ limit: pageSize, offset: page * pageSize, ...(q ? { q } : {}) }, { signal }),
    );
    const bodies: WorkspaceListBody[] = [first.value];
    for (const r of rest) {
      if (!r.ok) return r;
      bodies.push(r.value);
    }
    const fetchedAt = clock.now();
    const mapped = mapListIncrementally<ListedWorkspace, WorkspaceSlot>(bodies, previous, {
      // A workspace still waiting for its template version's answer is mapped again.
      keep: (kept) => (kept === null ? null : 'pending' in kept ? undefined : reassessAgent(kept, fetchedAt, thresholds)),
      map: (ws) => {
        if (!inScope(ws)) return null;
        const v = ws.latest_build?.template_version_id;
        // Without the AI app (stopped workspaces have no apps) the template version says: looked up below.
        if (v && !promptVersions.has(v) && !findAiApp(ws, appSlug)) return { pending: ws };
        return isAgent(ws) ? toAgent(ws, fetchedAt) : null;
      },
    });
    if (!mapped.ok) return { ok: false, error: { kind: 'unexpected_response', status: first.status, operation: LIST_OPERATION, message: `Unexpected response shape: ${mapped.problem}.` } };
    const unknown = new Set<string>();
    for (const page of mapped.read.slots) for (const slot of page) if (slot && 'pending' in slot) unknown.add(slot.pending.latest_build?.template_version_id ?? '');
    await mapBounded([...unknown], VERSION_LOOKUP_CONCURRENCY, (v) => promptParameter(v));
    // A version whose lookup failed stays pending (not listed, asked again next read), as before.
    const resolvePending = (slot: WorkspaceSlot): WorkspaceSlot =>
      slot && 'pending' in slot && promptVersions.has(slot.pending.latest_build?.template_version_id ?? '') ? (isAgent(slot.pending) ? toAgent(slot.pending, fetchedAt) : null) : slot;
    const slots = unknown.size === 0 ? mapped.read.slots : mapped.read.slots.map((page) => page.map(resolvePending));
    previous = { ...mapped.read, slots };
    const agents: Agent[] = [];
    for (const page of slots) for (const slot of page) if (slot && !('pending' in slot)) agents.push(slot);
    return { ok: true, status: first.status, value: { agents, count: agents.length, fetchedAt } };
  };
  const list: WorkspacesBackend['list'] = (listOptions = {}) => cache.get('workspaces', load, listOptions);

  const notFound = (ref: string): ToolFailure => fromDomainError({ kind: 'agent_not_found', ref });
  const coderFailure = (error: CoderApiError, action: string, ref: string): ToolFailure =>
    error.kind === 'not_found' ? notFound(ref) : fromCoderApiError(error, { action: `${action} agent '${ref}'`, subject: `Agent '${ref}'` });

  const targetOf = (ws: Workspace): WorkspaceTarget => {
    const app = agentApiTargetOf(ws, appSlug);
    return { id: ws.id ?? '', ref: `${ws.owner_name ?? ''}/${ws.name ?? ''}`, workspace: ws, agent: toAgent(ws), ...(app ? { app } : {}) };
  };
  const loadOne: WorkspacesBackend['load'] = async (id, signal) => {
    const r = await coder.getWorkspace(id, { signal });
    if (!r.ok) return { ok: false, failure: coderFailure(r.error, 'read', id) };
    return { ok: true, value: targetOf(r.value) };
  };

  /** The AgentAPI target, or why the agent cannot be reached now (stopped, starting, no AI app). */
  const appOf = (target: WorkspaceTarget, verb: string): Outcome<AgentApiTarget> =>
    target.app && target.agent.status !== 'paused' && target.agent.status !== 'starting'
      ? { ok: true, value: target.app }
      : {
          ok: false,
          failure: toolFailure(
            target.agent.status === 'paused' ? 'agent_paused' : target.agent.status === 'starting' ? 'agent_starting' : 'agent_offline',
            `Cannot ${verb} agent '${target.ref}': its workspace is ${target.agent.workspace.status ?? 'not running'} (${target.agent.statusReason}), so its AI app is not running.`,
            target.agent.status === 'paused' ? 'Call resume_agent, wait until get_agent_details shows it idle, then try again.' : 'Wait until get_agent_details shows the agent idle, then try again.',
            { details: { status: target.agent.status, next_tools: target.agent.status === 'paused' ? ['resume_agent', 'get_agent_details'] : ['get_agent_details'] } },
          ),
        };

  /**
   * Whether a refused message met a running turn: AgentAPI versions word that refusal differently (409, or a
   * 4xx/5xx saying the agent is not waiting for input), so its status says. Not for transport failures.
   */
  const runningNow = async (app: AgentApiTarget, error: CoderApiError, signal?: AbortSignal): Promise<boolean> => {
    if (error.status === undefined || error.kind === 'forbidden' || error.kind === 'not_found' || error.kind === 'unauthorized' || error.status === 502) return false;
    const st = await coder.getAgentApiStatus(app, { signal });
    return st.ok && st.value.status === 'running';
  };

  /** The AgentAPI of a workspace read now; a workspace without a running AI app is a 409 (busy for now: the dispatcher retries). */
  const appTarget = async (id: string): Promise<CoderResult<AgentApiTarget>> => {
    const r = await coder.getWorkspace(id);
    if (!r.ok) return r;
    const app = targetOf(r.value).app;
    return app ? { ok: true, status: r.status, value: app } : { ok: false, error: { kind: 'conflict', status: 409, operation: 'AgentAPI', message: 'the AI app of the workspace is not running' } };
  };

  /** The owner's workspace by this name, and whether it was built with this very prompt (undefined: cannot tell now). */
  const findByPrompt = async (
    request: Pick<WorkspaceCreateRequest, 'owner' | 'name' | 'promptParameter' | 'prompt'>,
    signal?: AbortSignal,
  ): Promise<{ ws?: Workspace; verdict: 'ours' | 'other' | 'absent' | undefined }> => {
    const listed = await coder.listWorkspaces({ q: `owner:${request.owner} name:${request.name}` }, { signal });
    if (!listed.ok) return { verdict: undefined };
    const ws = listed.value.workspaces.find((w) => (w.name ?? '').toLowerCase() === request.name.toLowerCase());
    if (!ws) return { verdict: 'absent' };
    const used = ws.latest_build?.id ? await coder.getWorkspaceBuildParameters(ws.latest_build.id, { signal }) : undefined;
    if (!used?.ok) return { ws, verdict: undefined };
    const same = used.value.some((p) => p.name === request.promptParameter && (p.value ?? '').trim() === request.prompt.trim());
    return { ws, verdict: same ? 'ours' : 'other' };
  };
  const heldRequest = (c: HeldCreate): WorkspaceCreateRequest => ({
    organizationId: c.workspace?.organizationId ?? '',
    owner: c.owner,
    name: c.name,
    templateVersionId: c.templateVersionId,
    ...(c.presetId ? { presetId: c.presetId } : {}),
    promptParameter: c.workspace?.promptParameter ?? '',
    prompt: c.input,
  });

  return {
    list,
    invalidate: () => cache.invalidate(),
    async resolve(ref, signal) {
      // Coder names workspaces in lowercase and ids are lowercase UUIDs: look up case-insensitively.
      const wanted = ref.trim().toLowerCase();
      for (const force of [false, true]) {
        const r = await list({ force });
        if (!r.ok) return { ok: false, failure: fromCoderApiError(r.error, { action: `look up agent '${ref}'`, subject: `Agent '${ref}'` }) };
        const found = resolveAgentRef(r.value.agents, wanted, (a) => a);
        if (found.ok) return loadOne(found.value.id, signal);
        if (found.error.kind !== 'agent_not_found') return { ok: false, failure: fromDomainError(found.error) };
      }
      return 'missing';
    },
    load: loadOne,
    async conversation(target, signal) {
      const app = appOf(target, 'read the conversation of');
      if (!app.ok) return app;
      const r = await coder.getAgentApiMessages(app.value, { signal });
      if (!r.ok) return { ok: false, failure: proxyFailure(r.error, target, 'read the conversation of') };
      return { ok: true, value: r.value.messages.map(toLogEntry) };
    },
    async sendInput(target, text, signals) {
      const s = toMutationSignals(signals);
      const app = appOf(target, 'send input to');
      if (!app.ok) return app;
      const r = await coder.postAgentApiMessage(app.value, { content: text, type: 'user' }, { signal: s.request });
      if (r.ok) {
        cache.invalidate();
        return { ok: true, value: { kind: 'delivered', agent: target.agent, interrupted: false } };
      }
      if (mayHaveBeenApplied(r.error, s.caller?.aborted)) {
        // The answer was lost: the conversation says whether AgentAPI took the message.
        const now = await coder.getAgentApiMessages(app.value, { signal: s.reread() });
        cache.invalidate();
        const last = now.ok ? [...now.value.messages].reverse().find((m) => m.role === 'user') : undefined;
        if (last && last.content.trim() === text.trim()) {
          return { ok: true, value: { kind: 'delivered', agent: target.agent, interrupted: false, recovered: `AgentAPI's answer was lost (${r.error.kind}); its conversation shows the input was delivered.` } };
        }
        return { ok: false, failure: outcomeUnknown(`The input to agent ${target.ref} may or may not have been delivered`, r.error.kind, `check with get_agent_logs agent=${target.ref} type=input (is it there?) before sending it again.`) };
      }
      if (r.error.kind === 'conflict' || (await runningNow(app.value, r.error, s.caller))) return { ok: false, failure: busyFailure(target) };
      return { ok: false, failure: proxyFailure(r.error, target, 'send input to') };
    },
    async interrupt(target, signals) {
      const s = toMutationSignals(signals);
      const app = appOf(target, 'interrupt');
      if (!app.ok) return app;
      const status = await coder.getAgentApiStatus(app.value, { signal: s.caller });
      if (!status.ok) return { ok: false, failure: proxyFailure(status.error, target, 'interrupt') };
      if (status.value.status !== 'running') return { ok: true, value: { agent: target.agent, unchanged: true } };
      const r = await coder.postAgentApiMessage(app.value, { content: ESC, type: 'raw' }, { signal: s.request });
      // ESC twice does no harm: a lost answer is simply sent again.
      const sent = r.ok || !mayHaveBeenApplied(r.error, s.caller?.aborted) ? r : await coder.postAgentApiMessage(app.value, { content: ESC, type: 'raw' }, { signal: s.reread() });
      if (!sent.ok) return { ok: false, failure: proxyFailure(sent.error, target, 'interrupt') };
      cache.invalidate();
      const fresh = await loadOne(target.id, s.caller);
      return { ok: true, value: { agent: fresh.ok ? fresh.value.agent : target.agent, unchanged: false } };
    },
    async build(target, transition, signal) {
      const r = await coder.createWorkspaceBuild(target.id, { transition }, { signal });
      if (r.ok) cache.invalidate();
      return r;
    },
    async create(request, signals) {
      const s = toMutationSignals(signals);
      const r = await coder.createWorkspace(request.organizationId, request.owner, createBody(request), { signal: s.request });
      cache.invalidate();
      if (r.ok) return { ok: true, value: { agent: toAgent(r.value), workspace: r.value } };
      const taken = r.error.kind === 'conflict' || /already exists/i.test(`${r.error.message} ${r.error.detail ?? ''}`);
      if (!taken && !mayHaveBeenApplied(r.error, s.caller?.aborted)) return { ok: false, failure: fromCoderApiError(r.error, { action: `create agent workspace '${request.owner}/${request.name}'` }) };
      // Lost answer or name taken: the workspace by that name is ours when it was built with this very prompt.
      const { ws, verdict } = await findByPrompt(request, s.reread());
      if (ws && verdict === 'ours') {
        const recovered = taken
          ? `A workspace ${request.owner}/${request.name} with this exact prompt already exists (an earlier attempt of this request): no second agent was created.`
          : `Coder's answer to the create was lost (${r.error.kind}); a re-read shows the workspace ${request.owner}/${request.name} was created.`;
        return { ok: true, value: { agent: toAgent(ws), workspace: ws, recovered } };
      }
      if (taken) {
        return { ok: false, failure: toolFailure('name_taken', `The owner '${request.owner}' already has a workspace named '${request.name}' (Coder: ${r.error.message}). Nothing was created.`, 'Choose another name, or omit name to let the server generate one.') };
      }
      return { ok: false, failure: outcomeUnknown(`Creating agent ${request.owner}/${request.name} may or may not have happened`, r.error.kind, `check with get_agent_details agent=${request.owner}/${request.name} in a few seconds; if you retry, pass name=${request.name} so a second agent cannot be created.`) };
    },
    promptParameter,
    heldCreates: {
      async create(c) {
        const request = heldRequest(c);
        const r = await coder.createWorkspace(request.organizationId, request.owner, createBody(request));
        if (r.ok) cache.invalidate();
        // Coder words a taken workspace name as a 400 or 409 "already exists": the dispatcher checks by name (409).
        if (!r.ok && /already exists/i.test(`${r.error.message} ${r.error.detail ?? ''}`)) return { ok: false, error: { ...r.error, kind: 'conflict', status: 409 } };
        return r;
      },
      find: async (c) => (await findByPrompt(heldRequest(c))).verdict,
    },
    deliveryPort: {
      async read(_owner, agentId) {
        const r = await coder.getWorkspace(agentId);
        return r.ok ? { ...r, value: toAgent(r.value) } : r;
      },
      async send(_owner, agentId, input) {
        const app = await appTarget(agentId);
        if (!app.ok) return app;
        const r = await coder.postAgentApiMessage(app.value, { content: input, type: 'user' });
        if (r.ok) cache.invalidate();
        // However AgentAPI words "a turn runs", the dispatcher reads it as busy for now (409: the item keeps its place).
        if (!r.ok && r.error.kind !== 'conflict' && (await runningNow(app.value, r.error))) return { ok: false, error: { ...r.error, kind: 'conflict', status: 409 } };
        return r;
      },
      async inputs(_owner, agentId) {
        const app = await appTarget(agentId);
        if (!app.ok) return app;
        const r = await coder.getAgentApiMessages(app.value);
        return r.ok ? { ...r, value: r.value.messages.filter((m) => m.role === 'user') } : r;
      },
    },
  };
}

function toLogEntry(m: AgentApiMessage): TaskLogEntry {
  return { id: m.id, type: m.role === 'user' ? 'input' : 'output', content: m.content, time: m.time };
}

function busyFailure(target: WorkspaceTarget): ToolFailure {
  return toolFailure(
    'agent_busy',
    `Agent '${target.ref}' is busy (its AI app is running a turn) and takes input only when idle; workspace agents have no queue.`,
    'Wait until get_agent_details shows it idle (or call interrupt_agent to stop the turn), then call send_agent_input again with the same input.',
    { retryAfterMs: 30_000, details: { status: 'busy', next_tools: ['get_agent_details', 'interrupt_agent', 'send_agent_input'] } },
  );
}

/**
 * Coder's app proxy could not reach the AI app: say which Coder setting or state is the cause and what to do.
 * 403 path apps disabled (or no access), 404 no such app for this token, 401 token, 502 agent not connected.
 */
function createBody(request: WorkspaceCreateRequest) {
  return {
    name: request.name,
    template_version_id: request.templateVersionId,
    ...(request.presetId ? { template_version_preset_id: request.presetId } : {}),
    rich_parameter_values: [{ name: request.promptParameter, value: request.prompt }],
  };
}

/** Where a workspace's AgentAPI is behind the path-app proxy; undefined while it has no agent with the AI app. */
export function agentApiTargetOf(ws: Workspace, appSlug: string): AgentApiTarget | undefined {
  const found = findAiApp(ws, appSlug);
  return found && found.agent.name && found.app.slug ? { owner: ws.owner_name ?? '', workspace: ws.name ?? '', agent: found.agent.name, slug: found.app.slug } : undefined;
}

export function proxyFailure(error: CoderApiError, target: Pick<WorkspaceTarget, 'ref' | 'app'>, verb: string): ToolFailure {
  const where = target.app ? `/@${target.app.owner}/${target.app.workspace}.${target.app.agent}/apps/${target.app.slug}/` : 'the AI app';
  const said = `${error.message}${error.detail ? ` (${error.detail})` : ''}`;
  const fail = (message: string, hint: string) =>
    toolFailure('app_unreachable', `Cannot ${verb} agent '${target.ref}': Coder's app proxy refused ${where}: ${message}`, hint, { details: { coder_status: error.status, coder_kind: error.kind } });
  switch (error.kind) {
    case 'forbidden':
      return /path-based|path based|disabled/i.test(said)
        ? fail(`path-based apps are disabled on this deployment (Coder: ${said}).`, 'Ask a Coder admin to allow path-based apps (unset CODER_DISABLE_PATH_APPS / --disable-path-apps), or give the agent template a subdomain app; until then read the agent with get_agent_details.')
        : fail(`this token may not open the app (Coder: ${said}).`, "Use a session token of the workspace owner (or an admin token whose scope includes application_connect / 'all'); the app's sharing level decides who may open it.");
    case 'not_found':
      return fail(`no such app for this token (Coder: ${said}).`, `Check that the workspace runs an app with slug '${target.app?.slug ?? ''}' (--agent-app-slug) and that this token may see the workspace; get_agent_details shows its apps.`);
    case 'unauthorized':
      return fail(`the session token was rejected (Coder: ${said}).`, 'Renew CODER_SESSION_TOKEN and restart the server.');
    case 'upstream_unavailable':
    case 'server_error':
      return fail(`the workspace agent is not reachable (Coder: ${said}).`, 'The workspace may be stopped or its agent disconnected: check get_agent_details; resume_agent starts a stopped workspace, restart_agent restarts one whose agent is stuck.');
    default:
      return fromCoderApiError(error, { action: `${verb} agent '${target.ref}'`, subject: `Agent '${target.ref}'` });
  }
}
