import { describe, expect, it } from 'vitest';
import type { CoderResult, User } from '../coder.js';
import { createCoderTokenVerifier, createStaticTokenCheck, parseBearer, resolveAuthMode, tokenFileModeWarning, wwwAuthenticate } from './auth.js';

describe('bearer parsing and static tokens', () => {
  it('classifies the Authorization header', () => {
    expect(parseBearer(undefined)).toMatchObject({ ok: false, error: { code: 'missing_token' } });
    expect(parseBearer('  ')).toMatchObject({ ok: false, error: { code: 'missing_token' } });
    for (const h of ['Basic abc', 'Bearer', 'Bearer a b', 'Token abc', 'Bearer <>']) expect(parseBearer(h), h).toMatchObject({ ok: false, error: { code: 'malformed_header' } });
    expect(parseBearer('bearer abc.DEF-123_~+/=')).toEqual({ ok: true, token: 'abc.DEF-123_~+/=' });
  });

  it('compares static tokens in constant time over hashes (any length)', () => {
    const check = createStaticTokenCheck('s3cret-token-value-1234');
    expect(check('s3cret-token-value-1234')).toBe(true);
    expect(check('s3cret-token-value-123')).toBe(false);
    expect(check('x'.repeat(5000))).toBe(false);
  });

  it('derives the auth mode and the WWW-Authenticate challenge', () => {
    expect(resolveAuthMode({ authToken: undefined, authMode: undefined })).toBe('none');
    expect(resolveAuthMode({ authToken: 'x'.repeat(32), authMode: undefined })).toBe('bearer');
    expect(resolveAuthMode({ authToken: undefined, authMode: 'coder-token' })).toBe('coder-token');
    expect(wwwAuthenticate({ code: 'missing_token', message: 'm' })).toBe('Bearer realm="coder-fleet-mcp"');
    expect(wwwAuthenticate({ code: 'invalid_token', message: 'say "no"' })).toBe(`Bearer realm="coder-fleet-mcp", error="invalid_token", error_description="say 'no'"`);
  });

  it('warns about token files readable by group or others', () => {
    expect(tokenFileModeWarning('/t', 0o100600)).toBeUndefined();
    expect(tokenFileModeWarning('/t', 0o100640)).toMatch(/mode 640\): run chmod 600 \/t/);
  });
});

describe('coder-token verifier', () => {
  const user = (username: string) => ({ id: `id-${username}`, username }) as unknown as User;
  const setup = () => {
    let t = 0;
    const calls: string[] = [];
    const answers: Record<string, CoderResult<User>> = {
      'alice-token': { ok: true, status: 200, value: user('alice') },
      'bad-token': { ok: false, error: { kind: 'unauthorized', status: 401, operation: 'GET /api/v2/users/{user}', message: 'nope' } },
      'down-token': { ok: false, error: { kind: 'network', operation: 'GET /api/v2/users/{user}', message: 'ECONNREFUSED' } },
    };
    const verifier = createCoderTokenVerifier({
      now: () => t,
      ttlMs: 1000,
      maxEntries: 2,
      whoAmI: async (token) => {
        calls.push(token);
        return answers[token] as CoderResult<User>;
      },
      makeContext: (_token, u) => ({ user: u.username }),
    });
    return { verifier, calls, advance: (ms: number) => (t += ms), answers };
  };

  it('validates against users/me once per TTL and keeps the context across re-validation', async () => {
    const { verifier, calls, advance } = setup();
    const first = await verifier.verify('alice-token');
    const second = await verifier.verify('alice-token');
    expect(first).toMatchObject({ ok: true, principal: { user: 'alice' } });
    expect(calls).toEqual(['alice-token']);
    if (!first.ok || !second.ok) return;
    expect(second.context).toBe(first.context);
    expect(first.principal.id).toMatch(/^coder:[0-9a-f]{16}$/);
    expect(first.principal.id).not.toContain('alice-token');
    advance(1001);
    const third = await verifier.verify('alice-token');
    expect(calls).toHaveLength(2);
    expect(third.ok && third.context).toBe(first.context);
  });

  it('rejects tokens Coder refuses (401) and reports Coder being down separately (503)', async () => {
    const { verifier } = setup();
    expect(await verifier.verify('bad-token')).toMatchObject({ ok: false, kind: 'invalid', error: { code: 'invalid_token' } });
    expect(await verifier.verify('down-token')).toMatchObject({ ok: false, kind: 'unavailable' });
    expect(verifier.size()).toBe(0);
  });
});
