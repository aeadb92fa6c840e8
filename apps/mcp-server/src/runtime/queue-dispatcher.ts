/**
 * The queue dispatcher (issue #14 item 5): a background job, so it runs only in the store-lease holder. Every
 * `intervalMs` (only while something is queued: one cheap store read otherwise) it looks at the agents with
 * queued input in the cached fleet read; for each one that can take input now (fleet-domain's
 * `checkAgentAction`, confirmed by a fresh read of the task) it claims the head of that agent's queue in a
 * store transaction and sends it to Coder, so each item is delivered at most once by any process.
 *
 *   delivered       complete(delivered), journaled as a mutation
 *   agent busy again / Coder unavailable for a moment: release(): the item goes back to the head, retried later
 *   refused for good (agent gone, 4xx), or still failing after MAX_ATTEMPTS: complete(failed), journaled, and
 *                   a `queued_input_failed` warning event through the watcher (pushed to sessions)
 *
 * Creates held at `--capacity` (create_agent_task when_at_capacity queue; key `create:owner/name`) are made,
 * oldest first, while fewer than `capacity` agents are in use, under the name fixed when they were queued: a
 * create that Coder already has (a lost answer, a holder that died after sending) is recognised by that name
 * and its prompt, never made twice. A held workspace agent (its create carries the organization and the AI prompt
 * parameter) is made and recognised through the workspaces backend.
 *
 * Lease hand-over (the holder died, kill -9): an item left `claimed` by another holder for longer than
 * `staleClaimMs` is settled first: when the agent's log shows the input after the claim it was delivered
 * (complete), else it goes back to the queue (release). So a delivery is never repeated, and never lost.
 */
import { agentsInUse, checkAgentAction, toAgent, type Agent, type AttentionThresholds, type FleetEvent } from '@org/fleet-domain';
import type { QueueItem as StoredItem } from '@org/fleet-store';
import type { CoderApiError, CoderClient } from '../coder.js';
import type { FleetReadSource, HeldCreatePort, QueueDeliveryPort } from '../backends/backend.js';
import type { Clock } from '../clock.js';
import { mayHaveBeenApplied } from '../failures.js';
import type { Logger } from '../log.js';
import type { Scheduler } from '../watch/scheduler.js';
import { createPeriodicLoop, type BackgroundJob } from './background.js';
import { LEASE_TTL_MS } from './leadership.js';
import type { StoreHandle } from './store-handle.js';
import { orderCreates, queuedCreateOf, queuedInputOf, type QueuedCreate, type QueuedInput } from './store-task-queue.js';

export const DISPATCH_INTERVAL_MS = 2_000;
/** Transient delivery failures of one item before it is marked failed. */
export const MAX_ATTEMPTS = 5;
/** Items looked at per pass (across agents). */
const PASS_LIMIT = 1_000;
/** Logged clock skew allowed when matching a delivered input in the agent's log. */
const LOG_SKEW_MS = 5_000;

export type DispatchOutcome =
  | { kind: 'delivered'; itemId: number; agentId: string; recovered?: boolean }
  | { kind: 'released'; itemId: number; agentId: string; reason: string }
  | { kind: 'failed'; itemId: number; agentId: string; reason: string };

export interface QueueDispatcher extends BackgroundJob {
  /** One pass (what each tick does); tests call it directly. */
  dispatchOnce(): Promise<DispatchOutcome[]>;
}

export function createQueueDispatcher(options: {
  store: StoreHandle;
  coder: Pick<CoderClient, 'getTask' | 'sendTaskInput' | 'getTaskLogs' | 'createTask'>;
  /** How agents are read and sent input (default: Coder Tasks through `coder`; workspace agents: their AgentAPI). */
  port?: QueueDeliveryPort;
  /** How held workspace-agent creates are made (absent: this server serves no workspace agents). */
  workspaceCreates?: HeldCreatePort;
  /** `--capacity`: held creates are made while fewer agents are in use (all of them when absent). */
  capacity?: number;
  /** The cached fleet read (an idle agent is found there; a fresh read confirms it before sending). */
  fleet: FleetReadSource;
  clock: Clock;
  scheduler: Scheduler;
  /** This process's lease holder id (claims are made in its name). */
  holder: () => string;
  thresholds: AttentionThresholds;
  /** Raises an alert event (the watcher's event path: journal and push). */
  alert: (event: FleetEvent) => void;
  intervalMs?: number;
  staleClaimMs?: number;
  log?: Logger;
}): QueueDispatcher {
  const { store, coder, fleet, clock, scheduler, log } = options;
  const intervalMs = options.intervalMs ?? DISPATCH_INTERVAL_MS;
  const staleClaimMs = options.staleClaimMs ?? LEASE_TTL_MS;
  const attempts = new Map<number, number>();

  const port = options.port ?? taskDeliveryPort(coder, (task) => toAgent(task, clock.now(), options.thresholds));
  const canTakeInput = (agent: Agent): boolean => checkAgentAction(agent, 'send_input').ok;

  const journal = async (item: StoredItem, outcome: string, coderStatus?: number): Promise<void> => {
    const r = await store.run((s) =>
      s.mutations.record({
        principal: 'queue-dispatcher',
        sessionId: item.sessionId,
        tool: 'send_agent_input (queued)',
        agentId: item.agentId,
        arguments: { queue_item: item.id, priority: item.priority },
        outcome,
        coderStatus: coderStatus ?? null,
      }),
    );
    if (!r.ok) log?.warn('queue dispatcher: could not journal a delivery outcome', { item: item.id, error: r.error.message });
  };

  const fail = async (item: StoredItem, input: QueuedInput | undefined, reason: string, coderStatus?: number): Promise<DispatchOutcome> => {
    const ref = input?.ref ?? item.agentId;
    return failItem(item, `input ${item.id} for agent ${ref}`, reason, coderStatus, input ? { agentName: input.ref.split('/').pop() ?? input.ref, owner: input.owner } : {});
  };
  const failItem = async (item: StoredItem, what: string, reason: string, coderStatus: number | undefined, who: { agentName?: string; owner?: string }): Promise<DispatchOutcome> => {
    attempts.delete(item.id);
    const done = await store.run((s) => s.queue.complete(item.id, 'failed', reason));
    if (!done.ok) return { kind: 'released', itemId: item.id, agentId: item.agentId, reason: `could not mark it failed: ${done.error.message}` };
    await journal(item, 'failed', coderStatus);
    options.alert({
      kind: 'queued_input_failed',
      severity: 'warning',
      ...(item.agentId.startsWith('create:') ? {} : { agentId: item.agentId }),
      ...who,
      at: clock.now().toISOString(),
      queueItem: String(item.id),
      reason,
      message: `Queued ${what} was not delivered: ${reason}. ${item.agentId.startsWith('create:') ? 'Call create_agent_task again' : 'Send it again with send_agent_input'} if it is still wanted.`,
    });
    log?.warn('queue dispatcher: queued item failed', { item: item.id, agent: item.agentId, reason });
    return { kind: 'failed', itemId: item.id, agentId: item.agentId, reason };
  };

  const release = async (item: StoredItem, input: QueuedInput | undefined, reason: string, coderStatus?: number, onGiveUp?: (reason: string) => Promise<DispatchOutcome>): Promise<DispatchOutcome> => {
    const n = (attempts.get(item.id) ?? 0) + 1;
    if (n >= MAX_ATTEMPTS) return onGiveUp ? onGiveUp(`${reason} (${n} attempts)`) : fail(item, input, `${reason} (${n} attempts)`, coderStatus);
    attempts.set(item.id, n);
    const back = await store.run((s) => s.queue.release(item.id));
    if (!back.ok) log?.warn('queue dispatcher: could not put an item back', { item: item.id, error: back.error.message });
    return { kind: 'released', itemId: item.id, agentId: item.agentId, reason };
  };

  const delivered = async (item: StoredItem, outcome: string, coderStatus?: number, recovered = false): Promise<DispatchOutcome> => {
    attempts.delete(item.id);
    const done = await store.run((s) => s.queue.complete(item.id, 'delivered', outcome));
    if (!done.ok) log?.error('queue dispatcher: delivered but could not close the item', { item: item.id, error: done.error.message });
    await journal(item, 'delivered', coderStatus);
    return { kind: 'delivered', itemId: item.id, agentId: item.agentId, ...(recovered ? { recovered } : {}) };
  };

  /** Whether the agent's log shows this input at or after the claim (the send took effect). */
  const inLog = async (item: StoredItem, input: QueuedInput): Promise<boolean | undefined> => {
    const inputs = await port.inputs(input.owner, item.agentId);
    if (!inputs.ok) return undefined;
    const since = item.updatedAt - LOG_SKEW_MS;
    return inputs.value.some((e) => e.content.trim() === input.input.trim() && Date.parse(e.time) >= since);
  };

  /** A claim left by a holder that died: delivered (its log shows the input) or back to the queue. */
  const settleStaleClaim = async (item: StoredItem): Promise<DispatchOutcome | undefined> => {
    const input = queuedInputOf(item.payload);
    if (!input) return fail(item, input, 'the queued item could not be read');
    const seen = await inLog(item, input);
    if (seen === undefined) return undefined; // Coder cannot tell now: next pass
    if (seen) return delivered(item, 'delivered (found in the agent log after a lease hand-over)', undefined, true);
    const back = await store.run((s) => s.queue.release(item.id));
    return back.ok ? { kind: 'released', itemId: item.id, agentId: item.agentId, reason: 'claimed by a holder that stopped before sending' } : undefined;
  };

  const sendError = async (item: StoredItem, input: QueuedInput, error: CoderApiError): Promise<DispatchOutcome> => {
    if (mayHaveBeenApplied(error)) {
      const seen = await inLog(item, input);
      if (seen) return delivered(item, `delivered (Coder's answer was lost: ${error.kind}; the agent log shows it)`);
      if (seen === undefined) return fail(item, input, `Coder's answer was lost (${error.kind}) and its log cannot be read: the input may or may not have been delivered`);
      return release(item, input, `Coder's answer was lost (${error.kind}) and the log does not show the input`);
    }
    const status = error.status;
    // Busy again, paused meanwhile, rate limited or unavailable for a moment: the item keeps its place.
    if (error.kind === 'network' || error.kind === 'timeout' || status === undefined || status === 409 || status === 429 || status >= 500)
      return release(item, input, `Coder answered ${status ?? error.kind}: ${error.message}`, status);
    return fail(item, input, `Coder refused it (HTTP ${status}: ${error.message})`, status);
  };

  /** Sends the head of one agent's queue, when the agent (read fresh) can take input. */
  const deliverHead = async (agentId: string, owner: string): Promise<DispatchOutcome | undefined> => {
    const fresh = await port.read(owner, agentId);
    if (!fresh.ok) {
      if (fresh.error.kind !== 'not_found') return undefined;
      // The agent is gone: nothing queued for it can be delivered.
      const item = await claim(agentId);
      return item ? fail(item, queuedInputOf(item.payload), 'the agent no longer exists (deleted)', 404) : undefined;
    }
    if (!canTakeInput(fresh.value)) return undefined;
    const item = await claim(agentId);
    if (!item) return undefined;
    const input = queuedInputOf(item.payload);
    if (!input) return fail(item, input, 'the queued item could not be read (written by a newer server?)');
    const sent = await port.send(input.owner, agentId, input.input);
    return sent.ok ? delivered(item, `delivered (HTTP ${sent.status})`, sent.status) : sendError(item, input, sent.error);
  };

  const taskCreates = taskCreatePort(coder);
  /** Held workspace-agent creates go through the workspaces backend; the rest are Coder Tasks. */
  const createsOf = (c: QueuedCreate): HeldCreatePort | undefined => (c.workspace ? options.workspaceCreates : taskCreates);
  /** The agent of a held create, by the name fixed when it was queued: ours when the prompt matches. */
  const findCreated = async (c: QueuedCreate): Promise<'ours' | 'other' | 'absent' | undefined> => createsOf(c)?.find(c);
  const failCreate = (item: StoredItem, c: QueuedCreate | undefined, reason: string, coderStatus?: number) =>
    failItem(item, `create ${item.id}${c ? ` of agent ${c.owner}/${c.name}` : ''}`, reason, coderStatus, c ? { agentName: c.name, owner: c.owner } : {});

  const makeCreate = async (item: StoredItem): Promise<DispatchOutcome> => {
    const c = queuedCreateOf(item.payload);
    if (!c) return failCreate(item, c, 'the held create could not be read (written by a newer server?)');
    const creates = createsOf(c);
    if (!creates) return failCreate(item, c, 'it is a workspace agent and this server does not serve workspace agents now');
    const made = await creates.create(c);
    if (made.ok) return delivered(item, `created ${c.owner}/${c.name} (HTTP ${made.status})`, made.status);
    const error = made.error;
    const status = error.status;
    if (mayHaveBeenApplied(error) || status === 409) {
      // A lost answer, or the name is taken: by this very create (an earlier attempt) or by another agent.
      const found = await findCreated(c);
      if (found === 'ours') return delivered(item, `created ${c.owner}/${c.name} (recognised by its name after ${status ?? error.kind})`, status, true);
      if (found === 'other') return failCreate(item, c, `the name ${c.owner}/${c.name} is taken by another agent`, status);
      if (found === undefined && mayHaveBeenApplied(error)) return failCreate(item, c, `Coder's answer was lost (${error.kind}) and the agent cannot be read: it may or may not exist`, status);
    }
    if (error.kind === 'network' || error.kind === 'timeout' || status === undefined || status === 409 || status === 429 || status >= 500)
      return release(item, undefined, `Coder answered ${status ?? error.kind}: ${error.message}`, status, (why) => failCreate(item, c, why, status));
    return failCreate(item, c, `Coder refused it (HTTP ${status}: ${error.message})`, status);
  };

  /** Makes held creates, oldest first, while the fleet has free slots. */
  const makeCreates = async (held: readonly StoredItem[], agents: readonly Agent[], inFlight: number): Promise<DispatchOutcome[]> => {
    let free = options.capacity === undefined ? Number.POSITIVE_INFINITY : options.capacity - agentsInUse(agents) - inFlight;
    const outcomes: DispatchOutcome[] = [];
    for (const item of orderCreates(held)) {
      if (free <= 0) break;
      const claimed = await claim(item.agentId);
      if (!claimed) continue;
      const outcome = await makeCreate(claimed);
      outcomes.push(outcome);
      if (outcome.kind === 'delivered') free--;
    }
    return outcomes;
  };

  /** A create claim left by a holder that died: made (Coder has it by name) or back to the queue. */
  const settleStaleCreate = async (item: StoredItem): Promise<DispatchOutcome | undefined> => {
    const c = queuedCreateOf(item.payload);
    if (!c) return failCreate(item, c, 'the held create could not be read');
    const found = await findCreated(c);
    if (found === 'ours') return delivered(item, 'created (found by its name after a lease hand-over)', undefined, true);
    if (found === 'other') return failCreate(item, c, `the name ${c.owner}/${c.name} is taken by another agent`);
    if (found === undefined) return undefined;
    const back = await store.run((s) => s.queue.release(item.id));
    return back.ok ? { kind: 'released', itemId: item.id, agentId: item.agentId, reason: 'claimed by a holder that stopped before creating' } : undefined;
  };

  const claim = async (agentId: string): Promise<StoredItem | undefined> => {
    const r = await store.run((s) => s.queue.claim(agentId, options.holder()));
    return r.ok ? (r.value ?? undefined) : undefined;
  };

  const dispatchOnce = async (): Promise<DispatchOutcome[]> => {
    const pending = await store.run((s) => s.queue.list({ states: ['queued', 'claimed'], limit: PASS_LIMIT }));
    if (!pending.ok || pending.value.length === 0) return [];
    const outcomes: DispatchOutcome[] = [];
    const now = clock.now().getTime();
    const waiting = new Map<string, string>(); // agent id → owner, agents with queued input
    const busyClaims = new Set<string>();
    const creates: StoredItem[] = [];
    let createsInFlight = 0;
    for (const item of pending.value) {
      const isCreate = item.agentId.startsWith('create:');
      if (item.state === 'claimed') {
        if (isCreate) createsInFlight++;
        else busyClaims.add(item.agentId);
        if (item.claimedBy !== options.holder() && now - item.updatedAt >= staleClaimMs) {
          const settled = isCreate ? await settleStaleCreate(item) : await settleStaleClaim(item);
          if (settled) outcomes.push(settled);
        }
        continue;
      }
      if (isCreate) {
        creates.push(item);
        continue;
      }
      const owner = queuedInputOf(item.payload)?.owner;
      if (owner !== undefined && !waiting.has(item.agentId)) waiting.set(item.agentId, owner);
    }
    if (waiting.size === 0 && creates.length === 0) return outcomes;
    // Held creates count free slots: a fresh read, so an agent made or removed meanwhile is counted right.
    const read = await fleet.list(creates.length > 0 ? { force: true } : {});
    if (!read.ok) return outcomes;
    const byId = new Map(read.value.agents.map((a) => [a.id, a]));
    for (const [agentId, owner] of waiting) {
      // One delivery in flight per agent; a claim settled above is looked at again on the next pass.
      if (busyClaims.has(agentId)) continue;
      const cached = byId.get(agentId);
      // Idle in the cached read (or absent from it: gone, or out of this read's scope) → confirm fresh.
      if (cached && !canTakeInput(cached)) continue;
      const outcome = await deliverHead(agentId, owner);
      if (outcome) outcomes.push(outcome);
    }
    if (creates.length > 0) outcomes.push(...(await makeCreates(creates, read.value.agents, createsInFlight)));
    if (outcomes.some((o) => o.kind === 'delivered')) fleet.invalidate();
    return outcomes;
  };

  const loop = createPeriodicLoop({ scheduler, nextDelayMs: () => intervalMs, run: dispatchOnce, what: 'queue dispatcher pass', ...(log ? { log } : {}) });

  return {
    name: 'queue-dispatcher',
    dispatchOnce,
    start() {
      log?.info('queue dispatcher started', { intervalMs });
      loop.start();
    },
    stop: () => loop.stop(),
  };
}

/** Coder Tasks as the dispatcher's port: the task read fresh, its send-input route, the inputs in its log. */
/** Held creates of Coder Tasks: POST the task under its fixed name; GET it by that name to recognise it. */
export function taskCreatePort(coder: Pick<CoderClient, 'getTask' | 'createTask'>): HeldCreatePort {
  return {
    create: (c) =>
      coder.createTask(c.owner, {
        input: c.input,
        template_version_id: c.templateVersionId,
        name: c.name,
        ...(c.presetId ? { template_version_preset_id: c.presetId } : {}),
        ...(c.displayName ? { display_name: c.displayName } : {}),
      }),
    async find(c) {
      const found = await coder.getTask(c.owner, c.name);
      if (!found.ok) return found.error.kind === 'not_found' ? 'absent' : undefined;
      return (found.value.initial_prompt ?? '').trim() === c.input.trim() ? 'ours' : 'other';
    },
  };
}

export function taskDeliveryPort(coder: Pick<CoderClient, 'getTask' | 'sendTaskInput' | 'getTaskLogs'>, agentOf: (task: Parameters<typeof toAgent>[0]) => Agent): QueueDeliveryPort {
  return {
    async read(owner, agentId) {
      const r = await coder.getTask(owner, agentId);
      return r.ok ? { ...r, value: agentOf(r.value) } : r;
    },
    send: (owner, agentId, input) => coder.sendTaskInput(owner, agentId, input),
    async inputs(owner, agentId) {
      const r = await coder.getTaskLogs(owner, agentId);
      return r.ok ? { ...r, value: r.value.logs.filter((e) => e.type === 'input') } : r;
    },
  };
}
