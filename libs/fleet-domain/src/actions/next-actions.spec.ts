import { describe, expect, it } from 'vitest';
import { checkAgentAction, suggestNextActions, type AgentAction } from './next-actions.js';
import { AGENT_STATUSES, type AgentStatus, type NeedsAttention } from '../models/agent.js';
import { buildAgent, MINUTE } from '../testing/builders.js';

describe('suggestNextActions', () => {
  it.each(AGENT_STATUSES.map((s) => [s]))('%s has at least one suggestion, without duplicates', (status) => {
    const actions = suggestNextActions(buildAgent({ status }));
    expect(actions.length).toBeGreaterThan(0);
    expect(new Set(actions.map((a) => a.tool)).size).toBe(actions.length);
    expect(actions.every((a) => a.why.length > 0)).toBe(true);
  });
  it('puts the attention suggestion first; later attention tools keep their own status reason', () => {
    const agent = buildAgent({ status: 'idle', stateAgoMs: 30 * MINUTE });
    const [first, second] = suggestNextActions(agent);
    expect(first).toEqual({ tool: 'send_agent_input', why: agent.needsAttention?.suggestion });
    expect(second).toEqual({ tool: 'get_agent_logs', why: 'Read what it produced before deciding.' });
  });
  it('puts the attention tools first, the first with the domain suggestion, without duplicates or excluded tools', () => {
    const needsAttention: NeedsAttention = { reason: 'blocked', severity: 'warning', suggestion: 'Answer it.', nextTools: ['get_agent_logs', 'send_agent_input', 'get_agent_details'] };
    const actions = suggestNextActions({ status: 'blocked', needsAttention }, { exclude: ['get_agent_details'] });
    expect(actions.map((a) => a.tool)).toEqual(['get_agent_logs', 'send_agent_input']);
    expect(actions[0]?.why).toBe('Answer it.');
    expect(actions[1]?.why).toBe('Answer its question or unblock it.');
  });
  it.each([
    // [status, attention nextTools, expected reason of the second tool]: a status reason when the status names it, else the tool's purpose
    ['error', ['get_agent_logs', 'delete_agent'], 'Delete it and create_agent_task again to retry.'],
    ['offline', ['get_agent_details', 'create_agent_task'], 'Start a replacement task.'],
    ['busy', ['get_agent_logs', 'pause_agent'], 'Pause it to free capacity.'],
  ] as const)('%s: second attention tool gets a specific reason', (status, nextTools, why) => {
    const needsAttention: NeedsAttention = { reason: 'stuck', severity: 'warning', suggestion: 'Look.', nextTools };
    const actions = suggestNextActions({ status, needsAttention });
    expect(actions[1]).toEqual({ tool: nextTools[1], why });
    expect(actions.every((a) => a.why !== 'Also useful for this condition.')).toBe(true);
  });
  it.each(AGENT_STATUSES.map((s) => [s]))('%s: excluding get_agent_details never suggests it', (status) => {
    expect(suggestNextActions(buildAgent({ status }), { exclude: ['get_agent_details'] }).map((a) => a.tool)).not.toContain('get_agent_details');
  });
  it('points a paused agent at resume_agent, then update_agent_task', () => {
    expect(suggestNextActions({ status: 'paused', needsAttention: undefined }).map((a) => a.tool)).toEqual(['resume_agent', 'update_agent_task']);
  });
  it('throws on an impossible status (exhaustiveness guard)', () => {
    expect(() => suggestNextActions({ status: 'zombie' as AgentStatus })).toThrow('agent status: "zombie"');
  });
});

describe('checkAgentAction', () => {
  const table: [AgentAction, AgentStatus, string | null][] = [
    ['send_input', 'idle', null],
    ['send_input', 'complete', null],
    ['send_input', 'blocked', null],
    ['send_input', 'busy', 'agent_busy'],
    ['send_input', 'starting', 'agent_not_ready'],
    ['send_input', 'paused', 'agent_paused'],
    ['send_input', 'offline', 'agent_offline'],
    ['send_input', 'error', 'agent_failed'],
    ['send_input', 'unknown', 'invalid_state'],
    ['update_input', 'paused', null],
    ['update_input', 'idle', 'invalid_state'],
    ['pause', 'busy', null],
    ['pause', 'paused', 'agent_paused'],
    ['pause', 'error', 'agent_failed'],
    ['resume', 'paused', null],
    ['resume', 'idle', 'invalid_state'],
    ['resume', 'offline', null], // the first offline row: workspace stopped while the task is not paused
    ['delete', 'error', null],
    ['delete', 'busy', null],
  ];
  it.each(table)('%s on %s -> %s', (action, status, kind) => {
    const r = checkAgentAction(buildAgent({ status, name: 'sony' }), action);
    if (kind === null) expect(r.ok).toBe(true);
    else {
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.kind).toBe(kind);
        expect(r.error.message).toMatch(new RegExp(`^Cannot ${action.replace('_', ' ')} agent "sony": it is ${status} \\(`));
        expect(r.error.hint).toMatch(/[a-z]+_[a-z]+/);
        expect(r.error.nextTools.length).toBeGreaterThan(0);
      }
    }
  });
  it('resume is allowed for an offline agent whose workspace stopped', () => {
    const agent = buildAgent({ status: 'offline', task: { workspace_status: 'stopped', workspace_agent_lifecycle: 'off' } as never });
    expect(agent.workspace.status).toBe('stopped');
    expect(checkAgentAction(agent, 'resume').ok).toBe(true);
  });
  it('resume is refused for an agent that lost its connection', () => {
    const agent = buildAgent({ status: 'busy', task: { workspace_agent_health: { healthy: false, reason: 'agent has lost connection' } } });
    expect(agent.status).toBe('offline');
    const r = checkAgentAction(agent, 'resume');
    expect(!r.ok && r.error.kind).toBe('invalid_state');
  });
  it('throws on an impossible status or action', () => {
    expect(() => checkAgentAction({ name: 'x', status: 'zombie' as AgentStatus, statusReason: '' }, 'send_input')).toThrow('agent status');
    expect(() => checkAgentAction({ name: 'x', status: 'idle', statusReason: '' }, 'explode' as AgentAction)).toThrow('agent action');
  });
});
