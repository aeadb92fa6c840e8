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

/** Suggested next tools for one agent: its attention suggestion first, then per-status advice. */
export function suggestNextActions(agent: Pick<Agent, 'status' | 'needsAttention'>): NextAction[] {
  const out: NextAction[] = [];
  const add = (tool: NextActionTool, why: string) => {
    if (!out.some((a) => a.tool === tool)) out.push({ tool, why });
  };
  const att = agent.needsAttention;
  if (att) att.nextTools.forEach((tool, i) => add(tool, i === 0 ? att.suggestion : 'Also useful for this condition.'));
  const status = agent.status;
  switch (status) {
    case 'starting':
      add('get_agent_details', 'The workspace is starting: check again in a minute; input is rejected until it is ready.');
      break;
    case 'busy':
      add('get_agent_logs', 'The agent is working: read its latest output; send input only once it is idle.');
      break;
    case 'idle':
      add('send_agent_input', 'The agent waits for input: send the next instruction, or review its output first.');
      add('get_agent_logs', 'Read what it produced before deciding.');
      add('pause_agent', 'Pause it to free capacity if there is nothing more to do.');
      break;
    case 'complete':
      add('get_agent_logs', 'The agent reported completion: review its output (and any link in the state).');
      add('send_agent_input', 'Give it a follow-up task.');
      add('delete_agent', 'Delete it once the work is merged to free capacity.');
      break;
    case 'paused':
      add('resume_agent', 'The agent is paused: resume it to continue (input is rejected while paused).');
      add('update_agent_task', 'Change its task input before resuming.');
      break;
    case 'offline':
      add('get_agent_details', 'The agent is unreachable: check again shortly; resume or recreate it if it stays offline.');
      add('resume_agent', 'Restart the workspace if it was stopped.');
      break;
    case 'blocked':
      add('get_agent_logs', 'The agent reported it needs help: read its last messages.');
      add('send_agent_input', 'Answer its question or unblock it.');
      break;
    case 'error':
      add('get_agent_logs', 'The agent or its workspace failed: read the last output.');
      add('delete_agent', 'Delete it and create_agent_task again to retry.');
      break;
    case 'unknown':
      add('get_agent_details', 'Coder reports an unknown status: check again shortly.');
      break;
    default:
      assertNever(status, 'agent status');
  }
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
