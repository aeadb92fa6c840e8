import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { loadConfig, makeConfig, storeConfigOf, usage } from './config.js';
import { VERSION } from './version.js';

const base = { CODER_URL: 'https://coder.example.com/', CODER_SESSION_TOKEN: 'abcdefghij-0123456789012345678901' };
const files: Record<string, string> = {
  '/tok': 'file-token\n',
  '/empty': '  \n',
  '/caps.json': JSON.stringify({ templates: { python: { capabilities: ['python', 'gpu'] }, big: { capabilities: ['rust'], limits: { cpu: 8, memoryGb: 32 } } } }),
  '/typo.json': JSON.stringify({ templates: { python: { capabilites: ['x'] } } }),
  '/bad.json': '{nope',
};
const readFile = (p: string) => {
  const f = files[p];
  if (f === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
  return f;
};
const load = (argv: string[], env: Record<string, string | undefined> = base) => loadConfig({ argv, env, readFile });

describe('loadConfig', () => {
  it('--version answers the version without needing any configuration; --check is a mode of a valid config', () => {
    expect(load(['--version'], {})).toEqual({ kind: 'version', text: VERSION });
    const check = load(['--check', '--read-only']);
    expect(check.kind === 'ok' && check.check && check.config.readOnly).toBe(true);
    expect(load([]).kind === 'ok' && (load([]) as { check: boolean }).check).toBe(false);
    expect(load(['--check'], {}).kind).toBe('error');
  });

  it('keeps VERSION in step with the package version', () => {
    expect(VERSION).toBe((JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version);
  });

  it('applies defaults', () => {
    const r = load([]);
    expect(r.kind).toBe('ok');
    if (r.kind !== 'ok') return;
    expect(r.config).toMatchObject({
      coderUrl: 'https://coder.example.com',
      logLevel: 'info',
      transport: 'stdio',
      host: '127.0.0.1',
      port: 8717,
      readOnly: false,
      disableDestructive: false,
      excludeTools: [],
      owners: [],
    });
    expect(r.config.toolsets).toBeUndefined();
  });

  it('takes env FLEET_MCP_* and lets flags win over env', () => {
    const r = load(['--port', '9000', '--read-only', '--toolsets', 'fleet, agents'], {
      ...base,
      FLEET_MCP_PORT: '8000',
      FLEET_MCP_LOG_LEVEL: 'debug',
      FLEET_MCP_DISABLE_DESTRUCTIVE: 'true',
      FLEET_MCP_OWNER: 'alice,bob',
    });
    expect(r.kind).toBe('ok');
    if (r.kind !== 'ok') return;
    expect(r.config).toMatchObject({ port: 9000, logLevel: 'debug', readOnly: true, disableDestructive: true, toolsets: ['fleet', 'agents'], owners: ['alice', 'bob'] });
  });

  it('names exactly what to set when the URL and token are missing, without echoing secrets', () => {
    const r = load([], {});
    expect(r.kind).toBe('error');
    if (r.kind !== 'error') return;
    expect(r.errors.join('\n')).toMatch(/set CODER_URL or --coder-url/);
    expect(r.errors.join('\n')).toMatch(/set CODER_SESSION_TOKEN/);
  });

  it('never echoes the token', () => {
    const r = load(['--port', 'x'], base);
    expect(r.kind).toBe('error');
    expect(JSON.stringify(r)).not.toContain(base.CODER_SESSION_TOKEN);
  });

  it('explains an invalid value with the env var, the flag and the value', () => {
    const r = load(['--port', '99999', '--transport', 'carrier-pigeon']);
    expect(r.kind).toBe('error');
    if (r.kind !== 'error') return;
    expect(r.errors.some((e) => e.includes('FLEET_MCP_PORT or --port') && e.includes('"99999"'))).toBe(true);
    expect(r.errors.some((e) => e.includes('FLEET_MCP_TRANSPORT or --transport'))).toBe(true);
  });

  it('rejects unknown toolsets and unknown flags', () => {
    expect(load(['--toolsets', 'fleet,weather']).kind).toBe('error');
    const r = load(['--no-such-flag']);
    expect(r.kind === 'error' && r.errors[0]).toMatch(/--help/);
  });

  it('reads the token from FLEET_MCP_CODER_TOKEN_FILE', () => {
    const r = load([], { CODER_URL: 'http://localhost:3000', FLEET_MCP_CODER_TOKEN_FILE: '/tok' });
    expect(r.kind === 'ok' && r.config.sessionToken).toBe('file-token');
    const empty = load(['--coder-token-file', '/empty'], { CODER_URL: 'http://localhost:3000' });
    expect(empty.kind === 'error' && empty.errors[0]).toMatch(/empty/);
    const missing = load(['--coder-token-file', '/nope'], { CODER_URL: 'http://localhost:3000' });
    expect(missing.kind === 'error' && missing.errors[0]).toMatch(/ENOENT/);
  });

  it('reads the capabilities file through fleet-domain and reports its errors', () => {
    const r = load(['--capabilities-file', '/caps.json']);
    expect(r.kind === 'ok' && r.config.declaredCapabilities?.templates['big']?.limits).toEqual({ cpu: 8, memoryGb: 32 });
    expect(load(['--capabilities-file', '/bad.json']).kind).toBe('error');
    const typo = load([], { ...base, FLEET_MCP_CAPABILITIES_FILE: '/typo.json' });
    expect(typo.kind === 'error' && typo.errors[0]).toMatch(/FLEET_MCP_CAPABILITIES_FILE or --capabilities-file/);
    expect(load(['--capabilities-file', '/missing.json']).kind).toBe('error');
  });

  it('rejects a non-http URL', () => {
    const r = load([], { ...base, CODER_URL: 'ftp://x' });
    expect(r.kind === 'error' && r.errors[0]).toMatch(/CODER_URL or --coder-url.*http/);
  });

  it('prints usage for --help', () => {
    const r = load(['--help']);
    expect(r.kind).toBe('help');
    expect(usage()).toContain('FLEET_MCP_EXCLUDE_TOOLS');
  });

  it('makeConfig fills defaults and accepts arrays', () => {
    const c = makeConfig({ coderUrl: 'http://x', sessionToken: 't', tools: ['list_agents'] });
    expect(c.tools).toEqual(['list_agents']);
    expect(c.requestTimeoutMs).toBe(30_000);
  });
});

describe('store options', () => {
  it('a bare environment (no HOME, no XDG_STATE_HOME) still gets the durable default under the OS account home (#18 D6)', () => {
    const store = storeConfigOf(makeConfig({ coderUrl: 'https://coder.example.com', sessionToken: 'x'.repeat(40) }), {}, '/work');
    expect(store.ok && store.value.target).toMatchObject({ kind: 'sqlite', path: expect.stringContaining(`${userInfo().homedir}/.local/state/coder-fleet-mcp/`) });
  });

  it('a bad --store or --retention-days stops start-up naming the flag; a password is never echoed', () => {
    const bad = load(['--store', 'mysql://u:hunter2@db/x']);
    expect(bad.kind).toBe('error');
    expect(bad.kind === 'error' && bad.errors.join('\n')).toMatch(/--store/);
    expect(JSON.stringify(bad)).not.toContain('hunter2');
    const days = load(['--retention-days', '0']);
    expect(days.kind === 'error' && days.errors.join('\n')).toMatch(/--retention-days/);
    const env = load([], { ...base, FLEET_MCP_DATABASE_URL: 'redis://cache' });
    expect(env.kind === 'error' && env.errors.join('\n')).toMatch(/FLEET_MCP_DATABASE_URL/);
  });

  it('--sample-interval: seconds, default 60, 0 turns sampling off, a bad value names the flag', () => {
    const ok = (r: ReturnType<typeof load>) => (r.kind === 'ok' ? r.config.sampleInterval : undefined);
    expect(ok(load([]))).toBe(60);
    expect(ok(load(['--sample-interval', '0']))).toBe(0);
    expect(ok(load([], { ...base, FLEET_MCP_SAMPLE_INTERVAL: '300' }))).toBe(300);
    for (const bad of ['-1', '1.5', 'soon', '86401']) {
      const r = load([`--sample-interval=${bad}`]);
      expect(r.kind === 'error' && r.errors.join('\n')).toMatch(/FLEET_MCP_SAMPLE_INTERVAL or --sample-interval/);
    }
  });

  it('accepts memory, sqlite: and postgres:// stores', () => {
    for (const store of ['memory', 'sqlite:/tmp/fleet.sqlite', 'postgres://db/fleet']) expect(load(['--store', store]).kind).toBe('ok');
  });
});
