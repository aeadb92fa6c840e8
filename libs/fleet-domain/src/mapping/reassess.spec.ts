import { describe, expect, it } from 'vitest';
import { BASE_NOW, buildExperimentalTask, buildState, buildTask, buildTaskFromExample, buildTaskList, HOUR, MINUTE } from '../testing/builders.js';
import { STATUS_TABLE } from '../status/status-table.js';
import type { AnyTask } from './coder-types.js';
import { createTaskMapper, reassessAgent, toAgent, toAgents } from './from-coder.js';

const thresholds = { idleWaitingMs: 15 * MINUTE, stuckMs: 30 * MINUTE };
const LATER = [0, 1_000, 59_000, 61_000, 10 * MINUTE, 14 * MINUTE, 16 * MINUTE, 29 * MINUTE, 31 * MINUTE, 2 * HOUR, 3 * 24 * HOUR];

/** Tasks in every status the table knows, with states of several ages (both eras, odd timestamps). */
function tasks(): AnyTask[] {
  const out: AnyTask[] = [];
  for (const rule of STATUS_TABLE) out.push(buildTaskFromExample(rule.example));
  for (const agoMs of [0, 30_000, 5 * MINUTE, 14 * MINUTE + 59_000, 20 * MINUTE, 45 * MINUTE, 5 * HOUR]) {
    out.push(buildTask({ current_state: buildState({ state: 'working', agoMs }) }));
    out.push(buildTask({ current_state: buildState({ state: 'idle', agoMs }) }));
    out.push(buildTask({ current_state: buildState({ state: 'idle', agoMs, timestamp: 'not a time' }) }));
    out.push(buildExperimentalTask({ current_state: buildState({ state: 'working', agoMs }) }));
    out.push(buildTask({ current_state: buildState({ state: 'idle', agoMs }), workspace_agent_health: { healthy: false, reason: 'agent timed out' } }));
    out.push(buildTask({ current_state: buildState({ state: 'working', agoMs }), workspace_agent_health: { healthy: false } }));
  }
  out.push(buildTask({ current_state: null }));
  out.push(...buildTaskList(50));
  return out;
}

describe('reassessAgent', () => {
  it('equals a fresh toAgent of the same task at the later time, for every status and age', () => {
    for (const task of tasks()) {
      const before = toAgent(task, BASE_NOW, thresholds);
      for (const later of LATER) {
        const now = BASE_NOW + later;
        expect(reassessAgent(before, now, thresholds)).toEqual(toAgent(task, now, thresholds));
      }
    }
  });

  it('returns the same object when nothing changed (the cheap path a poller relies on)', () => {
    const working = toAgent(buildTask({ current_state: buildState({ state: 'working', agoMs: MINUTE }) }), BASE_NOW, thresholds);
    expect(reassessAgent(working, BASE_NOW + 5 * MINUTE, thresholds)).toBe(working);
    const stuck = toAgent(buildTask({ current_state: buildState({ state: 'working', agoMs: 2 * HOUR }) }), BASE_NOW, thresholds);
    expect(stuck.needsAttention?.reason).toBe('stuck');
    // Same minute: same suggestion text, same object.
    expect(reassessAgent(stuck, BASE_NOW + 10_000, thresholds)).toBe(stuck);
    const failed = toAgent(buildTask({ status: 'error' }), BASE_NOW, thresholds);
    expect(reassessAgent(failed, BASE_NOW + 10 * HOUR, thresholds)).toBe(failed);
  });

  it('flags an agent that has become stuck since it was mapped, and clears nothing it should keep', () => {
    const agent = toAgent(buildTask({ current_state: buildState({ state: 'working', agoMs: 20 * MINUTE }) }), BASE_NOW, thresholds);
    expect(agent.needsAttention).toBeUndefined();
    const later = reassessAgent(agent, BASE_NOW + 15 * MINUTE, thresholds);
    expect(later).not.toBe(agent);
    expect(later.needsAttention).toMatchObject({ reason: 'stuck', severity: 'warning' });
    expect(later.needsAttention?.suggestion).toContain('35 min');
  });
});

describe('createTaskMapper', () => {
  it('maps like toAgents, sharing template refs between agents of one template version', () => {
    const list = buildTaskList(40, BASE_NOW, 3);
    const map = createTaskMapper(BASE_NOW, thresholds);
    const mapped = list.map(map);
    expect(mapped).toEqual(toAgents(list, BASE_NOW, thresholds));
    const sameTemplate = mapped.filter((a) => a.template.id === mapped[0]?.template.id);
    expect(sameTemplate.length).toBeGreaterThan(1);
    expect(new Set(sameTemplate.map((a) => a.template)).size).toBe(1);
  });
});
