/**
 * /readyz: Coder reachable, the server's token valid, Tasks API present. Cached briefly (and single-flight)
 * so probes never hammer Coder. The report carries no URL, user or token: only a status word.
 */
import type { CoderClient } from '../coder.js';

export type ReadinessStatus = 'ok' | 'coder_unreachable' | 'token_rejected' | 'tasks_unsupported' | 'coder_error';

export interface ReadinessReport {
  ready: boolean;
  coder: ReadinessStatus;
  checkedAt: string;
}

export function createReadiness(options: { coder: CoderClient; now: () => number; ttlMs?: number; timeoutMs: number }): () => Promise<ReadinessReport> {
  const ttlMs = options.ttlMs ?? 5000;
  let cached: { report: ReadinessReport; at: number } | undefined;
  let pending: Promise<ReadinessReport> | undefined;
  const probe = async (): Promise<ReadinessReport> => {
    const signal = AbortSignal.timeout(options.timeoutMs);
    const me = await options.coder.getMe({ signal });
    let status: ReadinessStatus = 'ok';
    if (!me.ok) {
      const kind = me.error.kind;
      status = kind === 'unauthorized' ? 'token_rejected' : kind === 'network' || kind === 'timeout' || kind === 'upstream_unavailable' ? 'coder_unreachable' : 'coder_error';
    } else {
      const info = await options.coder.getServerInfo({ signal });
      if (!info.ok) status = 'coder_error';
      else if (!info.value.features.tasks) status = 'tasks_unsupported';
    }
    const at = options.now();
    return { ready: status === 'ok', coder: status, checkedAt: new Date(at).toISOString() };
  };
  return async () => {
    const now = options.now();
    if (cached && now - cached.at < ttlMs) return cached.report;
    pending ??= probe()
      .then((report) => {
        cached = { report, at: options.now() };
        return report;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
}
