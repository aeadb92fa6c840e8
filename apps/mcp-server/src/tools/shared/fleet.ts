/**
 * Loading the fleet for a tool: one (cached, single-flight) tasks-list read mapped through fleet-domain.
 */
import type { Agent, AttentionThresholds } from '@org/fleet-domain';
import type { Config } from '../../config.js';
import type { ToolContext } from '../../define-tool.js';
import { fromCoderApiError, type ToolFailure } from '../../failures.js';
import { attentionThresholds } from '../../runtime/task-list.js';

export { attentionThresholds };

/**
 * Capacity and attention options from config, for every fleet-domain computation (get_fleet_status,
 * fleet://status, the watcher's diff): one place, so the tool, the resource and the alerts agree on
 * when capacity is under pressure (--capacity-warning-percent, not fleet-domain's default).
 */
export function fleetStatusOptions(
  config: Pick<Config, 'capacity' | 'capacityWarningPercent' | 'idleAttentionMinutes' | 'stuckMinutes'>,
): { capacity?: number; capacityWarningRatio: number; thresholds: AttentionThresholds } {
  return {
    ...(config.capacity !== undefined ? { capacity: config.capacity } : {}),
    capacityWarningRatio: config.capacityWarningPercent / 100,
    thresholds: attentionThresholds(config),
  };
}

export type FleetLoad = { ok: true; agents: readonly Agent[]; fetchedAt: Date } | { ok: false; failure: ToolFailure };

/** The fleet as of the last read (one cached, single-flight Coder request), mapped once by the task-list source. */
export async function loadFleet(ctx: ToolContext, action = 'list the fleet'): Promise<FleetLoad> {
  const r = await ctx.runtime.tasks.list();
  if (!r.ok) return { ok: false, failure: fromCoderApiError(r.error, { action }) };
  return { ok: true, agents: r.value.agents, fetchedAt: r.value.fetchedAt };
}
