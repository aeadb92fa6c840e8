/**
 * Needs-attention rules: which agents the superagent should look at, why, and which MCP tool to call
 * next. Pure: `now` is passed in. Rules in priority order (first match wins):
 *
 * | reason                 | severity | condition                                                                  |
 * |------------------------|----------|----------------------------------------------------------------------------|
 * | `error`                | critical | status `error` (a chat: error kind needing an operator, or not transient)   |
 * | `transient_error`      | warning  | a chat in `error` with a transient kind (overloaded, rate_limit, timeout)   |
 * | `offline`              | warning  | status `offline` and the workspace is not being deleted                    |
 * | `requires_action`      | critical | a chat `blocked` in `requires_action` (client tool calls, 5-min deadline)   |
 * | `blocked`              | warning  | a task `blocked` (agent reported `failure`: needs input or stuck)           |
 * | `unhealthy`            | warning  | agent health `healthy: false` in any other status                          |
 * | `stuck`                | warning  | status `busy` with no state change (chat: no new message) for > `stuckMs`  |
 * | `pr_changes_requested` | warning  | status `idle` with an open or draft PR that has changes requested          |
 * | `pr_open_idle`         | info     | status `idle` with an open or draft PR                                     |
 * | `idle_waiting`         | info     | status `idle` for longer than `idleWaitingMs`                              |
 */
import type {
  Agent,
  AgentActionRequired,
  AgentKind,
  AgentLastError,
  AgentPullRequest,
  AgentStatus,
  AgentState,
  ChatErrorClass,
  NeedsAttention,
  AttentionReason,
  Severity,
  SuggestedTool,
} from '../models/agent.js';
import { quoteUntrusted } from '../text/quote.js';
import { formatDuration, truncateText } from '../text/truncate.js';
import { isoFromMs } from '../mapping/timestamps.js';
import type { InvalidThreshold } from '../errors.js';
import { err, ok, type Result } from '../result.js';

export interface AttentionThresholds {
  /** An idle agent waiting longer than this needs input (default 15 min). */
  readonly idleWaitingMs?: number;
  /** A busy agent without a state change for longer than this may be stuck (default 30 min). */
  readonly stuckMs?: number;
}

export const DEFAULT_ATTENTION_THRESHOLDS: Required<AttentionThresholds> = {
  idleWaitingMs: 15 * 60_000,
  stuckMs: 30 * 60_000,
};

export const ATTENTION_SEVERITY: Readonly<Record<AttentionReason, Severity>> = {
  error: 'critical',
  offline: 'warning',
  blocked: 'warning',
  unhealthy: 'warning',
  stuck: 'warning',
  idle_waiting: 'info',
  requires_action: 'critical',
  transient_error: 'warning',
  pr_changes_requested: 'warning',
  pr_open_idle: 'info',
};

/** Which ChatError kinds need an operator and which are transient (docs/coder-chats-api.md §4; open: others are `other`). */
export function classifyChatError(kind: string | undefined, retryable?: boolean): ChatErrorClass {
  switch (kind) {
    case 'usage_limit':
    case 'auth':
    case 'config':
    case 'missing_key':
    case 'provider_disabled':
      return 'operator';
    case 'overloaded':
    case 'rate_limit':
    case 'timeout':
    case 'stream_silence_timeout':
      return 'transient';
    case 'generic':
    case 'content_filter':
    case 'hook_denied':
    case 'hook_dispatch_failed':
      return 'other';
    default:
      // A kind this version does not know: trust Coder's retryable flag.
      return retryable ? 'transient' : 'other';
  }
}

/** What the operator has to do per operator-class error kind. */
const OPERATOR_FIX: Readonly<Record<string, string>> = {
  usage_limit: 'the spend limit is reached: raise the AI Gateway budget or wait for the next period',
  auth: 'the model provider rejected the credentials: fix the provider key',
  config: 'the model or MCP configuration is invalid: fix it in the deployment',
  missing_key: 'the model provider has no API key: add one',
  provider_disabled: 'the model provider is disabled: enable it or pick another model',
};

/** The facts the attention rules read (a subset of Agent, so mapping can call it before the Agent exists). */
export interface AttentionInput {
  /** Absent = 'task'. */
  readonly kind?: AgentKind;
  readonly status: AgentStatus;
  readonly statusReason: string;
  readonly state?: AgentState;
  readonly rawHealthy: boolean | undefined;
  readonly healthReason?: string;
  readonly workspaceStatus?: string;
  /** Epoch ms since the current state holds (state timestamp, else creation). */
  readonly stateSinceMs: number;
  readonly updatedAtMs: number;
  /** UTC ISO of `stateSinceMs` / `updatedAtMs` when the caller already has them (saves formatting one per agent). */
  readonly stateSinceIso?: string;
  readonly updatedAtIso?: string;
  /** Chat facts (absent for tasks). */
  readonly lastError?: AgentLastError;
  readonly pr?: AgentPullRequest;
  readonly actionRequired?: AgentActionRequired;
}

/** AttentionInput with its fields writable, for callers that refill one object per agent. */
export type MutableAttentionInput = { -readonly [K in keyof AttentionInput]: AttentionInput[K] };

/**
 * The attention rules' input for a mapped agent, written into `input` (fixed shape, no allocation: runs
 * for every agent of a fleet). error/offline are decided before the health rule, so "unhealthy" here
 * means Coder's agent health.
 */
export function fillAttentionInput(input: MutableAttentionInput, a: Agent): AttentionInput {
  input.status = a.status;
  input.statusReason = a.statusReason;
  input.state = a.state;
  input.rawHealthy = a.health.healthy ? undefined : false;
  input.healthReason = a.health.reason || undefined;
  input.workspaceStatus = a.workspace.status;
  input.stateSinceMs = a.times.stateSince;
  input.updatedAtMs = a.times.updatedAt;
  input.kind = a.kind;
  input.lastError = a.lastError;
  input.pr = a.pr;
  input.actionRequired = a.actionRequired;
  return input;
}

const MESSAGE_PREVIEW = 160;

function make(
  reason: AttentionReason,
  sinceMs: number,
  sinceIso: string | undefined,
  suggestion: string,
  nextTools: readonly SuggestedTool[],
): NeedsAttention {
  const since = sinceMs === sinceMs ? sinceIso || isoFromMs(sinceMs) || undefined : undefined;
  return { reason, severity: ATTENTION_SEVERITY[reason], since, suggestion, nextTools };
}

/** The agent's own last word when it reported a failure (` — it said "…"`), else nothing. */
function failureMessage(input: AttentionInput): string {
  return input.state?.kind === 'failed' && input.state.message ? ` — it said${quoted(input.state.message)}` : '';
}

function quoted(message: string | undefined): string {
  return message ? ` ${quoteUntrusted(truncateText(message.replace(/\s+/g, ' ').trim(), MESSAGE_PREVIEW))}` : '';
}

/**
 * Which attention rule matches, without building the suggestion (cheap: no allocation). `deriveAttention`
 * is this plus the text; callers that only count or rank (computeFleetStatus over 10,000 agents) use it.
 */
export function attentionReason(input: AttentionInput, nowMs: number, thresholds: AttentionThresholds = {}): AttentionReason | undefined {
  switch (input.status) {
    case 'error':
      return input.lastError?.errorClass === 'transient' ? 'transient_error' : 'error';
    case 'offline':
      return input.workspaceStatus === 'deleting' || input.workspaceStatus === 'deleted' ? undefined : 'offline';
    case 'blocked':
      return input.kind === 'chat' ? 'requires_action' : 'blocked';
    default:
      break;
  }
  if (input.rawHealthy === false) return 'unhealthy';
  const inState = nowMs - input.stateSinceMs;
  if (input.status === 'busy' && inState > (thresholds.stuckMs ?? DEFAULT_ATTENTION_THRESHOLDS.stuckMs)) return 'stuck';
  if (input.status !== 'idle') return undefined;
  const pr = input.pr;
  if (pr !== undefined && (pr.state === 'open' || pr.state === 'draft')) return pr.changesRequested ? 'pr_changes_requested' : 'pr_open_idle';
  if (inState > (thresholds.idleWaitingMs ?? DEFAULT_ATTENTION_THRESHOLDS.idleWaitingMs)) return 'idle_waiting';
  return undefined;
}

/** Epoch ms since when the condition behind `reason` holds (NaN when unknown). */
export function attentionSinceMs(reason: AttentionReason, input: Pick<AttentionInput, 'stateSinceMs' | 'updatedAtMs'>): number {
  return sinceState(reason) ? input.stateSinceMs : input.updatedAtMs;
}

/** Conditions about the agent's reported state hold since the state's time; the others since the last update. */
const sinceState = (reason: AttentionReason): boolean =>
  reason === 'blocked' || reason === 'stuck' || reason === 'idle_waiting' || reason === 'requires_action' || reason === 'pr_changes_requested' || reason === 'pr_open_idle';

export function deriveAttention(
  input: AttentionInput,
  nowMs: number,
  thresholds: AttentionThresholds = {},
): NeedsAttention | undefined {
  const reason = attentionReason(input, nowMs, thresholds);
  if (reason === undefined) return undefined;
  const since = attentionSinceMs(reason, input);
  const iso = sinceState(reason) ? input.stateSinceIso : input.updatedAtIso;
  const chat = input.kind === 'chat';
  switch (reason) {
    case 'error':
      if (chat) return chatErrorAttention(input, since, iso);
      return make(
        reason,
        since,
        iso,
        // Coder serves no logs for a task in error (409): the cause is the build error get_agent_details shows.
        `Agent failed: ${input.statusReason}${failureMessage(input)}. get_agent_details shows the cause (the workspace build error); to retry, delete_agent and create_agent_task.`,
        ['get_agent_details', 'delete_agent', 'create_agent_task'],
      );
    case 'offline':
      return make(
        reason,
        since,
        iso,
        chat
          ? `Agent is offline: ${input.statusReason}. Check get_agent_details.`
          : `Agent is offline while not paused: ${input.statusReason}. Check get_agent_details; if it stays offline, restart_agent stops and starts its workspace (a stopped one is just started).`,
        chat ? ['get_agent_details'] : ['get_agent_details', 'restart_agent'],
      );
    case 'blocked':
      return make(
        reason,
        since,
        iso,
        `Agent reports it is blocked (needs input or stuck):${quoted(input.state?.message)}. Read get_agent_logs, then answer with send_agent_input.`,
        ['get_agent_logs', 'send_agent_input', 'get_agent_details'],
      );
    case 'unhealthy':
      return make(
        reason,
        since,
        iso,
        `Agent is unhealthy${input.healthReason ? `: ${input.healthReason}` : ''}. Check get_agent_details and get_agent_logs.`,
        ['get_agent_details', 'get_agent_logs'],
      );
    case 'stuck':
      return make(reason, since, iso, timedSuggestion(reason, chat, nowMs - input.stateSinceMs), chat ? CHAT_STUCK_TOOLS : STUCK_TOOLS);
    case 'idle_waiting':
      return make(reason, since, iso, timedSuggestion(reason, chat, nowMs - input.stateSinceMs), chat ? CHAT_IDLE_TOOLS : IDLE_TOOLS);
    case 'transient_error': {
      const e = input.lastError as AgentLastError;
      return make(
        reason,
        since,
        iso,
        `Chat stopped on a transient provider error (${e.kind || 'unknown kind'})${quoted(e.message)}. Retry in a few minutes: send_agent_input "continue".`,
        ['send_agent_input', 'get_agent_logs', 'get_agent_details'],
      );
    }
    case 'requires_action': {
      const act = input.actionRequired;
      const tools = act?.toolNames?.length ? ` (${act.toolNames.join(', ')})` : '';
      const deadline = act ? `; Coder fails the turn at about ${act.deadlineAt} (5 min after it asked)` : '';
      return make(
        reason,
        since,
        iso,
        `Chat waits for client tool results${tools}${deadline}. The client that declared the tools must answer; otherwise interrupt_agent returns it to idle.`,
        ['get_agent_details', 'interrupt_agent', 'get_agent_logs'],
      );
    }
    case 'pr_changes_requested':
      return make(
        reason,
        since,
        iso,
        `Changes were requested on ${prLabel(input.pr)} and the chat is idle: ask it to address the review with send_agent_input.`,
        ['send_agent_input', 'get_agent_details'],
      );
    case 'pr_open_idle':
      return make(
        reason,
        since,
        iso,
        `Chat is idle with ${prLabel(input.pr)} open${input.pr?.state === 'draft' ? ' (draft)' : ''}: review and merge it, or send_agent_input with follow-ups.`,
        ['get_agent_details', 'send_agent_input'],
      );
  }
}

function prLabel(pr: AgentPullRequest | undefined): string {
  return pr?.number !== undefined ? `PR #${pr.number}` : pr?.url ? `PR ${pr.url}` : 'its PR';
}

function chatErrorAttention(input: AttentionInput, since: number, iso: string | undefined): NeedsAttention {
  const e = input.lastError;
  const fix = e && e.errorClass === 'operator' ? OPERATOR_FIX[e.kind] : undefined;
  if (fix) {
    return make(
      'error',
      since,
      iso,
      `Chat stopped (${e?.kind}): ${fix}. This needs an operator; afterwards send_agent_input "continue" resumes it.`,
      ['get_agent_details', 'send_agent_input', 'get_agent_logs'],
    );
  }
  return make(
    'error',
    since,
    iso,
    `Chat failed: ${input.statusReason}. Read get_agent_logs; send_agent_input retries, delete_agent archives it.`,
    ['get_agent_logs', 'get_agent_details', 'send_agent_input', 'delete_agent'],
  );
}

// A busy task refuses input (Coder Tasks has no queue): a stuck one is read, then paused, never nudged.
const STUCK_TOOLS: readonly SuggestedTool[] = ['get_agent_logs', 'pause_agent'];
const IDLE_TOOLS: readonly SuggestedTool[] = ['send_agent_input', 'get_agent_logs', 'pause_agent'];
const CHAT_STUCK_TOOLS: readonly SuggestedTool[] = ['get_agent_logs', 'interrupt_agent', 'send_agent_input'];
const CHAT_IDLE_TOOLS: readonly SuggestedTool[] = ['send_agent_input', 'get_agent_logs', 'delete_agent'];

function timedText(reason: 'stuck' | 'idle_waiting', chat: boolean, duration: string): string {
  if (chat) {
    return reason === 'stuck'
      ? `Chat has been running for ${duration} without a new message; it may be stuck. Check get_agent_logs; interrupt_agent stops the turn.`
      : `Chat has been idle for ${duration}, waiting for input. Send the next instruction with send_agent_input, or delete_agent to archive it.`;
  }
  return reason === 'stuck'
    ? `Agent has been working for ${duration} without a state change; it may be stuck. Check get_agent_logs; if it is, pause_agent stops it (it takes input once resumed and idle).`
    : `Agent has been idle for ${duration}, waiting for input. Send the next instruction with send_agent_input, or pause_agent to free capacity.`;
}

/**
 * Memo of the timed suggestions (pure function of reason + whole minutes, since formatDuration shows
 * minutes from 60 s on): across 10,000 agents most share a handful of strings, which keeps mapping cheap.
 */
const TIMED_CACHE = new Map<number, string>();

function timedSuggestion(reason: 'stuck' | 'idle_waiting', chat: boolean, ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (!(seconds >= 60)) return timedText(reason, chat, formatDuration(ms));
  const key = Math.floor(seconds / 60) * 4 + (reason === 'stuck' ? 0 : 1) + (chat ? 2 : 0);
  let text = TIMED_CACHE.get(key);
  if (text === undefined) {
    if (TIMED_CACHE.size > 20_000) TIMED_CACHE.clear();
    text = timedText(reason, chat, formatDuration(ms));
    TIMED_CACHE.set(key, text);
  }
  return text;
}

/**
 * Thresholds with defaults filled in, or every threshold that is not a positive finite number of
 * milliseconds (`invalid_threshold`): a zero or negative threshold would flag every agent at once.
 */
export function validateThresholds(thresholds: AttentionThresholds = {}): Result<Required<AttentionThresholds>, InvalidThreshold[]> {
  const merged = { ...DEFAULT_ATTENTION_THRESHOLDS, ...definedOnly(thresholds) };
  const bad: InvalidThreshold[] = [];
  for (const name of ['idleWaitingMs', 'stuckMs'] as const) {
    const value = merged[name];
    if (!Number.isFinite(value) || value <= 0) bad.push({ kind: 'invalid_threshold', name, value });
  }
  return bad.length > 0 ? err(bad) : ok(merged);
}

function definedOnly(t: AttentionThresholds): AttentionThresholds {
  return Object.fromEntries(Object.entries(t).filter(([, v]) => v !== undefined));
}
