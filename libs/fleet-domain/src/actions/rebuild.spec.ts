import { describe, expect, it } from 'vitest';
import { checkTemplateUpdate, planRebuild, suggestNextActions, type TemplateUpdateFacts } from '../index.js';

const agent = { owner: 'alice', name: 'fix-bug', status: 'idle', statusReason: 'waiting for input' } as const;

describe('planRebuild', () => {
  it.each([
    [{ transition: 'start', jobStatus: 'succeeded' }, 'stop_then_start'],
    [{ transition: 'start', jobStatus: 'failed' }, 'stop_then_start'],
    [{ transition: 'stop', jobStatus: 'failed' }, 'stop_then_start'],
    [{ transition: 'stop', jobStatus: 'succeeded' }, 'start'],
    [{ transition: 'stop', jobStatus: 'running' }, 'wait'],
    [{ transition: 'start', jobStatus: 'pending' }, 'wait'],
    [{ transition: 'start', jobStatus: 'canceling' }, 'wait'],
    [{ transition: 'delete', jobStatus: 'succeeded' }, 'gone'],
    [{ transition: 'delete', jobStatus: 'running' }, 'gone'],
  ] as const)('%j -> %s', (build, plan) => {
    expect(planRebuild(build)).toBe(plan);
  });
});

describe('checkTemplateUpdate', () => {
  const facts = (over: Partial<TemplateUpdateFacts> = {}): TemplateUpdateFacts => ({
    currentVersionId: 'v1',
    activeVersionId: 'v2',
    activeVersionName: 'brave_hopper2',
    used: [
      { name: 'cpu', value: '4' },
      { name: 'region', value: '' },
    ],
    offered: [{ name: 'cpu' }, { name: 'disk', default_value: '10' }],
    ...over,
  });

  it('moves an agent whose parameters the new version keeps, naming the ones it adds', () => {
    expect(checkTemplateUpdate(agent, facts())).toEqual({ ok: true, value: { added: ['disk'] } });
  });

  it('refuses when the agent already runs on the active version, pointing at restart_agent', () => {
    const r = checkTemplateUpdate(agent, facts({ currentVersionId: 'v2' }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatchObject({ kind: 'template_current', nextTools: ['restart_agent'] });
    expect(r.error.message).toContain("'alice/fix-bug' already runs on its template's active version brave_hopper2");
  });

  it('refuses when the new version drops a parameter the agent sets (an empty value is not a use)', () => {
    const r = checkTemplateUpdate(agent, facts({ offered: [{ name: 'disk' }] }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatchObject({ kind: 'template_parameters_removed', names: ['cpu'] });
    expect(r.error.message).toContain('"cpu"');
    expect(r.error.message).toContain('Nothing was changed');
  });

  it('refuses when the new version requires a parameter without default the agent has no value for', () => {
    const r = checkTemplateUpdate(agent, facts({ offered: [{ name: 'cpu' }, { name: 'quota', required: true }] }));
    expect(!r.ok && r.error).toMatchObject({ kind: 'template_parameters_required', names: ['quota'], nextTools: ['update_agent_template', 'restart_agent'] });
    expect(!r.ok && r.error.hint).toContain('parameters {"quota":"<value>"}');
    expect(checkTemplateUpdate(agent, facts({ offered: [{ name: 'cpu', required: true }] })).ok).toBe(true);
  });

  it('takes a supplied value for a required parameter, and refuses one the new version does not have', () => {
    const offered = [{ name: 'cpu' }, { name: 'quota', required: true }];
    const r = checkTemplateUpdate(agent, facts({ offered, supplied: [{ name: 'quota', value: 'ml' }] }));
    expect(r.ok && r.value.added).toEqual([]);
    const typo = checkTemplateUpdate(agent, facts({ offered, supplied: [{ name: 'qouta', value: 'ml' }] }));
    expect(!typo.ok && typo.error).toMatchObject({ kind: 'template_parameters_unknown', names: ['qouta'], nextTools: ['update_agent_template'] });
    expect(!typo.ok && typo.error.message).toContain('it has "cpu", "quota"');
  });
});

describe('offline agents are offered the recovery that works', () => {
  it('suggests restart_agent, not resume_agent (Coder refuses resume unless paused)', () => {
    const tools = suggestNextActions({ status: 'offline', needsAttention: undefined }).map((a) => a.tool);
    expect(tools).toContain('restart_agent');
    expect(tools).not.toContain('resume_agent');
  });
});
