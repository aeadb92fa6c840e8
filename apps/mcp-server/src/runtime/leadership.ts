/**
 * Who runs the background work (fleet watcher, sampler, queue dispatcher) when several server processes share
 * one store (replicas on Postgres, or two stdio servers on one SQLite file): the holder of a store lease.
 * The holder renews every `renewMs`; the others try to take it on the same beat, so when the holder dies the
 * lease moves within `ttlMs + renewMs` (SC-009: 30 s). The lease epoch grows on every hand-over: work done
 * under a lease can be fenced with it.
 * A store that fails makes the process give up leadership (it cannot prove it still holds the lease).
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '../log.js';
import type { Scheduler, TimerHandle } from '../watch/scheduler.js';
import type { StoreHandle } from './store-handle.js';

export const BACKGROUND_LEASE = 'fleet-background';
export const LEASE_TTL_MS = 15_000;
export const LEASE_RENEW_MS = 5_000;

export interface Leadership {
  /** This process's holder id ("host:pid:random"). */
  readonly holder: string;
  isLeader(): boolean;
  /** The fencing epoch of the lease while held (undefined otherwise). */
  epoch(): number | undefined;
  /** Called with true when this process takes the lease, false when it loses it. Returns unsubscribe. */
  onChange(listener: (leader: boolean) => void): () => void;
  /** Starts the acquire/renew beat (idempotent); the first attempt runs at once. */
  start(): Promise<void>;
  /** Stops the beat and releases the lease so another process takes over at once. */
  stop(): Promise<void>;
}

export function createLeadership(options: {
  store: StoreHandle;
  scheduler: Scheduler;
  log?: Logger;
  name?: string;
  holder?: string;
  ttlMs?: number;
  renewMs?: number;
}): Leadership {
  const name = options.name ?? BACKGROUND_LEASE;
  const holder = options.holder ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const ttlMs = options.ttlMs ?? LEASE_TTL_MS;
  const renewMs = options.renewMs ?? LEASE_RENEW_MS;
  const listeners = new Set<(leader: boolean) => void>();
  let leader = false;
  let heldEpoch: number | undefined;
  let timer: TimerHandle | undefined;
  let running = false;
  let beat: Promise<void> | undefined;

  const set = (next: boolean, epoch?: number): void => {
    heldEpoch = next ? epoch : undefined;
    if (next === leader) return;
    leader = next;
    options.log?.info(next ? 'took the background lease: this process runs the watcher, sampler and queue' : 'lost the background lease', { lease: name, holder, epoch });
    for (const listener of listeners) {
      try {
        listener(next);
      } catch (error) {
        options.log?.error('leadership listener failed', { error });
      }
    }
  };

  const tick = async (): Promise<void> => {
    const request = { name, holder, ttlMs };
    let answer = await options.store.run((s) => (leader ? s.leases.renew(request) : s.leases.acquire(request)));
    // A holder on this host whose process is gone (kill -9, crash) is released at once instead of after its ttl:
    // a restarted stdio or HTTP server resumes watching immediately.
    if (answer.ok && !answer.value.held && answer.value.current && holderIsDeadHere(answer.value.current.holder)) {
      const dead = answer.value.current.holder;
      options.log?.info('the background lease holder on this host is gone: taking over', { lease: name, previous: dead });
      await options.store.run((s) => s.leases.release(name, dead));
      answer = await options.store.run((s) => s.leases.acquire(request));
    }
    if (!answer.ok) set(false);
    else if (answer.value.held) set(true, answer.value.lease.epoch);
    else set(false);
  };
  // Returns the beat so a manual scheduler (tests) can await it.
  const loop = (): Promise<void> => {
    if (!running) return Promise.resolve();
    beat = tick().finally(() => {
      if (running) timer = options.scheduler.schedule(renewMs, loop);
    });
    return beat;
  };

  return {
    holder,
    isLeader: () => leader,
    epoch: () => heldEpoch,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async start() {
      if (running) return;
      running = true;
      await loop();
    },
    async stop() {
      running = false;
      timer?.cancel();
      await beat;
      if (leader) {
        await options.store.run((s) => s.leases.release(name, holder));
        set(false);
      }
    },
  };
}

/** A holder id `host:pid:random` naming this host and a process that no longer exists. */
export function holderIsDeadHere(holder: string, host = hostname(), alive = processAlive): boolean {
  const [h, pid] = holder.split(':');
  const n = Number(pid);
  return h === host && Number.isSafeInteger(n) && n > 0 && n !== process.pid && !alive(n);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
