/** `--check` against the simulator: each question answered, and a FAIL for each kind of unusable deployment. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCoderClient } from '@org/coder-api-client';
import { startCoderSim, type CoderSimOptions } from '@org/coder-sim';
import { openStore } from '@org/fleet-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeConfig, type ConfigInput } from './config.js';
import { checkDeployment, renderDeploymentCheck, type DeploymentCheck } from './deployment-check.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fleet-check-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function check(url: string, token: string, overrides: Partial<ConfigInput> = {}): Promise<DeploymentCheck> {
  const config = makeConfig({ coderUrl: url, sessionToken: token, store: `sqlite:${join(dir, 'fleet.db')}`, requestTimeoutMs: 5_000, ...overrides });
  return checkDeployment({
    config,
    coder: createCoderClient({ baseUrl: url, sessionToken: token, timeoutMs: 5_000 }),
    env: { XDG_STATE_HOME: dir },
    cwd: dir,
    openStore: (target) => openStore(target),
  });
}
const line = (c: DeploymentCheck, what: string) => c.lines.find((l) => l.what === what);

describe.each([
  ['2.36', 'Coder Tasks (/api/v2/tasks); Coder Agents chats (/api/experimental/chats)'],
  ['2.37', 'no Coder Tasks; Coder Agents chats (/api/v2/chats)'],
  ['2.29', 'Coder Tasks (/api/v2/tasks); no Coder Agents chats'],
] as const)('a simulated Coder %s', (coderVersion: CoderSimOptions['coderVersion'] & string, offers: string) => {
  let sim: Awaited<ReturnType<typeof startCoderSim>>;
  beforeAll(async () => {
    sim = await startCoderSim({ agents: 2, coderVersion });
  });
  afterAll(async () => sim?.stop());

  it('is reported usable: reachable, whose token, version, what it offers, the store, the tools', async () => {
    const c = await check(sim.url, sim.token, { readOnly: true });
    expect(c.ok).toBe(true);
    expect(c.lines.map((l) => [l.what, l.verdict])).toEqual([
      ['coder', 'ok'],
      ['token', 'ok'],
      ['version', 'ok'],
      ['offers', 'ok'],
      ['store', 'ok'],
      ['tools', 'ok'],
    ]);
    expect(line(c, 'token')?.detail).toBe('accepted: signed in as admin (roles: owner)');
    expect(line(c, 'version')?.detail).toMatch(new RegExp(`^Coder ${coderVersion.replace('.', '\\.')}\\.0 `));
    expect(line(c, 'offers')?.detail).toBe(offers);
    expect(line(c, 'store')?.detail).toContain(`sqlite ${join(dir, 'fleet.db')} (opened and up to date`);
    // --read-only: only the read tools will be registered.
    expect(line(c, 'tools')?.detail).toMatch(/^7 registered with these flags: get_fleet_status, get_fleet_trends, list_agents, .*get_fleet_events$/);
    expect(line(c, 'tools')?.detail).not.toContain('delete_agent');
    expect(renderDeploymentCheck(c)).toMatch(/Result: usable\.$/);
  });
});

describe('workspace agents', () => {
  it('are what a deployment serves with --backend workspaces (or with neither Tasks nor Chats)', async () => {
    const sim = await startCoderSim({ agents: 2, coderVersion: '2.40', mode: 'workspaces' });
    try {
      const c = await check(sim.url, sim.token, { backend: 'workspaces' });
      expect(line(c, 'offers')).toMatchObject({ verdict: 'ok', detail: expect.stringMatching(/^--backend workspaces: agents are plain workspaces running the AI app 'ccw'.*path-based apps/) });
      // One GET status on one running agent workspace's AI app, through the path-app proxy.
      expect(line(c, 'apps')).toMatchObject({ verdict: 'ok', detail: expect.stringMatching(/^path-based apps work: the AI app of \S+\/\S+ answered through the app proxy \(AgentAPI status: \w+\)$/) });
      expect(c.ok).toBe(true);
    } finally {
      await sim.stop();
    }
  });

  it('fail when path-based apps are disabled, naming the setting (a warning for a read-only server)', async () => {
    const sim = await startCoderSim({ agents: 2, coderVersion: '2.40', mode: 'workspaces', pathApps: false });
    try {
      const c = await check(sim.url, sim.token, { backend: 'workspaces' });
      expect(line(c, 'apps')).toMatchObject({ verdict: 'fail', detail: expect.stringContaining('path-based apps are disabled') });
      expect(line(c, 'apps')?.detail).toContain('CODER_DISABLE_PATH_APPS');
      expect(c.ok).toBe(false);
      expect(renderDeploymentCheck(c)).toMatch(/FAIL {2}apps/);
      const readOnly = await check(sim.url, sim.token, { backend: 'workspaces', readOnly: true });
      expect(line(readOnly, 'apps')?.verdict).toBe('warn');
      expect(readOnly.ok).toBe(true);
    } finally {
      await sim.stop();
    }
  });

  it('are not probed while no agent workspace runs (a warning that says so)', async () => {
    const sim = await startCoderSim({ agents: 0, coderVersion: '2.40', mode: 'workspaces' });
    try {
      const c = await check(sim.url, sim.token, { backend: 'workspaces' });
      expect(line(c, 'apps')).toMatchObject({ verdict: 'warn', detail: expect.stringContaining("no running workspace with the AI app 'ccw'") });
    } finally {
      await sim.stop();
    }
  });
});

describe('an unusable deployment', () => {
  let sim: Awaited<ReturnType<typeof startCoderSim>>;
  beforeAll(async () => {
    sim = await startCoderSim({ agents: 1 });
  });
  afterAll(async () => sim?.stop());

  it('fails on a rejected token, naming the variable, and never prints it', async () => {
    const c = await check(sim.url, 'not-a-valid-token-0123456789');
    expect(c.ok).toBe(false);
    expect(line(c, 'token')).toMatchObject({ verdict: 'fail', detail: expect.stringContaining('CODER_SESSION_TOKEN') });
    expect(line(c, 'coder')?.verdict).toBe('ok');
    const text = renderDeploymentCheck(c);
    expect(text).not.toContain('not-a-valid-token-0123456789');
    expect(text).toMatch(/FAIL {2}token/);
    expect(text).toMatch(/Result: NOT usable/);
  });

  it('fails on tool flags that leave nothing to register, and on a store that cannot open', async () => {
    // A store path below a regular file: its folder can never be created.
    writeFileSync(join(dir, 'a-file'), '');
    const c = await check(sim.url, sim.token, { tools: ['no_such_tool'], store: `sqlite:${join(dir, 'a-file', 'fleet.db')}` });
    expect(line(c, 'tools')).toMatchObject({ verdict: 'fail', detail: expect.stringContaining('no_such_tool') });
    expect(line(c, 'store')?.verdict).toBe('fail');
    expect(c.ok).toBe(false);
  });

  it('warns (not fails) on a memory store', async () => {
    const c = await check(sim.url, sim.token, { store: 'memory' });
    expect(line(c, 'store')).toMatchObject({ verdict: 'warn', detail: expect.stringContaining('lost on restart') });
    expect(c.ok).toBe(true);
  });

  it('fails when Coder is not reachable', async () => {
    const closed = await startCoderSim();
    const url = closed.url;
    await closed.stop();
    const c = await check(url, 'token');
    expect(line(c, 'coder')).toMatchObject({ verdict: 'fail', detail: expect.stringContaining(`not reachable at ${url}`) });
    expect(line(c, 'version')?.verdict).toBe('fail');
    expect(c.ok).toBe(false);
  });
});
