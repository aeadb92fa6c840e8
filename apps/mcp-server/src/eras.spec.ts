/** The tools across Coder versions: experimental-era tasks (2.27), GA (2.36), and no Tasks at all (2.37). */
import { describe, expect, it } from 'vitest';
import { startFleetFixture } from './testing/client-fixture.js';
import { textOf } from './testing/in-process.js';
import { structured } from './testing/tool-assertions.js';

describe.each(['2.27', '2.29', '2.36'] as const)('Coder %s', (coderVersion) => {
  it('serves the read tools', async () => {
    const fx = await startFleetFixture({ sim: { agents: 8, scenario: 'mixed', coderVersion } });
    try {
      const status = structured<{ total: number }>(await fx.call('get_fleet_status'));
      expect(status.total).toBe(8);
      const list = structured<{ agents: { id: string; owner: string; name: string }[] }>(await fx.call('list_agents', { limit: 8 }));
      const a = list.agents[0];
      const details = await fx.call('get_agent_details', { agent: `${a?.owner}/${a?.name}` });
      expect(details.isError, textOf(details)).toBeFalsy();
      const logs = await fx.call('get_agent_logs', { agent: a?.id ?? '' });
      expect(logs.isError === true ? textOf(logs) : 'ok').toMatch(/^(ok|conflict|upstream_unavailable)/);
      expect((await fx.call('list_templates')).isError).toBeFalsy();
    } finally {
      await fx.close();
    }
  });
});

describe('Coder 2.37 (Tasks removed, Coder Agents only)', () => {
  it('serves the chats as the fleet and never answers tasks_unsupported', async () => {
    // The fleet in the Agents era is what the token sees: its own chats plus shared ones (the seeded chats
    // are spread over several owners), so the test creates one of its own first.
    const fx = await startFleetFixture({ sim: { agents: 0, coderVersion: '2.37', chats: 5 } as never });
    try {
      const created = await fx.call('create_agent_task', { input: 'Fix the failing tests in ci.yml' });
      expect(textOf(created)).not.toMatch(/tasks_unsupported/);
      expect(created.isError, textOf(created)).toBeFalsy();
      const r = await fx.call('list_agents', { limit: 50 });
      expect(textOf(r)).not.toMatch(/tasks_unsupported/);
      expect(r.isError).toBeFalsy();
      const rows = (r.structuredContent as { agents: { kind?: string }[] }).agents;
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((a) => a.kind === 'chat')).toBe(true);
      const status = await fx.call('get_fleet_status');
      expect(status.isError, textOf(status)).toBeFalsy();
      expect(textOf(status)).not.toMatch(/tasks_unsupported/);
    } finally {
      await fx.close();
    }
  });
});
