/**
 * The app's own Coder traffic, replayed from Polly recordings (recordings/mcp-server/): a superagent
 * session through every read tool, with no simulator and no network. Re-record against the simulator:
 *   POLLY_MODE=record npx vitest run --config apps/mcp-server/vitest.config.mts src/recorded.spec.ts
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createCoderClient } from '@org/coder-api-client';
import { startCoderSim } from '@org/coder-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeConfig } from './config.js';
import { silentLogger } from './log.js';
import { createServer } from './server.js';
import { connectInProcess, textOf } from './testing/in-process.js';
import { manualClock } from './testing/manual-clock.js';
import { POLLY_MODE, RECORDED_HOST, RECORDINGS_DIR, startPolly } from './testing/polly.js';

const SIM_START = Date.parse('2026-03-10T09:00:00Z');
const SIM_TOKEN = 'sim-admin-token';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe('recorded superagent session (replay)', () => {
  let sim: Awaited<ReturnType<typeof startCoderSim>> | undefined;
  beforeAll(async () => {
    if (POLLY_MODE === 'record') sim = await startCoderSim({ agents: 12, scenario: 'mixed', seed: 3, token: SIM_TOKEN, startTime: SIM_START });
  });
  afterAll(async () => sim?.stop());

  it('answers every read tool from the recorded Coder traffic', async () => {
    const polly = startPolly('read-tools-session');
    const baseUrl = sim?.url ?? RECORDED_HOST;
    const coder = createCoderClient({ baseUrl, sessionToken: sim ? SIM_TOKEN : 'replay-token', retry: { retries: 0 } });
    const config = makeConfig({ coderUrl: baseUrl, sessionToken: 'replay-token' });
    const session = await connectInProcess(createServer({ coder, clock: manualClock(SIM_START), config, log: silentLogger }));
    try {
      const status = await session.call('get_fleet_status');
      expect(status.isError, textOf(status)).toBeFalsy();
      expect((status.structuredContent as { total: number }).total).toBe(12);
      const list = await session.call('list_agents', { needs_attention: true, sort: 'attention', limit: 5 });
      const first = (list.structuredContent as { agents: { owner: string; name: string }[] }).agents[0];
      expect(first).toBeDefined();
      const ref = `${first?.owner}/${first?.name}`;
      const details = await session.call('get_agent_details', { agent: ref });
      expect(details.isError, textOf(details)).toBeFalsy();
      const logs = await session.call('get_agent_logs', { agent: ref, limit: 3 });
      expect(textOf(logs)).toMatch(/^(\d+ of \d+ log entries|conflict|upstream_unavailable)/);
      const templates = await session.call('list_templates');
      expect((templates.structuredContent as { returned: number }).returned).toBeGreaterThan(0);
    } finally {
      await session.close();
      await polly.stop();
    }
  });

  it('recordings contain no token and no agent environment secrets', () => {
    const all = filesUnder(RECORDINGS_DIR).map((f) => readFileSync(f, 'utf8')).join('\n');
    expect(all.length).toBeGreaterThan(0);
    expect(all).not.toContain(SIM_TOKEN);
    expect(all).not.toContain('sim-fake-gh-token-never-forward');
  });
});
