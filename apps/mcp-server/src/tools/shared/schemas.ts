/** Reusable zod pieces for tool INPUT schemas (output parts live in views/parts.ts). */
import { z } from 'zod';

export const AgentRefSchema = z
  .string()
  .min(1)
  .max(300)
  .describe("The agent: its task id, its name, or 'owner/name' (names are unique per owner)");
