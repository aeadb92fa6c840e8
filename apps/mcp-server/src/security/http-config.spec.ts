import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';

const base = { CODER_URL: 'https://coder.example.com', CODER_SESSION_TOKEN: 'abcdefghij-0123456789012345678901' };
const TOKEN = 'a'.repeat(64);
const files: Record<string, string> = { '/auth': `${TOKEN}\n`, '/empty': '\n' };
const readFile = (p: string) => {
  const f = files[p];
  if (f === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
  return f;
};
const load = (argv: string[], env: Record<string, string> = {}) => loadConfig({ argv, env: { ...base, ...env }, readFile });

describe('HTTP configuration', () => {
  it('has safe defaults: loopback, port 8717, no auth, 1 MiB bodies, rate limit on', () => {
    const r = load([]);
    expect(r.kind === 'ok' && r.config).toMatchObject({
      host: '127.0.0.1',
      port: 8717,
      maxBodyBytes: 1_048_576,
      rateLimitPerMinute: 600,
      rateLimitBurst: 60,
      allowedHosts: [],
      allowedOrigins: [],
    });
    expect(r.kind === 'ok' && r.config.authToken).toBeUndefined();
  });

  it('reads the bearer token from FLEET_MCP_AUTH_TOKEN or --auth-token-file, and the HTTP flags', () => {
    const fromEnv = load([], { FLEET_MCP_AUTH_TOKEN: TOKEN });
    expect(fromEnv.kind === 'ok' && fromEnv.config.authToken).toBe(TOKEN);
    const fromFile = load(['--auth-token-file', '/auth', '--transport', 'http', '--allowed-hosts', 'fleet.example.com, fleet', '--rate-limit-per-minute', '0', '--max-body-bytes', '4096']);
    expect(fromFile.kind === 'ok' && fromFile.config).toMatchObject({
      authToken: TOKEN,
      authTokenFile: '/auth',
      transport: 'http',
      allowedHosts: ['fleet.example.com', 'fleet'],
      rateLimitPerMinute: 0,
      maxBodyBytes: 4096,
    });
  });

  it('refuses short or missing tokens without echoing them', () => {
    const short = load([], { FLEET_MCP_AUTH_TOKEN: 'short-secret' });
    expect(short.kind).toBe('error');
    const text = short.kind === 'error' ? short.errors.join('\n') : '';
    expect(text).toMatch(/FLEET_MCP_AUTH_TOKEN .*too short/);
    expect(text).not.toContain('short-secret');
    const empty = load(['--auth-token-file', '/empty']);
    expect(empty.kind === 'error' && empty.errors.join('\n')).toMatch(/is empty/);
    const missing = load(['--auth-token-file', '/nope']);
    expect(missing.kind === 'error' && missing.errors.join('\n')).toMatch(/Cannot read the token file .*ENOENT/);
    const bearerWithout = load(['--auth-mode', 'bearer']);
    expect(bearerWithout.kind === 'error' && bearerWithout.errors.join('\n')).toMatch(/--auth-mode bearer needs a token/);
    const badMode = load(['--auth-mode', 'oauth']);
    expect(badMode.kind).toBe('error');
  });

  it('requires 32 characters for the bearer token, and says 32 (D9: 16 was accepted while the message said 32)', () => {
    const r = load([], { FLEET_MCP_AUTH_TOKEN: 'q'.repeat(31) });
    expect(r.kind === 'error' && r.errors.join('\n')).toMatch(/at least 32 random characters/);
    expect(load([], { FLEET_MCP_AUTH_TOKEN: 'q'.repeat(32) }).kind).toBe('ok');
  });

  it('takes --trusted-proxies as IPs and CIDR ranges and refuses anything else (D7)', () => {
    const ok = load(['--trusted-proxies', '127.0.0.1, 10.0.0.0/8,::1']);
    expect(ok.kind === 'ok' && ok.config.trustedProxies).toEqual(['127.0.0.1', '10.0.0.0/8', '::1']);
    const bad = load(['--trusted-proxies', 'proxy.internal']);
    expect(bad.kind === 'error' && bad.errors.join('\n')).toMatch(/--trusted-proxies.*not an IP address or CIDR range/);
  });
});
