/**
 * Queue item: one input waiting for an agent (Coder's per-chat queue, or the store's queue for tasks), and
 * the page of them `manage_agent_queue` returns. The queued text is untrusted (others may have written it).
 */
import { z } from 'zod';
import type { QueueItem } from '../backends/agent-queue.js';
import { QUEUE_PRIORITIES, type QueuePriority } from '../backends/agent-queue.js';
import { quoteUntrusted } from './untrusted.js';

export const QueueItemViewSchema = z.object({
  id: z.string().describe('Pass as item to promote, reprioritise or cancel it'),
  position: z.number().int().describe('1 = delivered next'),
  preview: z.string().describe('The queued text, truncated (untrusted)'),
  created_at: z.string(),
  priority: z.enum(QUEUE_PRIORITIES as [QueuePriority, ...QueuePriority[]]).optional(),
  queued_by: z.string().optional(),
});
export type QueueItemView = z.output<typeof QueueItemViewSchema>;

export function toQueueItemView(q: QueueItem): QueueItemView {
  return {
    id: q.id,
    position: q.position,
    preview: q.preview,
    created_at: q.createdAt,
    ...(q.priority ? { priority: q.priority } : {}),
    ...(q.queuedBy ? { queued_by: q.queuedBy } : {}),
  };
}

export function renderQueueItemText(q: QueueItemView): string {
  const extra = [q.priority, q.queued_by ? `by ${q.queued_by}` : undefined].filter(Boolean).join(', ');
  return `${q.position}. [${q.id}]${extra ? ` (${extra})` : ''} ${q.created_at} ${quoteUntrusted(q.preview)}`;
}

/** The queue page: every item, or a line saying it is empty. */
export function renderQueueText(items: readonly QueueItemView[]): string {
  return items.length === 0 ? 'Queue: empty.' : [`Queue (${items.length}):`, ...items.map(renderQueueItemText)].join('\n');
}
