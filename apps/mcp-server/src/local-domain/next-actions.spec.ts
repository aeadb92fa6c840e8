import { AGENT_STATUSES, type AgentStatus, type NeedsAttention } from '@org/fleet-domain';
import { describe, expect, it } from 'vitest';
import { suggestNextActions } from './next-actions.js';

describe('suggestNextActions', () => {
  it.each(AGENT_STATUSES as AgentStatus[])('%s has at least one action with a reason', (status) => {
    const actions = suggestNextActions({ status, needsAttention: undefined });
    expect(actions.length).toBeGreaterThan(0);
    for (const a of actions) expect(a.why).toMatch(/\w/);
  });

  it('puts the attention tools first, the first with the domain suggestion, without duplicates or excluded tools', () => {
    const needsAttention: NeedsAttention = { reason: 'blocked', severity: 'warning', suggestion: 'Answer it.', nextTools: ['get_agent_logs', 'send_agent_input', 'get_agent_details'] };
    const actions = suggestNextActions({ status: 'blocked', needsAttention }, { exclude: ['get_agent_details'] });
    expect(actions.map((a) => a.tool)).toEqual(['get_agent_logs', 'send_agent_input']);
    expect(actions[0]?.why).toBe('Answer it.');
    expect(actions[1]?.why).toBe('Answer its question or unblock it.');
  });

  it('points a paused agent at resume_agent', () => {
    expect(suggestNextActions({ status: 'paused', needsAttention: undefined })[0]?.tool).toBe('resume_agent');
  });
});
