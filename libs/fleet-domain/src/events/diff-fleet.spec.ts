import { describe, expect, it } from 'vitest';
import { createFleetSnapshot, diffFleet, FLEET_EVENT_KINDS, type FleetEvent, type FleetSnapshot } from './diff-fleet.js';
import type { AgentStatus } from '../models/agent.js';
import { BASE_NOW, HOUR, MINUTE, buildAgent, isoAgo, type AgentSpec } from '../testing/builders.js';
import { buildChat, buildDiffStatus } from '../testing/chat-builders.js';
import { toChatAgent, type ToChatAgentOptions } from '../mapping/from-chat.js';
import type { Chat } from '../mapping/coder-types.js';

const SEC = 1000;
const agent = (id: string, status: AgentStatus, extra: AgentSpec = {}) =>
  buildAgent({ status, name: id, ...extra, task: { id, name: id, ...extra.task } });
const kinds = (events: readonly FleetEvent[]) => events.map((e) => e.kind);

/** Run a sequence of observations (t in ms after BASE_NOW) and collect every event. */
function run(steps: readonly { t: number; agents: ReturnType<typeof agent>[] }[], options = {}) {
  let snap: FleetSnapshot | undefined;
  const all: FleetEvent[] = [];
  for (const s of steps) {
    const r = diffFleet(snap, s.agents, BASE_NOW + s.t, options);
    all.push(...r.events);
    snap = r.snapshot;
  }
  return { events: all, snapshot: snap as FleetSnapshot };
}

describe('diffFleet', () => {
  it('first observation is a baseline without events', () => {
    const r = diffFleet(undefined, [agent('a', 'busy')], BASE_NOW);
    expect(r.events).toEqual([]);
    expect(r.snapshot.agents['a']?.status).toBe('busy');
    expect(r.snapshot.at).toBe(BASE_NOW);
  });

  it('accepts a previous Agent[] as an all-confirmed baseline', () => {
    const r = diffFleet([agent('a', 'busy')], [agent('a', 'error')], BASE_NOW);
    expect(kinds(r.events)).toEqual(['status_changed', 'agent_failed']);
  });

  // One row per event kind: observations, then the event expected among the output.
  it.each([
    ['agent_created', [{ t: 0, agents: [] }, { t: SEC, agents: [agent('a', 'starting')] }], 'info'],
    ['agent_deleted', [{ t: 0, agents: [agent('a', 'busy')] }, { t: SEC, agents: [] }], 'info'],
    ['status_changed', [{ t: 0, agents: [agent('a', 'busy')] }, { t: SEC, agents: [agent('a', 'idle')] }, { t: 12 * SEC, agents: [agent('a', 'idle')] }], 'info'],
    ['state_changed', [{ t: 0, agents: [agent('a', 'busy', { message: 'Reading code' })] }, { t: SEC, agents: [agent('a', 'busy', { message: 'Running tests' })] }], 'info'],
    ['agent_failed', [{ t: 0, agents: [agent('a', 'busy')] }, { t: SEC, agents: [agent('a', 'error')] }], 'critical'],
    ['task_completed', [{ t: 0, agents: [agent('a', 'busy')] }, { t: SEC, agents: [agent('a', 'complete')] }, { t: 20 * SEC, agents: [agent('a', 'complete')] }], 'info'],
    ['needs_input', [{ t: 0, agents: [agent('a', 'busy')] }, { t: SEC, agents: [agent('a', 'blocked')] }, { t: 20 * SEC, agents: [agent('a', 'blocked')] }], 'warning'],
    ['stuck', [{ t: 0, agents: [agent('a', 'busy', { stateAgoMs: 29 * MINUTE })] }, { t: 2 * MINUTE, agents: [agent('a', 'busy', { stateAgoMs: 31 * MINUTE })] }], 'warning'],
    ['agent_offline', [{ t: 0, agents: [agent('a', 'idle')] }, { t: SEC, agents: [agent('a', 'offline')] }, { t: 20 * SEC, agents: [agent('a', 'offline')] }], 'warning'],
    [
      'agent_recovered',
      [
        { t: 0, agents: [agent('a', 'offline')] },
        { t: SEC, agents: [agent('a', 'starting')] },
        { t: 20 * SEC, agents: [agent('a', 'starting')] },
        { t: 30 * SEC, agents: [agent('a', 'idle')] },
        { t: 50 * SEC, agents: [agent('a', 'idle')] },
      ],
      'info',
    ],
  ] as const)('%s', (kind, steps, severity) => {
    const { events } = run(steps as never);
    const e = events.find((x) => x.kind === kind);
    expect(e, JSON.stringify(kinds(events))).toBeDefined();
    expect(e?.severity).toBe(severity);
    expect(e?.agentId).toBe('a');
    expect(e?.agentName).toBe('a');
    expect(e?.owner).toBe('alice');
    expect(e?.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(e?.message).toContain('agent "a" (alice)');
  });

  it.each([
    ['capacity_warning', [8, 9, 9], 'warning'],
    ['capacity_recovered', [9, 9, 7, 7], 'info'],
  ] as const)('%s', (kind, sizes, severity) => {
    const steps = sizes.map((n, i) => ({ t: i * 20 * SEC, agents: Array.from({ length: n }, (_, k) => agent(`a${k}`, 'busy')) }));
    const { events } = run(steps, { capacity: 10 });
    const e = events.find((x) => x.kind === kind);
    expect(e?.severity).toBe(severity);
    expect(e?.message).toMatch(kind === 'capacity_warning' ? /^capacity_warning: 9 of 10 agents in use \(90%, warning at 90%\)$/ : /^capacity recovered: 7 of 10/);
    expect(e && 'capacity' in e && e.capacity).toBe(10);
  });

  it('every FleetEventKind is covered by the tables above and below', () => {
    // + watcher_degraded, watcher_recovered (watcher-health.spec.ts), queued_input_failed (raised by the server's
    // queue dispatcher, not by diffFleet: apps/mcp-server/src/runtime/queue-dispatcher.spec.ts).
    expect(FLEET_EVENT_KINDS).toHaveLength(18);
  });

  describe('debounce', () => {
    it('flapping busy/idle inside the window emits nothing, then reports the suppressed flaps', () => {
      const steps = [0, 3, 6, 9, 12, 15].map((s, i) => ({ t: s * SEC, agents: [agent('a', i % 2 ? 'idle' : 'busy')] }));
      const quiet = run(steps, { stateChanges: false });
      expect(quiet.events).toEqual([]);
      expect(quiet.snapshot.agents['a']?.flaps).toBe(2);
      const settled = run([...steps, { t: 18 * SEC, agents: [agent('a', 'idle')] }, { t: 30 * SEC, agents: [agent('a', 'idle')] }], { stateChanges: false });
      expect(kinds(settled.events)).toEqual(['status_changed']);
      const e = settled.events[0];
      expect(e?.kind === 'status_changed' && e.flaps).toBe(2);
      expect(e?.message).toMatch(/busy -> idle: .*\(after 2 suppressed flaps\)$/);
      // `at` is when the confirmed status was first seen (15 s), not when the debounce confirmed it (30 s).
      expect(e?.at).toBe(new Date(BASE_NOW + 15 * SEC).toISOString());
    });

    it('a pending change that switches to a third status counts as a flap', () => {
      const r = run([
        { t: 0, agents: [agent('a', 'busy')] },
        { t: SEC, agents: [agent('a', 'idle')] },
        { t: 2 * SEC, agents: [agent('a', 'offline')] },
      ]);
      expect(r.snapshot.agents['a']).toMatchObject({ status: 'busy', flaps: 1, pending: { status: 'offline' } });
    });

    it('errors are immediate; debounceMs 0 makes everything immediate', () => {
      expect(kinds(run([{ t: 0, agents: [agent('a', 'busy')] }, { t: SEC, agents: [agent('a', 'error')] }]).events)).toContain('agent_failed');
      const r = run([{ t: 0, agents: [agent('a', 'busy')] }, { t: SEC, agents: [agent('a', 'idle')] }], { debounceMs: 0, stateChanges: false });
      expect(kinds(r.events)).toEqual(['status_changed']);
      expect(r.events[0]?.message).not.toContain('flap');
    });

    it('offline -> paused ends the down period without a recovery event', () => {
      const r = run(
        [
          { t: 0, agents: [agent('a', 'offline')] },
          { t: SEC, agents: [agent('a', 'paused')] },
          { t: 2 * SEC, agents: [agent('a', 'idle')] },
        ],
        { debounceMs: 0, stateChanges: false },
      );
      expect(kinds(r.events)).toEqual(['status_changed', 'status_changed']);
    });

    it('one suppressed flap is singular', () => {
      const r = run(
        [
          { t: 0, agents: [agent('a', 'busy')] },
          { t: SEC, agents: [agent('a', 'idle')] },
          { t: 2 * SEC, agents: [agent('a', 'busy')] },
          { t: 3 * SEC, agents: [agent('a', 'complete')] },
          { t: 20 * SEC, agents: [agent('a', 'complete')] },
        ],
        { stateChanges: false },
      );
      expect(r.events[0]?.message).toContain('(after 1 suppressed flap)');
      expect(kinds(r.events)).toEqual(['status_changed', 'task_completed']);
    });

    it('capacity: debounce and hysteresis keep a hovering fleet quiet', () => {
      const fleet = (n: number) => Array.from({ length: n }, (_, k) => agent(`c${k}`, 'busy'));
      const r = run(
        [
          { t: 0, agents: fleet(8) },
          { t: 20 * SEC, agents: fleet(9) },
          { t: 25 * SEC, agents: fleet(8) },
          { t: 60 * SEC, agents: fleet(9) },
          { t: 80 * SEC, agents: fleet(9) },
          // dips to 80%: still above 90% - 15% hysteresis, so no recovery
          { t: 100 * SEC, agents: fleet(8) },
          { t: 120 * SEC, agents: fleet(8) },
        ],
        { capacity: 10, capacityHysteresis: 0.15 },
      );
      expect(kinds(r.events).filter((k) => k.startsWith('capacity'))).toEqual(['capacity_warning']);
      expect(r.snapshot.capacity.warning).toBe(true);
      const noCap = diffFleet(r.snapshot, fleet(9), BASE_NOW + HOUR);
      expect(noCap.snapshot.capacity).toEqual({ warning: false });
    });
  });

  it('attention episodes fire once, and again after the episode ends', () => {
    const idle = (ago: number) => agent('a', 'idle', { stateAgoMs: ago, message: 'waiting' });
    const r = run([
      { t: 0, agents: [idle(14 * MINUTE)] },
      { t: 2 * MINUTE, agents: [idle(16 * MINUTE)] },
      { t: 3 * MINUTE, agents: [idle(17 * MINUTE)] },
      { t: 4 * MINUTE, agents: [idle(MINUTE)] },
      { t: 20 * MINUTE, agents: [idle(16 * MINUTE)] },
    ]);
    expect(kinds(r.events)).toEqual(['needs_input', 'needs_input']);
    expect(r.events[0]?.kind === 'needs_input' && r.events[0].reason).toBe('idle_waiting');
  });

  it('thresholds option re-evaluates attention', () => {
    const r = run([{ t: 0, agents: [agent('a', 'busy', { stateAgoMs: 10 * SEC })] }, { t: SEC, agents: [agent('a', 'busy', { stateAgoMs: 2 * MINUTE })] }], {
      thresholds: { stuckMs: 30 * SEC },
    });
    expect(kinds(r.events)).toEqual(['stuck']);
  });

  it('the baseline judges attention with the same thresholds (already stuck at the baseline: no event later)', () => {
    const r = run([{ t: 0, agents: [agent('a', 'busy', { stateAgoMs: MINUTE })] }, { t: SEC, agents: [agent('a', 'busy', { stateAgoMs: 2 * MINUTE })] }], {
      thresholds: { stuckMs: 30 * SEC },
    });
    expect(r.events).toEqual([]);
    expect(r.snapshot.agents['a']?.attention).toBe('stuck');
  });

  describe('an agent first seen after the baseline already in trouble', () => {
    // [status, agent spec, options, expected kinds]
    it.each([
      ['blocked', { message: 'Which database should I use?' }, {}, ['agent_created', 'needs_input']],
      ['idle', { stateAgoMs: 30 * MINUTE }, {}, ['agent_created', 'needs_input']],
      ['idle', { stateAgoMs: MINUTE }, {}, ['agent_created']],
      ['busy', { stateAgoMs: 2 * HOUR }, {}, ['agent_created', 'stuck']],
      ['busy', { stateAgoMs: 2 * MINUTE }, { thresholds: { stuckMs: MINUTE } }, ['agent_created', 'stuck']],
      ['error', {}, {}, ['agent_created', 'agent_failed']],
      ['offline', {}, {}, ['agent_created', 'agent_offline']],
      ['starting', {}, {}, ['agent_created']],
    ] as [AgentStatus, AgentSpec, object, string[]][])('%s %j %j -> %j', (status, spec, options, expected) => {
      const r = run([{ t: 0, agents: [] }, { t: SEC, agents: [agent('late', status, { now: BASE_NOW + SEC, ...spec })] }], options);
      expect(kinds(r.events)).toEqual(expected);
      for (const e of r.events) expect(e.agentName).toBe('late');
    });

    it('fires each condition once: the episode is remembered, later observations stay quiet', () => {
      const blocked = (t: number) => agent('late', 'blocked', { now: BASE_NOW + t, stateAgoMs: t - SEC + 1 });
      const r = run([{ t: 0, agents: [] }, { t: SEC, agents: [blocked(SEC)] }, { t: 20 * SEC, agents: [blocked(20 * SEC)] }, { t: 40 * SEC, agents: [blocked(40 * SEC)] }]);
      expect(kinds(r.events)).toEqual(['agent_created', 'needs_input']);
      const needs = r.events.find((e) => e.kind === 'needs_input');
      expect(needs?.kind === 'needs_input' && needs.reason).toBe('blocked');
      expect(needs?.message).toMatch(/^agent "late" \(alice\) needs input: /);
    });

    it('a failed newcomer recovers like any other agent', () => {
      const r = run([{ t: 0, agents: [] }, { t: SEC, agents: [agent('late', 'error')] }, { t: 2 * SEC, agents: [agent('late', 'busy')] }, { t: 15 * SEC, agents: [agent('late', 'busy')] }]);
      expect(kinds(r.events)).toEqual(['agent_created', 'agent_failed', 'status_changed', 'agent_recovered']);
    });
  });

  it('reuses unchanged agent memories (structural sharing) and is pure', () => {
    const a = agent('a', 'busy');
    const first = diffFleet(undefined, [a], BASE_NOW);
    const frozen = JSON.stringify(first.snapshot);
    const second = diffFleet(first.snapshot, [a], BASE_NOW + SEC);
    expect(second.events).toEqual([]);
    expect(second.snapshot.agents['a']).toBe(first.snapshot.agents['a']);
    expect(JSON.stringify(first.snapshot)).toBe(frozen);
  });

  it('quotes agent text truncated, and completion without a message', () => {
    const long = 'x'.repeat(500);
    const r = run(
      [
        { t: 0, agents: [agent('a', 'busy', { message: 'short' })] },
        { t: SEC, agents: [agent('a', 'complete', { message: long })] },
        { t: 2 * SEC, agents: [agent('b', 'complete', { message: '' })] },
      ],
      { debounceMs: 0, maxMessageLength: 50 },
    );
    const sc = r.events.find((e) => e.kind === 'state_changed');
    expect(sc?.message.length).toBeLessThan(120);
    expect(sc?.message).toContain('…[truncated');
    expect(r.events.find((e) => e.kind === 'task_completed')?.message).toContain('…[truncated');
  });

  it('createFleetSnapshot counts paused agents out of capacity', () => {
    const snap = createFleetSnapshot([agent('a', 'paused'), agent('b', 'busy')], BASE_NOW, { capacity: 1 });
    expect(snap.capacity.warning).toBe(true);
    expect(snap.agents['a']?.downSince).toBeUndefined();
    expect(createFleetSnapshot([agent('c', 'error')], new Date(BASE_NOW)).agents['c']?.downSince).toBe(BASE_NOW);
  });
});

describe('diffFleet: chats', () => {
  /** A chat observed at BASE_NOW + t (updated `updatedAgoMs` before that). */
  const chat = (t: number, over: Partial<Chat> = {}, options: ToChatAgentOptions = {}, updatedAgoMs = 0) =>
    toChatAgent(buildChat({ id: 'c', owner_username: 'alice', updated_at: isoAgo(updatedAgoMs, BASE_NOW + t), ...over }), BASE_NOW + t, options);
  const steps = (...list: [number, Partial<Chat>, ToChatAgentOptions?][]) => list.map(([t, over, options]) => ({ t, agents: [chat(t, over, options)] }));

  it('requires_action: one critical action_required per episode, with deadline and tools, once confirmed', () => {
    const { events } = run(
      steps(
        [0, {}],
        [SEC, { status: 'requires_action' }, { actionRequired: { toolNames: ['lookup'] } }],
        [15 * SEC, { status: 'requires_action' }, { actionRequired: { toolNames: ['lookup'] } }],
        [30 * SEC, { status: 'requires_action' }, { actionRequired: { toolNames: ['lookup'] } }],
      ),
      { stateChanges: false },
    );
    expect(kinds(events)).toEqual(['status_changed', 'action_required']);
    const e = events[1];
    expect(e).toMatchObject({ kind: 'action_required', severity: 'critical', agentId: 'c', toolNames: ['lookup'], deadlineAt: isoAgo(-15 * SEC - 5 * MINUTE) });
    expect(e?.message).toMatch(/^agent "c" \(alice\) requires action: Chat waits for client tool results \(lookup\)/);
  });

  it('error: agent_failed at once, with the error kind', () => {
    const { events } = run(steps([0, {}], [SEC, { status: 'error', last_error: { message: 'budget', kind: 'usage_limit', retryable: false } }]));
    expect(kinds(events)).toEqual(['status_changed', 'agent_failed']);
    expect(events[1]).toMatchObject({ kind: 'agent_failed', errorKind: 'usage_limit' });
    const plain = run(steps([0, {}], [SEC, { status: 'error' }])).events[1];
    expect(plain && 'errorKind' in plain).toBe(false);
  });

  it('PR opened, then merged: completed with the PR named; each once', () => {
    const open = buildDiffStatus({ pull_request_draft: true });
    const ready = buildDiffStatus();
    const merged = buildDiffStatus({ pull_request_state: 'merged' });
    const { events } = run(
      steps(
        [0, {}],
        [SEC, { diff_status: open }],
        [2 * SEC, { diff_status: ready }],
        [3 * SEC, { status: 'waiting', diff_status: ready }],
        [20 * SEC, { status: 'waiting', diff_status: merged }],
        [40 * SEC, { status: 'waiting', diff_status: merged }],
      ),
      { stateChanges: false },
    );
    // idle (pending since 3 s) turns complete before the debounce confirms it: one confirmed change at 40 s.
    expect(kinds(events)).toEqual(['pr_opened', 'pr_merged', 'status_changed', 'task_completed']);
    expect(events[0]).toMatchObject({ kind: 'pr_opened', prNumber: 12, draft: true, message: 'agent "c" (alice) opened PR #12 (draft): "Fix the failing tests"' });
    expect(events[1]).toMatchObject({ kind: 'pr_merged', message: 'agent "c" (alice): PR #12 merged: "Fix the failing tests"' });
    expect(events[2]).toMatchObject({ from: 'busy', to: 'complete', flaps: 1 });
    expect(events[3]?.message).toBe('agent "c" (alice) completed its work: PR #12 merged');
  });

  it('a PR without number or title, an archived chat, and a newcomer with an open PR', () => {
    const bare = buildDiffStatus({ pr_number: undefined, url: undefined, pull_request_title: '' });
    const r = run(
      [
        { t: 0, agents: [] },
        { t: SEC, agents: [chat(SEC, { diff_status: bare })] },
        { t: 2 * SEC, agents: [chat(2 * SEC, { status: 'waiting', diff_status: { ...bare, pull_request_state: 'merged' } })] },
        { t: 20 * SEC, agents: [chat(20 * SEC, { status: 'waiting', diff_status: { ...bare, pull_request_state: 'merged' } })] },
        { t: 30 * SEC, agents: [chat(30 * SEC, { status: 'waiting', archived: true, diff_status: buildDiffStatus({ pr_number: undefined, pull_request_state: 'closed' }) })] },
      ],
      { stateChanges: false, debounceMs: 0 },
    );
    expect(r.events.map((e) => e.message)).toEqual([
      'agent "c" (alice) created; status busy',
      'agent "c" (alice) opened a PR',
      'agent "c" (alice): busy -> complete: the chat is idle and its pull request is merged',
      'agent "c" (alice) completed its work: its PR is merged',
      'agent "c" (alice): a PR merged',
    ]);
    const archived = run(steps([0, {}], [SEC, { status: 'waiting', archived: true }]), { stateChanges: false, debounceMs: 0 });
    expect(archived.events.map((e) => e.message)).toContain('agent "c" (alice) completed its work (archived)');
    const byUrl = run(steps([0, {}], [SEC, { diff_status: buildDiffStatus({ pr_number: undefined }) }])).events[0];
    expect(byUrl?.message).toBe('agent "c" (alice) opened PR https://github.com/acme/app/pull/12: "Fix the failing tests"');
    const noMerged = run(steps([0, { status: 'waiting' }], [SEC, { status: 'waiting', diff_status: buildDiffStatus({ pull_request_state: 'merged', pr_number: undefined }) }], [20 * SEC, { status: 'waiting', diff_status: buildDiffStatus({ pull_request_state: 'merged', pr_number: undefined }) }]), { stateChanges: false });
    expect(noMerged.events.find((e) => e.kind === 'task_completed')?.message).toBe('agent "c" (alice) completed its work: its PR is merged');
  });
});
