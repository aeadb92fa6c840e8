import { createRng, deriveSeed, int, pick, uuid } from '../util/prng.js';
import type { BuildReason, WorkspaceAppStatusState, WorkspaceTransition } from '../wire-types.js';
import { WORKING_MESSAGES, generateDisplayName } from './content.js';
import { latestBuild, observe } from './derive.js';
import type { LifecycleEngine } from './lifecycle.js';
import { MINUTE, type EntityStore } from './store.js';
import type { TransitionLog } from './transition-log.js';
import type { Persona, Phase, SimBuild, SimTask, SimWorkspace } from './types.js';

export interface CreateTaskInit {
  ownerId: string;
  templateVersionId: string;
  presetId?: string | null;
  input: string;
  name?: string;
  displayName?: string;
  persona?: Persona;
  turns?: number;
}

const BOOT_PHASES: ReadonlySet<Phase> = new Set(['queued', 'provisioning', 'agent_connecting', 'agent_starting', 'app_initializing']);
const ACTIVE_PHASES: ReadonlySet<Phase> = new Set(['working', 'idle', 'complete', 'failure']);

export class TaskNotRunningError extends Error {}

export class BuildActiveError extends Error {
  constructor() {
    super('A workspace build is already active.');
  }
}

/** What the API and the control surface do to tasks: create, builds, input, forced states and failures. */
export class TaskActions {
  private taskSeq = 0;

  constructor(
    private readonly store: EntityStore,
    private readonly engine: LifecycleEngine,
    private readonly log: TransitionLog,
  ) {}

  /** Create a task the way coderd does: task row, then a workspace with a queued start build. */
  createTask(init: CreateTaskInit, at: number): SimTask {
    const store = this.store;
    const rng = createRng(deriveSeed(store.seed, 0x100000 + this.taskSeq));
    const name = init.name ?? store.uniqueTaskName(init.ownerId, rng);
    const ws = store.newWorkspace(init.ownerId, init.templateVersionId, init.presetId ?? null, name, at);
    const task: SimTask = {
      id: uuid(store.rng),
      name,
      displayName: init.displayName ?? generateDisplayName(init.input),
      ownerId: init.ownerId,
      organizationId: ws.organizationId,
      templateVersionId: init.templateVersionId,
      presetId: init.presetId ?? null,
      prompt: init.input,
      createdAt: at,
      workspaceId: ws.id,
      deleted: false,
      logs: [],
      nextLogId: 0,
      snapshot: null,
      persona: init.persona ?? 'normal',
      phase: 'queued',
      turnsLeft: init.turns ?? int(rng, 1, 4),
      nextAt: at + int(rng, 1000, 3000),
      healthAt: Infinity,
      rng,
      rev: 0,
      cache: { rev: -1 },
    };
    this.taskSeq++;
    ws.taskId = task.id;
    if (store.workspaceAgents) ws.workspaceAgent = true;
    store.startBuildAt(ws, 'start', 'initiator', init.ownerId, at);
    if (task.persona === 'unstable') task.healthAt = at + int(rng, 5, 30) * MINUTE;
    store.insertTask(task);
    this.engine.added(task, at);
    return task;
  }

  /** After seeding a task's history directly: make its `created` transition show the seeded status. */
  resetObserved(task: SimTask): void {
    const ws = this.store.workspaceOf(task);
    task.rev++;
    ws.rev++;
    this.log.rebaseCreated(task.id, observe(ws));
    this.engine.noteDue(task);
  }

  /** A new build of the given transition (pause/resume/delete/builds endpoint). Throws BuildActiveError if one runs. */
  startBuild(task: SimTask | null, ws: SimWorkspace, transition: WorkspaceTransition, reason: BuildReason, initiatorId: string): SimBuild {
    const at = this.store.clock.now();
    const current = latestBuild(ws);
    if (current.jobStatus === 'pending' || current.jobStatus === 'running') throw new BuildActiveError();
    const apply = (): SimBuild => {
      const build = this.store.startBuildAt(ws, transition, reason, initiatorId, at);
      ws.lastUsedAt = at;
      if (task) {
        const rng = task.rng;
        if (transition === 'start') {
          task.phase = 'queued';
          task.turnsLeft = Math.max(task.turnsLeft, 1);
          task.nextAt = at + int(rng, 1000, 3000);
        } else if (transition === 'stop') {
          if (task.logs.length > 0) this.store.takeSnapshot(task, at);
          task.phase = 'stopping';
          task.nextAt = at + int(rng, 2000, 6000);
        } else {
          task.phase = 'deleting';
          task.nextAt = at + int(rng, 2000, 6000);
        }
      } else {
        this.completePlainBuild(ws, build, at);
      }
      return build;
    };
    return task ? this.engine.mutate(task, at, apply) : apply();
  }

  private completePlainBuild(ws: SimWorkspace, build: SimBuild, at: number): void {
    build.jobStatus = 'succeeded';
    build.startedAt = at;
    build.completedAt = at;
    build.updatedAt = at;
    ws.agent = build.transition === 'start' ? this.store.readyAgent(at) : null;
    if (build.transition === 'delete') ws.deleted = true;
    ws.rev++;
  }

  deleteTask(task: SimTask, initiatorId: string): SimBuild {
    const ws = this.store.workspaceOf(task);
    const current = latestBuild(ws);
    if (current.jobStatus === 'pending' || current.jobStatus === 'running') {
      // coderd cancels the running job before the delete build.
      current.jobStatus = 'canceled';
      current.completedAt = this.store.clock.now();
    }
    const build = this.startBuild(task, ws, 'delete', 'initiator', initiatorId);
    const at = this.store.clock.now();
    task.deleted = true;
    task.rev++;
    this.log.deleted(this.engine.subject(task), at);
    return build;
  }

  sendInput(task: SimTask, input: string): void {
    const at = this.store.clock.now();
    this.engine.mutate(task, at, (ws) => {
      this.store.appendLog(task, { type: 'input', at, content: input });
      this.store.pushAppStatus(ws, 'working', pick(task.rng, WORKING_MESSAGES), '', at);
      ws.lastUsedAt = at;
      task.phase = 'working';
      task.turnsLeft = int(task.rng, 1, 3);
      task.nextAt = task.persona === 'stuck' ? Infinity : at + this.engine.workDuration(task);
    });
  }

  updateInput(task: SimTask, input: string): void {
    this.engine.mutate(task, this.store.clock.now(), () => {
      task.prompt = input;
    });
  }

  /**
   * The agent reports `state` now. A task still booting is brought up first (build done, agent ready,
   * app healthy); a stopped, failed or deleted task cannot report (throws).
   */
  setAgentState(task: SimTask, state: WorkspaceAppStatusState, opts: { message?: string; uri?: string; holdMs?: number } = {}): void {
    if (!ACTIVE_PHASES.has(task.phase) && !BOOT_PHASES.has(task.phase)) {
      throw new TaskNotRunningError(`task "${task.name}" is ${task.phase}; only a running agent reports a state`);
    }
    const at = this.store.clock.now();
    this.engine.mutate(task, at, (ws) => {
      if (BOOT_PHASES.has(task.phase)) this.bootNow(task, ws, at);
      const message = opts.message ?? this.engine.defaultMessage(task, state);
      this.store.pushAppStatus(ws, state, message, opts.uri ?? '', at);
      task.phase = state;
      if (state !== 'working') {
        this.store.appendLog(task, { type: 'output', at, gen: { kind: state === 'failure' ? 'question' : state === 'complete' ? 'done' : 'turn', seed: int(task.rng, 1, 2 ** 30) } });
      }
      task.nextAt = opts.holdMs === undefined ? Infinity : at + opts.holdMs;
    });
  }

  /** Finish a start build right away: job succeeded, agent connected and ready, app healthy. */
  private bootNow(task: SimTask, ws: SimWorkspace, at: number): void {
    const build = latestBuild(ws);
    build.jobStatus = 'succeeded';
    build.startedAt = build.startedAt ?? at;
    build.completedAt = at;
    build.updatedAt = at;
    const agent = ws.agent ?? this.store.newAgent(at);
    Object.assign(agent, { status: 'connected', lifecycle: 'ready', firstConnectedAt: agent.firstConnectedAt ?? at, lastConnectedAt: at, startedAt: agent.startedAt ?? at, readyAt: at, updatedAt: at });
    ws.agent = agent;
    ws.appHealth = 'healthy';
    if (task.logs.length === 0) {
      this.store.appendLog(task, { type: 'input', at, content: task.prompt });
      this.store.appendLog(task, { type: 'output', at, gen: { kind: 'welcome', seed: int(task.rng, 1, 2 ** 30) } });
    }
  }

  failWorkspace(task: SimTask, error = 'terraform apply: exit status 1: docker: Error response from daemon: no space left on device'): void {
    const at = this.store.clock.now();
    this.engine.mutate(task, at, (ws) => {
      let build = latestBuild(ws);
      if (build.jobStatus !== 'pending' && build.jobStatus !== 'running') build = this.store.startBuildAt(ws, 'start', 'initiator', task.ownerId, at);
      build.jobStatus = 'failed';
      build.jobError = error;
      build.startedAt = build.startedAt ?? at;
      build.completedAt = at;
      build.updatedAt = at;
      ws.agent = null;
      task.phase = 'build_failed';
      task.nextAt = task.persona === 'buildfail' ? at + int(task.rng, 3, 10) * MINUTE : Infinity;
    });
  }

  /** The latest build gets canceled (task status `unknown`, workspace `canceled`). */
  cancelBuild(task: SimTask): void {
    const at = this.store.clock.now();
    this.engine.mutate(task, at, (ws) => {
      const build = latestBuild(ws);
      build.jobStatus = 'canceled';
      build.jobError = 'canceled by user';
      build.completedAt = at;
      build.updatedAt = at;
      ws.agent = null;
      task.phase = 'build_failed';
      task.nextAt = Infinity;
    });
  }
}
