import { describe, expect, it } from 'vitest';
import type { CoderApiError } from './coder.js';
import { checkAgentAction, type DomainError, type DomainErrorKind } from '@org/fleet-domain';
import { fromAssignmentViolations, fromCoderApiError, fromDomainError, renderFailure, toolFailure } from './failures.js';

const KINDS: CoderApiError['kind'][] = [
  'unauthorized', 'forbidden', 'not_found', 'conflict', 'invalid_request', 'rate_limited',
  'upstream_unavailable', 'server_error', 'timeout', 'network', 'unexpected_response', 'tasks_unsupported',
];

describe('fromCoderApiError', () => {
  it.each(KINDS)('%s → a failure with that code, a reason and a next step', (kind) => {
    const f = fromCoderApiError({ kind, operation: 'GET /api/v2/tasks', message: 'Coder says no', status: 400 }, { action: 'list tasks' });
    expect(f.code).toBe(kind);
    expect(f.message.length).toBeGreaterThan(10);
    expect(f.hint.length).toBeGreaterThan(10);
    const text = renderFailure(f).content[0];
    expect(text?.type === 'text' && text.text.startsWith(`${kind}: `)).toBe(true);
  });

  it('carries validations, retry time and call-site overrides', () => {
    const invalid = fromCoderApiError(
      { kind: 'invalid_request', operation: 'POST /api/v2/tasks/{user}', message: 'Validation failed.', validations: [{ field: 'name', detail: 'too long' }] },
      { action: 'create a task' },
    );
    expect(invalid.message).toContain('name: too long');
    const limited = fromCoderApiError({ kind: 'rate_limited', operation: 'GET /api/v2/tasks', message: 'slow down', retryAfterMs: 20_000 }, { action: 'list tasks' });
    expect(limited.hint).toContain('20 s');
    expect(renderFailure(limited).content[0]).toMatchObject({ text: expect.stringContaining('retry_after_ms=20000') });
    const paused = fromCoderApiError({ kind: 'conflict', operation: 'POST /api/v2/tasks/{user}/{task}/send', message: 'Resume the task to send messages.' }, {
      action: 'send input',
      hints: { conflict: 'Call resume_agent, then send again.' },
    });
    expect(paused.hint).toBe('Call resume_agent, then send again.');
  });

  it('renders isError text as code, message, next step', () => {
    expect(renderFailure(toolFailure('agent_not_found', 'No agent x.', 'Call list_agents.'))).toEqual({
      isError: true,
      content: [{ type: 'text', text: 'agent_not_found: No agent x.\nNext: Call list_agents.' }],
    });
  });
});

describe('fromAssignmentViolations', () => {
  it('lists every violation and the fix for each kind', () => {
    const f = fromAssignmentViolations(
      [
        { kind: 'missing_capability', requirement: 'capability:gpu', template: 'small', message: 'Template "small" does not offer capability "gpu"' },
        { kind: 'exceeds_limit', requirement: 'cpu', template: 'small', message: 'Needs 8 CPUs, template allows 2', required: 8, allowed: 2 },
        { kind: 'unverifiable', requirement: 'diskGb', template: 'small', message: 'No disk limit known' },
      ],
      'small',
    );
    expect(f.code).toBe('requirements_not_met');
    expect(f.message).toContain('1) Template "small" does not offer capability "gpu"');
    expect(f.message).toContain('3) No disk limit known');
    expect(f.hint).toContain('list_templates capability=gpu');
    expect(f.hint).toContain('FLEET_MCP_CAPABILITIES_FILE');
    expect(renderFailure(f).content[0]).toMatchObject({ text: expect.stringMatching(/^requirements_not_met: /) });
  });
});

describe('fromDomainError', () => {
  const refusal = (status: Parameters<typeof checkAgentAction>[0]['status'], action: Parameters<typeof checkAgentAction>[1]): DomainError => {
    const r = checkAgentAction({ owner: 'alice', name: 'fix-bug', status, statusReason: 'why' }, action);
    if (r.ok) throw new Error('expected a refusal');
    return r.error;
  };
  const templateRefusal = (kind: 'template_current' | 'template_parameters_removed' | 'template_parameters_required' | 'template_parameters_unknown'): DomainError => ({
    kind,
    action: 'update_template',
    names: kind === 'template_current' ? [] : ['cpu'],
    message: 'Agent cannot move to the new version.',
    hint: 'Call restart_agent.',
    nextTools: ['restart_agent'],
  });
  // Every DomainError kind (the Record type makes a missing kind a compile error), with the failure code it maps to.
  const CASES: Record<DomainErrorKind, [DomainError, string]> = {
    invalid_agent_ref: [{ kind: 'invalid_agent_ref', ref: ' ' }, 'invalid_argument'],
    agent_not_found: [{ kind: 'agent_not_found', ref: 'nope' }, 'agent_not_found'],
    agent_ambiguous: [{ kind: 'agent_ambiguous', ref: 'x', matches: 2, candidates: ['a/x', 'b/x'] }, 'agent_ambiguous'],
    agent_busy: [refusal('busy', 'send_input'), 'agent_busy'],
    agent_not_ready: [refusal('starting', 'send_input'), 'agent_starting'],
    agent_paused: [refusal('paused', 'send_input'), 'agent_paused'],
    agent_offline: [refusal('offline', 'send_input'), 'agent_offline'],
    agent_failed: [refusal('error', 'send_input'), 'agent_error'],
    invalid_state: [refusal('idle', 'update_input'), 'agent_not_paused'],
    missing_capability: [{ kind: 'missing_capability', requirement: 'capability:gpu', template: 'small', message: 'missing capability "gpu"' }, 'requirements_not_met'],
    exceeds_limit: [{ kind: 'exceeds_limit', requirement: 'cpu', template: 'small', message: 'requires 8 CPUs', required: 8, allowed: 2 }, 'requirements_not_met'],
    unverifiable: [{ kind: 'unverifiable', requirement: 'diskGb', template: 'small', message: 'cannot verify' }, 'requirements_not_met'],
    invalid_requirement: [{ kind: 'invalid_requirement', requirement: 'cpu', template: 'small', message: 'invalid cpu' }, 'requirements_not_met'],
    invalid_declared_map: [{ kind: 'invalid_declared_map', path: 'templates.x.limits.cpu', message: 'expected a positive number' }, 'invalid_declared_map'],
    insufficient_samples: [{ kind: 'insufficient_samples', metric: 'time to complete', have: 1, need: 3 }, 'insufficient_samples'],
    invalid_threshold: [{ kind: 'invalid_threshold', name: 'stuckMs', value: 0 }, 'invalid_argument'],
    template_current: [templateRefusal('template_current'), 'template_current'],
    template_parameters_removed: [templateRefusal('template_parameters_removed'), 'template_parameters_removed'],
    template_parameters_required: [templateRefusal('template_parameters_required'), 'template_parameters_required'],
    template_parameters_unknown: [templateRefusal('template_parameters_unknown'), 'invalid_argument'],
  };
  it.each(Object.entries(CASES))('%s → %j', (_, [error, code]) => {
    const f = fromDomainError(error);
    expect(f.code).toBe(code);
    expect(f.message.length).toBeGreaterThan(10);
    expect(f.hint).toMatch(/[a-z]/);
  });
  it('keeps the resolver texts and the refusal hint', () => {
    expect(fromDomainError({ kind: 'agent_not_found', ref: 'nope' }).message).toBe("No agent matches 'nope' (by id, name or owner/name).");
    const paused = fromDomainError(refusal('paused', 'send_input'));
    expect(paused.hint).toContain('resume_agent');
    expect(paused.details).toMatchObject({ status: 'paused', action: 'send_input' });
    expect(fromDomainError(refusal('idle', 'update_input')).code).toBe('agent_not_paused');
    expect(fromDomainError({ kind: 'invalid_state', action: 'resume', status: 'idle', message: 'Cannot resume.', hint: 'Call get_agent_details.', nextTools: [] }).code).toBe('invalid_state');
  });
});
