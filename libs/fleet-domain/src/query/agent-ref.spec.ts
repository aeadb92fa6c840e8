import { describe, expect, it } from 'vitest';
import { matchAgentRef, MAX_REF_CANDIDATES, resolveAgentRef, type AgentIdentity } from './agent-ref.js';

const who = (id: string, owner: string, name: string): AgentIdentity => ({ id, owner, name });
const fleet = [who('id-1', 'alice', 'fix-bug'), who('id-2', 'bob', 'fix-bug'), who('id-3', 'bob', 'docs')];
const self = (a: AgentIdentity) => a;

describe('matchAgentRef', () => {
  it.each([
    ['id-3', ['id-3']],
    ['ALICE/fix-bug', ['id-1']],
    ['bob/id-3', ['id-3']],
    ['fix-bug', ['id-1', 'id-2']],
    ['  docs  ', ['id-3']],
    ['carol/docs', []],
    ['/docs', []],
    ['nope', []],
  ])('%s -> %j', (ref, ids) => {
    expect(matchAgentRef(fleet, ref, self).map((a) => a.id)).toEqual(ids);
  });
});

describe('resolveAgentRef', () => {
  it('resolves one agent', () => {
    expect(resolveAgentRef(fleet, 'bob/docs', self)).toEqual({ ok: true, value: fleet[2] });
  });
  it.each([
    ['', 'invalid_agent_ref'],
    ['   ', 'invalid_agent_ref'],
    ['nope', 'agent_not_found'],
    ['fix-bug', 'agent_ambiguous'],
  ])('%j -> %s', (ref, kind) => {
    const r = resolveAgentRef(fleet, ref, self);
    expect(!r.ok && r.error.kind).toBe(kind);
  });
  it('lists at most MAX_REF_CANDIDATES candidates, and counts all matches', () => {
    const many = Array.from({ length: 15 }, (_, i) => who(`id-${i}`, `u${i}`, 'same'));
    const r = resolveAgentRef(many, 'same', self);
    expect(r).toMatchObject({ ok: false, error: { kind: 'agent_ambiguous', matches: 15 } });
    expect(!r.ok && r.error.kind === 'agent_ambiguous' && r.error.candidates).toHaveLength(MAX_REF_CANDIDATES);
  });
});
