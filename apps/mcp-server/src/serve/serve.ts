/**
 * `npx nx serve mcp-server`: the server over MCP Streamable HTTP on 127.0.0.1:8717. HTTP, not stdio, because
 * Nx writes its own lines to stdout; here stdout carries no protocol, so nothing Nx prints can corrupt it.
 *
 * With no Coder configured (no CODER_URL, CODER_SESSION_TOKEN or token file) it starts the bundled Coder
 * simulator in-process and says so everywhere a person or model looks (this banner, the start-up log,
 * serverInfo, the instructions, get_fleet_status `deployment.simulated`). With a Coder configured it serves
 * that deployment. A bad configuration exits non-zero, so Nx reports the target as failed. With `-- --check` it
 * reports on that deployment (see deployment-check.ts) instead of serving.
 *
 * Simulator knobs via env: SIM_AGENTS (default 50), SIM_SCENARIO (steady|busy|failing|mixed, default mixed),
 * SIM_CODER_VERSION (default 2.36), SIM_SEED (default 1). Every server flag and FLEET_MCP_* env applies.
 */
import { readFileSync } from 'node:fs';
import { loadConfig, OPTIONS, TOKEN_ENV, type Config } from '../config.js';
import { runCheck, runServer } from '../run.js';
import { SIMULATED_NOTICE } from '../views/deployment.js';
import { claudeCodeHttpCommand, coderConfigured, mcpUrlOf } from './serve-plan.js';

interface Simulator {
  url: string;
  token: string;
  describe: string;
  stop(): Promise<void>;
}

async function startSimulator(env: NodeJS.ProcessEnv): Promise<Simulator> {
  // Loaded only when simulating: serving a real Coder never loads the simulator.
  const { startCoderSim } = await import('@org/coder-sim');
  type SimOptions = NonNullable<Parameters<typeof startCoderSim>[0]>;
  const agents = Number(env['SIM_AGENTS'] ?? 50);
  const scenario = (env['SIM_SCENARIO'] ?? 'mixed') as SimOptions['scenario'];
  const coderVersion = (env['SIM_CODER_VERSION'] ?? '2.36') as SimOptions['coderVersion'];
  const sim = await startCoderSim({ clock: 'real', agents, seed: Number(env['SIM_SEED'] ?? 1), scenario, coderVersion });
  return { url: sim.url, token: sim.token, describe: `${agents} agents, scenario ${scenario}, Coder ${coderVersion}, at ${sim.url}`, stop: () => sim.stop() };
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const env = process.env;
  // nx serve means HTTP (stdout is Nx's); --transport / FLEET_MCP_TRANSPORT can only confirm it.
  const serveEnv: NodeJS.ProcessEnv = { [OPTIONS.transport.env]: 'http', ...env };
  const simulator = coderConfigured(argv, env) ? undefined : await startSimulator(env);
  const loaded = loadConfig({
    argv,
    // A throwaway simulator keeps its history in memory unless --store / FLEET_MCP_STORE says otherwise.
    env: simulator ? { [OPTIONS.store.env]: 'memory', ...serveEnv, [OPTIONS.coderUrl.env]: simulator.url, [TOKEN_ENV]: simulator.token } : serveEnv,
    readFile: (p) => readFileSync(p, 'utf8'),
  });
  const fail = async (message: string) => {
    console.error(message);
    await simulator?.stop();
    return 2;
  };
  if (loaded.kind === 'help' || loaded.kind === 'version') {
    console.error(loaded.text);
    await simulator?.stop();
    return 0;
  }
  if (loaded.kind === 'error')
    return fail(`coder-fleet-mcp: invalid configuration\n${loaded.errors.map((e) => `  - ${e}`).join('\n')}\nRun with --help for all options.`);
  if (loaded.config.transport !== 'http')
    return fail('coder-fleet-mcp: `nx serve mcp-server` serves HTTP only (Nx writes to stdout). For stdio run `node apps/mcp-server/dist/main.js` or the installed `coder-fleet-mcp`.');
  const config: Config = { ...loaded.config, simulated: simulator !== undefined };
  if (loaded.check) {
    // `npx nx serve mcp-server -- --check`: the report on the deployment it would serve (the simulator, or yours).
    const code = await runCheck(config);
    await simulator?.stop();
    return code;
  }

  const code = await runServer(config, { ...(simulator ? { onShutdown: () => simulator.stop() } : {}) });
  if (code >= 0) {
    await simulator?.stop();
    return code;
  }
  const url = mcpUrlOf(config);
  console.error(
    [
      '',
      simulator ? `coder-fleet-mcp: ${SIMULATED_NOTICE}\n  simulator: ${simulator.describe}` : `coder-fleet-mcp: serving the Coder deployment at ${config.coderUrl}`,
      `  MCP (Streamable HTTP): ${url}`,
      `  Add it to Claude Code: ${claudeCodeHttpCommand(config)}`,
      '  Stop with Ctrl+C.',
      '',
    ].join('\n'),
  );
  return -1;
}

main().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    console.error('coder-fleet-mcp: failed to start:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
