import { describe, expect, it } from 'vitest';
import type { CoderApiError } from './coder.js';
import { fromAssignmentViolations, fromCoderApiError, renderFailure, toolFailure } from './failures.js';

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
