#!/usr/bin/env node
/**
 * The project's one test command (`npm test`), used by README and .ci/run.
 *  1. checks that the generated Coder client is not stale (generate --check);
 *  2. runs lint, typecheck and test for every project: `nx affected` when a base commit is given
 *     (NX_BASE, as CI systems with nx-set-shas provide), otherwise `nx run-many` (a clean clone tests everything);
 *  3. prints `N passed, N failed` summed over every vitest JSON report, and exits non-zero on any failure.
 * The Nx cache lives in the repository (.nx/cache), so a fresh clone really rebuilds.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectReports, summarize } from './test-summary.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const env = {
  ...process.env,
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
  NX_CACHE_DIRECTORY: process.env.NX_CACHE_DIRECTORY ?? '.nx/cache',
  NX_TUI: 'false',
};

function run(command, args) {
  console.error(`\n$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, env, stdio: 'inherit' });
  return result.status ?? 1;
}

for (const project of ['libs/coder-api-client', 'libs/fleet-domain', 'libs/fleet-store', 'apps/coder-sim', 'apps/mcp-server']) {
  rmSync(resolve(root, project, 'test-output/vitest'), { recursive: true, force: true });
}

const targets = ['lint', 'typecheck', 'test'];
/** A base commit that does not resolve (shallow clone, first commit) means "no base": test everything. */
function resolvableBase(ref) {
  if (!ref) return undefined;
  const probe = spawnSync('git', ['rev-parse', '-q', '--verify', `${ref}^{commit}`], { cwd: root, encoding: 'utf8' });
  if (probe.status === 0) return ref;
  console.error(`NX_BASE=${ref} does not name a commit here; running every project instead.`);
  return undefined;
}
const base = resolvableBase(process.env.NX_BASE);
const nxArgs = base
  ? ['nx', 'affected', '-t', ...targets, `--base=${base}`, ...(process.env.NX_HEAD ? [`--head=${process.env.NX_HEAD}`] : [])]
  : ['nx', 'run-many', '-t', ...targets];
if (process.argv.includes('--skip-nx-cache')) nxArgs.push('--skip-nx-cache');

const generateStatus = run('node', ['tools/codegen/generate-coder-client.mjs', '--check']);
const toolsLintStatus = run('npx', ['eslint', 'tools']);
const nxStatus = run('npx', [...nxArgs, '--outputStyle=static']);

const { passed, failed, reports } = summarize(collectReports(root));
console.log(`\n${reports} vitest report(s) read.`);
// The fleet-store Postgres contract runs only against a real server (.ci/run provides one; in CI it never skips).
console.log(
  process.env.FLEET_MCP_TEST_DATABASE_URL
    ? 'Postgres contract suite: ran against FLEET_MCP_TEST_DATABASE_URL.'
    : 'Postgres contract suite: SKIPPED (FLEET_MCP_TEST_DATABASE_URL not set; see libs/fleet-store/README.md).',
);
const anyFailure = generateStatus !== 0 || toolsLintStatus !== 0 || nxStatus !== 0 || failed > 0 || reports === 0;
console.log(`${passed} passed, ${failed + (anyFailure && failed === 0 ? 1 : 0)} failed`);
process.exit(anyFailure ? 1 : 0);
