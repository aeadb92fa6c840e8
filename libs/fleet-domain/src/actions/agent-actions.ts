/**
 * Lifecycle decisions for one agent, as data (FR-020: fail fast, with a reason and the fix): whether an
 * action can be dispatched now, changes nothing (already there), or is refused; how to read Coder's own
 * refusal given the agent as re-read afterwards (a race with another session or auto-pause); when a
 * freshly created agent has reached a wait target; what to do after creating one.
 * Mirrors Coder's handler rules (coder-api.md 2.1): send needs an active task whose agent is idle
 * (busy -> 502, pending/initializing/paused -> 409); update-input needs a paused task; pause/resume move the
 * workspace between running and stopped; delete works in any state. Statuses the domain cannot judge
 * (`unknown`, and offline/error for pause and resume) are left to Coder.
 */
import type { Agent, AgentStatus } from '../models/agent.js';
import { ONLINE_STATUSES } from '../models/agent.js';
import { agentRef } from '../query/agent-query.js';
import { assertNever, err, ok, type Result } from '../result.js';
import type { NextAction, NextActionTool } from './next-actions.js';

export type AgentAction = 'send_input' | 'update_input' | 'pause' | 'resume' | 'delete';

export type ActionRefusalKind = 'agent_busy' | 'agent_not_ready' | 'agent_paused' | 'agent_offline' | 'agent_failed' | 'invalid_state';

export interface ActionRefusal {
  readonly kind: ActionRefusalKind;
  readonly action: AgentAction;
  readonly status: AgentStatus;
  /** What failed and why, naming the agent as `owner/name`. */
  readonly message: string;
  /** What to do next, naming the tool that fixes it. */
  readonly hint: string;
  readonly nextTools: readonly NextActionTool[];
}

/** What an action needs to know about the agent. */
export type ActionSubject = Pick<Agent, 'owner' | 'name' | 'status' | 'statusReason'>;

/** `dispatch`: send it to Coder; `already_done`: the agent is already where the action leads (answer without calling Coder). */
export type ActionPlan = 'dispatch' | 'already_done';

/** Statuses in which resume changes nothing: running, or already on its way up. */
const RUNNING_OR_STARTING: readonly AgentStatus[] = ['starting', ...ONLINE_STATUSES];

function refusal(agent: ActionSubject, action: AgentAction, kind: ActionRefusalKind, message: string, hint: string, nextTools: readonly NextActionTool[]): ActionRefusal {
  return { kind, action, status: agent.status, message, hint, nextTools };
}

const UPDATE_HINT =
  'Call pause_agent first, then update_agent_task, then resume_agent (it continues with the new input). To steer a running agent without restarting it, use send_agent_input instead.';

/** update_input on an agent that is not paused (or, after a Coder refusal, no longer is). */
function notPaused(agent: ActionSubject): ActionRefusal {
  const is = agent.status === 'paused' ? 'not (or no longer) paused' : agent.status;
  return refusal(
    agent,
    'update_input',
    'invalid_state',
    `Agent '${agentRef(agent)}' is ${is} (${agent.statusReason}); Coder changes the task input only while an agent is paused. Nothing was changed.`,
    UPDATE_HINT,
    ['pause_agent', 'send_agent_input'],
  );
}

/** send_input: the refusal for an agent that cannot take input, or undefined when it can (or Coder must judge). */
function inputRefusal(agent: ActionSubject): ActionRefusal | undefined {
  const ref = agentRef(agent);
  const why = agent.statusReason;
  const s = agent.status;
  switch (s) {
    case 'idle':
    case 'complete':
    case 'blocked':
    case 'unknown':
    case 'stopping': // a chat being interrupted: Coder queues the message and delivers it when the turn ends
      return undefined;
    case 'busy':
      return refusal(agent, 'send_input', 'agent_busy', `Agent '${ref}' is busy (working) and cannot take input until it is idle.`, 'Wait until get_agent_details shows it idle (or get_agent_logs shows its turn ended), then call send_agent_input again with the same input.', ['get_agent_details', 'get_agent_logs']);
    case 'paused':
      return refusal(agent, 'send_input', 'agent_paused', `Agent '${ref}' is paused (${why}).`, 'Call resume_agent, wait until get_agent_details shows it idle, then send again. To change its task instead, call update_agent_task while it is paused.', ['resume_agent', 'update_agent_task']);
    case 'starting':
      return refusal(agent, 'send_input', 'agent_not_ready', `Agent '${ref}' is still starting (${why}).`, 'Wait a minute and check get_agent_details; send again once it is idle.', ['get_agent_details']);
    case 'offline':
      return refusal(agent, 'send_input', 'agent_offline', `Agent '${ref}' is offline (${why}).`, 'Check get_agent_details; if its workspace was stopped call resume_agent, otherwise wait for it to reconnect or delete_agent and create_agent_task again.', ['get_agent_details', 'resume_agent']);
    case 'error':
      return refusal(agent, 'send_input', 'agent_failed', `Agent '${ref}' is in error (${why}).`, 'Read get_agent_logs / get_agent_details for the cause; delete_agent and create_agent_task again to retry the work.', ['get_agent_logs', 'delete_agent', 'create_agent_task']);
    default:
      return assertNever(s, 'agent status');
  }
}

/**
 * Whether `action` can be dispatched to `agent` now. `dispatch` does not guarantee success (the agent may
 * change between the read and the call: see `explainCoderRefusal`), but a refusal is certain and saves a
 * round trip to Coder; `already_done` (pause a paused agent, resume a running or starting one) needs none.
 */
export function checkAgentAction(agent: ActionSubject, action: AgentAction): Result<ActionPlan, ActionRefusal> {
  const s = agent.status;
  switch (action) {
    case 'delete':
      return ok('dispatch');
    case 'send_input': {
      const refused = inputRefusal(agent);
      return refused ? err(refused) : ok('dispatch');
    }
    case 'update_input':
      return s === 'paused' ? ok('dispatch') : err(notPaused(agent));
    case 'pause':
      return ok(s === 'paused' ? 'already_done' : 'dispatch');
    case 'resume':
      return ok(RUNNING_OR_STARTING.includes(s) ? 'already_done' : 'dispatch');
    default:
      return assertNever(action, 'agent action');
  }
}

/**
 * Coder's refusal of an action, as the shell's client reports it (only these fields are read): `kind` is the
 * client's classification (`conflict` = 409, `upstream_unavailable` = 502/503/504, `invalid_request` = 400/422, ...).
 */
export interface CoderRefusal {
  readonly kind: 'conflict' | 'upstream_unavailable' | 'invalid_request' | (string & {});
  readonly status?: number;
  readonly message: string;
  readonly detail?: string;
}

/** Refusals that may mean the agent changed between our check and Coder's (wrong state now). */
const RACE_KINDS: Readonly<Record<AgentAction, readonly string[]>> = {
  send_input: ['conflict', 'upstream_unavailable', 'invalid_request'],
  update_input: ['conflict'],
  pause: ['conflict'],
  resume: ['conflict', 'invalid_request'],
  delete: [],
};

/** Whether the shell should re-read the agent before `explainCoderRefusal` (only races need the current status). */
export function isRaceRefusal(action: AgentAction, refused: Pick<CoderRefusal, 'kind'>): boolean {
  return RACE_KINDS[action].includes(refused.kind);
}

/**
 * What Coder's refusal means: `already_done` (the re-read agent shows the action's end state: same result),
 * `refused` (a domain refusal explaining the agent's current state), or `coder` (pass Coder's error on, with
 * next-step hints per client error kind for this action).
 */
export type RefusalVerdict =
  | { readonly kind: 'already_done' }
  | { readonly kind: 'refused'; readonly refusal: ActionRefusal }
  | { readonly kind: 'coder'; readonly hints: Readonly<Record<string, string>> };

const coder = (hints: Readonly<Record<string, string>> = {}): RefusalVerdict => ({ kind: 'coder', hints });
const refused = (r: ActionRefusal): RefusalVerdict => ({ kind: 'refused', refusal: r });

const alreadyDone = (agent: ActionSubject | undefined, action: AgentAction): boolean => {
  const c = agent ? checkAgentAction(agent, action) : undefined;
  return c?.ok === true && c.value === 'already_done';
};

/** Coder's words (message and detail) for pattern checks. */
const said = (r: CoderRefusal): string => `${r.message}${r.detail ? ` ${r.detail}` : ''}`;

function explainSendRefusal(r: CoderRefusal, before: ActionSubject, now: ActionSubject | undefined): RefusalVerdict {
  const fromStatus = now ? inputRefusal(now) : undefined;
  if (fromStatus) return refused(fromStatus);
  // The status (or a failed re-read) cannot explain it: go by Coder's words, with its message as the reason.
  const asIf = (status: AgentStatus) => inputRefusal({ ...before, status, statusReason: `Coder: ${r.message}` });
  const words = said(r);
  const fromWords =
    (r.kind === 'conflict' && /paused|resume the task/i.test(words) && asIf('paused')) ||
    (r.kind === 'conflict' && /resuming|pending|initializ/i.test(words) && asIf('starting')) ||
    (r.kind === 'upstream_unavailable' && (/not ready|running|busy/i.test(words) || r.status === 502) && notAccepted(r, now ?? before));
  return fromWords ? refused(fromWords) : coder();
}

/** 502 on send: the in-workspace agent did not take the message (busy, or unreachable for a moment). */
function notAccepted(r: CoderRefusal, agent: ActionSubject): ActionRefusal {
  return refusal(
    agent,
    'send_input',
    'agent_busy',
    `Agent '${agentRef(agent)}' did not accept the input: Coder says the agent is not ready for input (HTTP ${r.status ?? 502}: ${r.message}); it is most likely busy or momentarily unreachable.`,
    'Wait until get_agent_details shows it idle, then call send_agent_input again with the same input (back off between tries).',
    ['get_agent_details'],
  );
}

function resumeHints(status: AgentStatus): Record<string, string> {
  return {
    conflict:
      status === 'paused'
        ? 'The pause (its stop build) is probably still finishing: wait a few seconds and call resume_agent again.'
        : `Coder only resumes paused agents; this one is ${status}. Check get_agent_details: an offline or errored agent may need delete_agent and create_agent_task instead.`,
    invalid_request: `Coder only resumes paused agents; this one is ${status}. Check get_agent_details for what it needs.`,
  };
}

/**
 * Coder refused `action` although `checkAgentAction(before, action)` dispatched it. `now` is the agent as
 * re-read after the refusal (only when `isRaceRefusal`; undefined when not re-read or unreadable). 409/502/400
 * on send = the agent changed state (explained by its current status, else by Coder's words); 409 on update =
 * no longer paused; 409 on pause / 409/400 on resume whose re-read shows the end state = already done.
 */
export function explainCoderRefusal(action: AgentAction, r: CoderRefusal, before: ActionSubject, now: ActionSubject | undefined): RefusalVerdict {
  const race = () => isRaceRefusal(action, r);
  switch (action) {
    case 'send_input':
      return race() ? explainSendRefusal(r, before, now) : coder();
    case 'update_input':
      return race() ? refused(notPaused(now ?? { ...before, statusReason: `Coder: ${r.message}` })) : coder();
    case 'pause':
      return race() && alreadyDone(now, action)
        ? { kind: 'already_done' }
        : coder({ conflict: 'A workspace build is probably still running (the agent is starting or stopping): wait until get_agent_details shows a stable status, then retry.' });
    case 'resume':
      return race() && alreadyDone(now, action) ? { kind: 'already_done' } : coder(resumeHints((now ?? before).status));
    case 'delete':
      return coder();
    default:
      return assertNever(action, 'agent action');
  }
}

// ---- lost answers: did the request take effect? ---------------------------------------------------

/** The agent as re-read after a lost answer; `gone` when Coder no longer knows it (404). */
export type AgentAfterLostAnswer = Pick<Agent, 'status'> & { readonly workspace?: { readonly status?: string } };

/** Workspace statuses that show a stop build (pause) or a start build (resume) or a delete build was started. */
const STOP_BUILD_STATUSES: readonly string[] = ['stopping', 'stopped'];
const START_BUILD_STATUSES: readonly string[] = ['pending', 'starting', 'running'];
const DELETE_BUILD_STATUSES: readonly string[] = ['deleting', 'deleted'];

/**
 * D1: a pause, resume or delete left for Coder but its answer was lost (connection reset, timeout). Does the
 * agent as re-read show the action's effect? `applied`: report it done ("a re-read shows …"); `unknown`: the
 * caller is told how to check, never "not sent" (the bytes left). A stop/start/delete build in progress
 * counts as applied: that build is what the action asks Coder for.
 */
export function effectAfterLostAnswer(action: 'pause' | 'resume' | 'delete', after: AgentAfterLostAnswer | 'gone'): 'applied' | 'unknown' {
  const ws = after === 'gone' ? undefined : after.workspace?.status;
  switch (action) {
    case 'pause':
      return after !== 'gone' && (after.status === 'paused' || (ws !== undefined && STOP_BUILD_STATUSES.includes(ws))) ? 'applied' : 'unknown';
    case 'resume':
      return after !== 'gone' && after.status !== 'paused' && (RUNNING_OR_STARTING.includes(after.status) || (ws !== undefined && START_BUILD_STATUSES.includes(ws))) ? 'applied' : 'unknown';
    case 'delete':
      return after === 'gone' || (ws !== undefined && DELETE_BUILD_STATUSES.includes(ws)) ? 'applied' : 'unknown';
    default:
      return assertNever(action, 'lifecycle action');
  }
}

// ---- create_agent_task: waiting for a new agent, and what to do next ---------------------------------

/**
 * Whether a Coder user (its `status`: active | dormant | suspended) can own a new agent: suspended users
 * cannot; dormant ones can (Coder reactivates them). An absent or unknown status is left to Coder.
 */
export function canOwnAgents(user: { readonly status?: string }): boolean {
  return user.status !== 'suspended';
}

export const WAIT_TARGETS = ['started', 'working', 'idle'] as const;
export type WaitTarget = (typeof WAIT_TARGETS)[number];
/** How a bounded wait ended (`failed` = the agent went into error). */
export type WaitOutcome = 'reached' | 'failed' | 'timeout' | 'cancelled';

/** Whether an agent in `status` has reached `target` (or can no longer reach it). Exhaustive over the fleet status. */
export function waitVerdict(status: AgentStatus, target: WaitTarget): 'reached' | 'failed' | 'pending' {
  switch (status) {
    case 'error':
      return 'failed';
    case 'starting':
    case 'paused':
    case 'offline':
    case 'unknown':
      return 'pending';
    case 'busy':
    case 'stopping':
      return target === 'idle' ? 'pending' : 'reached';
    case 'idle':
    case 'complete':
    case 'blocked':
      // Polling can miss a short working phase: a finished turn counts as having worked.
      return 'reached';
    default:
      return assertNever(status, 'agent status');
  }
}

/** Next tools after creating an agent, given its last read status and how the optional wait ended. */
export function nextActionsAfterCreate(status: AgentStatus, outcome?: WaitOutcome): NextAction[] {
  if (outcome === 'failed' || status === 'error') {
    return [
      { tool: 'get_agent_details', why: 'The agent went into error while starting: see why.' },
      { tool: 'delete_agent', why: 'Delete it and create_agent_task again (maybe on another template).' },
    ];
  }
  switch (status) {
    case 'idle':
    case 'complete':
    case 'blocked':
      return [
        { tool: 'get_agent_logs', why: 'Read what it produced.' },
        { tool: 'send_agent_input', why: 'Give it the next instruction.' },
      ];
    case 'busy':
    case 'stopping':
      return [
        { tool: 'get_agent_logs', why: 'It is working: follow its output.' },
        { tool: 'get_agent_details', why: 'Check when it turns idle (waiting for input) or complete.' },
      ];
    // No get_agent_logs before it works: Coder without log snapshots (2.27) answers 409 for a task not yet
    // active, and there is nothing to read yet anyway. (A task in error has none either: answered above.)
    case 'starting':
    case 'paused':
    case 'offline':
    case 'unknown':
      return [{ tool: 'get_agent_details', why: 'The workspace starts and the agent begins within a minute or two: check its status, then read its output with get_agent_logs.' }];
    default:
      return assertNever(status, 'agent status');
  }
}
