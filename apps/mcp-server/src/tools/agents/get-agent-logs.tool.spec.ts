import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleetFixture, type FleetFixture } from '../../testing/client-fixture.js';
import { isSchemaRejection, textOf } from '../../testing/in-process.js';
import { annotationsOf, expectFailure, expectReadOnlyAnnotations, structured } from '../../testing/tool-assertions.js';

interface Entry {
  id: number;
  type: string;
  time: string;
  content: string;
  truncated: boolean;
  original_chars: number;
}
interface LogsOut {
  entries: Entry[];
  returned: number;
  total_matching: number;
  next_cursor?: string;
  snapshot?: boolean;
  content_trust: string;
}

describe('get_agent_logs', () => {
  let fx: FleetFixture;
  let busiest = '';
  let biggest = '';
  beforeAll(async () => {
    fx = await startFleetFixture({ sim: { agents: 20, scenario: 'mixed' } });
    let most = 0;
    let largest = 0;
    for (const t of fx.sim.control.tasks()) {
      const r = await fx.coder.getTaskLogs(t.owner, t.id);
      if (!r.ok) continue;
      if (r.value.logs.length > most) [most, busiest] = [r.value.logs.length, t.id];
      const max = Math.max(0, ...r.value.logs.map((l) => l.content.length));
      if (max > largest) [largest, biggest] = [max, t.id];
    }
    expect(most).toBeGreaterThanOrEqual(8);
    expect(largest).toBeGreaterThan(20_000);
  });
  afterAll(async () => fx.close());
  const logs = async (args: Record<string, unknown>) => structured<LogsOut>(await fx.call('get_agent_logs', args));

  it('is read-only with all four hints', async () => {
    expectReadOnlyAnnotations(await annotationsOf(fx.client, 'get_agent_logs'));
  });

  it('returns a few newest entries by default, marked untrusted and fenced', async () => {
    const r = await logs({ agent: busiest });
    expect(r.returned).toBe(5);
    expect(r.content_trust).toBe('untrusted_agent_output');
    const times = r.entries.map((e) => e.time);
    expect([...times].sort().reverse()).toEqual(times);
    const text = textOf(await fx.call('get_agent_logs', { agent: busiest }));
    expect(text).toContain('untrusted');
    expect(text.match(/<<<end agent-output /g)).toHaveLength(5);
  });

  it('strips terminal decoration (box drawing, ANSI escapes) from the entries', async () => {
    const raw = await fx.coder.getTaskLogs(fx.sim.control.task(busiest)?.owner ?? 'admin', busiest);
    expect(raw.ok && raw.value.logs.some((l) => /[\u2500-\u259f]/.test(l.content))).toBe(true);
    const r = await logs({ agent: busiest, limit: 50, max_total_chars: 60_000 });
    expect(r.entries.length).toBeGreaterThan(0);
    // eslint-disable-next-line no-control-regex -- ESC starts every ANSI escape.
    for (const e of r.entries) expect(e.content).not.toMatch(/[\u001b\u2500-\u259f]/);
  });

  it('pages oldest-first with a cursor, each entry exactly once', async () => {
    const first = await logs({ agent: busiest, order: 'oldest', limit: 3 });
    const ids = first.entries.map((e) => e.id);
    let cursor = first.next_cursor;
    while (cursor) {
      const next = await logs({ agent: busiest, order: 'oldest', limit: 3, cursor });
      ids.push(...next.entries.map((e) => e.id));
      cursor = next.next_cursor;
    }
    expect(ids).toHaveLength(first.total_matching);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('cuts huge entries with an explicit marker and bounds the total to 8 KB by default', async () => {
    const r = await logs({ agent: biggest, limit: 50 });
    const big = r.entries.find((e) => e.original_chars > 20_000);
    expect(big?.truncated).toBe(true);
    expect(big?.content.length).toBeLessThanOrEqual(1500);
    expect(big?.content).toMatch(/…\[truncated \d+ chars\]/);
    const total = r.entries.reduce((n, e) => n + e.content.length, 0);
    expect(total).toBeLessThanOrEqual(8000);
    const result = await fx.call('get_agent_logs', { agent: biggest, limit: 50 });
    expect(Buffer.byteLength(textOf(result))).toBeLessThan(12_000);
    const wide = await logs({ agent: biggest, limit: 1, max_chars_per_entry: 5000, type: 'output', search: big?.content.slice(-30, -10) });
    expect(wide.entries[0]?.content.length ?? 0).toBeLessThanOrEqual(5000);
  });

  it('filters by type, since and search', async () => {
    const inputs = await logs({ agent: busiest, type: 'input', limit: 50 });
    expect(inputs.entries.every((e) => e.type === 'input')).toBe(true);
    const all = await logs({ agent: busiest, limit: 50, max_total_chars: 60_000 });
    const middle = all.entries[Math.floor(all.entries.length / 2)];
    const since = await logs({ agent: busiest, since: middle?.time, limit: 50, max_total_chars: 60_000 });
    expect(since.entries.every((e) => e.time >= (middle?.time ?? ''))).toBe(true);
    expect(since.total_matching).toBeLessThan(all.total_matching);
    const none = await logs({ agent: busiest, search: 'no-such-text-anywhere' });
    expect(none.returned).toBe(0);
  });

  it('explains why logs are unavailable for an errored agent', async () => {
    const t = fx.sim.control.tasks().find((x) => x.status === 'error');
    const text = expectFailure(await fx.call('get_agent_logs', { agent: t?.id }), 'conflict');
    expect(text).toContain('get_agent_details');
  });

  it('fails for unknown agents and bad cursors', async () => {
    expectFailure(await fx.call('get_agent_logs', { agent: 'nobody/nothing' }), 'agent_not_found');
    const page = await logs({ agent: busiest, limit: 2 });
    expectFailure(await fx.call('get_agent_logs', { agent: busiest, limit: 2, type: 'input', cursor: page.next_cursor }), 'invalid_cursor');
  });

  it('rejects invalid arguments with the schema problem', async () => {
    expect(await isSchemaRejection(fx.call('get_agent_logs', { agent: busiest, limit: 0 }))).toBe(true);
    expect(await isSchemaRejection(fx.call('get_agent_logs', { agent: busiest, since: 'yesterday' }))).toBe(true);
    expect(await isSchemaRejection(fx.call('get_agent_logs', { agent: busiest, max_chars_per_entry: 10 }))).toBe(true);
  });
});
