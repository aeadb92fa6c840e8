import { describe, expect, it } from 'vitest';
import { buildAgent, MINUTE } from '../testing/builders.js';
import { agentRef, agentSortKey, attentionRank, byAttention, matchesAgentQuery, matchesOwner, matchesTemplate, type AgentQuery, type AgentSort } from './agent-query.js';
import type { Agent } from '../models/agent.js';

const alice = buildAgent({ status: 'busy', name: 'fix-login', owner: 'Alice', template: 'python-dev', templateId: 'tpl-1', message: 'Refactoring the auth module' });
const bob = buildAgent({ status: 'idle', name: 'docs', owner: 'bob', template: 'node-dev', templateId: 'tpl-2', stateAgoMs: 40 * MINUTE });

describe('matchesAgentQuery', () => {
  const table: [string, AgentQuery, boolean, boolean][] = [
    ['empty query', {}, true, true],
    ['one status', { statuses: ['busy'] }, true, false],
    ['many statuses', { statuses: ['busy', 'idle'] }, true, true],
    ['empty statuses = all', { statuses: [] }, true, true],
    ['owner, case-insensitive', { owner: 'ALICE' }, true, false],
    ['owner id', { owner: alice.ownerId }, true, alice.ownerId === bob.ownerId],
    ['template name', { template: 'PYTHON-dev' }, true, false],
    ['template id', { template: 'tpl-2' }, false, true],
    ['template id set', { templateIds: new Set(['tpl-2']) }, false, true],
    ['needs attention', { needsAttention: true }, false, true],
    ['no attention', { needsAttention: false }, true, false],
    ['search in message', { search: 'AUTH' }, true, false],
    ['search in name', { search: 'doc' }, false, true],
    ['search nothing', { search: 'zzz' }, false, false],
  ];
  it.each(table)('%s', (_, q, a, b) => {
    expect([matchesAgentQuery(alice, q), matchesAgentQuery(bob, q)]).toEqual([a, b]);
  });
  it('matchesOwner / matchesTemplate / agentRef', () => {
    expect(matchesOwner(alice, 'alice')).toBe(true);
    expect(matchesTemplate(alice, alice.template.displayName.toUpperCase())).toBe(true);
    expect(agentRef(alice)).toBe('Alice/fix-login');
  });
});

describe('agentSortKey', () => {
  const sorted = (agents: Agent[], sort: AgentSort) =>
    [...agents]
      .sort((x, y) => {
        const a = agentSortKey(x, sort);
        const b = agentSortKey(y, sort);
        for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] as number | string) < (b[i] as number | string) ? -1 : 1;
        return 0;
      })
      .map((a) => a.name);
  const err = buildAgent({ status: 'error', name: 'crashed', owner: 'carol', createdAgoMs: 5 * MINUTE, stateAgoMs: 1 * MINUTE });
  const fleet = [alice, bob, err];
  it.each([
    ['name', ['fix-login', 'docs', 'crashed']],
    ['status', ['fix-login', 'docs', 'crashed']],
    ['attention', ['crashed', 'docs', 'fix-login']],
    ['created', ['crashed', 'fix-login', 'docs']],
  ] as const)('%s', (sort, names) => {
    expect(sorted(fleet, sort)).toEqual(names);
  });
  it('last_activity: newest first, unparsable last', () => {
    const broken = { ...bob, name: 'broken', times: { ...bob.times, lastActivityAt: Number.NaN } };
    expect(sorted([broken, bob, alice], 'last_activity')).toEqual(['fix-login', 'docs', 'broken']);
  });
  it('attention: unknown since sorts after known since of the same severity', () => {
    const att = bob.needsAttention;
    expect(att).toBeDefined();
    const noSince = { ...bob, name: 'no-since', needsAttention: { ...(att as NonNullable<typeof att>), since: undefined } } as Agent;
    expect(sorted([noSince, bob], 'attention')).toEqual(['docs', 'no-since']);
  });
  it('throws on an impossible sort', () => {
    expect(() => agentSortKey(alice, 'random' as never)).toThrow('agent sort');
  });
});

describe('attentionRank / byAttention', () => {
  const att = (severity: 'critical' | 'warning' | 'info') => ({ needsAttention: { reason: 'stuck' as const, severity, suggestion: 'x', nextTools: [] } });
  it.each([
    ['critical', 0],
    ['warning', 1],
    ['info', 2],
  ] as const)('%s -> %i', (severity, rank) => {
    expect(attentionRank(att(severity))).toBe(rank);
  });
  it('ranks agents without attention last and sorts stably, most urgent first', () => {
    expect(attentionRank({ needsAttention: undefined })).toBe(3);
    const list = [{ id: 'a', needsAttention: undefined }, { id: 'b', ...att('info') }, { id: 'c', ...att('critical') }, { id: 'd', needsAttention: undefined }, { id: 'e', ...att('info') }];
    expect([...list].sort(byAttention).map((x) => x.id)).toEqual(['c', 'b', 'e', 'a', 'd']);
  });
});
