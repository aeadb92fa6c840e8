/**
 * LOCAL DOMAIN LOGIC (to be moved into @org/fleet-domain): suggested next actions for one agent by status.
 * Pure; exhaustive over AgentStatus. When the agent needs attention, the domain's own suggestion and
 * nextTools come first.
 */
import { assertNever, type Agent, type SuggestedTool } from '@org/fleet-domain';

export interface NextAction {
  tool: SuggestedTool | 'list_agents' | 'get_fleet_status' | 'update_agent_task';
  why: string;
}

export function suggestNextActions(agent: Pick<Agent, 'status' | 'needsAttention'>): NextAction[] {
  const out: NextAction[] = [];
  if (agent.needsAttention) out.push(...agent.needsAttention.nextTools.map((tool, i) => ({ tool, why: i === 0 ? agent.needsAttention?.suggestion ?? '' : 'Also useful for this condition.' })));
  const add = (tool: NextAction['tool'], why: string) => {
    if (!out.some((a) => a.tool === tool)) out.push({ tool, why });
  };
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
      assertNever(status);
  }
  return out;
}
