import { describe, expect, it } from 'vitest';
import { detectEra, toAgent, toAgents, toStateKind } from './from-coder.js';
import { normalizeTimestamp, parseTimestamp, isoFromMs, toEpochMs } from './timestamps.js';
import { BASE_NOW, HOUR, MINUTE, buildExperimentalTask, buildState, buildTask, isoAgo } from '../testing/builders.js';

describe('toStateKind', () => {
  it.each([
    ['working', 'working'],
    ['idle', 'idle'],
    ['complete', 'complete'],
    ['completed', 'complete'],
    ['failure', 'failed'],
    ['failed', 'failed'],
    ['pondering', 'unknown'],
    ['', 'unknown'],
  ])('%s -> %s', (raw, kind) => expect(toStateKind(raw)).toBe(kind));
});

describe('detectEra', () => {
  it('GA when workspace_status is present', () => expect(detectEra(buildTask())).toBe('v2'));
  it('GA when status is a TaskStatus-only value even without workspace_status', () => {
    const t = buildTask({ status: 'active' });
    delete t.workspace_status;
    expect(detectEra(t)).toBe('v2');
  });
  it('experimental when status is a workspace status', () => expect(detectEra(buildExperimentalTask())).toBe('experimental'));
});

describe('toAgent', () => {
  it('shared timestamps (updated_at = state time = created_at, any offset) map to the same values as distinct ones', () => {
    const at = '2025-11-10T11:40:12.875123+01:00';
    const state = { state: 'idle', message: 'waiting', uri: '', timestamp: at } as const;
    const shared = toAgent(buildTask({ created_at: at, updated_at: at, current_state: state }), BASE_NOW);
    expect(shared.createdAt).toBe('2025-11-10T10:40:12.875Z');
    expect(shared.updatedAt).toBe(shared.createdAt);
    expect(shared.state?.since).toBe(shared.createdAt);
    expect(shared.times.stateSince).toBe(Date.parse(at));
    expect(shared.needsAttention).toMatchObject({ reason: 'idle_waiting', since: '2025-11-10T10:40:12.875Z' });
    const failed = toAgent(buildTask({ status: 'error', updated_at: at, current_state: null }), BASE_NOW);
    expect(failed.needsAttention).toMatchObject({ reason: 'error', since: '2025-11-10T10:40:12.875Z' });
    const noTimes = toAgent(buildTask({ status: 'error', created_at: 'bad', updated_at: 'bad', current_state: { ...state, state: 'failure', timestamp: 'bad' } }), BASE_NOW);
    expect(noTimes.needsAttention?.since).toBeUndefined();
    expect(noTimes.state?.since).toBe('bad');
  });

  it('maps a GA task field by field to camelCase', () => {
    const task = buildTask({ name: 'sony', display_name: 'Sony', workspace_build_number: 7 });
    const a = toAgent(task, BASE_NOW);
    expect(a).toMatchObject({
      id: task.id,
      name: 'sony',
      displayName: 'Sony',
      owner: 'alice',
      ownerId: task.owner_id,
      organizationId: task.organization_id,
      template: { id: task.template_id, name: 'coder-devcontainer', displayName: 'Setup', versionId: task.template_version_id },
      status: 'busy',
      coderStatus: 'active',
      era: 'v2',
      state: { kind: 'working', raw: 'working', message: 'Working on it', uri: '' },
      health: { healthy: true },
      workspace: { id: task.workspace_id, name: 'sony', status: 'running', buildNumber: 7, agentLifecycle: 'ready' },
      initialPrompt: 'Fix the flaky test',
    });
    expect(a.needsAttention).toBeUndefined();
  });

  it('maps the recorded experimental shape: status "running" + idle state -> idle, offsets normalised to UTC', () => {
    const task = buildExperimentalTask({
      created_at: '2025-11-10T11:38:10.64715+01:00',
      updated_at: '2025-11-10T11:38:10.64715+01:00',
      current_state: { timestamp: '2025-11-10T11:40:12.875825+01:00', state: 'idle', message: 'Understanding test recording requirements', uri: '' },
    });
    const a = toAgent(task, Date.parse('2025-11-10T10:45:00Z'));
    expect(a.era).toBe('experimental');
    expect(a.status).toBe('idle');
    expect(a.coderStatus).toBe('running');
    expect(a.createdAt).toBe('2025-11-10T10:38:10.647Z');
    expect(a.state?.since).toBe('2025-11-10T10:40:12.875Z');
    expect(a.lastActivityAt).toBe('2025-11-10T10:40:12.875Z');
    expect(a.displayName).toBe(task.name);
    expect(a.workspace.status).toBe('running');
    expect(a.template.versionId).toBeUndefined();
  });

  it('accepts Date or epoch ms as now', () => {
    const t = buildTask();
    expect(toAgent(t, new Date(BASE_NOW))).toEqual(toAgent(t, BASE_NOW));
  });

  it('copes with current_state null', () => {
    const a = toAgent(buildTask({ current_state: null }), BASE_NOW);
    expect(a.state).toBeUndefined();
    expect(a.status).toBe('busy');
    expect(a.times.stateSince).toBe(a.times.createdAt);
  });

  it('maps unknown future enum values to unknown, never throwing', () => {
    const task = buildTask({ status: 'hibernating' as never, workspace_status: 'frozen' as never });
    expect(toAgent(task, BASE_NOW).status).toBe('unknown');
    const s = toAgent(buildTask({ current_state: buildState({ state: 'dreaming' as never }) }), BASE_NOW);
    expect(s.status).toBe('unknown');
    expect(s.state?.kind).toBe('unknown');
    expect(s.statusReason).toContain('"dreaming"');
  });

  it('blocked carries the agent message in the reason and needs attention', () => {
    const a = toAgent(buildTask({ current_state: buildState({ state: 'failure', message: 'Need the API key for staging' }) }), BASE_NOW);
    expect(a.status).toBe('blocked');
    expect(a.statusReason).toContain('Need the API key for staging');
    expect(a.needsAttention?.reason).toBe('blocked');
    expect(a.needsAttention?.nextTools).toContain('send_agent_input');
  });

  it('unhealthy agent is offline with the health reason', () => {
    const a = toAgent(buildTask({ workspace_agent_health: { healthy: false, reason: 'agent has lost connection' } }), BASE_NOW);
    expect(a.status).toBe('offline');
    expect(a.health).toEqual({ healthy: false, reason: 'agent has lost connection' });
    expect(a.statusReason).toBe('the workspace agent is unhealthy: "agent has lost connection"');
  });

  it('error status is unhealthy with the status reason', () => {
    const a = toAgent(buildTask({ status: 'error' }), BASE_NOW);
    expect(a.health.healthy).toBe(false);
    expect(a.health.reason).toContain('error');
  });

  it('keeps a health reason even when healthy', () => {
    expect(toAgent(buildTask({ workspace_agent_health: { healthy: true, reason: 'ok-ish' } }), BASE_NOW).health).toEqual({
      healthy: true,
      reason: 'ok-ish',
    });
  });

  describe('lastActivityAt', () => {
    const t = buildTask({ updated_at: isoAgo(10 * MINUTE), current_state: buildState({ agoMs: 2 * MINUTE }) });
    it('is the newest of state and updated_at', () => expect(toAgent(t, BASE_NOW).lastActivityAt).toBe(isoAgo(2 * MINUTE)));
    it('includes the latest log time when given (string with offset)', () =>
      expect(toAgent(t, BASE_NOW, { lastLogAt: isoAgo(MINUTE, BASE_NOW, '+01:00') }).lastActivityAt).toBe(isoAgo(MINUTE)));
    it('includes the latest log time when given (epoch ms)', () =>
      expect(toAgent(t, BASE_NOW, { lastLogAt: BASE_NOW - 30_000 }).lastActivityAt).toBe(isoAgo(30_000)));
    it('ignores older log times', () => expect(toAgent(t, BASE_NOW, { lastLogAt: isoAgo(HOUR) }).lastActivityAt).toBe(isoAgo(2 * MINUTE)));
    it('falls back to the state when updated_at is unparsable', () => {
      const a = toAgent(buildTask({ updated_at: 'garbage' }), BASE_NOW);
      expect(a.updatedAt).toBe('garbage');
      expect(Number.isNaN(a.times.updatedAt)).toBe(true);
      expect(a.lastActivityAt).toBe(a.state?.since);
    });
    it('uses the log time when nothing else parses', () => {
      const a = toAgent(buildTask({ updated_at: '', current_state: null }), BASE_NOW, { lastLogAt: BASE_NOW });
      expect(a.updatedAt).toBe('');
      expect(a.lastActivityAt).toBe(isoFromMs(BASE_NOW));
    });
  });

  it('records firstWorkAt and preset when supplied', () => {
    const a = toAgent(buildTask(), BASE_NOW, { firstWorkAt: isoAgo(25 * MINUTE), preset: 'Researcher' });
    expect(a.firstWorkAt).toBe(isoAgo(25 * MINUTE));
    expect(a.preset).toBe('Researcher');
    const b = toAgent(buildTask(), BASE_NOW, { firstWorkAt: BASE_NOW - MINUTE });
    expect(b.firstWorkAt).toBe(isoAgo(MINUTE));
  });

  it('omits absent workspace fields', () => {
    const a = toAgent(buildExperimentalTask({ workspace_id: null, workspace_agent_id: null, workspace_agent_lifecycle: null }), BASE_NOW);
    expect(a.workspace).toEqual({ status: 'running' });
    expect(a.status).toBe('starting');
  });
});

describe('toAgents', () => {
  it('maps a list and looks up per-task extras from a Map or a record', () => {
    const t1 = buildTask();
    const t2 = buildExperimentalTask();
    const viaMap = toAgents([t1, t2], BASE_NOW, { lastLogAt: new Map([[t1.id, BASE_NOW - 1000]]), preset: { [t2.id]: 'Operator' } });
    expect(viaMap.map((a) => a.id)).toEqual([t1.id, t2.id]);
    expect(viaMap[0]?.lastActivityAt).toBe(isoAgo(1000));
    expect(viaMap[1]?.preset).toBe('Operator');
    expect(viaMap[0]?.preset).toBeUndefined();
    const viaRecord = toAgents([t1], new Date(BASE_NOW), { firstWorkAt: { [t1.id]: isoAgo(20 * MINUTE) } });
    expect(viaRecord[0]?.firstWorkAt).toBe(isoAgo(20 * MINUTE));
  });
  it('maps an empty list', () => expect(toAgents([], BASE_NOW)).toEqual([]));
});

describe('timestamps', () => {
  it.each([
    ['2025-10-27T10:27:44.422391+01:00', '2025-10-27T09:27:44.422Z'],
    ['2025-10-27T09:28:51.813325134Z', '2025-10-27T09:28:51.813Z'],
    ['2025-10-27T09:28:51.813Z', '2025-10-27T09:28:51.813Z'],
    ['2025-10-27T09:28:51Z', '2025-10-27T09:28:51.000Z'],
    ['not a date', 'not a date'],
    ['', ''],
  ])('%s -> %s', (raw, iso) => expect(normalizeTimestamp(raw)).toBe(iso));
  it('parses missing as NaN', () => {
    expect(parseTimestamp(undefined)).toBeNaN();
    expect(parseTimestamp(null)).toBeNaN();
    expect(isoFromMs(Number.NaN)).toBe('');
    expect(toEpochMs(new Date(5))).toBe(5);
  });
});

describe('toAgents template sharing', () => {
  it('agents of one template share one frozen ref; a changed display name gets its own', () => {
    const [a, b, c] = toAgents([buildTask(), buildTask(), buildTask({ template_display_name: 'Renamed' })], BASE_NOW);
    expect(a?.template).toBe(b?.template);
    expect(Object.isFrozen(a?.template)).toBe(true);
    expect(c?.template.displayName).toBe('Renamed');
    expect(c?.template).not.toBe(a?.template);
  });
});

describe('a report from before the current status is marked stale', () => {
  it('paused: the last "working" report is not what the agent does now', () => {
    const paused = toAgent(buildTask({ status: 'paused', workspace_status: 'stopped', current_state: buildState({ state: 'working' }) }), BASE_NOW);
    expect(paused.status).toBe('paused');
    expect(paused.state).toMatchObject({ kind: 'working', stale: true });
  });
  it('active and working: current', () => {
    const working = toAgent(buildTask(), BASE_NOW);
    expect(working.status).toBe('busy');
    expect(working.state?.stale).toBeUndefined();
  });
});
