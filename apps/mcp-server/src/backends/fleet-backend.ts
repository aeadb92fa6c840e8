/**
 * The fleet backend the tools call: which Coder surfaces this deployment offers (detected once, at the
 * first read, from the client's `detectCapabilities()`), the union read of all of them, one resolver over
 * every kind, and `supports()`.
 *
 *   Coder 2.27–2.31           Tasks only
 *   Coder 2.32–2.36 (and ESR) Tasks + Chats under /api/experimental: both kinds appear
 *   Coder 2.37+               Chats under /api/v2 only: the Tasks API is never called (no `tasks_unsupported`)
 *   neither, or --backend workspaces   agents are plain workspaces running an AI app (workspaces-backend.ts)
 *
 * The Tasks side is today's runtime unchanged (tasks-list single-flight incremental read, resolver).
 */
import type { AgentKind } from '@org/fleet-domain';
import type { Capabilities, CoderClient, CoderResult } from '../coder.js';
import { fromCoderApiError, fromDomainError, type Outcome } from '../failures.js';
import type { AgentResolver, ResolvedAgent } from '../runtime/agent-resolver.js';
import type { TaskListSource } from '../runtime/task-list.js';
import type { AgentsBackend, ChatTarget } from './agents-backend.js';
import type { WorkspacesBackend, WorkspaceTarget } from './workspaces-backend.js';
import { chatQueue, queueFor, type AgentQueue } from './agent-queue.js';
import { supportFor, type Capability, type FleetPushSource, type FleetRead, type FleetReadSource, type QueueDeliveryPort, type Support } from './backend.js';

export type FleetTarget = { kind: 'task'; task: ResolvedAgent } | { kind: 'chat'; chat: ChatTarget } | { kind: 'workspace'; workspace: WorkspaceTarget };

export interface FleetBackend extends FleetReadSource, FleetPushSource {
  /** The agent kinds this deployment serves (detected once; a failed detection is retried on the next call). */
  kinds(signal?: AbortSignal): Promise<CoderResult<readonly AgentKind[]>>;
  /**
   * The kinds, with a Chats API that the version promises settled first: until a fleet read has met the chat
   * routes (answering, or 404 without the agents experiment) this reads the fleet once, so a create is not sent
   * to chat routes that are missing.
   */
  settledKinds(signal?: AbortSignal): Promise<CoderResult<readonly AgentKind[]>>;
  supports(capability: Capability, kind: AgentKind): Support;
  /** An agent reference of any kind: task id, name or owner/name; chat id. */
  resolve(ref: string, signal?: AbortSignal): Promise<Outcome<FleetTarget>>;
  /** The queue of input waiting for agents of `kind` (Coder's per-chat queue; the store's for tasks), or the refusal. */
  queue(kind: AgentKind): Outcome<AgentQueue>;
  readonly tasks: TaskListSource;
  readonly chats: AgentsBackend;
  readonly workspaces: WorkspacesBackend;
}

/** Agent kinds for a deployment's capabilities: tasks when it has a Tasks API, chats when it has a Chats API. */
export function kindsFor(caps: Pick<Capabilities, 'tasks' | 'chats'>): AgentKind[] {
  const kinds: AgentKind[] = [];
  if (caps.tasks !== 'none') kinds.push('task');
  if (caps.chats !== 'none') kinds.push('chat');
  return kinds;
}

export function createFleetBackend(deps: {
  coder: Pick<CoderClient, 'detectCapabilities'>;
  tasks: TaskListSource;
  taskResolver: AgentResolver;
  chats: AgentsBackend;
  workspaces: WorkspacesBackend;
  /** `--backend workspaces`: serve workspace agents only, whatever else the deployment offers. */
  workspacesOnly?: boolean;
  /** A queue for task agents held by this server (the fleet store); absent: task agents have none. */
  taskQueue?: AgentQueue;
}): FleetBackend {
  const { coder, tasks, taskResolver, chats, workspaces } = deps;
  const queues = { chat: chatQueue(chats), task: deps.taskQueue };
  let detected: Promise<CoderResult<readonly AgentKind[]>> | undefined;
  /**
   * Set when the chat routes answer 404 although the version has them (2.32 without the `agents`
   * experiment, a proxy that strips them): the deployment is then served as Tasks only, or (no Tasks either)
   * as workspace agents.
   */
  let chatsMissing = false;
  /** Set once a chats read answered: the chat routes exist. */
  let chatsConfirmed = false;
  const withoutMissing = (k: readonly AgentKind[]): readonly AgentKind[] => {
    if (!chatsMissing) return k;
    const left = k.filter((x) => x !== 'chat');
    return left.length > 0 ? left : ['workspace'];
  };
  const chatsAbsent = (r: CoderResult<unknown>): boolean => !r.ok && r.error.kind === 'not_found';

  const detect: FleetBackend['kinds'] = (signal) => {
    detected ??= coder.detectCapabilities({ ...(signal ? { signal } : {}) }).then((r) => {
      if (!r.ok) {
        detected = undefined;
        return r;
      }
      // A deployment with neither (or --backend workspaces): agents are plain workspaces running an AI app.
      const k = deps.workspacesOnly ? [] : kindsFor(r.value);
      return { ok: true as const, status: r.status, value: k.length > 0 ? k : (['workspace'] as const) };
    });
    return detected;
  };
  const kinds: FleetBackend['kinds'] = async (signal) => {
    const k = await detect(signal);
    return k.ok ? { ...k, value: withoutMissing(k.value) } : k;
  };

  const list: FleetBackend['list'] = async (options = {}) => {
    const k = await kinds();
    if (!k.ok) return k;
    if (k.value.includes('workspace')) return workspaces.list(options);
    const hasTasks = k.value.includes('task');
    const hasChats = k.value.includes('chat');
    if (hasTasks && !hasChats) return tasks.list(options);
    if (hasChats && !hasTasks) {
      const c = await chats.list(options);
      if (c.ok) chatsConfirmed = true;
      if (!chatsAbsent(c)) return c;
      chatsMissing = true;
      return list(options);
    }
    const [t, c] = await Promise.all([tasks.list(options), chats.list(options)]);
    if (!t.ok) return t;
    if (chatsAbsent(c)) {
      chatsMissing = true;
      return t;
    }
    if (!c.ok) return c;
    chatsConfirmed = true;
    const agents = [...t.value.agents, ...c.value.agents];
    const read: FleetRead = { agents, count: agents.length, fetchedAt: c.value.fetchedAt > t.value.fetchedAt ? c.value.fetchedAt : t.value.fetchedAt };
    return { ok: true, status: c.status, value: read };
  };

  return {
    kinds,
    async settledKinds(signal) {
      const k = await kinds(signal);
      if (!k.ok || !k.value.includes('chat') || chatsConfirmed || chatsMissing) return k;
      await list();
      return kinds(signal);
    },
    list,
    invalidate() {
      tasks.invalidate();
      chats.invalidate();
      workspaces.invalidate();
    },
    supports: (capability, kind) => (kind !== 'chat' && capability === 'queue_when_busy' && deps.taskQueue ? TASK_QUEUE_SUPPORT : supportFor(kind, capability)),
    async resolve(ref, signal) {
      if (ref.trim() === '') return { ok: false, failure: fromDomainError({ kind: 'invalid_agent_ref', ref }) };
      const k = await kinds(signal);
      if (!k.ok) return { ok: false, failure: fromCoderApiError(k.error, { action: `look up agent '${ref}'`, subject: `Agent '${ref}'` }) };
      if (k.value.includes('workspace')) {
        const w = await workspaces.resolve(ref, signal);
        if (w === 'missing') return { ok: false, failure: fromDomainError({ kind: 'agent_not_found', ref }) };
        return w.ok ? { ok: true, value: { kind: 'workspace', workspace: w.value } } : w;
      }
      if (k.value.includes('task')) {
        const t = await taskResolver.resolve(ref);
        if (t.ok) return { ok: true, value: { kind: 'task', task: t.value } };
        if (!k.value.includes('chat') || t.failure.code !== 'agent_not_found') return t;
      }
      const c = await chats.resolve(ref, signal);
      if (c !== 'missing' && !c.ok && c.failure.code === 'not_found') chatsMissing = true;
      if (c === 'missing' || (!c.ok && c.failure.code === 'not_found')) return { ok: false, failure: fromDomainError({ kind: 'agent_not_found', ref }) };
      return c.ok ? { ok: true, value: { kind: 'chat', chat: c.value } } : c;
    },
    queue: (kind) => queueFor(kind, queues),
    async open(handlers) {
      const k = await kinds();
      if (!k.ok || !k.value.includes('chat')) return undefined;
      const socket = chats.watch(handlers);
      return { close: () => socket.close(), coversFleet: !k.value.includes('task') };
    },
    tasks,
    chats,
    workspaces,
  };
}

/** The queue dispatcher's port for this deployment: workspace agents' AgentAPI when it serves them, else Coder Tasks. */
export function deliveryPortFor(backend: Pick<FleetBackend, 'kinds'>, tasks: QueueDeliveryPort, workspaces: QueueDeliveryPort): QueueDeliveryPort {
  const pick = async (): Promise<QueueDeliveryPort> => {
    const k = await backend.kinds();
    return k.ok && k.value.includes('workspace') ? workspaces : tasks;
  };
  return {
    read: async (owner, id) => (await pick()).read(owner, id),
    send: async (owner, id, input) => (await pick()).send(owner, id, input),
    inputs: async (owner, id) => (await pick()).inputs(owner, id),
  };
}

/** Task (and workspace) agents queue input in this server's store when it holds a task queue (Coder Tasks has none). */
const TASK_QUEUE_SUPPORT: Support = { supported: true, how: "Held in this server's store and delivered once when the agent is idle (manage_agent_queue)." };
