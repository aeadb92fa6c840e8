import { ONLINE_STATUSES, type AgentStatus } from '@org/fleet-domain';
import { z } from 'zod';
import { defineTool, failure, success } from '../../define-tool.js';
import { AgentRefSchema } from '../shared/schemas.js';
import {
  AgentSummarySchema,
  BuildSchema,
  ConflictSchema,
  NextActionsSchema,
  agentSummary,
  buildView,
  coderFailure,
  conflictLines,
  loadTarget,
  recordMutation,
  renderBuild,
  renderNext,
  rereadAgent,
} from './lifecycle-common.js';

/** Running (or already on its way up): resuming changes nothing. */
const RUNNING: ReadonlySet<AgentStatus> = new Set<AgentStatus>(['starting', ...ONLINE_STATUSES]);

const inputSchema = z.object({
  agent: AgentRefSchema,
});

const outputSchema = z.object({
  agent: AgentSummarySchema.describe('The agent as it was just before the resume'),
  already_running: z.boolean().describe('The agent was already running or starting: nothing was sent to Coder'),
  build: BuildSchema.optional(),
  conflict: ConflictSchema.optional(),
  next_actions: NextActionsSchema,
});
type Output = z.output<typeof outputSchema>;

export const resumeAgentTool = defineTool({
  name: 'resume_agent',
  title: 'Resume agent',
  description:
    "Resumes a paused agent: Coder starts its workspace again (a 'start' build) and the agent continues with its (possibly updated) task input. Use it on agents that list_agents or get_agent_details show as paused; resuming a running agent changes nothing. Next: get_agent_details until it is idle or busy, then send_agent_input if it needs instructions.",
  toolset: 'lifecycle',
  effect: 'write',
  idempotent: true,
  inputSchema,
  outputSchema,
  async handle(input, ctx) {
    const loaded = await loadTarget(ctx, input.agent, 'resume');
    if (!loaded.ok) return failure(loaded.failure);
    const target = loaded.value;
    const { agent, ref, resolved } = target;
    const already = (): Output => ({
      agent: agentSummary(agent),
      already_running: true,
      next_actions: [
        { tool: 'get_agent_details', why: 'See what it is doing.' },
        { tool: 'send_agent_input', why: 'Give it instructions once it is idle.' },
      ],
    });
    if (RUNNING.has(agent.status)) {
      const data = already();
      return success(data, render(data, ref));
    }

    const r = await ctx.deps.coder.resumeTask(resolved.owner, resolved.id, { signal: ctx.signal });
    if (!r.ok) {
      const now = r.error.kind === 'conflict' || r.error.kind === 'invalid_request' ? await rereadAgent(ctx, target) : undefined;
      if (now && RUNNING.has(now.status)) {
        // Resumed meanwhile (another session, someone started the workspace): same end state.
        const data = already();
        return success(data, render(data, ref));
      }
      const status = now?.status ?? agent.status;
      return failure(
        coderFailure(r.error, 'resume', ref, {
          hints: {
            conflict:
              status === 'paused'
                ? 'The pause (its stop build) is probably still finishing: wait a few seconds and call resume_agent again.'
                : `Coder only resumes paused agents; this one is ${status}. Check get_agent_details: an offline or errored agent may need delete_agent and create_agent_task instead.`,
            invalid_request: `Coder only resumes paused agents; this one is ${status}. Check get_agent_details for what it needs.`,
          },
        }),
      );
    }
    const conflict = recordMutation(ctx, resolved.id, 'resume_agent', ref);
    const data: Output = {
      agent: agentSummary(agent),
      already_running: false,
      build: buildView(r.value),
      ...(conflict ? { conflict } : {}),
      next_actions: [
        { tool: 'get_agent_details', why: 'The workspace is starting; the agent works again (or waits idle) within a minute or two.' },
        { tool: 'send_agent_input', why: 'Send instructions once it is idle.' },
      ],
    };
    return success(data, render(data, ref));
  },
});

function render(d: Output, ref: string): string {
  const head = d.already_running
    ? `Agent ${ref} (id ${d.agent.id}) is not paused (${d.agent.status}): nothing changed.`
    : `Resuming agent ${ref} (id ${d.agent.id}, was ${d.agent.status}): Coder started ${d.build ? renderBuild(d.build) : 'a start build'}.`;
  return [head, ...conflictLines(d.conflict), renderNext(d.next_actions)].join('\n');
}
