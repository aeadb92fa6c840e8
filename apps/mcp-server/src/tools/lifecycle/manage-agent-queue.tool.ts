import { z } from 'zod';
import { QUEUE_ACTIONS, QUEUE_PRIORITIES, type AgentQueue, type QueueAction, type QueuePriority } from '../../backends/agent-queue.js';
import { defineTool, failure, success, type ToolContext } from '../../define-tool.js';
import { toolFailure, type Outcome } from '../../failures.js';
import { createKey } from '../../runtime/store-task-queue.js';
import { UntrustedFieldsSchema } from '../../views/parts.js';
import { QueueItemViewSchema, renderQueueText, toQueueItemView } from '../../views/queue-item.js';
import { AgentRefSchema } from '../shared/schemas.js';
import { ConflictSchema, NextActionsSchema, conflictLines, loadAnyTarget, nextLines, offeredNext, recordMutation } from './lifecycle-common.js';

const inputSchema = z.object({
  agent: AgentRefSchema,
  action: z.enum(QUEUE_ACTIONS as [QueueAction, ...QueueAction[]]).default('list').describe('promote: deliver next; reprioritise: tasks only; cancel: drop unsent'),
  item: z.coerce.string().min(1).max(40).optional().describe('Item id (from list)'),
  priority: z.enum(QUEUE_PRIORITIES as [QueuePriority, ...QueuePriority[]]).optional().describe('For reprioritise'),
});

const outputSchema = z.object({
  agent: z.object({ id: z.string(), status: z.string() }).describe('The agent (id to pass on, fleet status)'),
  queue: z.enum(['coder', 'store']).describe("Whose queue: Coder's own per-chat queue, or this server's store (tasks)"),
  action: z.enum(QUEUE_ACTIONS as [QueueAction, ...QueueAction[]]),
  item: z.string().optional().describe('The item acted on'),
  items: z.array(QueueItemViewSchema).describe('The queue after the action, next first'),
  untrusted_fields: UntrustedFieldsSchema,
  conflict: ConflictSchema.optional(),
  next_actions: NextActionsSchema,
});
type Output = z.output<typeof outputSchema>;

const DONE: Record<Exclude<QueueAction, 'list'>, string> = { promote: 'Promoted', reprioritise: 'Reprioritised', cancel: 'Cancelled' };

export const manageAgentQueueTool = defineTool({
  name: 'manage_agent_queue',
  title: 'Manage agent queue',
  description:
    "Lists a busy agent's input queued by send_agent_input, or promotes, reprioritises or cancels an item. Chats: Coder's queue (promote interrupts the turn; no priorities). Next: get_agent_details or interrupt_agent.",
  toolset: 'lifecycle',
  effect: 'write',
  idempotent: false,
  inputSchema,
  outputSchema,
  async handle(input, ctx) {
    const { action, item, priority } = input;
    if (action !== 'list' && item === undefined) return failure(toolFailure('invalid_argument', `Action '${action}' needs item (a queue item id).`, `Call manage_agent_queue agent=${input.agent} (action list) for the item ids.`));
    if (action === 'reprioritise' && priority === undefined) return failure(toolFailure('invalid_argument', "Action 'reprioritise' needs priority (low, normal, high or urgent).", 'Call again with priority.'));
    const found = await queueTarget(ctx, input.agent);
    if (!found.ok) return failure(found.failure);
    const { agent, ref, isChat, q } = found.value;
    const id = agent.id;
    if (action === 'promote' && agent.status === HELD) return failure(toolFailure('invalid_argument', `Item ${item ?? ''} is a held create: creates are made by priority, then oldest first.`, `Call manage_agent_queue agent=${input.agent} action=reprioritise priority=urgent to make it next.`));
    // The store queue is delivered by the lease holder's dispatcher: make sure this process takes part.
    if (q.source === 'store') void ctx.runtime.background.ensureStarted();

    let conflict: z.output<typeof ConflictSchema> | undefined;
    if (action !== 'list' && item !== undefined) {
      const done =
        action === 'promote' ? await q.promote(id, item, ctx.signal) : action === 'cancel' ? await q.cancel(id, item, ctx.signal) : await q.reprioritise(id, item, priority ?? 'normal', ctx.signal);
      if (!done.ok) return failure(done.failure);
      conflict = await recordMutation(ctx, id, `manage_agent_queue ${action}`, ref);
    }
    const listed = await q.list(id, ctx.signal);
    if (!listed.ok) return failure(listed.failure);
    const items = listed.value.map(toQueueItemView);
    const data: Output = {
      agent: { id: agent.id, status: agent.status },
      queue: q.source,
      action,
      ...(item !== undefined && action !== 'list' ? { item } : {}),
      items,
      untrusted_fields: ['items[].preview'],
      ...(conflict ? { conflict } : {}),
      next_actions: offeredNext(ctx, [
        ...(items.length > 0 && isChat ? [{ tool: 'interrupt_agent', why: 'Stop the current turn so the queue runs now.' }] : []),
        { tool: 'get_agent_details', why: 'See the agent and its current turn.' },
      ]),
    };
    const head = action === 'list' ? `Agent ${id} (${agent.status}), ${q.source === 'coder' ? "Coder's queue" : 'store queue'}:` : `${DONE[action]} item ${item} of agent ${id}${action === 'reprioritise' ? ` to ${priority}` : ''}.`;
    return success(data, [head, renderQueueText(items), ...conflictLines(conflict), ...nextLines(data.next_actions)].join('\n'));
  },
});

/** The status shown for a create held at --capacity (no agent exists yet). */
const HELD = 'held (not created yet: waiting for a free slot)';

/**
 * The agent and its queue; for an `owner/name` that is not an agent yet but a create held at --capacity
 * (create_agent_task answered `queued.ref`), that held create.
 */
async function queueTarget(ctx: ToolContext, ref: string): Promise<Outcome<{ agent: { id: string; status: string }; ref: string; isChat: boolean; q: AgentQueue }>> {
  const loaded = await loadAnyTarget(ctx, ref, 'manage the queue of');
  if (!loaded.ok) {
    const [owner, name, ...rest] = ref.split('/');
    if (loaded.failure.code !== 'agent_not_found' || !owner || !name || rest.length > 0) return loaded;
    const key = createKey(owner, name);
    const held = await ctx.runtime.taskQueue.list(key);
    if (!held.ok || held.value.length === 0) return loaded;
    return { ok: true, value: { agent: { id: key, status: HELD }, ref, isChat: false, q: ctx.runtime.taskQueue } };
  }
  const target = loaded.value;
  const queue = ctx.runtime.backend.queue(target.kind);
  if (!queue.ok) return queue;
  return { ok: true, value: { agent: target.target.agent, ref: target.kind === 'task' ? target.target.ref : target.ref, isChat: target.kind === 'chat', q: queue.value } };
}
