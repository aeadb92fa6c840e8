import { describe, expect, it } from 'vitest';
import { buildInfo, errors } from './__fixtures__/coder-facts.js';
import { empty, fakeFetch, json } from './__fixtures__/fake-fetch.js';
import { createCoderClient } from './client.js';
import {
  describeCoderError,
  isCoderApiError,
  kindForStatus,
  networkError,
  narrowErrorBody,
  redactError,
  retryAfterMsFrom,
  timeoutError,
} from './errors.js';
import type { CoderApiError, CoderApiErrorKind, CoderResult } from './types.js';

const TOKEN = 'abcdefghij-0123456789abcdefghijkl';
const NOW = Date.parse('2025-10-27T15:37:17Z');

function client(fake = fakeFetch()) {
  fake.on('GET /api/v2/buildinfo', json(buildInfo('v2.36.0+abc')));
  return createCoderClient({ baseUrl: 'https://coder.test', sessionToken: TOKEN, fetch: fake.fetch, retry: { retries: 0 }, now: () => NOW });
}

function errorOf<T>(r: CoderResult<T>): CoderApiError {
  if (r.ok) throw new Error(`expected an error, got ${JSON.stringify(r.value)}`);
  expect(JSON.stringify(r.error)).not.toContain(TOKEN);
  return r.error;
}

describe('error mapping through the injected fetch (one per kind)', () => {
  const cases: [CoderApiErrorKind, number, unknown][] = [
    ['invalid_request', 400, errors.invalidTaskUuid],
    ['unauthorized', 401, { message: 'You must be logged in to use this endpoint.' }],
    ['forbidden', 403, { message: 'Forbidden.' }],
    ['not_found', 404, errors.createNotFound],
    ['conflict', 409, errors.paused],
    ['invalid_request', 422, errors.validation],
    ['rate_limited', 429, { message: 'You have been rate limited.' }],
    ['server_error', 500, { message: 'Internal error.' }],
    ['upstream_unavailable', 502, errors.agentBusy],
    ['upstream_unavailable', 503, { message: 'Service unavailable' }],
    ['upstream_unavailable', 504, { message: 'Gateway timeout' }],
    ['server_error', 507, { message: 'Insufficient storage' }],
    ['invalid_request', 418, { message: "I'm a teapot" }],
  ];
  it.each(cases)('%s for HTTP %i', async (kind, status, body) => {
    const fake = fakeFetch().on('GET /api/v2/tasks/me/x', json(body, status));
    const error = errorOf(await client(fake).getTask('me', 'x'));
    expect(error).toMatchObject({ kind, status, operation: 'GET /api/v2/tasks/{user}/{task}', message: (body as { message: string }).message });
  });

  it('keeps Coder detail and validations', async () => {
    const fake = fakeFetch()
      .on('GET /api/v2/workspaces/non-existent-id', json(errors.invalidWorkspaceUuid, 400))
      .on('POST /api/v2/tasks/me', json(errors.validation, 400));
    const c = client(fake);
    expect(errorOf(await c.getWorkspace('non-existent-id'))).toEqual({
      kind: 'invalid_request',
      status: 400,
      operation: 'GET /api/v2/workspaces/{workspace}',
      message: 'Invalid UUID "non-existent-id".',
      detail: 'invalid UUID length: 15',
    });
    const created = errorOf(await c.createTask('me', { input: 'x', template_version_id: 'v', display_name: 'x'.repeat(65) }));
    expect(created.validations).toEqual([{ field: 'display_name', detail: 'must be at most 64 characters' }]);
  });

  it('rate_limited carries retryAfterMs from Retry-After or X-Ratelimit-Reset', async () => {
    const fake = fakeFetch()
      .on('GET /api/v2/templates', json({ message: 'slow down' }, 429, { 'retry-after': '7' }))
      .on('GET /api/v2/organizations', json({ message: 'slow down' }, 429, { 'x-ratelimit-reset': String(NOW / 1000 + 20) }));
    const c = client(fake);
    expect(errorOf(await c.listTemplates())).toMatchObject({ kind: 'rate_limited', retryAfterMs: 7000 });
    expect(errorOf(await c.listOrganizations())).toMatchObject({ kind: 'rate_limited', retryAfterMs: 20_000 });
  });

  it('a non-JSON error body (proxy page) still yields a message and a short detail', async () => {
    const html = `<html><body>${'Bad gateway '.repeat(100)}</body></html>`;
    const fake = fakeFetch().on('GET /api/v2/templates', new Response(html, { status: 502, statusText: 'Bad Gateway' }));
    const error = errorOf(await client(fake).listTemplates());
    expect(error.kind).toBe('upstream_unavailable');
    expect(error.message).toBe('Coder answered HTTP 502 Bad Gateway.');
    expect(error.detail!.length).toBeLessThanOrEqual(301);
  });

  it('an empty error body falls back to the status line', async () => {
    const fake = fakeFetch().on('GET /api/v2/templates', empty(401));
    expect(errorOf(await client(fake).listTemplates())).toMatchObject({ kind: 'unauthorized', message: 'Coder answered HTTP 401.' });
  });

  it('network failures become `network` and never throw', async () => {
    const c = createCoderClient({
      baseUrl: 'https://coder.test',
      sessionToken: TOKEN,
      retry: { retries: 0 },
      fetch: async () => {
        throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:1') });
      },
    });
    expect(errorOf(await c.getBuildInfo())).toEqual({
      kind: 'network',
      operation: 'GET /api/v2/buildinfo',
      message: 'Could not reach Coder: fetch failed (connect ECONNREFUSED 127.0.0.1:1)',
      delivery: 'unknown', // no error code on the cause: the client cannot tell, so it does not claim 'not_sent'
    });
    const thrownString = createCoderClient({ baseUrl: 'https://coder.test', sessionToken: TOKEN, retry: { retries: 0 }, fetch: () => Promise.reject('boom') });
    expect(errorOf(await thrownString.getMe()).message).toBe('Could not reach Coder: boom');
  });

  it('malformed JSON or a wrong shape on a 2xx is `unexpected_response`', async () => {
    const fake = fakeFetch()
      .on('GET /api/v2/tasks', new Response('{"tasks": [', { status: 200 }))
      .on('GET /api/v2/templates', json({ templates: [] }))
      .on('GET /api/v2/organizations', json([{ id: 1 }]))
      .on('GET /api/v2/users/me', json({ id: 'u' }))
      .on('GET /api/v2/workspaces', json({ count: 1 }));
    const c = client(fake);
    expect(errorOf(await c.listTasks())).toMatchObject({
      kind: 'unexpected_response',
      status: 200,
      message: 'Coder answered 200 with a body that is not JSON.',
    });
    expect(errorOf(await c.listTemplates()).message).toBe('Unexpected response shape: expected a JSON array of template.');
    expect(errorOf(await c.listOrganizations()).message).toContain('lacks string field(s) id');
    expect(errorOf(await c.getMe()).message).toContain('username');
    expect(errorOf(await c.listWorkspaces()).message).toContain('"workspaces"');
  });

  it('an empty 200 where a body is expected is `unexpected_response`', async () => {
    const fake = fakeFetch().on('GET /api/v2/users/me', empty(200));
    expect(errorOf(await client(fake).getMe())).toMatchObject({ kind: 'unexpected_response', message: expect.stringContaining('JSON object') });
  });

  it('a redirect-like or informational status is `unexpected_response`', () => {
    expect(kindForStatus(304)).toBe('unexpected_response');
  });

  it('the token never leaks, even when a server echoes it back', async () => {
    const fake = fakeFetch().on('GET /api/v2/users/me', (call) =>
      json({ message: `bad token ${call.headers['coder-session-token']}`, detail: `got ${TOKEN}`, validations: [{ field: TOKEN, detail: TOKEN }] }, 401),
    );
    const error = errorOf(await client(fake).getMe());
    expect(error.message).toBe('bad token REDACTED');
    expect(error.validations).toEqual([{ field: 'REDACTED', detail: 'REDACTED' }]);
  });
});

describe('error helpers', () => {
  it('narrowErrorBody accepts only Coder-shaped bodies', () => {
    expect(narrowErrorBody('text')).toBeUndefined();
    expect(narrowErrorBody([])).toBeUndefined();
    expect(narrowErrorBody({ detail: 'x' })).toBeUndefined();
    expect(narrowErrorBody({ message: 'm', detail: '', validations: [] })).toEqual({ message: 'm' });
    expect(narrowErrorBody({ message: 'm', validations: [{ field: 'f' }, 'junk'] })).toEqual({
      message: 'm',
      validations: [{ field: 'f', detail: '' }],
    });
  });

  it('retryAfterMsFrom reads seconds, HTTP dates and X-Ratelimit-Reset', () => {
    const h = (init: Record<string, string>) => new Headers(init);
    expect(retryAfterMsFrom(h({ 'retry-after': '1.5' }), NOW)).toBe(1500);
    expect(retryAfterMsFrom(h({ 'retry-after': new Date(NOW + 30_000).toUTCString() }), NOW)).toBe(30_000);
    expect(retryAfterMsFrom(h({ 'retry-after': new Date(NOW - 30_000).toUTCString() }), NOW)).toBe(0);
    expect(retryAfterMsFrom(h({ 'retry-after': 'soon', 'x-ratelimit-reset': String(NOW / 1000 + 3) }), NOW)).toBe(3000);
    expect(retryAfterMsFrom(h({ 'x-ratelimit-reset': String(NOW / 1000 + 3) }), NOW, false)).toBeUndefined();
    expect(retryAfterMsFrom(h({}), NOW)).toBeUndefined();
  });

  it('isCoderApiError recognises the closed union', () => {
    expect(isCoderApiError({ kind: 'conflict', operation: 'POST /x', message: 'm' })).toBe(true);
    expect(isCoderApiError({ kind: 'teapot', operation: 'POST /x', message: 'm' })).toBe(false);
    expect(isCoderApiError(new Error('x'))).toBe(false);
    expect(isCoderApiError(null)).toBe(false);
  });

  it('describeCoderError renders one line', () => {
    expect(
      describeCoderError({
        kind: 'rate_limited',
        status: 429,
        operation: 'GET /api/v2/tasks',
        message: 'Slow down.',
        detail: 'limit 512',
        validations: [{ field: 'q', detail: 'bad' }],
        retryAfterMs: 1200,
      }),
    ).toBe('rate_limited (429) GET /api/v2/tasks: Slow down. (limit 512) [q: bad] retry after 2 s');
    expect(describeCoderError({ kind: 'network', operation: 'GET /x', message: 'down' })).toBe('network GET /x: down');
  });

  it('redactError is a no-op without a secret', () => {
    const e: CoderApiError = { kind: 'network', operation: 'GET /x', message: 'm' };
    expect(redactError(e, '')).toBe(e);
  });
});

describe('delivery of a failed request (D1: a lost answer is not a refusal)', () => {
  it('is not_sent only when the connection was never made; unknown after a reset or a timeout', () => {
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }) });
    const reset = new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
    expect(networkError('POST /x', refused).delivery).toBe('not_sent');
    expect(networkError('POST /x', reset).delivery).toBe('unknown');
    expect(networkError('POST /x', new Error('weird')).delivery).toBe('unknown');
    expect(timeoutError('POST /x', 5000, false).delivery).toBe('unknown');
  });
});
