/**
 * `--transport http` process wiring: start-up safety checks, listen, the Coder probe, and graceful
 * shutdown on SIGTERM/SIGINT (stop accepting, drain in-flight calls, close sessions, exit).
 * Unlike stdio, the end of stdin means nothing here (systemd and containers give /dev/null).
 */
import { statSync } from 'node:fs';
import type { Clock } from '../clock.js';
import type { CoderClient } from '../coder.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { checkCoder } from '../startup-check.js';
import { resolveAuthMode } from '../security/auth.js';
import { VERSION } from '../version.js';
import type { StoreHandle } from '../runtime/store-handle.js';
import { checkHttpStartup, startHttpServer, type HttpServerHandle } from './http.js';

export interface ServeHttpOptions {
  config: Config;
  coder: CoderClient;
  log: Logger;
  clock: Clock;
  onShutdown?: () => Promise<void>;
  /** The process's durable store (journal, samples, queue, leases); in-memory when absent. */
  store?: StoreHandle;
  /** Process hooks (tests pass fakes). */
  exit?: (code: number) => void;
  onSignal?: (signal: 'SIGTERM' | 'SIGINT', handler: () => void) => void;
}

const fileMode = (path: string): number | undefined => {
  try {
    return statSync(path).mode;
  } catch {
    return undefined;
  }
};

/** Returns an exit code when it cannot start, -1 when serving (the process then ends on a signal). */
export async function serveHttp(options: ServeHttpOptions): Promise<number> {
  const { config, coder, log } = options;
  const startup = checkHttpStartup(config, fileMode);
  if (startup.errors.length > 0) {
    console.error(`coder-fleet-mcp: unsafe HTTP configuration\n${startup.errors.map((e) => `  - ${e}`).join('\n')}`);
    return 2;
  }
  for (const w of startup.warnings) log.warn(w);
  let handle: HttpServerHandle;
  try {
    handle = await startHttpServer({ config, coder, log, clock: options.clock, ...(options.store ? { store: options.store } : {}) });
  } catch (error) {
    console.error(`coder-fleet-mcp: cannot listen on ${config.host}:${config.port}: ${(error as Error).message}`);
    return 1;
  }
  log.info('coder-fleet-mcp started', { version: VERSION, transport: 'http', url: handle.mcpUrl, auth: resolveAuthMode(config), coderUrl: config.coderUrl, simulated: config.simulated });
  void checkCoder(coder, log, config.coderUrl, AbortSignal.timeout(config.requestTimeoutMs)).catch((error: unknown) => log.error('start-up check failed', { error }));

  const exit = options.exit ?? ((code: number) => process.exit(code));
  // `on`, not `once`: a repeated signal while draining is ignored (shutdown runs once) instead of killing the drain.
  const onSignal = options.onSignal ?? ((signal, handler) => void process.on(signal, handler));
  let stopping = false;
  const shutdown = (reason: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { reason, sessions: handle.sessionCount(), inFlight: handle.inFlight() });
    void handle
      .close()
      .then(() => options.onShutdown?.())
      .catch((error: unknown) => log.error('shutdown failed', { error }))
      .finally(() => exit(0));
  };
  onSignal('SIGTERM', () => shutdown('SIGTERM'));
  onSignal('SIGINT', () => shutdown('SIGINT'));
  return -1;
}
