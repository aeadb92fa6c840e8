/**
 * What the superagent can do with an agent right now, as data: suggested next tools per status.
 * Preconditions for actions (checkAgentAction) live in agent-actions.ts.
 */
import type { Agent, AgentStatus, SuggestedTool } from '../models/agent.js';
import { assertNever } from '../result.js';

/** Tools a next action may name: the agent tools plus fleet-level ones. */
export type NextActionTool = SuggestedTool | 'list_agents' | 'get_fleet_status' | 'update_agent_task' | 'get_fleet_events';

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
  restart_agent: 'Restart its workspace (stop, then start).',
  update_agent_template: "Move it to its template's active version (stop, then start on it).",
  delete_agent: 'Delete it (irreversible) once its work is saved.',
  create_agent_task: 'Start a replacement task.',
  update_agent_task: 'Change its task input before resuming.',
  list_agents: 'Look at the other agents.',
  get_fleet_status: 'See the whole fleet.',
  get_fleet_events: 'Wait for its next change (agent filter, wait_ms up to 30000) instead of polling.',
  interrupt_agent: 'Stop its current turn (history kept; it returns to idle).',
  manage_agent_queue: 'List, promote or delete its queued messages.',
};

/** Per-status advice, most useful first (exhaustive over AgentStatus). */
function actionsForStatus(status: AgentStatus): NextAction[] {
  switch (status) {
    case 'starting':
      return [
        { tool: 'get_agent_details', why: 'The workspace is starting: check again in a minute; input is rejected until it is ready.' },
        { tool: 'get_fleet_events', why: 'Wait until it is up (agent filter, wait_ms up to 30000) instead of polling.' },
      ];
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
        { tool: 'get_agent_details', why: 'The agent is unreachable: check again shortly.' },
        { tool: 'restart_agent', why: 'If it stays offline: restart its workspace (stop, then start; a stopped one is just started).' },
      ];
    case 'blocked':
      return [
        { tool: 'get_agent_logs', why: 'The agent reported it needs help: read its last messages.' },
        { tool: 'send_agent_input', why: 'Answer its question or unblock it.' },
      ];
    case 'error':
      return [
        { tool: 'get_agent_details', why: 'The agent or its workspace failed: its details show the cause (the workspace build error).' },
        { tool: 'delete_agent', why: 'Delete it and create_agent_task again to retry.' },
      ];
    case 'unknown':
      return [{ tool: 'get_agent_details', why: 'Coder reports an unknown status: check again shortly.' }];
    case 'stopping':
      return [{ tool: 'get_agent_details', why: 'The chat is being interrupted and returns to idle within moments: check again, then send input.' }];
    default:
      return assertNever(status, 'agent status');
  }
}

/** Per-status advice for a Coder Agents chat: chats queue input, interrupt turns and archive instead of delete. */
function actionsForChat(status: AgentStatus): NextAction[] {
  switch (status) {
    case 'starting':
      return [
        { tool: 'get_agent_details', why: 'The chat waits for a free agent slot (Coder’s concurrency limit): check again shortly.' },
        { tool: 'send_agent_input', why: 'Input sent now waits in the chat’s queue.' },
      ];
    case 'busy':
      return [
        { tool: 'get_agent_logs', why: 'The agent is working on a turn: read its latest messages.' },
        { tool: 'send_agent_input', why: 'Send input now: Coder queues it for after this turn (when_busy interrupt takes it at once).' },
        { tool: 'interrupt_agent', why: 'Stop the turn (history kept; it returns to idle).' },
      ];
    case 'idle':
      return [
        { tool: 'send_agent_input', why: 'The chat waits for your next message.' },
        { tool: 'get_agent_logs', why: 'Read its last answer before deciding.' },
        { tool: 'delete_agent', why: 'Archive it when there is nothing more to do (history kept).' },
      ];
    case 'complete':
      return [
        { tool: 'get_agent_logs', why: 'Its pull request is merged: review the result.' },
        { tool: 'delete_agent', why: 'Archive it (history kept).' },
        { tool: 'send_agent_input', why: 'Give it a follow-up request.' },
      ];
    case 'paused':
      return [
        { tool: 'manage_agent_queue', why: 'The turn ended while the queue head is being edited: see the queue.' },
        { tool: 'send_agent_input', why: 'Send the next message.' },
      ];
    case 'blocked':
      return [
        { tool: 'get_agent_details', why: 'The chat waits for client tool results (requires_action; Coder gives up after 5 minutes).' },
        { tool: 'interrupt_agent', why: 'Cancel the pending tool calls and return the chat to idle.' },
      ];
    case 'error':
      return [
        { tool: 'get_agent_logs', why: 'The chat’s last turn failed: read its last messages and the error.' },
        { tool: 'send_agent_input', why: 'Send a message to retry (it clears the error).' },
        { tool: 'delete_agent', why: 'Archive it if it is not worth retrying.' },
      ];
    case 'offline':
    case 'unknown':
      return [{ tool: 'get_agent_details', why: 'Coder reports a status this server does not know: check again shortly.' }];
    case 'stopping':
      return [{ tool: 'get_agent_details', why: 'The chat is being interrupted and returns to idle within moments: check again, then send input.' }];
    default:
      return assertNever(status, 'agent status');
  }
}

export interface SuggestNextActionsOptions {
  /** Tools never to suggest, e.g. the tool that is answering (get_agent_details does not suggest itself). */
  readonly exclude?: readonly NextActionTool[];
  /** A newer template version exists (Coder's `outdated`): offer update_agent_template last. */
  readonly templateOutdated?: boolean;
}

/** What a workspace agent (a plain workspace running an AI app) cannot do: its task is its build's AI prompt. */
const WORKSPACE_CANNOT: readonly NextActionTool[] = ['update_agent_task'];

/**
 * Suggested next tools for one agent, most useful first, each with its own reason: the attention's
 * nextTools first (the first carries the attention suggestion, the others the status reason or the tool's
 * purpose), then the per-status advice; no duplicates, no excluded tools.
 */
export function suggestNextActions(agent: Pick<Agent, 'status' | 'needsAttention'> & { readonly kind?: Agent['kind'] }, options: SuggestNextActionsOptions = {}): NextAction[] {
  const statusActions = agent.kind === 'chat' ? actionsForChat(agent.status) : actionsForStatus(agent.status);
  const cannot = agent.kind === 'workspace' ? WORKSPACE_CANNOT : [];
  const out: NextAction[] = [];
  const add = (a: NextAction) => {
    if (!options.exclude?.includes(a.tool) && !cannot.includes(a.tool) && !out.some((x) => x.tool === a.tool)) out.push(a);
  };
  const att = agent.needsAttention;
  if (att) {
    att.nextTools.forEach((tool, i) => add({ tool, why: i === 0 ? att.suggestion : (statusActions.find((a) => a.tool === tool)?.why ?? PURPOSE[tool]) }));
  }
  statusActions.forEach(add);
  if (options.templateOutdated) add({ tool: 'update_agent_template', why: "Its template has a newer active version: move it there (stop, then start on it); it refuses if the agent's parameters do not fit." });
  return out;
}
