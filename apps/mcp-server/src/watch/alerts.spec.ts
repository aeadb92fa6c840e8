import { afterEach, describe, expect, it } from 'vitest';
import { structured } from '../testing/tool-assertions.js';
import type { EventView } from './event-view.js';
import { startWatchFixture, type WatchFixture } from '../testing/watch-fixture.js';

interface EventsOut {
  events: EventView[];
  next_cursor: string;
  cursor_too_old: boolean;
  timed_out: boolean;
  watcher: { state: string; consecutive_failures: number; backoff_ms: number };
}

let fx: WatchFixture;
afterEach(async () => fx?.close());

async function cursorNow(f: WatchFixture): Promise<string> {
  return structured<EventsOut>(await f.main.call('get_fleet_events', {})).next_cursor;
}

function activeAgent(f: WatchFixture, state = 'working') {
  const t = f.sim.control.tasks().find((x) => x.status === 'active' && x.state === state);
  if (!t) throw new Error(`no active ${state} agent in the sim`);
  return t;
}

describe('alerts end to end', () => {
  it('delivers agent_failed with the reason to a waiting get_fleet_events call', async () => {
    fx = await startWatchFixture();
    const since = await cursorNow(fx);
    const agent = activeAgent(fx);
    const pending = fx.main.call('get_fleet_events', { since, wait_ms: 20_000, kinds: ['agent_failed'] });
    await fx.until(() => fx.watch.health().waiters === 1, 'the wait');
    fx.sim.control.failWorkspace(agent.id, 'terraform apply: exit status 1: out of disk');
    await fx.advance(2_000);
    const out = structured<EventsOut>(await pending);
    expect(out.timed_out).toBe(false);
    expect(out.events).toHaveLength(1);
    expect(out.events[0]).toMatchObject({ kind: 'agent_failed', severity: 'critical', agent_id: agent.id });
    expect(out.events[0]?.details['reason']).toContain('out of disk');
  });
});
