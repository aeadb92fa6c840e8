import { describe, expect, it } from 'vitest';
import { watcherHealthEvent } from './watcher-health.js';

const at = new Date('2026-03-10T09:00:00.000Z');

describe('watcherHealthEvent (D8: a blinded watcher is an event, not silence)', () => {
  it('a rejected token: warning, says alerts are paused and what to check', () => {
    const e = watcherHealthEvent({ kind: 'degraded', source: 'coder', at, error: { kind: 'unauthorized', status: 401 }, retryMs: 4_000 });
    expect(e).toMatchObject({ kind: 'watcher_degraded', severity: 'warning', source: 'coder', errorKind: 'unauthorized', httpStatus: 401, at: at.toISOString() });
    expect(e.message).toBe(
      'Fleet alerts are paused: Coder rejected the server’s session token (unauthorized, HTTP 401). The watcher retries every 4 s or more. Until it recovers, no agent failures or input requests are reported. Check Coder and CODER_SESSION_TOKEN.',
    );
  });

  it('an outage and a store failure read differently; recoveries are info', () => {
    expect(watcherHealthEvent({ kind: 'degraded', source: 'coder', at, error: { kind: 'network' } }).message).toMatch(/^Fleet alerts are paused: Coder cannot be reached \(network\)\./);
    expect(watcherHealthEvent({ kind: 'degraded', source: 'store', at, error: { kind: 'locked' } }).message).toMatch(/^The fleet store is unavailable \(locked\)/);
    expect(watcherHealthEvent({ kind: 'recovered', source: 'coder', at, afterFailures: 1 })).toMatchObject({ kind: 'watcher_recovered', severity: 'info', message: expect.stringMatching(/after 1 failed poll\./) });
    expect(watcherHealthEvent({ kind: 'recovered', source: 'store', at, afterFailures: 3 }).severity).toBe('info');
  });
});
