/**
 * /readyz: Coder reachable, the server's token valid (agents are served whatever Coder offers: Tasks, Chats from
 * 2.32, or, with neither, plain workspaces running an AI app), and Coder's chat watch socket not refusing the token. Cached briefly (and single-flight)
 * so probes never hammer Coder. The report carries no URL, user or token: only a status word.
 */
import type { CoderClient } from '../coder.js';
import type { SocketHealth } from '../watch/index.js';

export type ReadinessStatus = 'ok' | 'coder_unreachable' | 'token_rejected' | 'tasks_unsupported' | 'coder_error' | 'watch_socket_rejected';

export interface ReadinessReport {
  ready: boolean;
  coder: ReadinessStatus;
  /** Why not ready, when a status word is not enough (no URL, user or token). */
  reason?: string;
  checkedAt: string;
}

export function createReadiness(options: {
  coder: Pick<CoderClient, 'getMe' | 'detectCapabilities'>;
  now: () => number;
  ttlMs?: number;
  timeoutMs: number;
  /** The fleet watcher's chat watch socket, read live on every probe. */
  watchSocket?: () => SocketHealth | null;
}): () => Promise<ReadinessReport> {
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
      const caps = await options.coder.detectCapabilities({ signal });
      // Neither Tasks nor Chats is served too: the agents are then workspaces running an AI app (#17).
      if (!caps.ok) status = 'coder_error';
    }
    const at = options.now();
    return { ready: status === 'ok', coder: status, checkedAt: new Date(at).toISOString() };
  };
  const withSocket = (report: ReadinessReport): ReadinessReport => {
    const socket = options.watchSocket?.();
    if (!report.ready || socket?.state !== 'auth_failed') return report;
    const reason = `Coder's chat watch socket refused the server's token${socket.status !== undefined ? ` (HTTP ${socket.status})` : ''}; fleet events fall back to polling. Check the token's agents-access role.`;
    return { ready: false, coder: 'watch_socket_rejected', reason, checkedAt: report.checkedAt };
  };
  return async () => {
    const now = options.now();
    if (cached && now - cached.at < ttlMs) return withSocket(cached.report);
    pending ??= probe()
      .then((report) => {
        cached = { report, at: options.now() };
        return report;
      })
      .finally(() => {
        pending = undefined;
      });
    return withSocket(await pending);
  };
}
