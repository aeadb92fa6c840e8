/**
 * End to end through an MCP client against the simulator, per Coder era (#13 Done-when):
 * - 2.37+ (Coder Agents only): triage, create, steer with queue and interrupt, archive, a pushed alert, and
 *   no `tasks_unsupported` anywhere;
 * - 2.36: tasks and chats side by side, each agent says its kind;
 * - 2.27: experimental Tasks still served.
 */
import { describe, expect, it } from 'vitest';
import { startFleetFixture, type FleetFixture } from './testing/client-fixture.js';
import { textOf } from './testing/in-process.js';
import { structured } from './testing/tool-assertions.js';

type Call = FleetFixture['call'];
/** Calls a tool, keeps every answer's text, and fails the test on an error result. */
function recorder(fx: FleetFixture) {
  const texts: string[] = [];
  const call = async (name: Parameters<Call>[0], args?: Parameters<Call>[1]) => {
    const r = await fx.call(name, args);
    texts.push(textOf(r), JSON.stringify(r.structuredContent ?? {}));
    return r;
  };
  const ok = async <T>(name: Parameters<Call>[0], args?: Parameters<Call>[1]): Promise<T> => {
    const r = await call(name, args);
    expect(r.isError, `${name}: ${textOf(r)}`).toBeFalsy();
    return structured<T>(r);
  };
  return { call, ok, texts };
}

const until = async (predicate: () => boolean, what: string) => {
  for (let i = 0; i < 5_000; i++) {
    if (predicate()) return;
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error(`timed out waiting for ${what}`);
};

describe.each(['2.37', '2.40'] as const)('Coder %s (Coder Agents only) through an MCP client', (coderVersion) => {
  it('triages, creates, steers (queue, interrupt), archives and receives a pushed alert; never tasks_unsupported', async () => {
    // A long poll interval: the alert below can only arrive in time through the watch socket.
    const fx = await startFleetFixture({ sim: { agents: 0, chats: 30, coderVersion } as never, config: { watchIntervalMs: 60_000, watchDebounceMs: 0 } });
    const { call, ok, texts } = recorder(fx);
    try {
      // create (with a bounded wait) and a second chat to triage
      const created = await ok<{ agent: { id: string; kind?: string }; wait?: { outcome: string } }>('create_agent_task', { input: 'Fix the flaky test in ci.yml', labels: { ticket: 'ENG-42' }, wait_until: 'working', wait_timeout_ms: 5_000 });
      const id = created.agent.id;
      expect(created.agent.kind).toBe('chat');
      expect(created.wait?.outcome).toBe('reached');
      const other = await ok<{ agent: { id: string } }>('create_agent_task', { input: 'Upgrade the linter' });
      fx.sim.control.chats.fail(other.agent.id, 'usage_limit');
      fx.sim.control.chats.setPullRequest(id, { state: 'open', draft: false, changesRequested: true, additions: 30, deletions: 4 });

      // triage
      const details = await ok<{ agent: { cost_usd?: number; pr?: string; kind?: string }; next_actions: { tool: string }[] }>('get_agent_details', { agent: id });
      expect(details.agent.kind).toBe('chat');
      expect(details.agent.pr).toMatch(/open \+30\/-4 changes_requested/);
      expect(details.agent.cost_usd).toBeTypeOf('number');
      expect(details.next_actions.map((n) => n.tool)).not.toContain('pause_agent');
      const status = await ok<{ chats?: { total: number; cost_known: number; pull_requests: { total: number; by_state: Record<string, number>; changes_requested: number } }; attention: { agent_id: string; reason: string }[] }>('get_fleet_status');
      expect(status.chats?.total).toBeGreaterThanOrEqual(2);
      expect(status.chats?.cost_known).toBeGreaterThanOrEqual(1);
      expect(status.chats?.pull_requests.by_state['open']).toBeGreaterThanOrEqual(1);
      expect(status.chats?.pull_requests.changes_requested).toBeGreaterThanOrEqual(1);
      expect(status.attention.some((a) => a.agent_id === other.agent.id)).toBe(true);
      const attention = await ok<{ agents: { id: string; kind?: string }[] }>('list_agents', { needs_attention: true, limit: 50 });
      expect(attention.agents.map((a) => a.id)).toContain(other.agent.id);

      // steer: queue while busy, manage the queue, interrupt
      const queued = await ok<{ delivery: string; queue_position: number }>('send_agent_input', { agent: id, input: 'Also update the docs' });
      expect(queued).toMatchObject({ delivery: 'queued', queue_position: 1 });
      await ok('send_agent_input', { agent: id, input: 'And bump the version' });
      const queue = await ok<{ items: { id: string; preview: string }[] }>('manage_agent_queue', { agent: id });
      expect(queue.items.map((i) => i.preview)).toEqual(['Also update the docs', 'And bump the version']);
      await ok('manage_agent_queue', { agent: id, action: 'cancel', item: queue.items[1]?.id });
      const interrupted = await ok<{ already_idle: boolean }>('interrupt_agent', { agent: id });
      expect(interrupted.already_idle).toBe(false);

      // archive: a busy chat is refused with interrupt_agent as the next step; an idle one is archived
      const busy = await call('delete_agent', { agent: id, confirm: true });
      if (busy.isError) expect(textOf(busy)).toMatch(/interrupt_agent/);
      fx.sim.control.chats.setStatus(id, 'waiting');
      const archived = await ok<{ deleted: boolean; archived?: boolean }>('delete_agent', { agent: id, confirm: true });
      expect(archived).toMatchObject({ deleted: true, archived: true });
      expect(fx.sim.control.chats.get(id)?.archived).toBe(true);

      // a pushed alert: requires_action reaches a waiting get_fleet_events through the watch socket
      const start = await ok<{ next_cursor: string }>('get_fleet_events');
      const waiting = call('get_fleet_events', { since: start.next_cursor, wait_ms: 20_000, kinds: ['action_required'] });
      await until(() => fx.runtime.watch.health().socket?.state === 'connected' && fx.sim.control.sockets.list().some((s) => s.kind === 'watch'), 'watch socket');
      fx.sim.control.chats.requireAction(other.agent.id);
      const began = Date.now();
      const alert = await waiting;
      expect(alert.isError, textOf(alert)).toBeFalsy();
      expect(Date.now() - began).toBeLessThan(10_000);
      const events = structured<{ events: { kind: string; agent_id?: string }[] }>(alert).events;
      expect(events.some((e) => e.kind === 'action_required' && e.agent_id === other.agent.id)).toBe(true);

      for (const t of texts) expect(t).not.toMatch(/tasks_unsupported/);
    } finally {
      await fx.close();
    }
  });
});

describe('Coder 2.37: create_agent_task requirements for a chat', () => {
  it('checks them against the templates the agent may use, before anything is created', async () => {
    const fx = await startFleetFixture({ sim: { agents: 0, chats: 0, coderVersion: '2.37' } as never });
    try {
      const refused = await fx.call('create_agent_task', { input: 'Train the model', requirements: { capabilities: ['quantum-annealer'] } });
      expect(refused.isError).toBe(true);
      expect(textOf(refused)).toMatch(/^requirements_not_met/);
      expect(fx.sim.control.chats.list()).toHaveLength(0);
      const fits = await fx.call('create_agent_task', { input: 'Fix the tests', requirements: { cpu: 1 } });
      expect(fits.isError, textOf(fits)).toBeFalsy();
      expect(textOf(fits)).toMatch(/Templates meeting the requirements: \S/);
    } finally {
      await fx.close();
    }
  });
});

describe('Coder 2.36 (Tasks and chats) through an MCP client', () => {
  it('lists both kinds side by side, each agent saying its kind', async () => {
    const fx = await startFleetFixture({ sim: { agents: 4, scenario: 'mixed', chats: 0, coderVersion: '2.36' } as never });
    const { ok } = recorder(fx);
    try {
      const chat = await ok<{ agent: { id: string; kind?: string } }>('create_agent_task', { input: 'Write the release notes' });
      expect(chat.agent.kind).toBe('chat');
      const rows = (await ok<{ agents: { id: string; kind?: string }[] }>('list_agents', { limit: 50 })).agents;
      const kinds = new Set(rows.map((r) => r.kind ?? 'task'));
      expect(kinds).toEqual(new Set(['task', 'chat']));
      expect(rows.find((r) => r.id === chat.agent.id)?.kind).toBe('chat');
      const task = rows.find((r) => (r.kind ?? 'task') === 'task');
      const refused = await fx.call('interrupt_agent', { agent: task?.id ?? '' });
      expect(refused.isError).toBe(true);
      expect(textOf(refused)).toMatch(/^not_supported.*pause_agent/s);
      // Task agents queue in this server's store, chats in Coder's own queue: one tool, two queues.
      const taskQueue = await ok<{ queue: string; items: unknown[] }>('manage_agent_queue', { agent: task?.id ?? '' });
      expect(taskQueue).toMatchObject({ queue: 'store', items: [] });
      const status = await ok<{ total: number; chats?: { total: number } }>('get_fleet_status');
      expect(status.total).toBe(rows.length);
      expect(status.chats?.total).toBe(1);
    } finally {
      await fx.close();
    }
  });
});

describe('Coder 2.27 (experimental Tasks) through an MCP client', () => {
  it('still serves the task fleet: status, list, details, create', async () => {
    const fx = await startFleetFixture({ sim: { agents: 6, scenario: 'mixed', coderVersion: '2.27' } });
    const { ok } = recorder(fx);
    try {
      const status = await ok<{ total: number; chats?: unknown }>('get_fleet_status');
      expect(status.total).toBe(6);
      expect(status.chats).toBeUndefined();
      const rows = (await ok<{ agents: { id: string; kind?: string }[] }>('list_agents', { limit: 6 })).agents;
      expect(rows.every((r) => r.kind === undefined || r.kind === 'task')).toBe(true);
      await ok('get_agent_details', { agent: rows[0]?.id ?? '' });
      const templates = await ok<{ templates: { name: string; ai_tasks: boolean | null }[] }>('list_templates');
      const template = templates.templates.find((t) => t.ai_tasks)?.name;
      const created = await ok<{ agent: { id: string } }>('create_agent_task', { template, input: 'Add a healthcheck endpoint' });
      expect(created.agent.id).toBeTruthy();
    } finally {
      await fx.close();
    }
  });
});
