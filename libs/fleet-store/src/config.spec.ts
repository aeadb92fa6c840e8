import { describe, expect, test } from 'vitest';
import { describeStoreTarget, resolveStoreConfig, storeFileNameForCoderUrl, type StoreConfigInput } from './config.js';

const base: StoreConfigInput = { coderUrl: 'https://coder.example.com', cwd: '/work', env: { HOME: '/home/ann' } };
const resolve = (extra: Partial<StoreConfigInput>) => resolveStoreConfig({ ...base, ...extra });

describe('store configuration', () => {
  test('default: one SQLite file per Coder URL under ~/.local/state, retention 30 days', () => {
    const result = resolve({});
    expect(result).toEqual({
      ok: true,
      value: {
        target: { kind: 'sqlite', path: expect.stringMatching(/^\/home\/ann\/\.local\/state\/coder-fleet-mcp\/coder\.example\.com-[0-9a-f]{8}\.sqlite$/), isDefault: true },
        retentionDays: 30,
      },
    });
  });

  test('XDG_STATE_HOME wins when absolute; a relative one is ignored (XDG spec)', () => {
    const xdg = resolve({ env: { HOME: '/home/ann', XDG_STATE_HOME: '/state' } });
    expect(xdg.ok && xdg.value.target.kind === 'sqlite' && xdg.value.target.path).toMatch(/^\/state\/coder-fleet-mcp\//);
    const relative = resolve({ env: { HOME: '/home/ann', XDG_STATE_HOME: 'state' } });
    expect(relative.ok && relative.value.target.kind === 'sqlite' && relative.value.target.path).toMatch(/^\/home\/ann\/\.local\/state\//);
  });

  test('without XDG_STATE_HOME and HOME there is no default location: history stays in memory', () => {
    expect(resolve({ env: {} })).toEqual({ ok: true, value: { target: { kind: 'memory' }, retentionDays: 30 } });
  });

  test('file names are safe, readable and distinct per deployment', () => {
    const names = [
      'https://coder.example.com',
      'https://coder.example.com/',
      'https://Coder.Example.com:8443',
      'https://coder.example.com/a_b',
      'https://coder.example.com/a/b',
      'http://127.0.0.1:3000',
    ].map(storeFileNameForCoderUrl);
    expect(names[0]).toBe(names[1]);
    expect(new Set(names).size).toBe(5);
    for (const name of names) expect(name).toMatch(/^[a-z0-9._-]+\.sqlite$/);
    expect(names[2]).toMatch(/^coder\.example\.com_8443-/);
    expect(names[5]).toMatch(/^127\.0\.0\.1_3000-/);
    expect(storeFileNameForCoderUrl('not a url')).toBeUndefined();
  });

  test('--store memory | sqlite:<path> | postgres://… ; the flag wins over FLEET_MCP_DATABASE_URL', () => {
    expect(resolve({ store: 'memory', databaseUrl: 'postgres://db/x' })).toMatchObject({ ok: true, value: { target: { kind: 'memory' } } });
    expect(resolve({ store: 'sqlite:data/fleet.db' })).toMatchObject({ ok: true, value: { target: { kind: 'sqlite', path: '/work/data/fleet.db', isDefault: false } } });
    expect(resolve({ store: 'sqlite:~/f.db' })).toMatchObject({ ok: true, value: { target: { path: '/home/ann/f.db' } } });
    expect(resolve({ databaseUrl: 'postgres://u:pw@db:5432/fleet?schema=team_a&sslmode=require' })).toEqual({
      ok: true,
      value: { target: { kind: 'postgres', url: 'postgres://u:pw@db:5432/fleet?sslmode=require', schema: 'team_a' }, retentionDays: 30 },
    });
    expect(resolve({ store: 'postgresql://db/fleet', retentionDays: '7' })).toMatchObject({
      ok: true,
      value: { target: { kind: 'postgres', schema: 'public' }, retentionDays: 7 },
    });
  });

  test('a bad value is a typed error naming the flag, never echoing a password', () => {
    const cases: Array<[Partial<StoreConfigInput>, string]> = [
      [{ store: 'mysql://u:hunter2@db/x' }, '--store'],
      [{ store: 'sqlite:' }, '--store'],
      [{ store: 'sqlite:/proc/self/fleet.sqlite' }, '--store'],
      [{ store: 'sqlite:../../sys/x.db' }, '--store'],
      [{ store: 'postgres://u:hunter2@db' }, '--store'],
      [{ store: 'postgres://db/x?schema=Bad-Name' }, '--store'],
      [{ databaseUrl: 'redis://u:hunter2@cache' }, 'FLEET_MCP_DATABASE_URL'],
      [{ retentionDays: '0' }, '--retention-days'],
      [{ retentionDays: '3.5' }, '--retention-days'],
      [{ retentionDays: 'ten' }, '--retention-days'],
      [{ coderUrl: '' }, '--coder-url'],
    ];
    for (const [input, flag] of cases) {
      const result = resolve(input);
      expect(result.ok, JSON.stringify(input)).toBe(false);
      if (!result.ok) {
        expect(result.error).toMatchObject({ kind: 'invalid_store_config', flag });
        expect(result.error.message.startsWith(flag)).toBe(true);
        expect(result.error.message).not.toContain('hunter2');
      }
    }
  });

  test('descriptions never include credentials', () => {
    expect(describeStoreTarget({ kind: 'postgres', url: 'postgres://u:pw@db:5432/fleet', schema: 'public' })).toBe('postgres db:5432/fleet schema public');
    expect(describeStoreTarget({ kind: 'sqlite', path: '/x/f.sqlite', isDefault: true })).toBe('sqlite /x/f.sqlite');
    expect(describeStoreTarget({ kind: 'memory' })).toMatch(/^memory/);
  });
});
