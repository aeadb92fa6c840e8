/**
 * Loading the fleet for a tool: one (cached, single-flight) read of the fleet backend (tasks and/or chats).
 */
import type { Agent } from '@org/fleet-domain';
import { fromCoderApiError, type Outcome } from '../failures.js';
import type { FleetReadSource } from '../backends/backend.js';

export interface LoadedFleet {
  agents: readonly Agent[];
  fetchedAt: Date;
}

/** The fleet as of the last read; a Coder failure becomes a ToolFailure naming `action`. */
export async function loadFleet(tasks: FleetReadSource, action = 'list the fleet'): Promise<Outcome<LoadedFleet>> {
  const r = await tasks.list();
  if (!r.ok) return { ok: false, failure: fromCoderApiError(r.error, { action }) };
  return { ok: true, value: { agents: r.value.agents, fetchedAt: r.value.fetchedAt } };
}
