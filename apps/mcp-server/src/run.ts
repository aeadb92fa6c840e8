/**
 * Runs the server for a validated config: logger → Coder client → createServer → transport, plus the
 * start-up probe and signal handling. Shared by main.ts and the simulator demo launcher.
 */
import { createCoderClient } from '@org/coder-api-client';
import { openStore } from '@org/fleet-store';
import { systemClock, type Clock } from './clock.js';
import { storeConfigOf, type Config } from './config.js';
import { createLogger, type Logger } from './log.js';
import { createFleetRuntime, stopRuntime } from './runtime/fleet-runtime.js';
import { auditingFetch } from './runtime/mutation-audit.js';
import { memoryStoreHandle, storeHandleForTarget, type StoreHandle } from './runtime/store-handle.js';
import { createServer } from './server.js';
import { checkCoder } from './startup-check.js';
import { ALL_TOOLS, selectTools } from './tools/index.js';
import { serveStdio } from './transports/stdio.js';
import { VERSION } from './version.js';

/** `--check`: the deployment report on stdout (it is not serving, stdout carries no protocol); 0 when usable, 1 when not. */
export async function runCheck(config: Config): Promise<number> {
  const { checkDeployment, renderDeploymentCheck } = await import('./deployment-check.js');
  const coder = coderClientFor(config);
  const check = await checkDeployment({
    config,
    coder,
    env: process.env,
    cwd: process.cwd(),
    openStore: (target) => openStore(target, { clock: systemClock }),
    signal: AbortSignal.timeout(config.requestTimeoutMs),
  });
  process.stdout.write(`${renderDeploymentCheck(check)}\n`);
  return check.ok ? 0 : 1;
}

function coderClientFor(config: Config) {
  return createCoderClient({
    baseUrl: config.coderUrl,
    sessionToken: config.sessionToken,
    timeoutMs: config.requestTimeoutMs,
    userAgent: `coder-fleet-mcp/${VERSION}`,
    // Notes Coder's status for the audit of mutating tool calls (runtime/mutation-audit.ts).
    fetch: auditingFetch,
  });
}

export interface RunOptions {
  clock?: Clock;
  /** Called on shutdown before the process exits (e.g. stop an embedded simulator). */
  onShutdown?: () => Promise<void>;
}

/** Starts serving; returns a non-negative exit code when it cannot start, -1 when running. */
export async function runServer(config: Config, options: RunOptions = {}): Promise<number> {
  // Before anything starts: unknown tool names, or flags that leave no tool (also for testing/with-sim.ts).
  const selection = selectTools(config, ALL_TOOLS);
  if (!selection.ok) {
    console.error(`coder-fleet-mcp: invalid tool selection\n${selection.errors.map((e) => `  - ${e}`).join('\n')}`);
    return 2;
  }
  const log = createLogger({ level: config.logLevel, secrets: config.authToken ? [config.sessionToken, config.authToken] : [config.sessionToken] });
  const coder = coderClientFor(config);
  const clock = options.clock ?? systemClock;
  const store = storeHandleFor(config, clock, log);
  const onShutdown = async () => {
    await store.close();
    await options.onShutdown?.();
  };
  if (config.transport === 'http') {
    // Loaded only when serving HTTP: a stdio server (the common case) starts without the HTTP stack.
    const { serveHttp } = await import('./transports/serve-http.js');
    return serveHttp({ config, coder, log, clock, onShutdown, store });
  }
  const runtime = createFleetRuntime({ coder, clock, config, log, store });
  const fleet = createServer({ coder, clock, config, log, runtime });
  const stopStdio = async () => {
    await stopRuntime(runtime);
    await onShutdown();
  };
  const running = await serveStdio(fleet, { log });
  log.info('coder-fleet-mcp started', { version: VERSION, transport: 'stdio', coderUrl: config.coderUrl, simulated: config.simulated, tools: fleet.toolNames });
  void checkCoder(coder, log, config.coderUrl, AbortSignal.timeout(config.requestTimeoutMs)).catch((error: unknown) => log.error('start-up check failed', { error }));

  let stopping = false;
  const shutdown = (reason: string) => {
    if (stopping) return;
    stopping = true;
    log.info('shutting down', { reason });
    // A close that never settles (a peer gone mid-write) must not keep the process alive.
    setTimeout(() => process.exit(0), config.shutdownDrainMs).unref();
    void running
      .close()
      .then(stopStdio)
      .finally(() => process.exit(0));
  };
  // `on`, not `once`: a second signal while draining (a supervisor repeating it) must not kill the drain.
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  // The client is gone: stdin ended (EOF) or its socket closed without an EOF (peer reset), or a write to
  // stdout/stderr found no reader (EPIPE). Without this a stdio server outlives its client, and an EPIPE on
  // stderr, reported by the log itself, would loop through uncaughtException.
  process.stdin.once('end', () => shutdown('stdin closed'));
  process.stdin.once('close', () => shutdown('stdin closed'));
  for (const stream of [process.stdout, process.stderr])
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE' || error.code === 'ECONNRESET' || error.code === 'ERR_STREAM_DESTROYED') shutdown(`${stream === process.stdout ? 'stdout' : 'stderr'} closed (${error.code})`);
    });
  process.on('uncaughtException', (error) => log.error('uncaught exception (kept running)', { error }));
  process.on('unhandledRejection', (error) => log.error('unhandled rejection (kept running)', { error }));
  return -1;
}

/**
 * The durable store this process uses (--store, FLEET_MCP_DATABASE_URL, else a SQLite file per Coder URL). It
 * opens on first use, never on the start-up path: the driver (native better-sqlite3, or pg) loads only then.
 */
function storeHandleFor(config: Config, clock: Clock, log: Logger): StoreHandle {
  const store = storeConfigOf(config, process.env, process.cwd());
  // parseConfig already refused a bad value; memory is only the defensive answer.
  return store.ok ? storeHandleForTarget(store.value.target, clock, log) : memoryStoreHandle(clock, log);
}
