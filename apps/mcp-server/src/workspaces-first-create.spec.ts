/**
 * Coder 2.40 without the agents experiment: the version promises the Chats API but its routes answer 404, so the
 * server serves workspace agents. A create that is the session's very first call must already know that (it used
 * to be sent to the missing chat routes and fail with not_found until some read had met the 404).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleetFixture, type FleetFixture } from './testing/client-fixture.js';
import { textOf } from './testing/in-process.js';
import { structured } from './testing/tool-assertions.js';

describe('a first create on Coder 2.40 with Coder Agents off', () => {
  let fx: FleetFixture;
  beforeAll(async () => {
    fx = await startFleetFixture({ sim: { agents: 1, seed: 11, scenario: 'steady', mode: 'workspaces', coderVersion: '2.40', chatsApi: false } as never, config: { cacheTtlMs: 0 } });
  });
  afterAll(async () => fx?.close());

  it('creates a workspace agent, not a chat', async () => {
    const r = await fx.call('create_agent_task', { input: 'Fix the login bug', template: 'python-dev', preset: 'Coder', name: 'first-create' });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(structured<{ agent: { kind?: string; name: string } }>(r).agent).toMatchObject({ kind: 'workspace', name: 'first-create' });
    expect(fx.counters()['POST /api/v2/chats'] ?? 0).toBe(0);
  });
});
