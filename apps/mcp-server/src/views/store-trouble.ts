/**
 * Store trouble (#14 item 8): what a tool that uses the durable store says when the store could not be used —
 * the answer still comes from Coder (or this process's memory), and it says what failed and what to do.
 */
import { z } from 'zod';

export const StoreTroubleViewSchema = z.object({
  state: z.literal('degraded'),
  failed: z.string().describe('What failed'),
  hint: z.string().describe('What to do'),
});
export type StoreTroubleView = z.output<typeof StoreTroubleViewSchema>;

export function renderStoreTroubleText(t: StoreTroubleView): string {
  return `store: degraded (${t.failed}). ${t.hint}`;
}
