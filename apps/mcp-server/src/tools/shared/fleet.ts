/**
 * Loading the fleet for a tool: one (cached, single-flight) tasks-list read mapped through fleet-domain.
 */
import { toAgents, type Agent, type AttentionThresholds } from '@org/fleet-domain';
import type { Config } from '../../config.js';
import type { ToolContext } from '../../define-tool.js';
import { fromCoderApiError, type ToolFailure } from '../../failures.js';

export function attentionThresholds(config: Pick<Config, 'idleAttentionMinutes' | 'stuckMinutes'>): AttentionThresholds {
  return { idleWaitingMs: config.idleAttentionMinutes * 60_000, stuckMs: config.stuckMinutes * 60_000 };
}

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

export type FleetLoad = { ok: true; agents: Agent[]; fetchedAt: Date } | { ok: false; failure: ToolFailure };

/**
 * Agents mapped from one fetched tasks list, keyed by that list object: concurrent or repeated tools that
 * share a cached read (single-flight) map the fleet once, and the mapping dies with the list.
 */
const mappedFleets = new WeakMap<object, Agent[]>();

export async function loadFleet(ctx: ToolContext, action = 'list the fleet'): Promise<FleetLoad> {
  const r = await ctx.runtime.tasks.list();
  if (!r.ok) return { ok: false, failure: fromCoderApiError(r.error, { action }) };
  let agents = mappedFleets.get(r.value);
  if (!agents) {
    // Judged as of the read, not of this call: what Coder said then is what the agents show (SC-008).
    agents = toAgents(r.value.tasks, r.value.fetchedAt, attentionThresholds(ctx.deps.config));
    mappedFleets.set(r.value, agents);
  }
  return { ok: true, agents, fetchedAt: r.value.fetchedAt };
}
