import { z } from 'zod';
import { defineTool, failure, success, type ConfirmOutcome } from '../../define-tool.js';
import { fromCoderApiError, toolFailure } from '../../failures.js';
import { AgentRefSchema } from '../shared/schemas.js';
import { AgentSummaryViewSchema, toAgentSummaryView } from '../../views/agent-core.js';
import { commitAgentAction, prepareAgentAction, type AgentActionSpec } from './agent-action.js';
import { ACTION_RESULT_FIELDS, conflictLines, nextLines, offeredNext, recoverByReread } from './lifecycle-common.js';
import { mutationSignal, mutationSignals } from './outcome.js';
import { raceRecover, raceTimeoutMs, retryAfterBuild, type RaceState } from './build-wait.js';

const inputSchema = z.object({
  agent: AgentRefSchema,
  confirm: z
    .boolean()
    .default(false)
    .describe('true only after the user agreed (clients that cannot prompt)'),
});

const outputSchema = z.object({
  deleted: z.boolean().describe('True when Coder accepted the deletion (for a chat: the archive); false when the confirmation was declined or cancelled'),
  archived: z.boolean().optional().describe('Coder Agents chats are archived, not deleted (with their subagents; history kept)'),
  confirmation: z.enum(['argument', 'accepted', 'declined', 'cancelled']).describe('How the deletion was confirmed (argument = confirm: true from a client without elicitation)'),
  agent: AgentSummaryViewSchema.extend({
    template: z.string().describe('Template name'),
    created_at: z.string(),
  }).describe('The agent as it was at deletion (or at the declined confirmation)'),
  ...ACTION_RESULT_FIELDS,
});
type Output = z.output<typeof outputSchema>;

export const deleteAgentTool = defineTool({
  name: 'delete_agent',
  title: 'Delete agent',
  description:
    'Deletes an agent for good, with its workspace and unpushed work (a chat is archived). The user confirms by prompt, or pass confirm=true once they agreed. To free capacity: pause_agent. Next: list_agents.',
  toolset: 'lifecycle',
  effect: 'destructive',
  // A repeated call by name can hit a newly created agent of the same name: not idempotent.
  idempotent: false,
  timeoutMs: raceTimeoutMs,
  inputSchema,
  outputSchema,
  async handle(input, ctx) {
    const race: RaceState = {};
    const spec: AgentActionSpec<unknown, unknown, unknown> = {
      tool: 'delete_agent',
      verb: 'delete',
      capability: 'delete',
      action: 'delete',
      // Right after interrupt_agent (what a busy chat's refusal suggests) the turn is still stopping: wait for it.
      waitWhileInterrupting: true,
      // Cut early (D1): a lost answer leaves time to re-read the task before the tool's deadline. A 409 (a
      // Coder that does not cancel the running build for a delete) waits for that build, bounded.
      task: (target) => retryAfterBuild(ctx, target, 'delete_agent', () => ctx.deps.coder.deleteTask(target.resolved.owner, target.resolved.id, { signal: mutationSignal(ctx) }), race),
      recover: raceRecover(race, recoverByReread(ctx, 'delete', (ref) => `check with get_agent_details agent=${ref}: if it is still there and not deleting, call delete_agent again.`)),
      chat: (target) => ctx.runtime.backend.chats.archive(target, mutationSignals(ctx)),
      workspace: async (target) => {
        const r = await ctx.runtime.backend.workspaces.build(target, 'delete', mutationSignal(ctx));
        return r.ok ? { ok: true, value: undefined } : { ok: false, failure: fromCoderApiError(r.error, { action: `delete agent '${target.ref}'`, subject: `Agent '${target.ref}'` }) };
      },
    };
    const prepared = await prepareAgentAction(ctx, input.agent, spec);
    if (!prepared.ok) return failure(prepared.failure);
    const { agent, ref, kind } = prepared.value;
    const chat = kind === 'chat';
    const view = { ...toAgentSummaryView(agent), template: agent.template.name, created_at: agent.createdAt };

    // Elicitation wins when the client supports it (the user answers, not the model); else the argument.
    const asked: ConfirmOutcome = await ctx.confirm(
      chat
        ? `Archive agent '${ref}' (a Coder Agents chat, ${agent.status}) and its subagents? It leaves the fleet; Coder keeps its history.`
        : `Delete agent '${ref}' (${agent.status}, template ${agent.template.name})? Its workspace and any unpushed work are deleted permanently.`,
    );
    if (asked === 'unsupported' && !input.confirm) {
      return failure(
        toolFailure(
          'confirmation_required',
          `Deleting agent '${ref}' (${agent.status}) is permanent and needs confirmation; this client cannot show a confirmation prompt. Nothing was deleted.`,
          'Ask the user; only if they agree, call delete_agent again with confirm: true. To free capacity reversibly, use pause_agent instead.',
        ),
      );
    }
    if (asked === 'declined' || asked === 'cancelled') {
      const data: Output = {
        deleted: false,
        confirmation: asked,
        agent: view,
        next_actions: offeredNext(ctx, [{ tool: 'pause_agent', why: 'Free capacity without losing the workspace, if that was the goal.' }]),
      };
      const why = asked === 'declined' ? 'the user declined the deletion' : 'the confirmation was cancelled (the user dismissed it, or the client could not show or answer the prompt)';
      return success(data, [`Nothing was deleted (agent ${ref}, id ${agent.id}): ${why}. Do not retry unless the user asks again.`, ...nextLines(data.next_actions)].join('\n'));
    }

    const r = await commitAgentAction(ctx, prepared.value, spec);
    if (!r.ok) return failure(r.failure);
    const done = r.value;
    const recovered = done.kind === 'task' && done.changed ? done.recovered : done.kind === 'chat' ? (done.value as { recovered?: string } | undefined)?.recovered : undefined;
    const data: Output = {
      deleted: true,
      ...(chat ? { archived: true } : {}),
      confirmation: asked === 'accepted' ? 'accepted' : 'argument',
      agent: view,
      ...(r.value.conflict ? { conflict: r.value.conflict } : {}),
      ...(recovered ? { recovered } : {}),
      next_actions: offeredNext(ctx, [
        { tool: 'list_agents', why: 'The agent disappears from the fleet once its workspace is deleted (usually within a minute).' },
        { tool: 'create_agent_task', why: 'Start new work, if this agent was replaced.' },
      ]),
    };
    return success(
      data,
      [
        ...(recovered ? [recovered] : []),
        chat
          ? `Archived agent ${ref} (a Coder Agents chat, status ${agent.status}) and its subagents; Coder keeps its history.`
          : `Deleted agent ${ref} (id ${agent.id}, template ${agent.template.name}, status at deletion ${agent.status}); Coder is deleting its workspace now.`,
        ...conflictLines(data.conflict),
        ...nextLines(data.next_actions),
      ].join('\n'),
    );
  },
});
