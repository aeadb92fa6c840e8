import { describe, expect, it } from 'vitest';
import { agentsInUse, computeCapacity, computeFleetStatus, emptyCounts } from './fleet-status.js';
import { BASE_NOW, HOUR, MINUTE, buildAgent, buildFleet } from '../testing/builders.js';
import { buildChatAgent, buildDiffStatus } from '../testing/chat-builders.js';
import type { AgentStatus } from '../models/agent.js';
import type { Chat } from '../mapping/coder-types.js';
import type { ToChatAgentOptions } from '../mapping/from-chat.js';

describe('computeFleetStatus', () => {
  it('empty fleet: zeros and nulls, no division by zero', () => {
    const s = computeFleetStatus([], BASE_NOW);
    expect(s.total).toBe(0);
    expect(s.counts).toEqual(emptyCounts());
    expect(s.utilization).toBeNull();
    expect(s.health.healthyPercent).toBeNull();
    expect(s.completion.completionRate).toBeNull();
    expect(s.capacity).toEqual({ capacity: null, used: 0, ratio: null, warningRatio: 0.9, warning: false });
    expect(s.durations.timeInCurrentState.count).toBe(0);
    expect(s.perTemplate).toEqual([]);
    expect(s.outliers.outliers).toEqual([]);
    expect(s.at).toBe('2026-01-15T12:00:00.000Z');
  });

  it('counts, utilization = busy / online, active tasks, health, completion', () => {
    const agents = buildFleet({
      counts: { busy: 4, idle: 2, complete: 1, blocked: 1, starting: 1, paused: 2, offline: 1, error: 1, unknown: 1 },
    });
    const s = computeFleetStatus(agents, new Date(BASE_NOW));
    expect(s.total).toBe(14);
    expect(s.counts).toEqual({ starting: 1, busy: 4, idle: 2, complete: 1, paused: 2, offline: 1, blocked: 1, error: 1, unknown: 1, stopping: 0 });
    expect(s.online).toBe(8);
    expect(s.utilization).toBe(0.5);
    expect(s.activeTasks).toBe(8);
    expect(s.health).toEqual({ healthy: 12, unhealthy: 2, healthyPercent: (12 / 14) * 100, error: 1, offline: 1 });
    expect(s.completion).toEqual({ completed: 1, failed: 1, blocked: 1, completionRate: 0.5 });
    expect(s.attention.map((a) => a.reason)).toEqual(['error', 'offline', 'blocked']);
    expect(s.attentionTotal).toBe(3);
    expect(s.attentionByReason).toMatchObject({ error: 1, offline: 1, blocked: 1, stuck: 0 });
    expect(s.attention[0]?.nextTools.length).toBeGreaterThan(0);
  });

  it.each([
    [10, 0.9, 9, true],
    [10, 0.9, 8, false],
    [20, 0.5, 10, true],
    [undefined, 0.9, 9, false],
  ])('capacity %s at ratio %s with %i non-paused agents -> warning %s', (capacity, ratio, used, warning) => {
    const agents = buildFleet({ counts: { busy: used, paused: 3 } });
    const s = computeFleetStatus(agents, BASE_NOW, { ...(capacity ? { capacity } : {}), capacityWarningRatio: ratio });
    expect(s.capacity.used).toBe(used);
    expect(s.capacity.warning).toBe(warning);
    if (warning) expect(s.capacity.message).toMatch(/^capacity_warning: \d+ of \d+ agents in use/);
  });

  it('agentsInUse counts every agent but the paused ones (what --capacity limits)', () => {
    const statuses: AgentStatus[] = ['busy', 'idle', 'paused', 'starting', 'error', 'paused', 'complete'];
    expect(agentsInUse(statuses.map((status) => ({ status })))).toBe(5);
    expect(agentsInUse([])).toBe(0);
  });

  it('computeCapacity ignores non-positive capacity', () => {
    expect(computeCapacity(5, 0, 0.9).capacity).toBeNull();
    expect(computeCapacity(9, 10, 0.9)).toMatchObject({ ratio: 0.9, warning: true });
  });

  it('durations: time to complete, time in current state, time to first work (approximate without firstWorkAt)', () => {
    const agents = [
      buildAgent({ status: 'complete', createdAgoMs: 60 * MINUTE, stateAgoMs: 20 * MINUTE }), // 40 min
      buildAgent({ status: 'complete', createdAgoMs: 60 * MINUTE, stateAgoMs: 40 * MINUTE }), // 20 min
      buildAgent({ status: 'busy', createdAgoMs: 30 * MINUTE, stateAgoMs: 25 * MINUTE }), // first work ~5 min
      buildAgent({ status: 'paused' }),
    ];
    const s = computeFleetStatus(agents, BASE_NOW);
    expect(s.durations.timeToComplete).toMatchObject({ count: 2, medianMs: 30 * MINUTE, maxMs: 40 * MINUTE, approximate: false });
    expect(s.durations.timeToFirstWork).toMatchObject({ count: 1, medianMs: 5 * MINUTE, approximate: true });
    expect(s.durations.timeInCurrentState.count).toBe(3);
    expect(s.durations.timeInCurrentState.maxMs).toBe(40 * MINUTE);
  });

  it('time to first work is exact when firstWorkAt is supplied', () => {
    const a = buildAgent({ status: 'idle', createdAgoMs: HOUR, options: { firstWorkAt: BASE_NOW - HOUR + 90_000 } });
    const s = computeFleetStatus([a], BASE_NOW);
    expect(s.durations.timeToFirstWork).toMatchObject({ count: 1, medianMs: 90_000, approximate: false });
  });

  it('per-template breakdown sorted by size', () => {
    const agents = buildFleet({ counts: { busy: 5, idle: 1, complete: 1 }, templates: ['big', 'big', 'small'] });
    const s = computeFleetStatus(agents, BASE_NOW);
    expect(s.perTemplate.map((t) => [t.templateName, t.total])).toEqual([
      ['big', 5],
      ['small', 2],
    ]);
    const small = s.perTemplate[1];
    expect(small?.online).toBe(2);
    expect(small?.healthyPercent).toBe(100);
  });

  it('re-evaluates attention with thresholds given to computeFleetStatus and caps the list', () => {
    const agents = buildFleet({ counts: { idle: 5, offline: 1 }, baseStateAgoMs: 5 * MINUTE });
    expect(computeFleetStatus(agents, BASE_NOW).attentionTotal).toBe(1);
    const s = computeFleetStatus(agents, BASE_NOW, { thresholds: { idleWaitingMs: MINUTE }, maxAttention: 3 });
    expect(s.attentionTotal).toBe(6);
    expect(s.attention).toHaveLength(3);
    expect(s.attention[0]?.reason).toBe('offline');
    const unhealthy = buildAgent({ status: 'starting', task: { workspace_agent_health: { healthy: false, reason: 'lost' } } });
    expect(computeFleetStatus([unhealthy], BASE_NOW, { thresholds: {} }).attention[0]?.reason).toBe('unhealthy');
  });

  it('the capped attention list is the head of the full one (severity, longest-standing, name), with or without thresholds', () => {
    const agents = buildFleet({ counts: { error: 3, offline: 4, blocked: 5, busy: 6, idle: 7 }, baseStateAgoMs: 3 * HOUR, stepMs: 7 * MINUTE });
    for (const options of [{}, { thresholds: { stuckMs: HOUR, idleWaitingMs: HOUR } }]) {
      const full = computeFleetStatus(agents, BASE_NOW, { ...options, maxAttention: 1000 });
      expect(full.attentionTotal).toBe(full.attention.length);
      const order = full.attention.map((a) => `${{ critical: 0, warning: 1, info: 2 }[a.severity]} ${a.since ?? '~'} ${a.agentName}`);
      expect(order).toEqual([...order].sort());
      for (const k of [0, 1, 5, 12]) {
        const capped = computeFleetStatus(agents, BASE_NOW, { ...options, maxAttention: k });
        expect(capped.attention).toEqual(full.attention.slice(0, k));
        expect(capped.attentionTotal).toBe(full.attentionTotal);
      }
    }
  });

  it('passes minPeers to the outlier report', () => {
    const s = computeFleetStatus(buildFleet({ counts: { busy: 3 } }), BASE_NOW, { minPeers: 10 });
    expect(s.outliers.minPeers).toBe(10);
    expect(s.outliers.insufficientPeers[0]).toContain('need 10');
  });
});

describe('computeFleetStatus with chats', () => {
  const chat = (status: AgentStatus, chatOver: Partial<Chat> = {}, options: ToChatAgentOptions = {}) => buildChatAgent({ status, chat: chatOver, options });
  const fleet = () => [
    ...buildFleet({ counts: { busy: 2, idle: 1 } }),
    chat('busy', {}, { costMicros: 1_000_000 }),
    chat('idle', { diff_status: buildDiffStatus({ changes_requested: true }) }, { costMicros: 3_000_000 }),
    chat('idle', { diff_status: buildDiffStatus({ pull_request_draft: true, approved: true }) }, { costMicros: 2_000_000 }),
    chat('complete', { status: 'waiting', archived: false, diff_status: buildDiffStatus({ pull_request_state: 'merged' }) }),
    chat('stopping', { diff_status: buildDiffStatus({ pull_request_state: 'closed' }) }),
    chat('busy', { parent_chat_id: 'root' }, { costMicros: 9_000_000 }),
  ];

  it('counts kinds, stopping, cost (roots only) and PRs by state', () => {
    const s = computeFleetStatus(fleet(), BASE_NOW);
    expect(s.total).toBe(9);
    expect(s.byKind).toEqual({ task: 3, chat: 6, workspace: 0 });
    expect(s.counts.stopping).toBe(1);
    expect(s.activeTasks).toBe(8);
    expect(s.cost).toEqual({ count: 3, totalMicros: 6_000_000, medianMicros: 2_000_000, p90Micros: expect.any(Number), maxMicros: 3_000_000 });
    expect(s.pullRequests).toEqual({ total: 4, byState: { open: 1, draft: 1, merged: 1, closed: 1, unknown: 0 }, changesRequested: 1, approved: 1 });
    expect(s.attentionByReason).toMatchObject({ pr_changes_requested: 1, pr_open_idle: 1 });
    expect(s.perTemplate.map((t) => t.total)).toEqual([3]);
  });

  it('a task-only fleet has zero cost and no PRs; a chat with a joined template is broken down by it', () => {
    const s = computeFleetStatus(buildFleet(), BASE_NOW);
    expect(s.cost).toEqual({ count: 0, totalMicros: 0, medianMicros: null, p90Micros: null, maxMicros: null });
    expect(s.pullRequests.total).toBe(0);
    const withTemplate = computeFleetStatus([chat('busy', {}, { template: { id: 't', name: 'py', displayName: 'Py' } })], BASE_NOW);
    expect(withTemplate.perTemplate.map((t) => [t.templateName, t.total])).toEqual([['py', 1]]);
  });

  it('re-evaluates chat attention with thresholds', () => {
    const s = computeFleetStatus([chat('error', { last_error: { message: 'x', kind: 'rate_limit', retryable: true } }), chat('blocked')], BASE_NOW, { thresholds: {} });
    expect(s.attention.map((a) => a.reason)).toEqual(['requires_action', 'transient_error']);
  });
});
