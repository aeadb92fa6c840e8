#!/usr/bin/env node
// Re-records the coder-api-client Polly recordings (recordings/coder-api-client/).
//
//   node tools/recordings/record-coder-api-client.mjs     # against four simulators: Coder 2.36, 2.29, 2.27, 2.37
//                                                         (40 seeded chats each; 2.36 and 2.37 serve them)
//
// To record against a real Coder instead, run the lib's tests yourself:
//   POLLY_MODE=record CODER_URL=https://coder.example.com CODER_SESSION_TOKEN=... \
//     npx vitest run --config libs/coder-api-client/vitest.config.mts src/recorded.spec.ts
// (see the header of libs/coder-api-client/src/recorded.spec.ts for the per-era variables).
//
// The simulator is TypeScript source: this script re-runs itself under `tsx --conditions=@org/source`.
// The session token is never printed. After recording, the whole lib suite runs once in replay mode.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const recordingsDir = resolve(root, 'recordings/coder-api-client');
const vitestConfig = 'libs/coder-api-client/vitest.config.mts';

/** Era → simulated Coder release and the env variable the recorded tests read its URL from. */
const ERAS = [
  { urlEnv: 'CODER_URL', coderVersion: '2.36' },
  { urlEnv: 'CODER_URL_V2_EARLY', coderVersion: '2.29' },
  { urlEnv: 'CODER_URL_EXPERIMENTAL', coderVersion: '2.27' },
  { urlEnv: 'CODER_URL_REMOVED', coderVersion: '2.37' },
];

/** Async on purpose: the simulators live in this process and must keep serving while tests run. */
function run(args, env) {
  return new Promise((resolveRun) => {
    const child = spawn('npx', args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('exit', (code) => resolveRun(code ?? 1));
    child.on('error', () => resolveRun(1));
  });
}

if (!process.env.RECORD_CODER_API_CLIENT_UNDER_TSX) {
  const r = spawnSync('npx', ['tsx', '--conditions=@org/source', fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, RECORD_CODER_API_CLIENT_UNDER_TSX: '1' },
  });
  process.exit(r.status ?? 1);
}

const sims = [];
const env = { POLLY_MODE: 'record' };
try {
  const { startCoderSim } = await import('@org/coder-sim');
  for (const era of ERAS) {
    // Manual clock + fixed seed: the same fleet and timestamps on every run, so re-recording is stable.
    const sim = await startCoderSim({ coderVersion: era.coderVersion, seed: 7, agents: 4, chats: 40, scenario: 'steady', clock: 'manual' });
    sims.push(sim);
    env[era.urlEnv] = sim.url;
    env[era.urlEnv.replace('_URL', '_SESSION_TOKEN')] = sim.token;
    console.error(`coder-sim ${era.coderVersion} at ${sim.url} for ${era.urlEnv}`);
  }
  // Full re-record: drop every recording folder (keeps README.md) so nothing stale survives.
  if (existsSync(recordingsDir)) {
    for (const entry of readdirSync(recordingsDir, { withFileTypes: true })) {
      if (entry.isDirectory()) rmSync(resolve(recordingsDir, entry.name), { recursive: true, force: true });
    }
  }
  const recorded = await run(['vitest', 'run', '--config', vitestConfig, 'src/recorded.spec.ts'], env);
  if (recorded !== 0) {
    console.error('record run failed');
    process.exitCode = recorded;
  } else {
    const replayed = await run(['vitest', 'run', '--config', vitestConfig], { POLLY_MODE: 'replay' });
    if (replayed !== 0) console.error('replay of the new recordings failed');
    else console.error(`recordings written to ${recordingsDir}; review with git diff`);
    process.exitCode = replayed;
  }
} finally {
  await Promise.all(sims.map((sim) => sim.stop()));
}
