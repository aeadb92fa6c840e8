import type { Agent } from '@org/fleet-domain';
import { describe, expect, it } from 'vitest';
import type { CoderClient } from '../coder.js';
import { createBuildErrors, MAX_BUILD_ERROR_LOOKUPS } from './build-errors.js';

/** Just the fields the lookup reads. */
const agent = (i: number, overrides: Partial<Agent> = {}): Agent =>
  ({ id: `a${i}`, kind: 'task', status: 'error', updatedAt: '2026-01-15T12:00:00.000Z', workspace: { id: `ws${i}`, buildNumber: 1 }, ...overrides }) as unknown as Agent;

function fakeCoder(error: (workspaceId: string) => string | undefined) {
  const asked: string[] = [];
  const coder = {
    async getWorkspace(id: string) {
      asked.push(id);
      const e = error(id);
      return { ok: true, value: { latest_build: { job: { status: e ? 'failed' : 'succeeded', ...(e ? { error: e } : {}) } } } };
    },
  } as unknown as Pick<CoderClient, 'getWorkspace'>;
  return { coder, asked };
}

describe('build errors of failed agents (the attention list says why)', () => {
  it('reads failed tasks only, at most MAX_BUILD_ERROR_LOOKUPS per call, and remembers each build', async () => {
    const { coder, asked } = fakeCoder((id) => `terraform apply:\n  exit status 1 (${id})`);
    const errors = createBuildErrors(coder);
    const failed = Array.from({ length: MAX_BUILD_ERROR_LOOKUPS + 5 }, (_, i) => agent(i));
    const others = [agent(100, { status: 'busy' }), agent(101, { kind: 'chat' } as Partial<Agent>)];
    const first = await errors.of([...failed, ...others]);
    expect(first.size).toBe(MAX_BUILD_ERROR_LOOKUPS);
    expect(first.get('a0')).toBe('terraform apply: exit status 1 (ws0)');
    expect(asked).toHaveLength(MAX_BUILD_ERROR_LOOKUPS);
    // The next call reads only the ones not yet known; the known ones come from memory.
    const second = await errors.of(failed);
    expect(second.size).toBe(failed.length);
    expect(asked).toHaveLength(failed.length);
    // A new build (another number) is read again.
    await errors.of([agent(0, { workspace: { id: 'ws0', buildNumber: 2 } } as Partial<Agent>)]);
    expect(asked).toHaveLength(failed.length + 1);
  });

  it('leaves out a build without an error and a lookup Coder does not answer', async () => {
    const coder = {
      async getWorkspace(id: string) {
        return id === 'ws0' ? { ok: false, error: { kind: 'server_error', message: 'boom' } } : { ok: true, value: { latest_build: { job: { status: 'succeeded' } } } };
      },
    } as unknown as Pick<CoderClient, 'getWorkspace'>;
    expect((await createBuildErrors(coder).of([agent(0), agent(1)])).size).toBe(0);
  });
});
