import { describe, expect, it } from 'vitest';
import { startFleetFixture } from '../../testing/client-fixture.js';
import { textOf } from '../../testing/in-process.js';
import { structured } from '../../testing/tool-assertions.js';

type Queue = { queue: string; items: { id: string; position: number; preview: string }[]; untrusted_fields: string[] };

describe('manage_agent_queue', () => {
  it("on a chat lists, cancels and promotes items of Coder's own queue (no second queue)", async () => {
    const fx = await startFleetFixture({ sim: { agents: 0, coderVersion: '2.37', chats: 0 } as never });
    try {
      const created = structured<{ agent: { id: string } }>(await fx.call('create_agent_task', { input: 'Fix the failing tests' }));
      const id = created.agent.id;
      for (const input of ['first follow-up', 'second follow-up', 'third follow-up']) {
        const sent = structured<{ delivery: string }>(await fx.call('send_agent_input', { agent: id, input }));
        expect(sent.delivery).toBe('queued');
      }
      const listed = structured<Queue>(await fx.call('manage_agent_queue', { agent: id }));
      expect(listed.queue).toBe('coder');
      expect(listed.items.map((i) => [i.position, i.preview])).toEqual([
        [1, 'first follow-up'],
        [2, 'second follow-up'],
        [3, 'third follow-up'],
      ]);
      expect(listed.untrusted_fields).toEqual(['items[].preview']);

      const cancelled = structured<Queue>(await fx.call('manage_agent_queue', { agent: id, action: 'cancel', item: listed.items[1]?.id }));
      expect(cancelled.items.map((i) => i.preview)).toEqual(['first follow-up', 'third follow-up']);
      expect(fx.sim.control.chats.get(id)?.queued).toBe(2);

      // Coder promotes by interrupting the running turn: the promoted item moves to the head and runs next.
      const promoted = await fx.call('manage_agent_queue', { agent: id, action: 'promote', item: Number(listed.items[2]?.id) });
      expect(promoted.isError, textOf(promoted)).toBeFalsy();
      expect(structured<Queue>(promoted).items.map((i) => i.preview)).toEqual(['third follow-up', 'first follow-up']);
      expect(fx.sim.control.chats.get(id)?.status).toBe('interrupting');

      const stale = await fx.call('manage_agent_queue', { agent: id, action: 'cancel', item: listed.items[1]?.id });
      expect(stale.isError).toBe(true);
      expect(textOf(stale)).toMatch(/^not_found/);
      expect(textOf(stale)).toMatch(/manage_agent_queue/);

      const reprioritised = await fx.call('manage_agent_queue', { agent: id, action: 'reprioritise', item: listed.items[0]?.id, priority: 'urgent' });
      expect(reprioritised.isError).toBe(true);
      expect(textOf(reprioritised)).toMatch(/^not_supported.*no priorities/s);
    } finally {
      await fx.close();
    }
  });

  it('refuses an action without its item before calling Coder', async () => {
    const fx = await startFleetFixture({ sim: { agents: 0, coderVersion: '2.37', chats: 0 } as never });
    try {
      const r = await fx.call('manage_agent_queue', { agent: 'anything', action: 'cancel' });
      expect(r.isError).toBe(true);
      expect(textOf(r)).toMatch(/^invalid_argument.*needs item/s);
    } finally {
      await fx.close();
    }
  });
});
