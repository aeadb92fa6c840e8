import { checkAgentAction, type Agent } from '@org/fleet-domain';
import { z } from 'zod';
import type { CoderApiError } from '../../coder.js';
import { QUEUE_PRIORITIES, type QueuePriority } from '../../backends/agent-queue.js';
import { WHEN_BUSY, type SendOutcome, type WhenBusy } from '../../backends/backend.js';
import type { WorkspaceTarget } from '../../backends/workspaces-backend.js';
import { defineTool, failure, success, type ToolContext, type ToolOutcome } from '../../define-tool.js';
import { toolFailure, type Outcome, type ToolFailure } from '../../failures.js';
import { AgentRefSchema } from '../shared/schemas.js';
import { AgentSummaryViewSchema, toAgentSummaryView } from '../../views/agent-core.js';
import { answerLost, mutationSignal, mutationSignals, outcomeUnknown, rereadSignal } from './outcome.js';
import { commitAgentAction, prepareLoadedAction, readBackChat, type ActionDone, type AgentActionSpec } from './agent-action.js';
import { AgentStatusSchema } from '../../views/parts.js';
import { raceTimeoutMs } from './build-wait.js';
import {
  ACTION_RESULT_FIELDS,
  anonymiseSession,
  conflictLines,
  loadAnyTarget,
  nextLines,
  notSentText,
  offeredNext,
  recordMutation,
  type TargetAgent,
} from './lifecycle-common.js';

export const MAX_INPUT_CHARS = 100_000;

const inputSchema = z.object({
  agent: AgentRefSchema,
  input: z.string().trim().min(1).max(MAX_INPUT_CHARS).describe('Instruction, answer or follow-up task'),
  when_busy: z
    .enum(WHEN_BUSY as [WhenBusy, ...WhenBusy[]])
    .default('queue')
    .describe(
      'If busy: queue (sent once idle), fail, or interrupt (chats, workspace agents: stop the turn, then send)',
    ),
  priority: z
    .enum(QUEUE_PRIORITIES as [QueuePriority, ...QueuePriority[]])
    .optional()
    .describe('Queue order (chats: normal only)'),
});

const outputSchema = z.object({
  agent: AgentSummaryViewSchema.describe('Chats: read back after the send; tasks: as it was when the input was sent (it turns busy right after)'),
  previous_status: AgentStatusSchema.optional().describe('Chats: its status before the send'),
  sent: z.boolean().describe("false: held in this server's queue"),
  delivery: z.enum(['delivered', 'queued']).optional().describe("'queued' when the agent was busy"),
  queue: z.enum(['coder', 'store']).optional().describe("Coder's (chats) or this server's (tasks)"),
  queue_position: z.number().int().optional().describe('Queue position (1 = next)'),
  queue_item: z.string().optional().describe('Item id for manage_agent_queue'),
  priority: z.enum(QUEUE_PRIORITIES as [QueuePriority, ...QueuePriority[]]).optional().describe('Store queue priority'),
  interrupted: z.boolean().optional().describe('Chats: the current turn was interrupted to take this input (when_busy interrupt)'),
  input_chars: z.number().int().describe('Length of the input sent'),
  ...ACTION_RESULT_FIELDS,
});
type Output = z.output<typeof outputSchema>;

export const sendAgentInputTool = defineTool({
  name: 'send_agent_input',
  title: 'Send input to agent',
  description:
    'Sends a message to an agent waiting for input (idle, blocked, done); it starts working on it. Busy: see when_busy, priority. A refusal says why and quotes your input back. Next: get_agent_details or get_agent_logs.',
  toolset: 'lifecycle',
  effect: 'write',
  idempotent: false,
  // A starting task is waited for (bounded) before the input is sent.
  timeoutMs: raceTimeoutMs,
  inputSchema,
  outputSchema,
  async handle(input, ctx) {
    const text = input.input;
    const spec: AgentActionSpec<unknown, SendOutcome, SendOutcome> = {
      tool: 'send_agent_input',
      verb: 'send input to',
      capability: 'send_input',
      action: 'send_input',
      waitWhileStarting: true,
      task: ({ resolved }) => ctx.deps.coder.sendTaskInput(resolved.owner, resolved.id, text, { signal: mutationSignal(ctx) }),
      recover: (target, error) => recoverLostSend(ctx, target, error, text),
      chat: (target) => ctx.runtime.backend.chats.sendInput(target, text, { whenBusy: input.when_busy }, mutationSignals(ctx)),
      workspace: async (target) => {
        const r = await ctx.runtime.backend.workspaces.sendInput(target, text, mutationSignals(ctx));
        return r.ok && interrupted ? { ok: true, value: { ...r.value, interrupted: true } } : r;
      },
      onFailure: (f) => notSent(busyHint(f, input.when_busy), text),
    };
    let interrupted = false;
    const loaded = await loadAnyTarget(ctx, input.agent, spec.verb);
    if (!loaded.ok) return failure(loaded.failure);
    let target = loaded.value;
    // when_busy 'interrupt' on a busy workspace agent: ESC to its AgentAPI first, then the input.
    if (target.kind === 'workspace' && input.when_busy === 'interrupt' && target.target.agent.status === 'busy') {
      const stopped = await interruptWorkspace(ctx, target.target);
      if (!stopped.ok) return failure(notSent(stopped.failure, text));
      target = { ...target, target: stopped.value };
      interrupted = true;
    }
    if (target.kind === 'chat' && input.priority !== undefined && input.priority !== 'normal') return failure(notSent(CHAT_PRIORITY_REFUSED, text));
    // A busy task or workspace agent: the input waits in the store's queue (when this server holds one).
    const storeQueued = target.kind !== 'chat' && input.when_busy === 'queue' && ctx.runtime.backend.supports('queue_when_busy', target.kind).supported;
    const queueTarget = target.kind === 'task' ? { id: target.target.resolved.id, owner: target.target.resolved.owner, ref: target.target.ref, agent: target.target.agent } : target.kind === 'workspace' ? { id: target.target.id, owner: target.target.agent.owner, ref: target.ref, agent: target.target.agent } : undefined;
    if (storeQueued && queueTarget) {
      const check = checkAgentAction(queueTarget.agent, 'send_input');
      if (!check.ok && check.error.kind === 'agent_busy') return queueTaskInput(ctx, queueTarget, text, input.priority ?? 'normal');
    }
    const prepared = await prepareLoadedAction(ctx, target, spec);
    if (!prepared.ok) return failure(prepared.failure);
    let r = await commitAgentAction(ctx, prepared.value, spec);
    // A late 409: the task went back to starting (a resume or restart elsewhere) between the check and the send.
    // Answered like the early case: wait for it to come up (bounded) and send once more, or say when to retry.
    if (!r.ok && r.failure.code === 'agent_starting' && prepared.value.kind === 'task') r = await sendOnceUp(ctx, input.agent, spec);
    // An agent that started a turn since it was read (Coder or its AgentAPI refused it as busy): nothing was
    // delivered, so it is queued like any busy agent's input, and shown busy (not as read before the send).
    if (!r.ok && r.failure.code === 'agent_busy' && storeQueued && queueTarget) {
      const busy = { ...queueTarget.agent, status: 'busy' as const, statusReason: 'it started a turn since it was read (the input was refused as busy)' };
      return queueTaskInput(ctx, { ...queueTarget, agent: busy }, text, input.priority ?? 'normal');
    }
    if (!r.ok) return failure(r.failure);
    const done = r.value;
    const { agent, ref, conflict } = done;
    const working: Output['next_actions'] = [
      { tool: 'get_agent_details', why: 'The agent is working on it; check its state in a while.' },
      { tool: 'get_agent_logs', why: 'Read its answer once it is idle again.' },
    ];
    const sent = done.kind === 'chat' ? done.value : done.kind === 'workspace' && done.value ? done.value : { kind: 'delivered' as const, agent, interrupted: false };
    const queued = sent.kind === 'queued';
    const recovered = done.kind === 'task' && done.changed ? done.recovered : done.kind !== 'task' ? done.value?.recovered : undefined;
    // A chat is read back (running its turn, or busy with the input queued); a task's own report comes later.
    const after = done.kind === 'chat' ? await readBackChat(ctx, done.id) : undefined;
    const data: Output = {
      agent: toAgentSummaryView(after ?? sent.agent),
      ...(after ? { previous_status: sent.agent.status } : {}),
      sent: true,
      ...(done.kind !== 'task' ? { delivery: sent.kind, ...(sent.kind === 'queued' ? { queue: 'coder' as const, queue_position: sent.position } : { interrupted: sent.interrupted }) } : {}),
      input_chars: text.length,
      ...(conflict ? { conflict } : {}),
      ...(recovered ? { recovered } : {}),
      next_actions: offeredNext(
        ctx,
        queued
          ? [
              { tool: 'interrupt_agent', why: 'Stop the current turn so the queue runs now.' },
              { tool: 'manage_agent_queue', why: 'List, promote or cancel queued input.' },
            ]
          : working,
      ),
    };
    const head =
      sent.kind === 'queued'
        ? `Queued ${text.length} chars for agent ${ref} (was ${sent.agent.status}${after ? `, now ${after.status}` : ''}): position ${sent.position} in Coder's queue; it runs after the current turn.`
        : `Sent ${text.length} chars to agent ${ref} (${done.kind === 'task' ? `id ${agent.id}, ` : ''}was ${sent.agent.status}${after ? `, now ${after.status}` : ''}${sent.interrupted ? ', its turn was interrupted' : ''}); it is working on it now.`;
    return success(data, [...(recovered ? [recovered] : []), head, ...conflictLines(conflict), ...nextLines(data.next_actions)].join('\n'));
  },
});

/** The task read fresh, waited for while it starts (`spec.waitWhileStarting`), checked and sent to once more. */
async function sendOnceUp(ctx: ToolContext, ref: string, spec: AgentActionSpec<unknown, SendOutcome, SendOutcome>): Promise<Outcome<ActionDone<unknown, SendOutcome, SendOutcome>>> {
  const reloaded = await loadAnyTarget(ctx, ref, spec.verb);
  if (!reloaded.ok) return { ok: false, failure: spec.onFailure ? spec.onFailure(reloaded.failure) : reloaded.failure };
  const prepared = await prepareLoadedAction(ctx, reloaded.value, spec);
  return prepared.ok ? commitAgentAction(ctx, prepared.value, spec) : prepared;
}

/**
 * A busy task (or workspace) agent: the input waits in this server's store and the queue dispatcher (the process holding the
 * background lease) delivers it once the agent is idle. A store failure refuses with the input quoted back.
 */
async function queueTaskInput(ctx: ToolContext, target: { id: string; owner: string; ref: string; agent: Agent }, text: string, priority: QueuePriority): Promise<ToolOutcome<Output>> {
  const { id, owner } = target;
  const q = await ctx.runtime.taskQueue.enqueue({ agentId: id, owner, ref: target.ref }, text, { priority, queuedBy: anonymiseSession(ctx.session.id) });
  if (!q.ok) return failure(notSent({ ...q.failure, message: `Agent ${target.ref} is busy and its input could not be queued. ${q.failure.message}` }, text));
  // The dispatcher runs in the lease holder; make sure this process takes part in the lease.
  void ctx.runtime.background.ensureStarted();
  const conflict = await recordMutation(ctx, id, 'send_agent_input', target.ref);
  const data: Output = {
    agent: toAgentSummaryView(target.agent),
    sent: false,
    delivery: 'queued',
    queue: 'store',
    queue_position: q.value.position,
    queue_item: q.value.id,
    priority: q.value.priority,
    input_chars: text.length,
    ...(conflict ? { conflict } : {}),
    next_actions: offeredNext(ctx, [
      { tool: 'manage_agent_queue', why: `List, reprioritise, promote or cancel it (item ${q.value.id}).` },
      { tool: 'get_agent_details', why: 'See the agent and its queue.' },
    ]),
  };
  const head = `Queued ${text.length} chars for agent ${target.ref} (${target.agent.status}): item ${q.value.id}, position ${q.value.position}, priority ${q.value.priority} in this server's queue; delivered once when the agent is idle.`;
  return success(data, [head, ...conflictLines(conflict), ...nextLines(data.next_actions)].join('\n'));
}

const CHAT_PRIORITY_REFUSED = toolFailure(
  'not_supported',
  "Coder's queue of a chat has no priorities: queued messages run in order.",
  "Send without priority (or normal); to run it first, use when_busy='interrupt' or manage_agent_queue action promote after it is queued.",
  { details: { kind: 'chat', next_tools: ['manage_agent_queue'] } },
);

/**
 * Stops a workspace agent's turn (ESC) for when_busy 'interrupt'. AgentAPI is stable at once; the app's own status
 * report follows later, so the agent is taken as idle now (its AgentAPI is the truth about the turn).
 */
async function interruptWorkspace(ctx: ToolContext, target: WorkspaceTarget): Promise<Outcome<WorkspaceTarget>> {
  const r = await ctx.runtime.backend.workspaces.interrupt(target, mutationSignals(ctx));
  if (!r.ok) return r;
  const agent = r.value.agent.status === 'busy' ? { ...r.value.agent, status: 'idle' as const, statusReason: 'its turn was just interrupted (AgentAPI is stable)' } : r.value.agent;
  return { ok: true, value: { ...target, agent } };
}

/** A task refused as busy because the caller chose when_busy 'fail': say how to queue it instead. */
function busyHint(f: ToolFailure, whenBusy: WhenBusy): ToolFailure {
  return f.code === 'agent_busy' && whenBusy === 'fail' ? { ...f, hint: `${f.hint} Or send with when_busy='queue': it is delivered once the agent is idle.` } : f;
}

/** D1: the input left but no answer came back. Never "NOT sent": re-read the log for this input. */
async function recoverLostSend(ctx: ToolContext, target: TargetAgent, error: CoderApiError, text: string): Promise<Outcome<{ recovered: string }> | undefined> {
  if (!answerLost(error, ctx)) return undefined;
  const { owner, id } = target.resolved;
  const logs = await ctx.deps.coder.getTaskLogs(owner, id, { signal: rereadSignal(ctx) });
  const delivered = logs.ok && logs.value.logs.some((e) => e.type === 'input' && e.content.trim() === text.trim());
  if (!delivered)
    return {
      ok: false,
      failure: outcomeUnknown(`The input to agent ${target.ref} may or may not have been delivered`, error.kind, `check with get_agent_logs agent=${target.ref} type=input (is it there?) before sending it again.`),
    };
  return { ok: true, value: { recovered: `Coder's answer was lost (${error.kind}); a re-read of the agent's log shows the input was delivered.` } };
}

/**
 * A failed send quotes the unsent input in its text (so nothing is lost) and keeps it in the failure details
 * (clients that read structured error details).
 */
function notSent(f: ToolFailure, input: string): ToolFailure {
  return { ...f, message: `${f.message} ${notSentText(input)}`, details: { ...f.details, unsent_input: input } };
}
