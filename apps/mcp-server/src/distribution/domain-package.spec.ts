/**
 * @org/fleet-domain for other repositories: its tarball and the one it depends on (@org/coder-api-client, for
 * types only) installed into an empty ESM TypeScript project as a registry would serve them; a consumer file
 * imports the public API and type-checks under `strict`, then runs, and it still runs with the client's
 * JavaScript gone (the domain never loads the client at run time).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKSPACE_ROOT } from '../testing/built-binary.js';
import { installOffline, npmPack } from '../testing/offline-install.js';

const run = promisify(execFile);
const CONSUMER = `import { computeFleetStatus, isOk, ok, quoteUntrusted, toAgents, type Agent, type FleetStatus } from '@org/fleet-domain';
import type { Task } from '@org/coder-api-client/types';

const now = new Date('2026-03-10T09:00:00Z');
const tasks: Task[] = [];
const agents: Agent[] = toAgents(tasks, now);
const status: FleetStatus = computeFleetStatus(agents, now);
// The types are real, not any: a status outside the union is an error.
// @ts-expect-error not an AgentStatus
const wrong: Agent['status'] = 'nonsense';
const total = ok(status.total);
if (isOk(total)) console.log(JSON.stringify({ total: total.value, quoted: quoteUntrusted('say "hi"'), wrong }));
`;
const TSCONFIG = {
  compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', outDir: 'out', skipLibCheck: false, types: [] },
  files: ['consumer.ts'],
};

describe('@org/fleet-domain installed in a foreign ESM TypeScript project', () => {
  let dir: string;
  let app: string;
  beforeAll(async () => {
    // `nx run mcp-server:test` builds the libraries first (^build); their dist is what npm pack ships.
    dir = mkdtempSync(join(tmpdir(), 'fleet-domain-pkg-'));
    const tarballs = ['libs/fleet-domain', 'libs/coder-api-client'].map((lib) => npmPack(join(WORKSPACE_ROOT, lib), dir));
    app = join(dir, 'app');
    mkdirSync(app);
    installOffline(app, tarballs);
    writeFileSync(join(app, 'consumer.ts'), CONSUMER);
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify(TSCONFIG, null, 2));
  }, 240_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('declares the client as a types-only (optional peer) dependency, not a runtime one', () => {
    const manifest = JSON.parse(readFileSync(join(app, 'node_modules/@org/fleet-domain/package.json'), 'utf8')) as Record<string, Record<string, unknown> | undefined>;
    expect(manifest['dependencies']?.['@org/coder-api-client']).toBeUndefined();
    expect(manifest['peerDependencies']).toHaveProperty('@org/coder-api-client');
    expect(manifest['peerDependenciesMeta']).toEqual({ '@org/coder-api-client': { optional: true } });
  });

  it('type-checks a consumer of the public API under strict, and runs it', async () => {
    const tsc = join(WORKSPACE_ROOT, 'node_modules/typescript/bin/tsc');
    const compiled = await run(process.execPath, [tsc, '-p', app], { cwd: app, encoding: 'utf8' }).catch((e: { stdout: string }) => ({ stdout: e.stdout, failed: true }));
    expect(compiled).not.toHaveProperty('failed');
    const { stdout } = await run(process.execPath, ['out/consumer.js'], { cwd: app, encoding: 'utf8' });
    expect(JSON.parse(stdout)).toEqual({ total: 0, quoted: '"say \\"hi\\""', wrong: 'nonsense' });
  });

  it('never loads the client at run time: it still runs with the client JavaScript removed', async () => {
    const clientDist = join(app, 'node_modules/@org/coder-api-client/dist');
    for (const file of readdirSync(clientDist, { recursive: true, encoding: 'utf8' })) if (file.endsWith('.js')) rmSync(join(clientDist, file));
    const { stdout } = await run(process.execPath, ['out/consumer.js'], { cwd: app, encoding: 'utf8' });
    expect(JSON.parse(stdout)).toMatchObject({ total: 0 });
  });
});
