import { describe, expect, it } from 'vitest';
import { suggestNextActions } from './next-actions.js';
import { AGENT_STATUSES, type AgentStatus, type NeedsAttention } from '../models/agent.js';
import { buildAgent, MINUTE } from '../testing/builders.js';
import { buildAnyAgent } from '../testing/chat-builders.js';

describe('suggestNextActions', () => {
  it.each(AGENT_STATUSES.map((s) => [s]))('%s has at least one suggestion, without duplicates', (status) => {
    const actions = suggestNextActions(buildAnyAgent(status));
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
    expect(suggestNextActions(buildAnyAgent(status), { exclude: ['get_agent_details'] }).map((a) => a.tool)).not.toContain('get_agent_details');
  });
  it('points a paused agent at resume_agent, then update_agent_task', () => {
    expect(suggestNextActions({ status: 'paused', needsAttention: undefined }).map((a) => a.tool)).toEqual(['resume_agent', 'update_agent_task']);
  });
  it('throws on an impossible status (exhaustiveness guard)', () => {
    expect(() => suggestNextActions({ status: 'zombie' as AgentStatus })).toThrow('agent status: "zombie"');
  });
});

describe('suggestNextActions for a Coder Agents chat', () => {
  it('is worded for chats: queue, interrupt and archive, never pause/resume or update_agent_task', () => {
    const tools = (status: Parameters<typeof suggestNextActions>[0]['status']) => suggestNextActions({ status, kind: 'chat' }).map((a) => a.tool);
    expect(tools('busy')).toEqual(['get_agent_logs', 'send_agent_input', 'interrupt_agent']);
    expect(tools('blocked')).toContain('interrupt_agent');
    expect(tools('paused')[0]).toBe('manage_agent_queue');
    for (const s of ['starting', 'busy', 'idle', 'complete', 'paused', 'offline', 'blocked', 'error', 'unknown', 'stopping'] as const) {
      const actions = suggestNextActions({ status: s, kind: 'chat' });
      expect(actions.map((a) => a.tool)).not.toContain('pause_agent');
      expect(actions.map((a) => a.tool)).not.toContain('resume_agent');
      expect(actions.map((a) => a.tool)).not.toContain('update_agent_task');
      expect(actions.map((a) => a.why).join(' ')).not.toMatch(/workspace|task/i);
    }
    expect(suggestNextActions({ status: 'idle', kind: 'chat' }).find((a) => a.tool === 'delete_agent')?.why).toMatch(/Archive/);
  });
});

describe('suggestNextActions for a workspace agent', () => {
  it('never suggests what a workspace agent cannot do (change its task input)', () => {
    for (const s of ['starting', 'busy', 'idle', 'complete', 'paused', 'offline', 'blocked', 'error', 'unknown'] as const) {
      expect(suggestNextActions({ status: s, kind: 'workspace' }).map((a) => a.tool)).not.toContain('update_agent_task');
    }
    expect(suggestNextActions({ status: 'paused', kind: 'workspace' }).map((a) => a.tool)).toEqual(['resume_agent']);
  });
});
