import { describe, expect, it } from 'vitest';
import { deriveAttention, DEFAULT_ATTENTION_THRESHOLDS, validateThresholds, type AttentionInput } from './attention.js';
import { BASE_NOW, HOUR, MINUTE, buildAgent } from '../testing/builders.js';

const input = (over: Partial<AttentionInput>): AttentionInput => ({
  status: 'busy',
  statusReason: 'the agent is working',
  rawHealthy: true,
  workspaceStatus: 'running',
  stateSinceMs: BASE_NOW - MINUTE,
  updatedAtMs: BASE_NOW - MINUTE,
  ...over,
});

describe('deriveAttention', () => {
  it.each([
    ['error', input({ status: 'error', statusReason: 'the workspace build failed' }), 'error', 'critical', 'delete_agent'],
    ['offline', input({ status: 'offline', workspaceStatus: 'stopped' }), 'offline', 'warning', 'resume_agent'],
    ['blocked', input({ status: 'blocked', state: { kind: 'failed', raw: 'failure', message: 'need   creds', uri: '', since: '' } }), 'blocked', 'warning', 'send_agent_input'],
    ['unhealthy while starting', input({ status: 'starting', rawHealthy: false, healthReason: 'agent has lost connection' }), 'unhealthy', 'warning', 'get_agent_details'],
    ['stuck', input({ status: 'busy', stateSinceMs: BASE_NOW - 31 * MINUTE }), 'stuck', 'warning', 'get_agent_logs'],
    ['idle waiting', input({ status: 'idle', stateSinceMs: BASE_NOW - 16 * MINUTE }), 'idle_waiting', 'info', 'send_agent_input'],
  ] as const)('%s', (_name, inp, reason, severity, tool) => {
    const a = deriveAttention(inp, BASE_NOW);
    expect(a?.reason).toBe(reason);
    expect(a?.severity).toBe(severity);
    expect(a?.nextTools).toContain(tool);
    expect(a?.suggestion).toMatch(/\w+_agent/);
  });

  it('quotes the blocked message, whitespace collapsed', () => {
    const a = deriveAttention(input({ status: 'blocked', state: { kind: 'failed', raw: 'failure', message: 'need\n  creds', uri: '', since: '' } }), BASE_NOW);
    expect(a?.suggestion).toContain('"need creds"');
  });

  it.each([
    ['busy, recent state', input({ status: 'busy' })],
    ['idle, recent', input({ status: 'idle', stateSinceMs: BASE_NOW - 5 * MINUTE })],
    ['paused', input({ status: 'paused', rawHealthy: undefined })],
    ['complete', input({ status: 'complete', stateSinceMs: BASE_NOW - 10 * HOUR })],
    ['offline while deleting', input({ status: 'offline', workspaceStatus: 'deleting' })],
    ['offline when deleted', input({ status: 'offline', workspaceStatus: 'deleted' })],
  ])('no attention: %s', (_name, inp) => expect(deriveAttention(inp, BASE_NOW)).toBeUndefined());

  it('honours custom thresholds', () => {
    expect(deriveAttention(input({ status: 'idle', stateSinceMs: BASE_NOW - 2 * MINUTE }), BASE_NOW, { idleWaitingMs: MINUTE })?.reason).toBe('idle_waiting');
    expect(deriveAttention(input({ status: 'busy', stateSinceMs: BASE_NOW - 2 * MINUTE }), BASE_NOW, { stuckMs: MINUTE })?.reason).toBe('stuck');
    expect(DEFAULT_ATTENTION_THRESHOLDS.stuckMs).toBe(30 * MINUTE);
  });

  it('omits since when the time is unknown', () => {
    const a = deriveAttention(input({ status: 'error', updatedAtMs: Number.NaN }), BASE_NOW);
    expect(a?.since).toBeUndefined();
  });

  it('is applied during mapping', () => {
    expect(buildAgent({ status: 'idle', stateAgoMs: 20 * MINUTE }).needsAttention?.reason).toBe('idle_waiting');
    expect(buildAgent({ status: 'busy', stateAgoMs: 2 * HOUR }).needsAttention?.suggestion).toContain('2 h');
  });
});

describe('validateThresholds', () => {
  it('fills defaults', () => {
    expect(validateThresholds()).toEqual({ ok: true, value: DEFAULT_ATTENTION_THRESHOLDS });
    expect(validateThresholds({ stuckMs: 60_000, idleWaitingMs: undefined })).toEqual({ ok: true, value: { ...DEFAULT_ATTENTION_THRESHOLDS, stuckMs: 60_000 } });
  });
  it.each([
    [{ idleWaitingMs: 0 }, ['idleWaitingMs']],
    [{ stuckMs: -1 }, ['stuckMs']],
    [{ idleWaitingMs: Number.NaN, stuckMs: Number.POSITIVE_INFINITY }, ['idleWaitingMs', 'stuckMs']],
  ])('%j -> invalid_threshold for %j', (t, names) => {
    const r = validateThresholds(t);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.map((e) => e.name)).toEqual(names);
      expect(r.error.every((e) => e.kind === 'invalid_threshold')).toBe(true);
    }
  });
});
