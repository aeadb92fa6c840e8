/**
 * Capacity and attention options from config, for every fleet-domain computation (get_fleet_status,
 * fleet://status, the watcher's diff, every mapping of a task to an agent): one place, so the tools, the
 * resources and the alerts agree on when an agent needs attention and when capacity is under pressure.
 */
import type { AttentionThresholds } from '@org/fleet-domain';
import type { Config } from '../config.js';

/** The attention thresholds from config (--idle-attention-minutes, --stuck-minutes), in ms. */
export function attentionThresholds(config: Pick<Config, 'idleAttentionMinutes' | 'stuckMinutes'>): AttentionThresholds {
  return { idleWaitingMs: config.idleAttentionMinutes * 60_000, stuckMs: config.stuckMinutes * 60_000 };
}

/** --capacity and --capacity-warning-percent (not fleet-domain's default) plus the attention thresholds. */
export function fleetStatusOptions(
  config: Pick<Config, 'capacity' | 'capacityWarningPercent' | 'idleAttentionMinutes' | 'stuckMinutes'>,
): { capacity?: number; capacityWarningRatio: number; thresholds: AttentionThresholds } {
  return {
    ...(config.capacity !== undefined ? { capacity: config.capacity } : {}),
    capacityWarningRatio: config.capacityWarningPercent / 100,
    thresholds: attentionThresholds(config),
  };
}
