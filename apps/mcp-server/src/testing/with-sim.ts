/**
 * Demo launcher: an in-process Coder simulator (real clock) plus the MCP server on stdio, in ONE command
 * that any MCP client can spawn:
 *
 *   npx tsx --conditions=@org/source apps/mcp-server/src/testing/with-sim.ts [server flags]
 *
 * Simulator knobs via env: SIM_AGENTS (default 50), SIM_SCENARIO (steady|busy|failing|mixed, default mixed),
 * SIM_CODER_VERSION (default 2.36), SIM_SEED (default 1). All server flags and FLEET_MCP_* env apply.
 */
import { readFileSync } from 'node:fs';
import { startCoderSim, type CoderSimOptions } from '@org/coder-sim';
import { loadConfig } from '../config.js';
import { runServer } from '../run.js';

async function main(): Promise<number> {
  const env = process.env;
  const sim = await startCoderSim({
    clock: 'real',
    agents: Number(env['SIM_AGENTS'] ?? 50),
    seed: Number(env['SIM_SEED'] ?? 1),
    scenario: (env['SIM_SCENARIO'] ?? 'mixed') as CoderSimOptions['scenario'],
    coderVersion: (env['SIM_CODER_VERSION'] ?? '2.36') as CoderSimOptions['coderVersion'],
  });
  console.error(`[with-sim] Coder simulator on ${sim.url}`);
  const loaded = loadConfig({
    argv: process.argv.slice(2),
    // A demo against a throwaway simulator keeps its history in memory unless --store / FLEET_MCP_STORE says otherwise.
    env: { FLEET_MCP_STORE: 'memory', ...env, CODER_URL: sim.url, CODER_SESSION_TOKEN: sim.token },
    readFile: (p) => readFileSync(p, 'utf8'),
  });
  if (loaded.kind !== 'ok') {
    console.error(loaded.kind === 'error' ? loaded.errors.join('\n') : loaded.text);
    await sim.stop();
    return loaded.kind === 'error' ? 2 : 0;
  }
  return runServer(loaded.config, { onShutdown: () => sim.stop() });
}

main().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    console.error('with-sim: failed to start:', error);
    process.exit(1);
  },
);
