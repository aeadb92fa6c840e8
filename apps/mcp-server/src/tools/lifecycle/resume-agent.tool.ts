import { z } from 'zod';
import { defineTool } from '../../define-tool.js';
import { AgentRefSchema } from '../shared/schemas.js';
import { AgentSummaryViewSchema } from '../../views/agent-core.js';
import { raceTimeoutMs } from './build-wait.js';
import { TRANSITION_OUTPUT_FIELDS, transitionResult, transitionText, type TransitionSpec } from './transition.js';

const inputSchema = z.object({
  agent: AgentRefSchema,
});

const outputSchema = z.object({
  agent: AgentSummaryViewSchema.describe('The agent read back after the resume (its build in progress); as found when nothing changed'),
  already_running: z.boolean().describe('The agent was already running or starting: nothing was sent to Coder'),
  ...TRANSITION_OUTPUT_FIELDS,
});

const RESUME: TransitionSpec = {
  tool: 'resume_agent',
  verb: 'resume',
  workspaceTransition: 'start',
  call: (coder) => coder.resumeTask,
  nextWhenUnchanged: [
    { tool: 'get_agent_details', why: 'See what it is doing.' },
    { tool: 'send_agent_input', why: 'Give it instructions once it is idle.' },
  ],
  nextWhenStarted: [
    { tool: 'get_agent_details', why: 'The workspace is starting; the agent works again (or waits idle) within a minute or two.' },
    { tool: 'send_agent_input', why: 'Send instructions once it is idle.' },
  ],
};

export const resumeAgentTool = defineTool({
  name: 'resume_agent',
  title: 'Resume agent',
  description:
    "Resumes a paused agent: its workspace starts, it continues its (possibly updated) task input; a chat is sent 'continue'. Next: get_agent_details until it runs.",
  toolset: 'lifecycle',
  effect: 'write',
  idempotent: true,
  // A call that meets a running build waits for it (bounded) before answering.
  timeoutMs: raceTimeoutMs,
  inputSchema,
  outputSchema,
  handle: (input, ctx) => transitionResult(ctx, input.agent, RESUME, 'already_running', (o) => transitionText(o, `is not paused (${o.agent.status})`, 'Resuming', 'a start build')),
});
