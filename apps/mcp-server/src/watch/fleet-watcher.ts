/**
 * The fleet watcher: polls Coder's tasks list (ONE request per cycle whatever the fleet size, through the
 * runtime's single-flight task-list source so tools reuse the result, and its agents mapped there), diffs
 * them with `diffFleet` (whose snapshot carries the debounce memory) and appends the events
 * to the bounded journal. Listeners (waiting get_fleet_events calls, per-session logging and resource
 * subscriptions) are told about each batch.
 *
 * It runs only while someone is interested (`acquire()` holders: an open wait, a session with resource
 * subscriptions) or when configured always-on, and stops when nobody is. The snapshot is kept while
 * stopped, so the next start reports what changed in between instead of silently re-baselining.
 *
 * Coder errors never throw out of here: 429 waits for Retry-After, other failures back off exponentially
 * (interval × 2^n, capped). Health (last success, consecutive failures, back-off, CPU per cycle) is
 * reported by `health()`. All timers go through the injected Scheduler and time through the Clock.
 */
import {
  diffFleet,
  quoteUntrusted,
  truncateText,
  watcherHealthEvent,
  type Agent,
  type AttentionThresholds,
  type DiffFleetOptions,
  type FleetEvent,
  type FleetSnapshot,
  type WatcherHealthChange,
} from '@org/fleet-domain';
import type { Clock } from '../clock.js';
import type { ChatSocketStatus, CoderApiError, CoderResult } from '../coder.js';
import type { Logger } from '../log.js';
import type { FleetPushChange, FleetPushChannel, FleetPushSource, FleetRead, FleetReadSource } from '../backends/backend.js';
import { createEventJournal, type EventJournal, type JournalEntry } from './event-journal.js';
import { realScheduler, type Scheduler, type TimerHandle } from './scheduler.js';

export interface FleetWatcherOptions {
  /** The fleet read (tasks and/or chats: the runtime's backend). */
  tasks: FleetReadSource;
  /**
   * Changes Coder pushes (the chat watch socket, Agents era): each is diffed and journaled at once, without
   * a Coder request; the list poll reconciles (shared chats, missed frames). Absent: polling only.
   */
  push?: FleetPushSource;
  /**
   * Poll interval while the push socket is connected and covers the whole fleet (chats only). A socket
   * that drops or fails brings back `intervalMs` within one interval. Default: 15 × intervalMs, at most 60 s.
   */
  reconcileMs?: number;
  clock: Clock;
  scheduler?: Scheduler;
  log?: Logger;
  intervalMs: number;
  debounceMs: number;
  maxBackoffMs: number;
  journalSize: number;
  alwaysOn?: boolean;
  capacity?: number;
  capacityWarningRatio?: number;
  thresholds?: AttentionThresholds;
  /**
   * Looks up why an agent failed (e.g. the workspace build's job error) for `agent_failed` events; at most
   * MAX_FAILURE_LOOKUPS per cycle, each bounded by FAILURE_LOOKUP_TIMEOUT_MS. Absent: the status reason only.
   */
  explainFailure?: (agent: Agent, signal: AbortSignal) => Promise<string | undefined>;
  /** CPU time source (default process.cpuUsage). */
  cpuUsage?: (previous?: NodeJS.CpuUsage) => NodeJS.CpuUsage;
  /** The durable journal (durable-events.ts): who may poll, the snapshot to resume from, each cycle to commit. */
  durable?: WatcherDurability;
}

/**
 * How the watcher takes part in the store's journal. Only the process allowed to poll (the lease holder, or
 * every process while the store is down) polls Coder; the others serve fleet events from the store.
 */
export interface WatcherDurability {
  mayPoll(): boolean;
  /**
   * Before the first poll after polling (re)starts: the snapshot of the last committed cycle, so changes made
   * while no process watched are reported instead of becoming a silent baseline. Undefined: keep our own.
   */
  restore(): Promise<FleetSnapshot | undefined>;
  /** After every diff (poll or push), even without events: the entries and the snapshot to commit. */
  commit(cycle: { entries: readonly JournalEntry[]; snapshot?: FleetSnapshot; at: Date }): void;
}

export type WatcherState = 'stopped' | 'running' | 'backing_off';

export interface WatcherHealth {
  state: WatcherState;
  /** False when another process holds the store lease and polls Coder (this one serves events from the store). */
  pollsHere: boolean;
  intervalMs: number;
  alwaysOn: boolean;
  /** Interest holders (open waits, sessions with subscriptions) and open waits. */
  interested: number;
  waiters: number;
  lastSuccessAt: string | null;
  lastAttemptAt: string | null;
  consecutiveFailures: number;
  /** Current back-off delay (0 when healthy). */
  backoffMs: number;
  nextPollAt: string | null;
  lastError: { kind: string; status?: number; message: string } | null;
  cycles: number;
  failedCycles: number;
  agents: number | null;
  /** CPU time (user + system) spent mapping, diffing and journaling, per successful cycle. */
  lastCycleCpuMs: number | null;
  avgCycleCpuMs: number | null;
  maxCycleCpuMs: number | null;
  journal: { size: number; capacity: number; evicted: number; lastSeq: number };
  /** The push socket (Coder's chat watch), or null when the deployment pushes nothing / the watcher is stopped. */
  socket: SocketHealth | null;
}

export interface SocketHealth {
  state: ChatSocketStatus['state'];
  /** Why it is not connected (auth failure, drop, …). */
  reason?: string;
  /** HTTP status of a refused upgrade (401/403 for auth_failed). */
  status?: number;
  since: string;
  /** Changes received since the watcher started. */
  events: number;
  lastEventAt: string | null;
  reconnects: number;
  /** The socket covers the whole fleet, so the list poll runs every `reconcileMs` only. */
  coversFleet: boolean;
  reconcileMs: number;
}

export interface CycleBatch {
  entries: JournalEntry[];
  agents: readonly Agent[];
  at: Date;
  /** 'store': committed by another process (the lease holder), read back from the store; absent: this watcher's. */
  origin?: 'store';
}

export type WaitOutcome = 'matched' | 'timeout' | 'aborted' | 'closed';

/**
 * The watcher lost or regained Coder or the store (D8: a watcher blinded by 401 or an outage used to stay
 * silent). Coder: `degraded` on the first failed cycle after a success (or at start), `recovered` on the next
 * success; the store: as its owner reports it (reportStoreHealth). Each change is also a journal entry
 * (get_fleet_events, fleet://events) and wakes waiting calls.
 */
export type { WatcherHealthChange };

export interface FleetWatcher {
  readonly journal: EventJournal;
  /** Registers interest; the watcher runs while there is at least one. The returned release is idempotent. */
  acquire(reason: string): () => void;
  /**
   * Makes sure the journal reflects a poll no older than one interval: joins a cycle in flight, or polls
   * now, unless the watcher is backing off after Coder errors (then it returns at once).
   */
  ensureFresh(): Promise<void>;
  /** Resolves when `match(newEntries)` holds for a batch, after `ms`, on abort, or on shutdown. */
  waitFor(match: (entries: readonly JournalEntry[]) => boolean, ms: number, signal?: AbortSignal): Promise<WaitOutcome>;
  /** Called after every successful cycle that produced entries (errors in listeners are logged, never thrown). */
  onBatch(listener: (batch: CycleBatch) => void): () => void;
  /** Called when the watcher degrades (Coder unreachable, token rejected, store down) and when it recovers, with its journal entry. */
  onHealthChange(listener: (change: WatcherHealthChange, entry: JournalEntry) => void): () => void;
  /** The store's owner reports its state; a change (ok ↔ failing) becomes a health change. */
  reportStoreHealth(status: { ok: true } | { ok: false; kind: string }): void;
  /** Events raised outside a poll (a queued input that failed): journaled, pushed and waking waits like a cycle's. */
  report(events: readonly FleetEvent[]): void;
  /** The agents of the last successful poll. */
  latest(): { agents: readonly Agent[]; at: Date } | undefined;
  /** Polling permission changed (lease won or lost, store down or back): start or stop polling accordingly. */
  pollingChanged(): void;
  /** Hands events another process committed to this process's listeners (waits, push notifications). */
  inject(batch: CycleBatch): void;
  health(): WatcherHealth;
  /** Stops for good (server shutdown): cancels timers, releases waits. */
  shutdown(): void;
}

export const FRESHNESS_MS = 250;
export const MAX_FAILURE_LOOKUPS = 5;
export const FAILURE_LOOKUP_TIMEOUT_MS = 3_000;

export const DEFAULT_RECONCILE_FACTOR = 15;
export const MAX_DEFAULT_RECONCILE_MS = 60_000;

export function createFleetWatcher(options: FleetWatcherOptions): FleetWatcher {
  const { tasks, clock } = options;
  const reconcileMs = Math.max(options.intervalMs, options.reconcileMs ?? Math.min(MAX_DEFAULT_RECONCILE_MS, options.intervalMs * DEFAULT_RECONCILE_FACTOR));
  const scheduler = options.scheduler ?? realScheduler;
  const cpuUsage = options.cpuUsage ?? ((prev?: NodeJS.CpuUsage) => process.cpuUsage(prev));
  const journal = createEventJournal({ capacity: options.journalSize });
  const diffOptions: DiffFleetOptions = {
    debounceMs: options.debounceMs,
    ...(options.capacity !== undefined ? { capacity: options.capacity } : {}),
    ...(options.capacityWarningRatio !== undefined ? { capacityWarningRatio: options.capacityWarningRatio } : {}),
    ...(options.thresholds ? { thresholds: options.thresholds } : {}),
  };
  const nowMs = () => clock.now().getTime();

  let holders = 0;
  let running = false;
  let closed = false;
  let timer: TimerHandle | undefined;
  let nextPollAt: number | undefined;
  let inflight: Promise<void> | undefined;
  let snapshot: FleetSnapshot | undefined;
  let latest: { agents: readonly Agent[]; at: Date } | undefined;
  let lastSuccessAt: number | undefined;
  let lastAttemptAt: number | undefined;
  let consecutiveFailures = 0;
  let backoffMs = 0;
  let lastError: WatcherHealth['lastError'] = null;
  let cycles = 0;
  let failedCycles = 0;
  let lastCpuMs: number | null = null;
  let totalCpuMs = 0;
  let maxCpuMs: number | null = null;
  let cpuSamples = 0;
  const listeners = new Set<(batch: CycleBatch) => void>();
  const healthListeners = new Set<(change: WatcherHealthChange, entry: JournalEntry) => void>();
  /** A health change: a journal entry (pull), a batch (wakes waits, resource updates), then the listeners (push). */
  const tellHealth = (change: WatcherHealthChange) => {
    const [entry] = journal.append([watcherHealthEvent(change)], change.at.getTime());
    if (!entry) return;
    options.durable?.commit({ entries: [entry], at: change.at });
    publish({ entries: [entry], agents: latest?.agents ?? [], at: change.at });
    for (const listener of [...healthListeners]) {
      try {
        listener(change, entry);
      } catch (error) {
        options.log?.error('fleet watcher: health listener failed', { error });
      }
    }
  };
  let storeFailures = 0;
  const publish = (batch: CycleBatch) => {
    for (const listener of [...listeners]) {
      try {
        listener(batch);
      } catch (error) {
        options.log?.error('fleet watcher: listener failed', { error });
      }
    }
  };
  let waiters = 0;
  const closeHooks = new Set<() => void>();

  // ---- push (Coder's chat watch socket) -------------------------------------------------------------
  /** Agents of the last successful poll, before push changes. */
  let base: readonly Agent[] | undefined;
  /** Push changes newer than the last poll, by root agent id; `seq` orders them against polls. */
  const overlay = new Map<string, { change: FleetPushChange; seq: number }>();
  let pushSeq = 0;
  let channel: FleetPushChannel | undefined;
  /** Bumped on every open/close: handlers of an older channel are ignored. */
  let channelGeneration = 0;
  let socket: { status: ChatSocketStatus; since: number; everConnected: boolean } | undefined;
  let pushEvents = 0;
  let lastPushAt: number | undefined;
  let reconnects = 0;
  let drainQueued = false;
  let confirmTimer: TimerHandle | undefined;
  /** Every diff (poll or push) runs one after another. */
  let processing: Promise<void> = Promise.resolve();
  const serial = (fn: () => Promise<void>): Promise<void> => (processing = processing.then(fn, fn));
  const socketConnected = () => socket?.status.state === 'connected';
  const pollDelay = () => (consecutiveFailures > 0 ? backoffMs : socketConnected() && channel?.coversFleet ? reconcileMs : options.intervalMs);

  const withOverlay = (agents: readonly Agent[]): readonly Agent[] => {
    if (overlay.size === 0) return agents;
    const replaced = new Map<string, Agent>();
    const removed = new Set<string>();
    for (const [id, { change }] of overlay) {
      if (change.kind === 'remove') removed.add(id);
      else for (const a of change.agents) replaced.set(a.id, a);
    }
    const out: Agent[] = [];
    for (const a of agents) {
      if (removed.has(a.id)) continue;
      const pushed = replaced.get(a.id);
      out.push(pushed ?? a);
      if (pushed) replaced.delete(a.id);
    }
    for (const a of replaced.values()) out.push(a);
    return out;
  };

  const drainPush = () => {
    drainQueued = false;
    void serial(async () => {
      if (!running || base === undefined) return;
      await process_({ agents: withOverlay(base), count: 0, fetchedAt: clock.now() }, 'push');
      armConfirm();
    }).catch((error: unknown) => options.log?.error('fleet watcher: push change failed', { error }));
  };

  /** Debounced changes seen by a push are confirmed by a local re-diff (no Coder request) once the window passed. */
  const armConfirm = () => {
    if (confirmTimer || options.debounceMs <= 0 || !snapshot) return;
    let earliest = Infinity;
    for (const m of Object.values(snapshot.agents)) if (m.pending) earliest = Math.min(earliest, m.pending.since);
    if (snapshot.capacity.pending) earliest = Math.min(earliest, snapshot.capacity.pending.since);
    if (earliest === Infinity) return;
    confirmTimer = scheduler.schedule(Math.max(1, earliest + options.debounceMs - nowMs()), () => {
      confirmTimer = undefined;
      drainPush();
    });
  };

  const onPushChange = (generation: number, change: FleetPushChange) => {
    if (generation !== channelGeneration) return;
    pushEvents += 1;
    lastPushAt = nowMs();
    const id = change.kind === 'remove' ? change.id : change.agents[0]?.id;
    if (id === undefined) return;
    overlay.delete(id);
    overlay.set(id, { change, seq: ++pushSeq });
    if (drainQueued) return;
    drainQueued = true;
    setImmediate(drainPush);
  };

  const onSocketStatus = (generation: number, status: ChatSocketStatus) => {
    if (generation !== channelGeneration) return;
    const was = socket?.status.state;
    const hadConnected = socket?.everConnected ?? false;
    socket = { status, since: was === status.state && socket ? socket.since : nowMs(), everConnected: hadConnected || status.state === 'connected' };
    if (status.state === was) return;
    if (status.state === 'connected') {
      if (hadConnected) reconnects += 1;
      options.log?.info('fleet watcher: watch socket connected', { reconnects });
      // Back after a drop: reconcile now (changes made while it was down), then slow down again.
      if (reconnects > 0 && running && consecutiveFailures === 0) arm(0);
      return;
    }
    if (was === 'connected') options.log?.warn('fleet watcher: watch socket lost, polling every interval', { state: status.state, reason: 'reason' in status ? status.reason : undefined });
    if (status.state === 'auth_failed') options.log?.error('fleet watcher: watch socket refused the token', { status: status.status });
    // Fall back to polling within one interval.
    if (running && consecutiveFailures === 0 && (nextPollAt === undefined || nextPollAt - nowMs() > options.intervalMs)) arm(options.intervalMs);
  };

  const openPush = () => {
    if (!options.push || channel) return;
    const generation = ++channelGeneration;
    options.push
      .open({ onChange: (c) => onPushChange(generation, c), onStatus: (st) => onSocketStatus(generation, st) })
      .then((opened) => {
        if (!opened) return;
        if (generation !== channelGeneration) return void opened.close();
        channel = opened;
      })
      .catch((error: unknown) => options.log?.warn('fleet watcher: watch socket could not be opened; polling only', { error }));
  };

  const closePush = () => {
    channelGeneration += 1;
    const open = channel;
    channel = undefined;
    socket = undefined;
    overlay.clear();
    confirmTimer?.cancel();
    confirmTimer = undefined;
    void open?.close().catch(() => undefined);
  };

  const fetchFresh = async (): Promise<CoderResult<FleetRead>> => {
    // With a push channel a cached read may predate a pushed change: always ask Coder (polls are rare then).
    if (channel) return tasks.list({ force: true });
    const freshness = Math.min(FRESHNESS_MS, options.intervalMs / 4);
    const r = await tasks.list();
    if (!r.ok || nowMs() - r.value.fetchedAt.getTime() <= freshness) return r;
    return tasks.list({ force: true });
  };

  const onFailure = (error: CoderApiError) => {
    consecutiveFailures += 1;
    failedCycles += 1;
    lastError = { kind: error.kind, ...(error.status !== undefined ? { status: error.status } : {}), message: error.message };
    const exponential = Math.min(options.maxBackoffMs, options.intervalMs * 2 ** consecutiveFailures);
    backoffMs = error.kind === 'rate_limited' && error.retryAfterMs !== undefined ? Math.max(error.retryAfterMs, options.intervalMs) : exponential;
    const fields = { kind: error.kind, status: error.status, operation: error.operation, consecutiveFailures, backoffMs };
    if (consecutiveFailures === 1) {
      options.log?.warn('fleet watcher: Coder request failed, backing off', fields);
      tellHealth({ kind: 'degraded', source: 'coder', at: clock.now(), error: { kind: error.kind, ...(error.status !== undefined ? { status: error.status } : {}) }, retryMs: backoffMs });
    } else options.log?.debug('fleet watcher: still failing', fields);
  };

  /** Adds the failure cause (build job error) to agent_failed events; a lookup failure keeps the event as is. */
  const explainFailures = async (events: FleetEvent[], agents: readonly Agent[]): Promise<FleetEvent[]> => {
    const explain = options.explainFailure;
    if (!explain || !events.some((e) => e.kind === 'agent_failed')) return events;
    const byId = new Map(agents.map((a) => [a.id, a]));
    let budget = MAX_FAILURE_LOOKUPS;
    return Promise.all(
      events.map(async (e) => {
        if (e.kind !== 'agent_failed' || budget <= 0) return e;
        const agent = e.agentId ? byId.get(e.agentId) : undefined;
        if (!agent) return e;
        budget -= 1;
        const cause = await explain(agent, AbortSignal.timeout(FAILURE_LOOKUP_TIMEOUT_MS)).catch(() => undefined);
        if (!cause) return e;
        const reason = truncateText(`${e.reason}: ${quoteUntrusted(truncateText(cause, 400))}`, 500);
        return { ...e, reason, message: truncateText(`agent "${agent.name}" (${agent.owner}) failed: ${reason}`, 600) };
      }),
    );
  };

  const process_ = async (list: FleetRead, source: 'poll' | 'push' = 'poll') => {
    const cpu0 = cpuUsage();
    const now = clock.now();
    // Mapped once by the task-list source, judged as of the read (fetchFresh keeps that within the freshness bound).
    if (source === 'poll') base = list.agents;
    const agents = withOverlay(list.agents);
    const diff = diffFleet(snapshot, agents, now, diffOptions);
    snapshot = diff.snapshot;
    latest = { agents, at: now };
    let cpu = cpuUsage(cpu0);
    const events = await explainFailures(diff.events, agents);
    const cpu1 = cpuUsage();
    const entries = journal.append(events, now.getTime());
    options.durable?.commit({ entries, snapshot: diff.snapshot, at: now });
    const cpu2 = cpuUsage(cpu1);
    cpu = { user: cpu.user + cpu2.user, system: cpu.system + cpu2.system };
    const cpuMs = (cpu.user + cpu.system) / 1000;
    lastCpuMs = cpuMs;
    totalCpuMs += cpuMs;
    cpuSamples += 1;
    maxCpuMs = Math.max(maxCpuMs ?? 0, cpuMs);
    if (source === 'poll') {
      const afterFailures = consecutiveFailures;
      consecutiveFailures = 0;
      if (afterFailures > 0) {
        options.log?.info('fleet watcher: Coder reachable again', { afterFailures });
        tellHealth({ kind: 'recovered', source: 'coder', at: now, afterFailures });
      }
      backoffMs = 0;
      lastError = null;
      lastSuccessAt = now.getTime();
    }
    if (entries.length === 0) return;
    publish({ entries, agents, at: now });
  };

  /** Set when polling (re)starts under a durable journal: resume from the last committed snapshot. */
  let restorePending = false;
  const cycle = (): Promise<void> => {
    if (inflight) return inflight;
    inflight = (async () => {
      if (restorePending && options.durable) {
        restorePending = false;
        const restored = await options.durable.restore();
        if (restored) snapshot = restored;
      }
      // Another process holds the lease (learnt while restoring): it polls, we serve from the store.
      if (options.durable && !options.durable.mayPoll()) return void stop();
      cycles += 1;
      lastAttemptAt = nowMs();
      const seqAtStart = pushSeq;
      let r: CoderResult<FleetRead>;
      try {
        r = await fetchFresh();
      } catch (error) {
        r = { ok: false, error: { kind: 'network', operation: 'GET /api/v2/tasks', message: error instanceof Error ? error.message : String(error) } };
      }
      if (r.ok) {
        const read = r.value;
        await serial(async () => {
          // The list was asked for after these pushes: it is at least as new, so it wins over them.
          for (const [id, o] of overlay) if (o.seq <= seqAtStart) overlay.delete(id);
          await process_(read);
        });
      } else onFailure(r.error);
    })()
      .catch((error: unknown) => {
        // A bug in mapping/diffing must not kill the loop: count it as a failed cycle.
        onFailure({ kind: 'unexpected_response', operation: 'fleet watcher cycle', message: error instanceof Error ? error.message : String(error) });
        options.log?.error('fleet watcher: cycle failed unexpectedly', { error });
      })
      .finally(() => {
        inflight = undefined;
      });
    return inflight;
  };

  const arm = (delayMs: number) => {
    timer?.cancel();
    nextPollAt = nowMs() + delayMs;
    timer = scheduler.schedule(delayMs, async () => {
      timer = undefined;
      nextPollAt = undefined;
      if (!running) return;
      await cycle();
      if (running && !timer) arm(pollDelay());
    });
  };

  const start = () => {
    if (running || closed) return;
    running = true;
    restorePending = options.durable !== undefined;
    const age = lastSuccessAt === undefined ? Infinity : nowMs() - lastSuccessAt;
    arm(age >= options.intervalMs ? 0 : options.intervalMs - age);
    openPush();
    options.log?.debug('fleet watcher started', { intervalMs: options.intervalMs });
  };

  const stop = () => {
    if (!running) return;
    running = false;
    timer?.cancel();
    timer = undefined;
    nextPollAt = undefined;
    closePush();
    options.log?.debug('fleet watcher stopped');
  };

  const wanted = () => !closed && (holders > 0 || options.alwaysOn === true) && (options.durable?.mayPoll() ?? true);

  const watcher: FleetWatcher = {
    journal,
    acquire(reason) {
      holders += 1;
      options.log?.debug('fleet watcher: interest acquired', { reason, holders });
      if (wanted()) start();
      let released = false;
      return () => {
        if (released) return;
        released = true;
        holders -= 1;
        if (!wanted()) stop();
      };
    },
    async ensureFresh() {
      if (closed || (options.durable && !options.durable.mayPoll())) return;
      if (inflight) return inflight;
      const now = nowMs();
      if (consecutiveFailures > 0 && nextPollAt !== undefined && now < nextPollAt) return;
      // A connected push socket keeps the journal current between the (slower) reconciling polls.
      const fresh = socketConnected() && channel?.coversFleet ? reconcileMs : options.intervalMs;
      if (lastSuccessAt !== undefined && now - lastSuccessAt < fresh && consecutiveFailures === 0) return;
      await cycle();
      if (running) arm(pollDelay());
    },
    waitFor(match, ms, signal) {
      if (closed) return Promise.resolve('closed');
      if (signal?.aborted) return Promise.resolve('aborted');
      return new Promise<WaitOutcome>((resolve) => {
        waiters += 1;
        let done = false;
        const finish = (outcome: WaitOutcome) => {
          if (done) return;
          done = true;
          waiters -= 1;
          unsubscribe();
          timeout.cancel();
          signal?.removeEventListener('abort', onAbort);
          closeHooks.delete(onClose);
          resolve(outcome);
        };
        const onAbort = () => finish('aborted');
        const onClose = () => finish('closed');
        const unsubscribe = watcher.onBatch((batch) => {
          if (match(batch.entries)) finish('matched');
        });
        const timeout = scheduler.schedule(Math.max(0, ms), () => finish('timeout'));
        signal?.addEventListener('abort', onAbort, { once: true });
        closeHooks.add(onClose);
      });
    },
    onBatch(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    onHealthChange(listener) {
      healthListeners.add(listener);
      return () => void healthListeners.delete(listener);
    },
    reportStoreHealth(status) {
      if (closed) return;
      if (!status.ok) {
        storeFailures += 1;
        if (storeFailures === 1) tellHealth({ kind: 'degraded', source: 'store', at: clock.now(), error: { kind: status.kind } });
        return;
      }
      if (storeFailures === 0) return;
      const afterFailures = storeFailures;
      storeFailures = 0;
      tellHealth({ kind: 'recovered', source: 'store', at: clock.now(), afterFailures });
    },
    report(events) {
      if (closed || events.length === 0) return;
      const at = clock.now();
      const entries = journal.append(events, at.getTime());
      options.durable?.commit({ entries, at });
      if (entries.length > 0) publish({ entries, agents: latest?.agents ?? [], at });
    },
    latest: () => latest,
    pollingChanged() {
      if (wanted()) start();
      else stop();
    },
    inject(batch) {
      if (!closed && batch.entries.length > 0) publish({ ...batch, origin: 'store' });
    },
    health() {
      const state: WatcherState = !running ? 'stopped' : consecutiveFailures > 0 ? 'backing_off' : 'running';
      const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
      return {
        state,
        pollsHere: options.durable?.mayPoll() ?? true,
        intervalMs: options.intervalMs,
        alwaysOn: options.alwaysOn === true,
        interested: holders,
        waiters,
        lastSuccessAt: iso(lastSuccessAt),
        lastAttemptAt: iso(lastAttemptAt),
        consecutiveFailures,
        backoffMs,
        nextPollAt: iso(nextPollAt),
        lastError,
        cycles,
        failedCycles,
        agents: latest ? latest.agents.length : null,
        lastCycleCpuMs: lastCpuMs,
        avgCycleCpuMs: cpuSamples > 0 ? totalCpuMs / cpuSamples : null,
        maxCycleCpuMs: maxCpuMs,
        journal: { size: journal.size, capacity: journal.capacity, evicted: journal.evicted, lastSeq: journal.lastSeq },
        socket: socket
          ? {
              state: socket.status.state,
              ...('reason' in socket.status ? { reason: socket.status.reason } : {}),
              ...('status' in socket.status && socket.status.status !== undefined ? { status: socket.status.status } : {}),
              since: new Date(socket.since).toISOString(),
              events: pushEvents,
              lastEventAt: iso(lastPushAt),
              reconnects,
              coversFleet: channel?.coversFleet ?? false,
              reconcileMs,
            }
          : null,
      };
    },
    shutdown() {
      closed = true;
      stop();
      for (const hook of [...closeHooks]) hook();
    },
  };
  if (wanted()) start();
  return watcher;
}
