/**
 * Alert delivery over Streamable HTTP with several sessions sharing one watcher: logging notifications and
 * resource updates reach exactly the sessions that asked for them (no cross-talk), a get_fleet_events wait
 * works over HTTP, and closing sessions releases the watcher.
 */
import { LoggingMessageNotificationSchema, ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { createCoderClient } from '@org/coder-api-client';
import { startCoderSim } from '@org/coder-sim';
import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../clock.js';
import { makeConfig, type Config } from '../config.js';
import { silentLogger } from '../log.js';
import { createFleetRuntime } from '../runtime/fleet-runtime.js';
import { AUTH_TOKEN, connectHttpClient, eventually, type HttpClient } from '../testing/http-harness.js';
import { structured } from '../testing/tool-assertions.js';
import { startHttpServer, type HttpServerHandle } from '../transports/http.js';
import { createManualScheduler } from './manual-scheduler.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function setup() {
  const sim = await startCoderSim({ clock: 'manual', seed: 11, agents: 20, scenario: 'steady' });
  cleanups.push(() => sim.stop());
  const clock: Clock = { now: () => new Date(sim.control.now()) };
  const config: Config = { ...makeConfig({ coderUrl: sim.url, sessionToken: sim.token, transport: 'http', authToken: AUTH_TOKEN }), port: 0 };
  const coder = createCoderClient({ baseUrl: sim.url, sessionToken: sim.token, timeoutMs: 5_000, retry: { retries: 0 } });
  const scheduler = createManualScheduler({ now: () => sim.control.now(), moveClock: (ms) => sim.control.advance(ms) });
  const runtime = createFleetRuntime({ coder, clock, config, log: silentLogger, scheduler });
  const http: HttpServerHandle = await startHttpServer({ config, coder, log: silentLogger, clock, runtime });
  cleanups.push(() => http.close({ drainMs: 0 }));
  const active = sim.control.tasks().filter((t) => t.status === 'active');
  return { sim, runtime, http, scheduler, active };
}

describe('alert delivery over HTTP sessions', () => {
  it('delivers logging notifications and resource updates per session, without cross-talk', async () => {
    const { sim, runtime, http, scheduler, active } = await setup();
    const [x, y] = active;
    if (!x || !y) throw new Error('need two active agents');
    const clients: HttpClient[] = [];
    for (let i = 0; i < 4; i++) clients.push(await connectHttpClient(http.mcpUrl, { name: `superagent-${i}` }));
    const got = clients.map(() => ({ updated: [] as string[], logs: [] as string[] }));
    clients.forEach((c, i) => {
      c.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void got[i]!.updated.push(n.params.uri));
      c.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void got[i]!.logs.push(`${n.params.level}:${String((n.params.data as { kind?: string }).kind)}`));
    });
    const [a, b, c, d] = clients as [HttpClient, HttpClient, HttpClient, HttpClient];
    await a.client.subscribeResource({ uri: `fleet://agents/${x.id}` });
    await b.client.subscribeResource({ uri: `fleet://agents/${y.id}` });
    await c.client.setLoggingLevel('error');
    await d.client.setLoggingLevel('emergency');
    expect(runtime.watch.health()).toMatchObject({ state: 'running', interested: 2 });
    await scheduler.advance(0);

    sim.control.failWorkspace(x.id);
    sim.control.disconnectAgent(y.id);
    await scheduler.advance(6_000);
    await eventually(() => got[0]!.updated.length > 0 && got[1]!.updated.length > 0 && got[2]!.logs.length > 0);
    await new Promise((r) => setTimeout(r, 50));

    expect(got[0]!.updated.every((u) => u === `fleet://agents/${x.id}`)).toBe(true);
    expect(got[1]!.updated.every((u) => u === `fleet://agents/${y.id}`)).toBe(true);
    expect(got[2]!.updated).toEqual([]);
    expect(got[3]!.updated).toEqual([]);
    // Default level: every alert; 'error': only the failure; 'emergency': nothing.
    expect(got[0]!.logs).toEqual(expect.arrayContaining(['error:agent_failed', 'warning:agent_offline']));
    expect(got[2]!.logs).toEqual(['error:agent_failed']);
    expect(got[3]!.logs).toEqual([]);

    for (const cl of clients) await cl.close();
    await eventually(() => http.sessionCount() === 0);
    expect(runtime.watch.health()).toMatchObject({ state: 'stopped', interested: 0 });
  });

  it('a get_fleet_events wait over HTTP returns when the event arrives', async () => {
    const { sim, runtime, http, scheduler, active } = await setup();
    const agent = active[0];
    if (!agent) throw new Error('need an active agent');
    const client = await connectHttpClient(http.mcpUrl);
    cleanups.push(() => client.close());
    const first = structured<{ next_cursor: string }>(await client.call('get_fleet_events', {}));
    const pending = client.call('get_fleet_events', { since: first.next_cursor, wait_ms: 30_000, kinds: ['agent_failed'] });
    await eventually(() => runtime.watch.health().waiters === 1);
    sim.control.failWorkspace(agent.id);
    await scheduler.advance(2_000);
    const out = structured<{ events: { kind: string; agent_id?: string }[] }>(await pending);
    expect(out.events).toEqual([expect.objectContaining({ kind: 'agent_failed', agent_id: agent.id })]);
  });
});
