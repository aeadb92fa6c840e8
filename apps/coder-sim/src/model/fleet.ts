import { createRng, deriveSeed, type Rng } from '../util/prng.js';
import type { BuildReason, WorkspaceAppStatusState, WorkspaceTransition } from '../wire-types.js';
import { TaskActions, type CreateTaskInit } from './actions.js';
import { ChatEngine, type ChatEngineOptions } from './chats/engine.js';
import { ChatStore } from './chats/store.js';
import { LifecycleEngine, type Connection } from './lifecycle.js';
import { EntityStore, type FleetInit } from './store.js';
import { TransitionLog } from './transition-log.js';
import type { SimBuild, SimTask, SimWorkspace, Transition } from './types.js';

export { BuildActiveError, TaskNotRunningError, type CreateTaskInit } from './actions.js';
export { LOST_CONNECTION, type Connection } from './lifecycle.js';
export type { FleetInit, UserInit } from './store.js';

/**
 * The simulated deployment: the entity store (users, orgs, templates, workspaces, tasks) with the
 * transition log, the lifecycle engine and the task actions wired to it. Routes, scenarios and the
 * control surface use this one object.
 */
export class Fleet extends EntityStore {
  private readonly log = new TransitionLog();
  private readonly engine: LifecycleEngine;
  private readonly actions: TaskActions;
  /** Coder Agents: chats, their state machine and the simulated worker. */
  readonly chats: ChatEngine;

  constructor(init: FleetInit & { chats?: ChatEngineOptions }) {
    super(init);
    this.engine = new LifecycleEngine(this, this.log);
    this.actions = new TaskActions(this, this.engine, this.log);
    // Its own PRNG stream, so adding chats never changes the ids of a seeded task fleet.
    const chatRng = createRng(deriveSeed(init.seed, 0xc4a7));
    this.chats = new ChatEngine(new ChatStore(chatRng, this.organizations, this.clock.now() - 30 * 24 * 3_600_000), this.clock, init.seed, init.chats);
  }

  transitions(sinceSeq = 0): Transition[] {
    return this.log.since(sinceSeq);
  }

  advanceTo(now: number): void {
    this.engine.advanceTo(now);
    this.chats.advanceTo(now);
  }

  setArrivals(perHour: number, rng: Rng, spawn: (at: number) => void): void {
    this.engine.setArrivals(perHour, rng, spawn);
  }

  /** The task's agent connects or loses its connection now; false when it has no agent. */
  setConnection(task: SimTask, connection: Connection): boolean {
    return this.engine.setConnection(task, connection, this.clock.now());
  }

  createTask(init: CreateTaskInit, at = this.clock.now()): SimTask {
    return this.actions.createTask(init, at);
  }

  resetObserved(task: SimTask): void {
    this.actions.resetObserved(task);
  }

  startBuild(task: SimTask | null, ws: SimWorkspace, transition: WorkspaceTransition, reason: BuildReason, initiatorId: string): SimBuild {
    return this.actions.startBuild(task, ws, transition, reason, initiatorId);
  }

  deleteTask(task: SimTask, initiatorId: string): SimBuild {
    return this.actions.deleteTask(task, initiatorId);
  }

  sendInput(task: SimTask, input: string): void {
    this.actions.sendInput(task, input);
  }

  updateInput(task: SimTask, input: string): void {
    this.actions.updateInput(task, input);
  }

  setAgentState(task: SimTask, state: WorkspaceAppStatusState, opts?: { message?: string; uri?: string; holdMs?: number }): void {
    this.actions.setAgentState(task, state, opts);
  }

  failWorkspace(task: SimTask, error?: string): void {
    this.actions.failWorkspace(task, error);
  }

  cancelBuild(task: SimTask): void {
    this.actions.cancelBuild(task);
  }
}
