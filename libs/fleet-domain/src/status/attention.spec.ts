import { describe, expect, it } from 'vitest';
import { classifyChatError, deriveAttention, DEFAULT_ATTENTION_THRESHOLDS, validateThresholds, type AttentionInput } from './attention.js';
import { buildChatAgent, buildDiffStatus } from '../testing/chat-builders.js';
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
    ['offline', input({ status: 'offline', workspaceStatus: 'stopped' }), 'offline', 'warning', 'restart_agent'],
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

describe('chat attention rules', () => {
  const chatError = (kind: string | undefined, retryable = false) =>
    buildChatAgent({ status: 'error', chat: { last_error: { message: 'boom', ...(kind ? { kind } : {}), retryable } } }).needsAttention;

  it.each([
    ['usage_limit', 'error', 'critical', 'spend limit'],
    ['auth', 'error', 'critical', 'credentials'],
    ['config', 'error', 'critical', 'configuration'],
    ['missing_key', 'error', 'critical', 'API key'],
    ['provider_disabled', 'error', 'critical', 'disabled'],
    ['overloaded', 'transient_error', 'warning', 'transient'],
    ['rate_limit', 'transient_error', 'warning', 'transient'],
    ['timeout', 'transient_error', 'warning', 'transient'],
    ['generic', 'error', 'critical', 'Chat failed'],
    ['content_filter', 'error', 'critical', 'Chat failed'],
  ] as const)('error kind %s -> %s (%s)', (kind, reason, severity, text) => {
    const a = chatError(kind);
    expect(a?.reason).toBe(reason);
    expect(a?.severity).toBe(severity);
    expect(a?.suggestion).toContain(text);
    expect(a?.nextTools).toContain('send_agent_input');
  });

  it('an error without last_error still needs attention; an unknown retryable kind is transient', () => {
    expect(buildChatAgent({ status: 'error', chat: { last_error: undefined } }).needsAttention?.reason).toBe('error');
    expect(chatError('brand_new', true)?.reason).toBe('transient_error');
    expect(chatError(undefined, true)?.suggestion).toContain('unknown kind');
  });

  it('requires_action is critical and names the deadline and tools', () => {
    const a = buildChatAgent({ status: 'blocked', updatedAgoMs: MINUTE, options: { actionRequired: { toolNames: ['lookup', 'deploy'] } } }).needsAttention;
    expect(a).toMatchObject({ reason: 'requires_action', severity: 'critical' });
    expect(a?.suggestion).toContain('(lookup, deploy)');
    expect(a?.suggestion).toContain('at about 2026-01-15T12:04:00.000Z');
    expect(a?.nextTools).toContain('interrupt_agent');
    expect(deriveAttention({ ...input({ status: 'blocked' }), kind: 'chat' }, BASE_NOW)?.suggestion).toBe(
      'Chat waits for client tool results. The client that declared the tools must answer; otherwise interrupt_agent returns it to idle.',
    );
  });

  it('stuck: running without a new message beyond stuckMs, with chat tools', () => {
    const a = buildChatAgent({ status: 'busy', updatedAgoMs: 40 * MINUTE, createdAgoMs: HOUR }).needsAttention;
    expect(a?.reason).toBe('stuck');
    expect(a?.suggestion).toContain('without a new message');
    expect(a?.nextTools).toEqual(['get_agent_logs', 'interrupt_agent', 'send_agent_input']);
    expect(buildChatAgent({ status: 'busy', updatedAgoMs: 40 * MINUTE, createdAgoMs: HOUR, options: { lastMessageAt: BASE_NOW - MINUTE } }).needsAttention).toBeUndefined();
    const short = deriveAttention({ ...input({ status: 'busy', stateSinceMs: BASE_NOW - 20_000 }), kind: 'chat' }, BASE_NOW, { stuckMs: 10_000 });
    expect(short?.suggestion).toContain('20 s');
  });

  it('idle chats: PR changes requested, then open PR, then idle waiting', () => {
    const pr = (over: object) => buildChatAgent({ status: 'idle', chat: { diff_status: buildDiffStatus(over) } }).needsAttention;
    expect(pr({ changes_requested: true })).toMatchObject({ reason: 'pr_changes_requested', severity: 'warning' });
    expect(pr({ changes_requested: true })?.suggestion).toContain('PR #12');
    expect(pr({})).toMatchObject({ reason: 'pr_open_idle', severity: 'info' });
    expect(pr({ pull_request_draft: true, pr_number: undefined })?.suggestion).toContain('PR https://github.com/acme/app/pull/12 open (draft)');
    expect(pr({ pull_request_state: 'closed' })).toBeUndefined();
    expect(deriveAttention({ ...input({ status: 'idle' }), kind: 'chat', pr: { state: 'open', draft: false, title: '', additions: 0, deletions: 0, changedFiles: 0, changesRequested: false } }, BASE_NOW)?.suggestion).toContain('its PR');
    const idle = buildChatAgent({ status: 'idle', updatedAgoMs: 20 * MINUTE }).needsAttention;
    expect(idle?.reason).toBe('idle_waiting');
    expect(idle?.suggestion).toContain('delete_agent to archive');
    expect(buildChatAgent({ status: 'busy', chat: { diff_status: buildDiffStatus({ changes_requested: true }) } }).needsAttention).toBeUndefined();
  });

  it('no attention for stopping, paused, starting, complete chats', () => {
    for (const status of ['stopping', 'paused', 'starting', 'complete'] as const) expect(buildChatAgent({ status, updatedAgoMs: 3 * HOUR, createdAgoMs: 4 * HOUR }).needsAttention).toBeUndefined();
  });

  it('classifyChatError', () => {
    expect(classifyChatError('hook_denied')).toBe('other');
    expect(classifyChatError('stream_silence_timeout')).toBe('transient');
    expect(classifyChatError(undefined)).toBe('other');
  });
});
