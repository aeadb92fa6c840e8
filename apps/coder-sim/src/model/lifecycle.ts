import { chance, int, next, pick, weighted, type Rng } from '../util/prng.js';
import type { WorkspaceAppStatusState } from '../wire-types.js';
import { COMPLETE_MESSAGES, FAILURE_MESSAGES, IDLE_MESSAGES, WORKING_MESSAGES, pullRequestUri } from './content.js';
import { deriveTaskStatus, latestBuild, observe } from './derive.js';
import { MINUTE, type EntityStore } from './store.js';
import type { TransitionLog, TransitionSubject } from './transition-log.js';
import type { Phase, SimBuild, SimTask, SimWorkspace } from './types.js';

const MAX_EVENTS_PER_STEP = 10_000;

/** An agent's connection: connected (healthy) or lost, with the reason coderd shows. */
export type Connection = { connected: true } | { connected: false; reason: string };

export const LOST_CONNECTION = 'agent has lost connection';

/**
 * The lifecycle engine: every change to a task goes through `mutate` (revision bump, transition log,
 * schedule); `advanceTo` runs each task's due events at their own times (build → agent → working →
 * idle/complete/failure → …), health flips of unstable agents and new arrivals.
 */
export class LifecycleEngine {
  /** Earliest pending event over all tasks; lets advanceTo() skip idle ticks. */
  private nextDue = Infinity;
  /** New tasks arriving over time (busy fleets); `spawn` creates one at the given time. */
  private arrivals: { nextAt: number; meanGapMs: number; rng: Rng; spawn: (at: number) => void } | null = null;

  constructor(
    private readonly store: EntityStore,
    private readonly log: TransitionLog,
  ) {}

  subject(task: SimTask): TransitionSubject {
    return { taskId: task.id, taskName: task.name, owner: this.store.userById(task.ownerId).username };
  }

  /** A new task: log its `created` baseline and schedule it. */
  added(task: SimTask, at: number): void {
    this.log.created(this.subject(task), observe(this.store.workspaceOf(task)), at);
    this.noteDue(task);
  }

  /** Apply a change to a task, bump its revision (JSON cache) and log observable transitions. */
  mutate<T>(task: SimTask, at: number, change: (ws: SimWorkspace) => T): T {
    const ws = this.store.workspaceOf(task);
    const before = observe(ws);
    const result = change(ws);
    task.rev++;
    ws.rev++;
    ws.updatedAt = Math.max(ws.updatedAt, at);
    this.log.changed(this.subject(task), before, observe(ws), at);
    this.noteDue(task);
    return result;
  }

  noteDue(task: SimTask): void {
    this.nextDue = Math.min(this.nextDue, task.nextAt, task.healthAt);
  }

  /** The agent connects or loses its connection at `at`; false when the task has no agent. */
  setConnection(task: SimTask, connection: Connection, at: number): boolean {
    if (!this.store.workspaceOf(task).agent) return false;
    this.mutate(task, at, (ws) => {
      const agent = ws.agent;
      if (!agent) return;
      if (connection.connected) Object.assign(agent, { status: 'connected', healthy: true, healthReason: null, lastConnectedAt: at, updatedAt: at });
      else Object.assign(agent, { status: 'disconnected', healthy: false, healthReason: connection.reason, disconnectedAt: at, updatedAt: at });
    });
    return true;
  }

  workDuration(task: SimTask): number {
    if (task.persona === 'stuck') return Infinity;
    return int(task.rng, 45, 360) * 1000;
  }

  defaultMessage(task: SimTask, state: WorkspaceAppStatusState): string {
    switch (state) {
      case 'working':
        return pick(task.rng, WORKING_MESSAGES);
      case 'idle':
        return pick(task.rng, IDLE_MESSAGES);
      case 'complete':
        return pick(task.rng, COMPLETE_MESSAGES);
      case 'failure':
        return pick(task.rng, FAILURE_MESSAGES);
    }
  }

  setArrivals(perHour: number, rng: Rng, spawn: (at: number) => void): void {
    if (!(perHour > 0)) {
      this.arrivals = null;
      return;
    }
    const meanGapMs = 3_600_000 / perHour;
    this.arrivals = { meanGapMs, rng, spawn, nextAt: this.store.clock.now() + this.arrivalGap(meanGapMs, rng) };
    this.nextDue = Math.min(this.nextDue, this.arrivals.nextAt);
  }

  private arrivalGap(meanGapMs: number, rng: Rng): number {
    return Math.max(1, Math.round(-Math.log(1 - next(rng)) * meanGapMs));
  }

  /** Run every lifecycle event due up to `now` (each at its own scheduled time). */
  advanceTo(now: number): void {
    if (now < this.nextDue) return;
    const arrivals = this.arrivals;
    while (arrivals && arrivals.nextAt <= now) {
      arrivals.spawn(arrivals.nextAt);
      arrivals.nextAt += this.arrivalGap(arrivals.meanGapMs, arrivals.rng);
    }
    let due = arrivals?.nextAt ?? Infinity;
    for (const task of this.store.tasks) {
      if (task.nextAt <= now || task.healthAt <= now) this.step(task, now);
      due = Math.min(due, task.nextAt, task.healthAt);
    }
    this.nextDue = due;
  }

  private step(task: SimTask, now: number): void {
    for (let i = 0; i < MAX_EVENTS_PER_STEP; i++) {
      const at = Math.min(task.nextAt, task.healthAt);
      if (at > now) return;
      if (task.healthAt <= task.nextAt) this.flipHealth(task, at);
      else this.mutate(task, at, (ws) => this.runEvent(task, ws, at));
    }
  }

  /** Unstable agents lose and regain their connection now and then (only while active). */
  private flipHealth(task: SimTask, at: number): void {
    const ws = this.store.workspaceOf(task);
    const active = deriveTaskStatus(ws) === 'active' && ws.agent !== null;
    if (task.deleted || !active) {
      task.healthAt = task.deleted ? Infinity : at + int(task.rng, 5, 30) * MINUTE;
      return;
    }
    const connect = !ws.agent?.healthy;
    this.setConnection(task, connect ? { connected: true } : { connected: false, reason: LOST_CONNECTION }, at);
    task.healthAt = at + (connect ? int(task.rng, 20, 90) : int(task.rng, 2, 10)) * MINUTE;
  }

  private runEvent(task: SimTask, ws: SimWorkspace, at: number): void {
    const rng = task.rng;
    const store = this.store;
    const build = latestBuild(ws);
    const phase: Phase = task.phase;
    switch (phase) {
      case 'queued':
        build.jobStatus = 'running';
        build.startedAt = at;
        build.updatedAt = at;
        task.phase = 'provisioning';
        task.nextAt = at + int(rng, 8_000, 25_000);
        return;
      case 'provisioning':
        build.completedAt = at;
        build.updatedAt = at;
        if (task.persona === 'buildfail') {
          build.jobStatus = 'failed';
          build.jobError = 'terraform apply: exit status 1: failed to pull image "registry.example.com/dev:latest"';
          task.phase = 'build_failed';
          task.nextAt = at + int(rng, 3, 10) * MINUTE;
          return;
        }
        build.jobStatus = 'succeeded';
        ws.agent = store.newAgent(at);
        ws.appHealth = 'initializing';
        task.phase = 'agent_connecting';
        task.nextAt = at + int(rng, 2_000, 5_000);
        return;
      case 'agent_connecting':
        if (ws.agent) Object.assign(ws.agent, { status: 'connected', lifecycle: 'starting', firstConnectedAt: at, lastConnectedAt: at, startedAt: at, updatedAt: at });
        task.phase = 'agent_starting';
        task.nextAt = at + int(rng, 5_000, 15_000);
        return;
      case 'agent_starting':
        if (ws.agent) Object.assign(ws.agent, { lifecycle: 'ready', readyAt: at, updatedAt: at });
        task.phase = 'app_initializing';
        task.nextAt = at + int(rng, 2_000, 6_000);
        return;
      case 'app_initializing':
        ws.appHealth = 'healthy';
        if (task.logs.length === 0) {
          store.appendLog(task, { type: 'input', at, content: task.prompt });
          store.appendLog(task, { type: 'output', at: at + 1, gen: { kind: 'welcome', seed: int(rng, 1, 2 ** 30) } });
        }
        store.pushAppStatus(ws, 'working', pick(rng, WORKING_MESSAGES), '', at + 2);
        task.phase = 'working';
        task.nextAt = at + this.workDuration(task);
        return;
      case 'working':
        this.finishTurn(task, ws, at);
        return;
      case 'idle':
      case 'failure':
      case 'complete':
        // The (simulated) owner answers: a follow-up input makes the agent work again.
        store.appendLog(task, { type: 'input', at, content: task.persona === 'flaky' ? 'Use Postgres. Try again.' : 'Looks good, please continue.' });
        store.pushAppStatus(ws, 'working', pick(rng, WORKING_MESSAGES), '', at);
        task.phase = 'working';
        task.turnsLeft = int(rng, 1, 3);
        task.nextAt = at + this.workDuration(task);
        return;
      case 'stopping':
        succeedBuild(build, at);
        ws.agent = null;
        task.phase = 'stopped';
        task.nextAt = Infinity;
        return;
      case 'deleting':
        succeedBuild(build, at);
        ws.agent = null;
        ws.deleted = true;
        task.phase = 'deleted';
        task.nextAt = Infinity;
        task.healthAt = Infinity;
        return;
      case 'build_failed': {
        // Someone retries the start build (failing-repeatedly outlier).
        const retry = store.startBuildAt(ws, 'start', 'initiator', task.ownerId, at);
        retry.updatedAt = at;
        task.phase = 'queued';
        task.nextAt = at + int(rng, 1000, 3000);
        return;
      }
      case 'stopped':
      case 'deleted':
        task.nextAt = Infinity;
        return;
    }
  }

  private finishTurn(task: SimTask, ws: SimWorkspace, at: number): void {
    const rng = task.rng;
    const store = this.store;
    const big = chance(rng, 0.03);
    store.appendLog(task, { type: 'output', at, gen: { kind: big ? 'big' : 'turn', seed: int(rng, 1, 2 ** 30) } });
    task.turnsLeft--;
    if (task.turnsLeft > 0) {
      if (chance(rng, 0.6)) {
        store.pushAppStatus(ws, 'working', pick(rng, WORKING_MESSAGES), '', at);
        task.nextAt = at + this.workDuration(task);
        return;
      }
      store.pushAppStatus(ws, 'idle', pick(rng, IDLE_MESSAGES), '', at);
      task.phase = 'idle';
      task.nextAt = task.persona === 'awaiting' ? Infinity : at + int(rng, 2, 15) * MINUTE;
      return;
    }
    const outcome =
      task.persona === 'flaky' ? 'failure' : task.persona === 'awaiting' ? (chance(rng, 0.5) ? 'failure' : 'idle') : weighted(rng, { complete: 70, failure: 15, idle: 15 });
    if (outcome === 'complete') {
      store.pushAppStatus(ws, 'complete', pick(rng, COMPLETE_MESSAGES), pullRequestUri(rng), at);
      task.phase = 'complete';
      task.nextAt = Infinity;
    } else if (outcome === 'failure') {
      store.appendLog(task, { type: 'output', at: at + 1, gen: { kind: 'question', seed: int(rng, 1, 2 ** 30) } });
      store.pushAppStatus(ws, 'failure', pick(rng, FAILURE_MESSAGES), '', at);
      task.phase = 'failure';
      task.nextAt = task.persona === 'awaiting' ? Infinity : at + (task.persona === 'flaky' ? int(rng, 3, 10) : int(rng, 10, 40)) * MINUTE;
    } else {
      store.pushAppStatus(ws, 'idle', pick(rng, IDLE_MESSAGES), '', at);
      task.phase = 'idle';
      task.nextAt = task.persona === 'awaiting' ? Infinity : at + int(rng, 5, 30) * MINUTE;
    }
  }
}

/** A stop or delete build's job finished. */
function succeedBuild(build: SimBuild, at: number): void {
  build.jobStatus = 'succeeded';
  build.startedAt = build.startedAt ?? at;
  build.completedAt = at;
  build.updatedAt = at;
}
