import { describe, expect, it } from 'vitest';
import { defaultMinSeverity, LARGE_FLEET_AGENTS, pageFleetEvents, summarizeFleetEvents, type FleetEvent } from '../index.js';

const state = (agentId: string, n: number): FleetEvent => ({ kind: 'state_changed', severity: 'info', agentId, agentName: agentId, owner: 'alice', at: '2026-01-01T00:00:00Z', state: 'working', stateMessage: `step ${n}`, message: `${agentId} reports step ${n}` });
const offline = (agentId: string): FleetEvent => ({ kind: 'agent_offline', severity: 'warning', agentId, agentName: agentId, owner: 'alice', at: '2026-01-01T00:00:00Z', reason: 'lost', message: `${agentId} is offline` });
const entries = (events: FleetEvent[]) => events.map((event, i) => ({ seq: i + 1, event }));
const seqs = (page: ReturnType<typeof pageFleetEvents<{ seq: number; event: FleetEvent }>>) => page.events.map((p) => [p.entry.seq, p.collapsed]);

describe('pageFleetEvents', () => {
  it("folds an agent's repeated state reports into its newest, in journal order, counting the folded ones", () => {
    const page = pageFleetEvents(entries([state('a', 1), state('b', 1), state('a', 2), offline('b'), state('a', 3)]), { limit: 10 });
    expect(seqs(page)).toEqual([[2, 0], [4, 0], [5, 2]]);
    expect(page.consumed).toBe(5);
    expect(page.leftOut.count).toBe(0);
  });

  it('keeps every event when folding is off', () => {
    const page = pageFleetEvents(entries([state('a', 1), state('a', 2)]), { limit: 10, collapseStateChanges: false });
    expect(seqs(page)).toEqual([[1, 0], [2, 0]]);
  });

  it('stops at the limit (folded reports take no room) and summarises what it left out', () => {
    const page = pageFleetEvents(entries([state('a', 1), state('a', 2), state('b', 1), state('a', 3), offline('c'), state('d', 1), offline('d')]), { limit: 2 });
    expect(seqs(page)).toEqual([[3, 0], [4, 2]]);
    expect(page.consumed).toBe(4);
    expect(page.leftOut).toEqual({ count: 3, byKind: { agent_offline: 2, state_changed: 1 }, bySeverity: { warning: 2, info: 1 }, agents: 2 });
  });

  it('an empty input is an empty page', () => {
    expect(pageFleetEvents([], { limit: 5 })).toEqual({ events: [], consumed: 0, leftOut: { count: 0, byKind: {}, bySeverity: {}, agents: 0 } });
    expect(summarizeFleetEvents([offline('x')]).agents).toBe(1);
  });
});

describe('defaultMinSeverity', () => {
  it('starts a large fleet at warning, unless the read is scoped to an agent or to kinds', () => {
    expect(defaultMinSeverity(LARGE_FLEET_AGENTS + 1, {})).toBe('warning');
    expect(defaultMinSeverity(LARGE_FLEET_AGENTS, {})).toBe('info');
    expect(defaultMinSeverity(10_000, { agent: 'alice/fix-ci' })).toBe('info');
    expect(defaultMinSeverity(10_000, { kinds: ['state_changed'] })).toBe('info');
    expect(defaultMinSeverity(10_000, { kinds: [] })).toBe('warning');
    expect(defaultMinSeverity(null, {})).toBe('info');
  });
});
