/**
 * What the superagent can do with an agent right now, as data: suggested next tools per status and
 * preconditions for actions (FR-020: fail fast, with a reason and the fix, instead of letting Coder answer
 * 409/502). Mirrors Coder's handler rules (coder-api.md 2.1): send needs an active task whose agent is
 * idle (busy -> 502, pending/initializing/paused -> 409); update-input needs a paused task; resume needs a
 * paused task; delete works in any state.
 */
import type { Agent, AgentStatus, SuggestedTool } from '../models/agent.js';
import { assertNever, err, ok, type Result } from '../result.js';

/** Tools a next action may name: the agent tools plus fleet-level ones. */
export type NextActionTool = SuggestedTool | 'list_agents' | 'get_fleet_status' | 'update_agent_task';

export interface NextAction {
  readonly tool: NextActionTool;
  readonly why: string;
}

/** What each tool does, as a reason when no status-specific one applies. */
const PURPOSE: Readonly<Record<NextActionTool, string>> = {
  get_agent_details: 'Check its status again.',
  get_agent_logs: 'Read its latest output.',
  send_agent_input: 'Send it an instruction or an answer.',
  resume_agent: 'Start it again.',
  pause_agent: 'Pause it to free capacity.',
  delete_agent: 'Delete it (irreversible) once its work is saved.',
  create_agent_task: 'Start a replacement task.',
  update_agent_task: 'Change its task input before resuming.',
  list_agents: 'Look at the other agents.',
  get_fleet_status: 'See the whole fleet.',
};

/** Per-status advice, most useful first (exhaustive over AgentStatus). */
function actionsForStatus(status: AgentStatus): NextAction[] {
  switch (status) {
    case 'starting':
      return [{ tool: 'get_agent_details', why: 'The workspace is starting: check again in a minute; input is rejected until it is ready.' }];
    case 'busy':
      return [{ tool: 'get_agent_logs', why: 'The agent is working: read its latest output; send input only once it is idle.' }];
    case 'idle':
      return [
        { tool: 'send_agent_input', why: 'The agent waits for input: send the next instruction, or review its output first.' },
        { tool: 'get_agent_logs', why: 'Read what it produced before deciding.' },
        { tool: 'pause_agent', why: 'Pause it to free capacity if there is nothing more to do.' },
      ];
    case 'complete':
      return [
        { tool: 'get_agent_logs', why: 'The agent reported completion: review its output (and any link in the state).' },
        { tool: 'send_agent_input', why: 'Give it a follow-up task.' },
        { tool: 'delete_agent', why: 'Delete it once the work is merged to free capacity.' },
      ];
    case 'paused':
      return [
        { tool: 'resume_agent', why: 'The agent is paused: resume it to continue (input is rejected while paused).' },
        { tool: 'update_agent_task', why: PURPOSE.update_agent_task },
      ];
    case 'offline':
      return [
        { tool: 'get_agent_details', why: 'The agent is unreachable: check again shortly; resume or recreate it if it stays offline.' },
        { tool: 'resume_agent', why: 'Restart the workspace if it was stopped.' },
      ];
    case 'blocked':
      return [
        { tool: 'get_agent_logs', why: 'The agent reported it needs help: read its last messages.' },
        { tool: 'send_agent_input', why: 'Answer its question or unblock it.' },
      ];
    case 'error':
      return [
        { tool: 'get_agent_logs', why: 'The agent or its workspace failed: read the last output.' },
        { tool: 'delete_agent', why: 'Delete it and create_agent_task again to retry.' },
      ];
    case 'unknown':
      return [{ tool: 'get_agent_details', why: 'Coder reports an unknown status: check again shortly.' }];
    default:
      return assertNever(status, 'agent status');
  }
}

export interface SuggestNextActionsOptions {
  /** Tools never to suggest, e.g. the tool that is answering (get_agent_details does not suggest itself). */
  readonly exclude?: readonly NextActionTool[];
}

/**
 * Suggested next tools for one agent, most useful first, each with its own reason: the attention's
 * nextTools first (the first carries the attention suggestion, the others the status reason or the tool's
 * purpose), then the per-status advice; no duplicates, no excluded tools.
 */
export function suggestNextActions(agent: Pick<Agent, 'status' | 'needsAttention'>, options: SuggestNextActionsOptions = {}): NextAction[] {
  const statusActions = actionsForStatus(agent.status);
  const out: NextAction[] = [];
  const add = (a: NextAction) => {
    if (!options.exclude?.includes(a.tool) && !out.some((x) => x.tool === a.tool)) out.push(a);
  };
  const att = agent.needsAttention;
  if (att) {
    att.nextTools.forEach((tool, i) => add({ tool, why: i === 0 ? att.suggestion : (statusActions.find((a) => a.tool === tool)?.why ?? PURPOSE[tool]) }));
  }
  statusActions.forEach(add);
  return out;
}

export type AgentAction = 'send_input' | 'update_input' | 'pause' | 'resume' | 'delete';

export type ActionRefusalKind = 'agent_busy' | 'agent_not_ready' | 'agent_paused' | 'agent_offline' | 'agent_failed' | 'invalid_state';

export interface ActionRefusal {
  readonly kind: ActionRefusalKind;
  readonly action: AgentAction;
  readonly status: AgentStatus;
  /** What failed and why, naming the agent. */
  readonly message: string;
  /** What to do next, naming the tool that fixes it. */
  readonly hint: string;
  readonly nextTools: readonly NextActionTool[];
}

function refuse(agent: Pick<Agent, 'name' | 'status' | 'statusReason'>, action: AgentAction, kind: ActionRefusalKind, hint: string, nextTools: readonly NextActionTool[]): Result<void, ActionRefusal> {
  return err({
    kind,
    action,
    status: agent.status,
    message: `Cannot ${action.replace('_', ' ')} agent "${agent.name}": it is ${agent.status} (${agent.statusReason}).`,
    hint,
    nextTools,
  });
}

const STOPPED = new Set(['stopped', 'canceled']);

/**
 * Whether `action` can be dispatched to `agent` now. `ok` does not guarantee success (the agent may start
 * working between the read and the call), but a refusal is certain and saves a round trip to Coder.
 */
export function checkAgentAction(
  agent: Pick<Agent, 'name' | 'status' | 'statusReason'> & { readonly workspace?: { readonly status?: string } },
  action: AgentAction,
): Result<void, ActionRefusal> {
  const s = agent.status;
  switch (action) {
    case 'delete':
      return ok();
    case 'send_input':
      switch (s) {
        case 'idle':
        case 'complete':
        case 'blocked':
          return ok();
        case 'busy':
          return refuse(agent, action, 'agent_busy', 'Wait until it is idle (get_agent_details), then send again; or pause_agent to stop it.', ['get_agent_details', 'get_agent_logs']);
        case 'starting':
          return refuse(agent, action, 'agent_not_ready', 'Wait until it is ready (get_agent_details), then send again.', ['get_agent_details']);
        case 'paused':
          return refuse(agent, action, 'agent_paused', 'Call resume_agent, then send again (or update_agent_task to change its input while paused).', ['resume_agent', 'update_agent_task']);
        case 'offline':
          return refuse(agent, action, 'agent_offline', 'The agent is offline, so the input was not sent. Check get_agent_details; resume_agent if its workspace stopped.', ['get_agent_details', 'resume_agent']);
        case 'error':
          return refuse(agent, action, 'agent_failed', 'Inspect get_agent_logs; delete_agent and create_agent_task to retry.', ['get_agent_logs', 'delete_agent', 'create_agent_task']);
        case 'unknown':
          return refuse(agent, action, 'invalid_state', 'Check get_agent_details and retry once the status is known.', ['get_agent_details']);
        default:
          return assertNever(s, 'agent status');
      }
    case 'update_input':
      return s === 'paused'
        ? ok()
        : refuse(agent, action, 'invalid_state', 'Coder only accepts new task input while the task is paused: pause_agent first, or send_agent_input to talk to a running agent.', ['pause_agent', 'send_agent_input']);
    case 'pause':
      return s === 'paused'
        ? refuse(agent, action, 'agent_paused', 'It is already paused; resume_agent continues it.', ['resume_agent'])
        : s === 'error'
          ? refuse(agent, action, 'agent_failed', 'A failed agent cannot be paused; delete_agent and create_agent_task to retry.', ['delete_agent', 'create_agent_task'])
          : ok();
    case 'resume':
      // Offline counts only when its workspace is stopped (a start build brings it back); a lost connection is not fixed by resume.
      return s === 'paused' || (s === 'offline' && STOPPED.has(agent.workspace?.status ?? ''))
        ? ok()
        : refuse(agent, action, 'invalid_state', 'Only a paused (or stopped) agent can be resumed; get_agent_details shows what it is doing.', ['get_agent_details']);
    default:
      return assertNever(action, 'agent action');
  }
}
