import { describe, expect, it } from 'vitest';
import { createBackground } from './background.js';
import type { Leadership } from './leadership.js';

function fakeLeadership(): Leadership & { set(leader: boolean): void; starts: number } {
  let leader = false;
  const listeners = new Set<(l: boolean) => void>();
  const fake = {
    holder: 'me',
    starts: 0,
    isLeader: () => leader,
    epoch: () => (leader ? 1 : undefined),
    onChange(listener: (l: boolean) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async start() {
      fake.starts += 1;
    },
    async stop() {
      fake.set(false);
    },
    set(next: boolean) {
      leader = next;
      for (const l of listeners) l(next);
    },
  };
  return fake;
}

describe('createBackground', () => {
  it('runs jobs only while this process holds the lease', async () => {
    const leadership = fakeLeadership();
    const background = createBackground({ leadership });
    const log: string[] = [];
    const unregister = background.register({ name: 'sampler', start: () => log.push('start'), stop: () => void log.push('stop') });
    expect(log).toEqual([]); // not leading yet
    await background.ensureStarted();
    await background.ensureStarted();
    expect(leadership.starts).toBe(1);
    leadership.set(true);
    leadership.set(false);
    leadership.set(true);
    await unregister();
    leadership.set(false);
    expect(log).toEqual(['start', 'stop', 'start', 'stop']);
  });

  it('a job registered while leading starts at once; a failing job does not stop the others', async () => {
    const leadership = fakeLeadership();
    leadership.set(true);
    const background = createBackground({ leadership });
    const log: string[] = [];
    background.register({ name: 'broken', start: () => { throw new Error('boom'); }, stop: () => undefined });
    background.register({ name: 'dispatcher', start: () => log.push('start'), stop: () => void log.push('stop') });
    await background.stop();
    expect(log).toEqual(['start', 'stop']);
  });
});
