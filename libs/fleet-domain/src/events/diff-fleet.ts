/**
 * Fleet events (US6, SC-005) by diffing successive observations of the fleet.
 *
 * Purity: there is no hidden state. `diffFleet(previous, current, now)` takes the previous
 * `FleetSnapshot` (which carries the debounce memory) and returns `{ events, snapshot }`; the caller
 * stores the new snapshot and passes it to the next call. Snapshots are plain JSON-safe data, so they
 * can be persisted or shared. Unchanged agent memories are reused (structural sharing).
 *
 * Debounce (flapping must not spam): a status change is only CONFIRMED (and emitted) when the new status
 * has been observed continuously for `debounceMs` (default 10 s); until then it is `pending` in the
 * snapshot. If the agent goes back before that, the pending change is dropped and counted as a flap; the
 * next confirmed change mentions how many flaps were suppressed. Statuses in `immediateStatuses`
 * (default: `error`) skip the debounce so failures are reported at once (SC-006). Confirmed events carry
 * `at` = the time the change was FIRST observed, so the audit trail keeps accurate timestamps.
 * Attention episodes (needs_input, stuck) fire once per episode and only for a confirmed status.
 * An agent that first appears after the baseline already in trouble is not lost: besides
 * `agent_created` it gets `agent_failed` / `agent_offline` for its status and `needs_input` / `stuck` for
 * its attention, exactly as if it had changed into that state.
 * Capacity uses the same debounce plus hysteresis: it recovers below `warningRatio - capacityHysteresis`.
 *
 * Chats: `requires_action` opens an `action_required` episode (critical, with the deadline); `agent_failed`
 * carries the error kind; `pr_opened` / `pr_merged` fire when a chat's PR becomes open (or draft) / merged,
 * remembered per PR like state messages (not debounced: PR states come from the forge and do not flap); a
 * chat completes (merged PR while waiting, or archived) with `task_completed`.
 *
 * Baseline: with no previous snapshot, the current fleet becomes the baseline and no events are emitted.
 */
import type { Agent, AgentStateKind, AgentStatus, AttentionReason, NeedsAttention, Severity } from '../models/agent.js';
import { ONLINE_STATUSES } from '../models/agent.js';
import { type Instant, isoFromMs, toEpochMs } from '../mapping/timestamps.js';
import type { AttentionThresholds } from '../status/attention.js';
import { computeCapacity, DEFAULT_CAPACITY_WARNING_RATIO, reevaluate } from '../metrics/fleet-status.js';
import { quoteUntrusted } from '../text/quote.js';
import { truncateText } from '../text/truncate.js';

export type FleetEventKind =
  | 'agent_created'
  | 'agent_deleted'
  | 'status_changed'
  | 'state_changed'
  | 'agent_failed'
  | 'task_completed'
  | 'needs_input'
  | 'stuck'
  | 'agent_offline'
  | 'agent_recovered'
  | 'capacity_warning'
  | 'capacity_recovered'
  | 'action_required'
  | 'pr_opened'
  | 'pr_merged'
  /** The watcher lost Coder (token rejected, outage) or the store: alerts are paused / history is in memory only. */
  | 'watcher_degraded'
  | 'watcher_recovered'
  /** Input queued for a task agent (send_agent_input when_busy queue) could not be delivered. */
  | 'queued_input_failed';

export const FLEET_EVENT_KINDS: readonly FleetEventKind[] = [
  'agent_created',
  'agent_deleted',
  'status_changed',
  'state_changed',
  'agent_failed',
  'task_completed',
  'needs_input',
  'stuck',
  'agent_offline',
  'agent_recovered',
  'capacity_warning',
  'capacity_recovered',
  'action_required',
  'pr_opened',
  'pr_merged',
  'watcher_degraded',
  'watcher_recovered',
  'queued_input_failed',
];

interface EventBase<K extends FleetEventKind> {
  readonly kind: K;
  readonly severity: Severity;
  readonly agentId?: string;
  readonly agentName?: string;
  readonly owner?: string;
  /** UTC ISO: when the change was first observed. */
  readonly at: string;
  readonly message: string;
}

export type FleetEvent =
  | (EventBase<'agent_created'> & { readonly status: AgentStatus })
  | (EventBase<'agent_deleted'> & { readonly lastStatus: AgentStatus })
  | (EventBase<'status_changed'> & { readonly from: AgentStatus; readonly to: AgentStatus; readonly flaps: number })
  | (EventBase<'state_changed'> & { readonly state: AgentStateKind; readonly stateMessage: string })
  | (EventBase<'agent_failed'> & { readonly reason: string; readonly errorKind?: string })
  | EventBase<'task_completed'>
  | (EventBase<'needs_input'> & { readonly reason: 'blocked' | 'idle_waiting' })
  | EventBase<'stuck'>
  | (EventBase<'agent_offline'> & { readonly reason: string })
  | (EventBase<'agent_recovered'> & { readonly from: AgentStatus })
  | (EventBase<'capacity_warning'> & { readonly used: number; readonly capacity: number; readonly ratio: number })
  | (EventBase<'capacity_recovered'> & { readonly used: number; readonly capacity: number; readonly ratio: number })
  | (EventBase<'action_required'> & { readonly deadlineAt?: string; readonly toolNames?: readonly string[] })
  | (EventBase<'pr_opened'> & { readonly prNumber?: number; readonly url?: string; readonly draft: boolean })
  | (EventBase<'pr_merged'> & { readonly prNumber?: number; readonly url?: string })
  | (EventBase<'watcher_degraded'> & { readonly source: WatcherHealthSource; readonly errorKind: string; readonly httpStatus?: number })
  | (EventBase<'watcher_recovered'> & { readonly source: WatcherHealthSource; readonly afterFailures: number })
  | (EventBase<'queued_input_failed'> & { readonly queueItem: string; readonly reason: string });

/** What the watcher depends on: Coder (its polls) or the fleet store (history, conflicts across processes). */
export type WatcherHealthSource = 'coder' | 'store';

/** What the snapshot remembers about one agent. */
export interface AgentMemory {
  readonly id: string;
  readonly name: string;
  readonly owner: string;
  /** Last CONFIRMED status (the one events were emitted for). */
  readonly status: AgentStatus;
  /** A change seen but not yet confirmed by the debounce window. */
  readonly pending?: { readonly status: AgentStatus; readonly since: number };
  /** Pending changes dropped since the last confirmed change. */
  readonly flaps: number;
  /** `kind|message` of the last state seen ('' when none). */
  readonly stateKey: string;
  /** Attention reason of the current episode (events fire once per episode). */
  readonly attention?: AttentionReason;
  /** Set while the agent is down (offline/error); `agent_recovered` fires when it is online again. */
  readonly downSince?: number;
  /** `state|number-or-url` of the chat's PR (absent without one). */
  readonly pr?: string;
}

export interface CapacityMemory {
  readonly warning: boolean;
  readonly pending?: { readonly warning: boolean; readonly since: number };
}

export interface FleetSnapshot {
  /** Epoch ms of the observation. */
  readonly at: number;
  readonly agents: Readonly<Record<string, AgentMemory>>;
  readonly capacity: CapacityMemory;
}

export interface DiffFleetOptions {
  /** A status change must persist this long before it is emitted (default 10 000 ms; 0 disables). */
  readonly debounceMs?: number;
  /** Statuses reported without debounce (default `['error']`). */
  readonly immediateStatuses?: readonly AgentStatus[];
  /** Emit `state_changed` when an agent's reported state/message changes (default true). */
  readonly stateChanges?: boolean;
  /** Configured capacity; capacity events only when set. */
  readonly capacity?: number;
  readonly capacityWarningRatio?: number;
  /** Recovery needs the ratio to fall this far below the warning ratio (default 0.05). */
  readonly capacityHysteresis?: number;
  /** Re-evaluate attention with these thresholds (default: the agent's own `needsAttention`). */
  readonly thresholds?: AttentionThresholds;
  /** Max length of agent text quoted in messages (default 200). */
  readonly maxMessageLength?: number;
}

export interface FleetDiff {
  readonly events: FleetEvent[];
  readonly snapshot: FleetSnapshot;
}

export const DEFAULT_DEBOUNCE_MS = 10_000;

const stateKeyOf = (a: Agent) => (a.state ? `${a.state.kind}|${a.state.message}` : '');
const prKeyOf = (a: Agent): string | undefined => (a.pr ? `${a.pr.state}|${a.pr.number ?? a.pr.url ?? ''}` : undefined);
const prOpen = (key: string | undefined) => key !== undefined && (key.startsWith('open|') || key.startsWith('draft|'));
const prMerged = (key: string | undefined) => key !== undefined && key.startsWith('merged|');
const isDown = (s: AgentStatus) => s === 'offline' || s === 'error';

/** The attention diffFleet tracks: re-evaluated with `thresholds` when given, else the agent's own. */
function attentionOf(a: Agent, nowMs: number, thresholds: AttentionThresholds | undefined): NeedsAttention | undefined {
  return thresholds ? reevaluate(a, nowMs, thresholds) : a.needsAttention;
}

function memoryOf(a: Agent, nowMs: number, thresholds?: AttentionThresholds): AgentMemory {
  const attention = attentionOf(a, nowMs, thresholds)?.reason;
  const pr = prKeyOf(a);
  return {
    id: a.id,
    name: a.name,
    owner: a.owner,
    status: a.status,
    flaps: 0,
    stateKey: stateKeyOf(a),
    ...(attention ? { attention } : {}),
    ...(isDown(a.status) ? { downSince: nowMs } : {}),
    ...(pr !== undefined ? { pr } : {}),
  };
}

/** A snapshot of `agents` with everything confirmed (no pending changes): the baseline for diffFleet. */
export function createFleetSnapshot(agents: readonly Agent[], now: Instant, options: Pick<DiffFleetOptions, 'capacity' | 'capacityWarningRatio' | 'thresholds'> = {}): FleetSnapshot {
  const nowMs = toEpochMs(now);
  const memo: Record<string, AgentMemory> = {};
  let paused = 0;
  for (const a of agents) {
    memo[a.id] = memoryOf(a, nowMs, options.thresholds);
    if (a.status === 'paused') paused++;
  }
  const cap = computeCapacity(agents.length - paused, options.capacity, options.capacityWarningRatio ?? DEFAULT_CAPACITY_WARNING_RATIO);
  return { at: nowMs, agents: memo, capacity: { warning: cap.warning } };
}

function isSnapshot(p: FleetSnapshot | readonly Agent[]): p is FleetSnapshot {
  return !Array.isArray(p);
}

export function diffFleet(
  previous: FleetSnapshot | readonly Agent[] | undefined,
  current: readonly Agent[],
  now: Instant,
  options: DiffFleetOptions = {},
): FleetDiff {
  const nowMs = toEpochMs(now);
  if (previous === undefined) return { events: [], snapshot: createFleetSnapshot(current, nowMs, options) };
  const prev = isSnapshot(previous) ? previous : createFleetSnapshot(previous, nowMs, options);

  const debounceMs = Math.max(0, options.debounceMs ?? DEFAULT_DEBOUNCE_MS);
  const immediate = options.immediateStatuses ?? ['error'];
  const withState = options.stateChanges ?? true;
  const maxText = options.maxMessageLength ?? 200;
  const nowIso = isoFromMs(nowMs);
  const events: FleetEvent[] = [];
  const next: Record<string, AgentMemory> = {};
  let paused = 0;

  for (const a of current) {
    if (a.status === 'paused') paused++;
    const who = { agentId: a.id, agentName: a.name, owner: a.owner };
    const label = `agent "${a.name}" (${a.owner})`;
    const m = prev.agents[a.id];
    if (!m) {
      events.push({ kind: 'agent_created', severity: 'info', ...who, at: nowIso, status: a.status, message: `${label} created${a.template.name ? ` on template "${a.template.name}"` : ''}; status ${a.status}` });
      // Born in trouble: the same events as a change into that status, so nothing is lost.
      if (a.status === 'error') events.push(failedEvent(a, who, label, nowIso, maxText));
      else if (a.status === 'offline') events.push(offlineEvent(a, who, label, nowIso, maxText));
      const born = attentionEvent(attentionOf(a, nowMs, options.thresholds), who, label, nowIso, a);
      if (born) events.push(born);
      const prEvent = pullRequestEvent(undefined, a, who, label, nowIso, maxText);
      if (prEvent) events.push(prEvent);
      next[a.id] = memoryOf(a, nowMs, options.thresholds);
      continue;
    }

    let status = m.status;
    let pending = m.pending;
    let flaps = m.flaps;
    let downSince = m.downSince;
    let confirmedAt: number | undefined;
    if (a.status === m.status) {
      if (pending) flaps++;
      pending = undefined;
    } else if (pending && pending.status === a.status) {
      if (nowMs - pending.since >= debounceMs) confirmedAt = pending.since;
    } else {
      if (pending) flaps++;
      if (debounceMs === 0 || immediate.includes(a.status)) confirmedAt = nowMs;
      else pending = { status: a.status, since: nowMs };
    }

    if (confirmedAt !== undefined) {
      const from = m.status;
      const to = a.status;
      const at = isoFromMs(confirmedAt);
      const flapText = flaps > 0 ? ` (after ${flaps} suppressed flap${flaps === 1 ? '' : 's'})` : '';
      events.push({
        kind: 'status_changed',
        severity: to === 'error' ? 'critical' : to === 'offline' || to === 'blocked' ? 'warning' : 'info',
        ...who,
        at,
        from,
        to,
        flaps,
        message: `${label}: ${from} -> ${to}: ${truncateText(a.statusReason, maxText)}${flapText}`,
      });
      if (to === 'error') {
        events.push(failedEvent(a, who, label, at, maxText));
      } else if (to === 'complete') {
        events.push({ kind: 'task_completed', severity: 'info', ...who, at, message: `${label} completed ${completionText(a, maxText)}` });
      } else if (to === 'offline') {
        events.push(offlineEvent(a, who, label, at, maxText));
      }
      if (isDown(to)) downSince ??= confirmedAt;
      else if (downSince !== undefined && (ONLINE_STATUSES.includes(to) || to === 'paused')) {
        if (ONLINE_STATUSES.includes(to)) {
          events.push({
            kind: 'agent_recovered',
            severity: 'info',
            ...who,
            at,
            from,
            message: `${label} recovered: ${to} again after being down since ${isoFromMs(downSince)}`,
          });
        }
        downSince = undefined;
      }
      status = to;
      pending = undefined;
      flaps = 0;
    }

    // State messages (not debounced: agents do not flap their own reports).
    const stateKey = stateKeyOf(a);
    if (withState && stateKey !== m.stateKey && a.state) {
      events.push({
        kind: 'state_changed',
        severity: 'info',
        ...who,
        at: a.state.since || nowIso,
        state: a.state.kind,
        stateMessage: a.state.message,
        message: `${label} reports ${quoteUntrusted(truncateText(a.state.raw, 40))}${a.state.message ? `: ${quoteUntrusted(truncateText(a.state.message, maxText))}` : ''}`,
      });
    }

    // Attention episodes, only once the status is confirmed (a flapping status never raises them).
    let attention = m.attention;
    if (status === a.status) {
      const att = attentionOf(a, nowMs, options.thresholds);
      if (att?.reason !== attention) {
        const e = attentionEvent(att, who, label, nowIso, a);
        if (e) events.push(e);
        attention = att?.reason;
      }
    }

    // Pull requests (chats): opened and merged, once per PR state.
    const pr = prKeyOf(a);
    if (pr !== m.pr) {
      const e = pullRequestEvent(m.pr, a, who, label, nowIso, maxText);
      if (e) events.push(e);
    }

    const changed =
      status !== m.status ||
      pending !== m.pending ||
      flaps !== m.flaps ||
      stateKey !== m.stateKey ||
      attention !== m.attention ||
      downSince !== m.downSince ||
      a.name !== m.name ||
      pr !== m.pr;
    next[a.id] = changed
      ? {
          id: a.id,
          name: a.name,
          owner: a.owner,
          status,
          ...(pending ? { pending } : {}),
          flaps,
          stateKey,
          ...(attention ? { attention } : {}),
          ...(downSince !== undefined ? { downSince } : {}),
          ...(pr !== undefined ? { pr } : {}),
        }
      : m;
  }

  for (const id of Object.keys(prev.agents)) {
    if (next[id]) continue;
    const m = prev.agents[id] as AgentMemory;
    events.push({
      kind: 'agent_deleted',
      severity: 'info',
      agentId: m.id,
      agentName: m.name,
      owner: m.owner,
      at: nowIso,
      lastStatus: m.status,
      message: `agent "${m.name}" (${m.owner}) is gone (last status ${m.status})`,
    });
  }

  const capacity = diffCapacity(prev.capacity, current.length - paused, nowMs, debounceMs, options, events);
  return { events, snapshot: { at: nowMs, agents: next, capacity } };
}

interface Who {
  readonly agentId: string;
  readonly agentName: string;
  readonly owner: string;
}

function failedEvent(a: Agent, who: Who, label: string, at: string, maxText: number): FleetEvent {
  const errorKind = a.lastError?.kind || undefined;
  return {
    kind: 'agent_failed',
    severity: 'critical',
    ...who,
    at,
    reason: a.statusReason,
    ...(errorKind ? { errorKind } : {}),
    message: `${label} failed: ${truncateText(a.statusReason, maxText)}`,
  };
}

/** What a completion message says: the task's report, or for a chat its merged PR or archiving. */
function completionText(a: Agent, maxText: number): string {
  if (a.kind === 'chat') {
    if (a.archived) return 'its work (archived)';
    return a.pr?.number !== undefined ? `its work: PR #${a.pr.number} merged` : 'its work: its PR is merged';
  }
  return `its task${a.state?.message ? `: ${quoteUntrusted(truncateText(a.state.message, maxText))}` : ''}`;
}

/** The event of a PR change from the remembered key `before`: opened (open or draft now, not before) or merged. */
function pullRequestEvent(before: string | undefined, a: Agent, who: Who, label: string, at: string, maxText: number): FleetEvent | undefined {
  const pr = a.pr;
  const key = prKeyOf(a);
  if (pr === undefined || key === undefined) return undefined;
  const name = pr.number !== undefined ? `PR #${pr.number}` : pr.url ? `PR ${pr.url}` : 'a PR';
  const title = pr.title ? `: ${quoteUntrusted(truncateText(pr.title, maxText))}` : '';
  if (prOpen(key) && !prOpen(before)) {
    return { kind: 'pr_opened', severity: 'info', ...who, at, prNumber: pr.number, url: pr.url, draft: pr.draft, message: `${label} opened ${name}${pr.draft ? ' (draft)' : ''}${title}` };
  }
  if (prMerged(key) && !prMerged(before)) {
    return { kind: 'pr_merged', severity: 'info', ...who, at, prNumber: pr.number, url: pr.url, message: `${label}: ${name} merged${title}` };
  }
  return undefined;
}

function offlineEvent(a: Agent, who: Who, label: string, at: string, maxText: number): FleetEvent {
  return { kind: 'agent_offline', severity: 'warning', ...who, at, reason: a.statusReason, message: `${label} is offline: ${truncateText(a.statusReason, maxText)}` };
}

/** The event that opens an attention episode: needs_input (blocked, idle waiting), stuck or action_required; none for the others. */
function attentionEvent(att: NeedsAttention | undefined, who: Who, label: string, nowIso: string, a: Agent): FleetEvent | undefined {
  if (att?.reason === 'requires_action') {
    const act = a.actionRequired;
    return {
      kind: 'action_required',
      severity: 'critical',
      ...who,
      at: att.since ?? nowIso,
      ...(act ? { deadlineAt: act.deadlineAt } : {}),
      ...(act?.toolNames ? { toolNames: act.toolNames } : {}),
      message: `${label} requires action: ${att.suggestion}`,
    };
  }
  if (att?.reason === 'blocked' || att?.reason === 'idle_waiting') {
    return { kind: 'needs_input', severity: att.severity, ...who, at: att.since ?? nowIso, reason: att.reason, message: `${label} needs input: ${att.suggestion}` };
  }
  if (att?.reason === 'stuck') return { kind: 'stuck', severity: 'warning', ...who, at: nowIso, message: `${label} may be stuck: ${att.suggestion}` };
  return undefined;
}

function diffCapacity(
  prev: CapacityMemory,
  used: number,
  nowMs: number,
  debounceMs: number,
  options: DiffFleetOptions,
  events: FleetEvent[],
): CapacityMemory {
  const warningRatio = options.capacityWarningRatio ?? DEFAULT_CAPACITY_WARNING_RATIO;
  const cap = computeCapacity(used, options.capacity, warningRatio);
  if (cap.capacity === null || cap.ratio === null) return { warning: false };
  const hysteresis = options.capacityHysteresis ?? 0.05;
  const want = prev.warning ? cap.ratio >= warningRatio - hysteresis : cap.ratio >= warningRatio;
  if (want === prev.warning) return { warning: prev.warning };
  const since = prev.pending && prev.pending.warning === want ? prev.pending.since : nowMs;
  if (nowMs - since < debounceMs) return { warning: prev.warning, pending: { warning: want, since } };
  const pct = `${Math.round(cap.ratio * 100)}%`;
  const base = { used, capacity: cap.capacity, ratio: cap.ratio, at: isoFromMs(since) };
  events.push(
    want
      ? { kind: 'capacity_warning', severity: 'warning', ...base, message: `capacity_warning: ${used} of ${cap.capacity} agents in use (${pct}, warning at ${Math.round(warningRatio * 100)}%)` }
      : { kind: 'capacity_recovered', severity: 'info', ...base, message: `capacity recovered: ${used} of ${cap.capacity} agents in use (${pct})` },
  );
  return { warning: want };
}
