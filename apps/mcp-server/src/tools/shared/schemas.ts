/** Reusable zod pieces for tool INPUT schemas (output parts live in views/parts.ts). */
import { z } from 'zod';

/** Length caps for every string input (D3: uncapped filters were echoed back in full, 5 MiB → 10 MiB answers). */
export const INPUT_CAPS = { owner: 100, template: 200, capability: 100, cursor: 1000 } as const;
export const OwnerFilterSchema = z.string().min(1).max(INPUT_CAPS.owner);
export const TemplateFilterSchema = z.string().min(1).max(INPUT_CAPS.template);
export const CapabilityFilterSchema = z.string().min(1).max(INPUT_CAPS.capability);
export const CursorSchema = z.string().min(1).max(INPUT_CAPS.cursor);

export const AgentRefSchema = z
  .string()
  .min(1)
  .max(300)
  .describe('Agent id, name or owner/name');
