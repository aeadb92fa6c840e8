#!/usr/bin/env node
import { parseCliArgs, USAGE } from './cli-args.js';
import { startCoderSim } from './server.js';

/** CLI: one JSON line with url and token on stdout, everything else on stderr. */
async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseCliArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`coder-sim: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exit(2);
  }
  if (parsed.kind === 'help') {
    console.error(USAGE);
    return;
  }
  const { options, verbose } = parsed;
  const started = Date.now();
  const sim = await startCoderSim({ ...options, ...(verbose ? { log: (line: string) => console.error(line) } : {}) });
  process.stdout.write(`${JSON.stringify({ url: sim.url, token: sim.token })}\n`);
  console.error(
    `[coder-sim] Coder ${options.coderVersion} simulator with ${options.agents} agents, ${options.chats ?? 0} chats (${options.scenario}, seed ${options.seed}) on ${sim.url} in ${Date.now() - started} ms`,
  );
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.error(`[coder-sim] ${signal}: stopping`);
    sim.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('[coder-sim] stop failed', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error('[coder-sim] failed to start:', error);
  process.exit(1);
});
