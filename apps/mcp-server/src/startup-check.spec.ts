import { describe, expect, it } from 'vitest';
import type { ServerInfo, User } from './coder.js';
import { createLogger } from './log.js';
import { checkCoder } from './startup-check.js';
import { coderError, stubCoder } from './testing/stub-coder.js';

const info = (tasks = true): { ok: true; status: number; value: ServerInfo } => ({
  ok: true,
  status: 200,
  value: { version: '2.36.0', raw: 'v2.36.0', tasksApi: tasks ? 'v2' : 'none', features: { tasks, pauseResume: tasks, v2PauseResume: tasks } },
});
const me = { ok: true as const, status: 200, value: { username: 'admin' } as User };

async function run(coder: ReturnType<typeof stubCoder>) {
  const lines: string[] = [];
  const report = await checkCoder(coder, createLogger({ write: (l) => lines.push(l) }), 'http://coder.test');
  return { report, logs: lines.map((l) => JSON.parse(l) as { level: string; msg: string }) };
}

describe('checkCoder', () => {
  it('logs the connection when Coder answers and the token is valid', async () => {
    const { report, logs } = await run(stubCoder({ getServerInfo: async () => info(), getMe: async () => me }));
    expect(report).toMatchObject({ reachable: true, authenticated: true, version: '2.36.0', user: 'admin' });
    expect(logs).toEqual([expect.objectContaining({ level: 'info', msg: 'connected to Coder' })]);
  });

  it('says which variable to fix for a bad token', async () => {
    const { report, logs } = await run(stubCoder({ getServerInfo: async () => info(), getMe: async () => coderError('unauthorized', { status: 401 }) }));
    expect(report).toMatchObject({ reachable: true, authenticated: false });
    expect(logs[0]).toMatchObject({ level: 'error' });
    expect(logs[0]?.msg).toContain('CODER_SESSION_TOKEN');
  });

  it('reports an unreachable Coder without failing', async () => {
    const { report, logs } = await run(stubCoder());
    expect(report).toMatchObject({ reachable: false, authenticated: false });
    expect(logs.some((l) => l.level === 'error' && l.msg.includes('not reachable'))).toBe(true);
  });

  it('warns when the deployment has no Tasks API', async () => {
    const { logs } = await run(stubCoder({ getServerInfo: async () => info(false), getMe: async () => me }));
    expect(logs.some((l) => l.level === 'warn' && l.msg.includes('no Tasks API'))).toBe(true);
  });
});
