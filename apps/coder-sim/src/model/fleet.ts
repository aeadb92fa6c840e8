import type { SimClock } from '../clock.js';
import { chance, createRng, deriveSeed, int, next, pick, uuid, weighted, type Rng } from '../util/prng.js';
import { formatCoderTime } from '../util/time.js';
import type { BuildReason, WorkspaceAppStatusState, WorkspaceTransition } from '../wire-types.js';
import { TEMPLATE_SPECS } from './catalog.js';
import {
  COMPLETE_MESSAGES,
  FAILURE_MESSAGES,
  IDLE_MESSAGES,
  WORKING_MESSAGES,
  generateDisplayName,
  generateTaskName,
  pullRequestUri,
} from './content.js';
import { buildWorkspaceStatus, deriveTaskStatus, latestBuild, observe, type Observed } from './derive.js';
import type {
  Persona,
  Phase,
  SimAgent,
  SimBuild,
  SimLogEntry,
  SimOrganization,
  SimPreset,
  SimTask,
  SimTemplate,
  SimTemplateVersion,
  SimUser,
  SimWorkspace,
  Transition,
  UserRole,
} from './types.js';

export interface UserInit {
  username: string;
  role?: UserRole;
  token?: string;
  name?: string;
  email?: string;
}

export interface FleetInit {
  seed: number;
  clock: SimClock;
  adminToken: string;
  adminUsername?: string;
  users?: UserInit[];
  /** UTC offsets (minutes) the server "uses" for timestamps; alternated deterministically. */
  utcOffsets?: number[];
}

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

const MINUTE = 60_000;
const APP_STATUS_HISTORY = 20;
const SNAPSHOT_MAX_MESSAGES = 30;
const SNAPSHOT_MAX_BYTES = 64 * 1024;
const MAX_EVENTS_PER_STEP = 10_000;
const MAX_TRANSITIONS = 1_000_000;

/** The simulated deployment: users, orgs, templates, workspaces, tasks, and the lifecycle engine. */
export class Fleet {
  readonly clock: SimClock;
  readonly seed: number;
  readonly offsets: number[];
  readonly rng: Rng;
  readonly users: SimUser[] = [];
  readonly organizations: SimOrganization[] = [];
  readonly templates: SimTemplate[] = [];
  readonly versions = new Map<string, SimTemplateVersion>();
  readonly tasks: SimTask[] = [];
  readonly workspaces: SimWorkspace[] = [];
  private readonly tasksById = new Map<string, SimTask>();
  private readonly workspacesById = new Map<string, SimWorkspace>();
  private readonly buildsById = new Map<string, SimBuild>();
  private readonly workspaceNames = new Map<string, string>();
  private readonly log: Transition[] = [];
  private transitionSeq = 0;
  private taskSeq = 0;
  /** Earliest pending event over all tasks; lets advanceTo() skip idle ticks. */
  private nextDue = Infinity;

  constructor(init: FleetInit) {
    this.clock = init.clock;
    this.seed = init.seed;
    this.offsets = init.utcOffsets ?? [60, 0];
    this.rng = createRng(deriveSeed(init.seed, 0x51a));
    const epoch = this.clock.now() - 180 * 24 * 60 * MINUTE;
    this.organizations.push(
      { id: uuid(this.rng), name: 'coder', displayName: 'Coder', description: 'Builtin default organization.', isDefault: true, createdAt: epoch },
      { id: uuid(this.rng), name: 'research', displayName: 'Research', description: 'ML research team.', isDefault: false, createdAt: epoch + MINUTE },
    );
    this.addUser({ username: init.adminUsername ?? 'admin', role: 'admin', token: init.adminToken, name: 'Sim Admin' });
    for (const user of init.users ?? []) this.addUser(user);
    this.createTemplates(epoch);
  }

  // ---------------------------------------------------------------- formatting & lookups

  time(ms: number): string {
    return formatCoderTime(ms, this.offsets);
  }

  get defaultOrganization(): SimOrganization {
    const org = this.organizations[0];
    if (!org) throw new Error('no organizations');
    return org;
  }

  addUser(init: UserInit): SimUser {
    const username = init.username.toLowerCase();
    if (this.users.some((u) => u.username === username)) throw new Error(`user ${username} already exists`);
    const role = init.role ?? 'member';
    const orgIds = role === 'admin' ? this.organizations.map((o) => o.id) : [this.defaultOrganization.id];
    const user: SimUser = {
      id: uuid(this.rng),
      username,
      name: init.name ?? username.charAt(0).toUpperCase() + username.slice(1),
      email: init.email ?? `${username}@example.com`,
      role,
      token: init.token ?? `sim-${username}-token`,
      avatarUrl: `https://avatars.example.com/u/${username}.png`,
      createdAt: this.clock.now() - 90 * 24 * 60 * MINUTE,
      organizationIds: orgIds,
    };
    if (this.users.some((u) => u.token === user.token)) throw new Error(`token for ${username} is already in use`);
    this.users.push(user);
    return user;
  }

  userByToken(token: string): SimUser | undefined {
    return this.users.find((u) => u.token === token);
  }

  /** `me`, a username or a user UUID. */
  resolveUser(ref: string, caller: SimUser): SimUser | undefined {
    if (ref === 'me') return caller;
    const lower = ref.toLowerCase();
    return this.users.find((u) => u.id === lower || u.username === lower);
  }

  userById(id: string): SimUser {
    const user = this.users.find((u) => u.id === id);
    if (!user) throw new Error(`unknown user ${id}`);
    return user;
  }

  organizationById(id: string): SimOrganization | undefined {
    return this.organizations.find((o) => o.id === id);
  }

  templateById(id: string): SimTemplate | undefined {
    return this.templates.find((t) => t.id === id);
  }

  templateByName(name: string): SimTemplate | undefined {
    return this.templates.find((t) => t.name === name);
  }

  taskById(id: string): SimTask | undefined {
    return this.tasksById.get(id);
  }

  workspaceById(id: string): SimWorkspace | undefined {
    return this.workspacesById.get(id);
  }

  buildById(id: string): SimBuild | undefined {
    return this.buildsById.get(id);
  }

  workspaceOf(task: SimTask): SimWorkspace {
    const ws = this.workspacesById.get(task.workspaceId);
    if (!ws) throw new Error(`task ${task.id} has no workspace`);
    return ws;
  }

  /** A task by UUID (task or, as in the experimental era, workspace id) or by name within an owner. */
  findTask(ref: string, owner: SimUser | undefined): SimTask | undefined {
    const lower = ref.toLowerCase();
    const byId = this.tasksById.get(lower) ?? this.taskByWorkspaceId(lower);
    if (byId) return byId.deleted ? undefined : byId;
    if (!owner) return undefined;
    return this.tasks.find((t) => !t.deleted && t.ownerId === owner.id && t.name === lower);
  }

  private taskByWorkspaceId(id: string): SimTask | undefined {
    const ws = this.workspacesById.get(id);
    return ws?.taskId ? this.tasksById.get(ws.taskId) : undefined;
  }

  liveTasks(): SimTask[] {
    return this.tasks.filter((t) => !t.deleted);
  }

  presetOf(versionId: string, presetId: string): SimPreset | undefined {
    return this.versions.get(versionId)?.presets.find((p) => p.id === presetId);
  }

  transitions(sinceSeq = 0): Transition[] {
    return sinceSeq <= 0 ? [...this.log] : this.log.filter((t) => t.seq > sinceSeq);
  }

  // ---------------------------------------------------------------- catalog

  private createTemplates(epoch: number): void {
    const admin = this.users[0];
    if (!admin) throw new Error('admin missing');
    TEMPLATE_SPECS.forEach((spec, index) => {
      const org = spec.organization === 'research' ? this.organizations[1] : this.organizations[0];
      if (!org) throw new Error('org missing');
      const template: SimTemplate = {
        id: uuid(this.rng),
        organizationId: org.id,
        name: spec.name,
        displayName: spec.displayName,
        description: spec.description,
        icon: spec.icon,
        activeVersionId: '',
        versionIds: [],
        createdAt: epoch + (index + 1) * 3_600_000,
        updatedAt: epoch + (index + 1) * 3_600_000,
        createdById: admin.id,
        deprecated: false,
      };
      spec.versions.forEach((versionName, vIndex) => {
        const createdAt = template.createdAt + vIndex * 7 * 24 * 60 * MINUTE;
        const version: SimTemplateVersion = {
          id: uuid(this.rng),
          templateId: template.id,
          organizationId: org.id,
          name: versionName,
          message: vIndex === 0 ? 'Initial version' : 'Bump base image',
          createdAt,
          hasAiTask: spec.hasAiTask,
          parameters: spec.parameters,
          presets: spec.presets.map((p) => ({
            id: uuid(this.rng),
            name: p.name,
            isDefault: p.isDefault,
            description: p.description,
            icon: '',
            parameters: Object.entries(p.parameters).map(([name, value]) => ({ name, value })),
          })),
          jobId: uuid(this.rng),
        };
        this.versions.set(version.id, version);
        template.versionIds.push(version.id);
        template.activeVersionId = version.id;
        template.updatedAt = createdAt;
      });
      this.templates.push(template);
    });
  }

  // ---------------------------------------------------------------- transitions log

  private record(task: SimTask, before: Observed | null, at: number): void {
    const ws = this.workspaceOf(task);
    const after = observe(ws);
    const owner = this.userById(task.ownerId).username;
    const push = (field: Transition['field'], from: string | null, to: string | null) => {
      this.pushTransition({ seq: ++this.transitionSeq, at: new Date(at).toISOString(), atMs: at, taskId: task.id, taskName: task.name, owner, field, from, to });
    };
    if (!before) {
      this.pushTransition({ seq: ++this.transitionSeq, at: new Date(at).toISOString(), atMs: at, taskId: task.id, taskName: task.name, owner, field: 'created', from: null, to: after.status, initial: { ...after } });
      return;
    }
    if (before.status !== after.status) push('status', before.status, after.status);
    if (before.state !== after.state) push('state', before.state, after.state);
    if (before.workspaceStatus !== after.workspaceStatus) push('workspace_status', before.workspaceStatus, after.workspaceStatus);
    if (before.health !== after.health) push('health', before.health, after.health);
  }

  /** Append to the transition log; beyond MAX_TRANSITIONS the oldest 10% are dropped (seq keeps counting). */
  private pushTransition(entry: Transition): void {
    this.log.push(entry);
    if (this.log.length > MAX_TRANSITIONS) this.log.splice(0, Math.ceil(MAX_TRANSITIONS / 10));
  }

  /** Apply a change to a task, bump its revision (JSON cache) and log observable transitions. */
  mutate<T>(task: SimTask, at: number, change: (ws: SimWorkspace) => T): T {
    const ws = this.workspaceOf(task);
    const before = observe(ws);
    const result = change(ws);
    task.rev++;
    ws.rev++;
    ws.updatedAt = Math.max(ws.updatedAt, at);
    this.record(task, before, at);
    this.noteDue(task);
    return result;
  }

  private noteDue(task: SimTask): void {
    this.nextDue = Math.min(this.nextDue, task.nextAt, task.healthAt);
  }

  // ---------------------------------------------------------------- creation

  uniqueTaskName(ownerId: string, rng: Rng): string {
    for (;;) {
      const name = generateTaskName(rng);
      if (!this.nameTaken(ownerId, name)) return name;
    }
  }

  /** Workspace (and so task) names are unique per owner among live workspaces. */
  nameTaken(ownerId: string, name: string): boolean {
    const id = this.workspaceNames.get(`${ownerId}/${name}`);
    const ws = id ? this.workspacesById.get(id) : undefined;
    return ws !== undefined && !ws.deleted;
  }

  private newBuild(ws: SimWorkspace, transition: WorkspaceTransition, reason: BuildReason, initiatorId: string, at: number): SimBuild {
    const previous = ws.builds[ws.builds.length - 1];
    const build: SimBuild = {
      id: uuid(this.rng),
      workspaceId: ws.id,
      number: (previous?.number ?? 0) + 1,
      transition,
      reason,
      jobId: uuid(this.rng),
      jobStatus: 'pending',
      jobError: '',
      templateVersionId: ws.templateVersionId,
      presetId: ws.presetId,
      initiatorId,
      createdAt: at,
      updatedAt: at,
      startedAt: null,
      completedAt: null,
      resourceId: uuid(this.rng),
    };
    ws.builds.push(build);
    this.buildsById.set(build.id, build);
    return build;
  }

  private newAgent(at: number): SimAgent {
    return {
      id: uuid(this.rng),
      status: 'connecting',
      lifecycle: 'created',
      healthy: true,
      healthReason: null,
      createdAt: at,
      updatedAt: at,
      firstConnectedAt: null,
      lastConnectedAt: null,
      disconnectedAt: null,
      startedAt: null,
      readyAt: null,
    };
  }

  /** A workspace without a task (plain `docs-site`-style workspaces in scenarios). */
  createPlainWorkspace(ownerId: string, templateVersionId: string, name: string, at: number): SimWorkspace {
    const ws = this.newWorkspace(ownerId, templateVersionId, null, name, at);
    const build = this.newBuild(ws, 'start', 'initiator', ownerId, at);
    build.jobStatus = 'succeeded';
    build.startedAt = at + 1000;
    build.completedAt = at + 20_000;
    build.updatedAt = build.completedAt;
    ws.agent = { ...this.newAgent(at + 20_000), status: 'connected', lifecycle: 'ready', firstConnectedAt: at + 21_000, lastConnectedAt: at + 21_000, startedAt: at + 21_000, readyAt: at + 30_000 };
    ws.appId = null;
    ws.appHealth = 'disabled';
    return ws;
  }

  private newWorkspace(ownerId: string, templateVersionId: string, presetId: string | null, name: string, at: number): SimWorkspace {
    const version = this.versions.get(templateVersionId);
    if (!version) throw new Error(`unknown template version ${templateVersionId}`);
    const preset = presetId ? version.presets.find((p) => p.id === presetId) : undefined;
    const parameters = version.parameters.map((p) => ({
      name: p.name ?? '',
      value: preset?.parameters.find((pp) => pp.name === p.name)?.value ?? p.default_value ?? '',
    }));
    const ws: SimWorkspace = {
      id: uuid(this.rng),
      name,
      ownerId,
      organizationId: version.organizationId,
      templateId: version.templateId,
      templateVersionId,
      presetId,
      createdAt: at,
      updatedAt: at,
      lastUsedAt: at,
      builds: [],
      agent: null,
      appId: version.hasAiTask ? uuid(this.rng) : null,
      appHealth: 'initializing',
      appStatuses: [],
      taskId: null,
      deleted: false,
      parameters,
      rev: 0,
      cache: { rev: -1 },
    };
    this.workspaces.push(ws);
    this.workspacesById.set(ws.id, ws);
    this.workspaceNames.set(`${ownerId}/${name}`, ws.id);
    return ws;
  }

  /** Create a task the way coderd does: task row, then a workspace with a queued start build. */
  createTask(init: CreateTaskInit, at = this.clock.now()): SimTask {
    const rng = createRng(deriveSeed(this.seed, 0x100000 + this.taskSeq));
    const name = init.name ?? this.uniqueTaskName(init.ownerId, rng);
    const ws = this.newWorkspace(init.ownerId, init.templateVersionId, init.presetId ?? null, name, at);
    const task: SimTask = {
      id: uuid(this.rng),
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
    this.newBuild(ws, 'start', 'initiator', init.ownerId, at);
    if (task.persona === 'unstable') task.healthAt = at + int(rng, 5, 30) * MINUTE;
    this.tasks.push(task);
    this.tasksById.set(task.id, task);
    this.record(task, null, at);
    this.noteDue(task);
    return task;
  }

  // ---------------------------------------------------------------- logs & app statuses

  appendLog(task: SimTask, entry: Omit<SimLogEntry, 'id'>): void {
    task.logs.push({ ...entry, id: task.nextLogId++ });
  }

  pushAppStatus(ws: SimWorkspace, state: WorkspaceAppStatusState, message: string, uri: string, at: number): void {
    this.setAppStatus(ws, state, message, uri, at);
  }

  /** A build record at `at` (scenario seeding; no lifecycle side effects). */
  startBuildAt(ws: SimWorkspace, transition: WorkspaceTransition, reason: BuildReason, initiatorId: string, at: number): SimBuild {
    return this.newBuild(ws, transition, reason, initiatorId, at);
  }

  newId(): string {
    return uuid(this.rng);
  }

  /** Keep tasks in creation order (as coderd lists them: oldest first, as recorded). */
  sortTasksByCreation(): void {
    this.tasks.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  }

  /** After seeding a task's history directly: make its `created` transition show the seeded status. */
  resetObserved(task: SimTask): void {
    const ws = this.workspaceOf(task);
    task.rev++;
    ws.rev++;
    const created = this.log.findLast((t) => t.taskId === task.id && t.field === 'created');
    if (created) {
      const facts = observe(ws);
      created.to = facts.status;
      created.initial = { ...facts };
    }
    this.noteDue(task);
  }

  private setAppStatus(ws: SimWorkspace, state: WorkspaceAppStatusState, message: string, uri: string, at: number): void {
    // coderd ignores app statuses not strictly newer than the latest start build; a report always is.
    const build = ws.builds[ws.builds.length - 1];
    const createdAt = build ? Math.max(at, build.createdAt + 1) : at;
    ws.appStatuses.push({ id: uuid(this.rng), state, message, uri, createdAt });
    if (ws.appStatuses.length > APP_STATUS_HISTORY) ws.appStatuses.splice(0, ws.appStatuses.length - APP_STATUS_HISTORY);
  }

  /** Store the agent's shutdown snapshot: up to 30 of the last messages, at most 64 KiB. */
  takeSnapshot(task: SimTask, at: number): void {
    const recent = task.logs.slice(-SNAPSHOT_MAX_MESSAGES);
    const kept: SimLogEntry[] = [];
    let bytes = 0;
    for (let i = recent.length - 1; i >= 0; i--) {
      const entry = recent[i];
      if (!entry) continue;
      const size = entry.content?.length ?? (entry.gen?.kind === 'big' ? 80_103 : 1_500);
      if (bytes + size > SNAPSHOT_MAX_BYTES) break;
      bytes += size;
      kept.unshift(entry);
    }
    task.snapshot = { at, logs: kept };
  }

  // ---------------------------------------------------------------- API-driven actions

  /** A new build of the given transition (pause/resume/delete/builds endpoint). Throws 'build_active' if one runs. */
  startBuild(task: SimTask | null, ws: SimWorkspace, transition: WorkspaceTransition, reason: BuildReason, initiatorId: string): SimBuild {
    const at = this.clock.now();
    const current = latestBuild(ws);
    if (current.jobStatus === 'pending' || current.jobStatus === 'running') throw new BuildActiveError();
    const apply = (): SimBuild => {
      const build = this.newBuild(ws, transition, reason, initiatorId, at);
      ws.lastUsedAt = at;
      if (task) {
        const rng = task.rng;
        if (transition === 'start') {
          task.phase = 'queued';
          task.turnsLeft = Math.max(task.turnsLeft, 1);
          task.nextAt = at + int(rng, 1000, 3000);
        } else if (transition === 'stop') {
          if (task.logs.length > 0) this.takeSnapshot(task, at);
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
    return task ? this.mutate(task, at, apply) : apply();
  }

  private completePlainBuild(ws: SimWorkspace, build: SimBuild, at: number): void {
    build.jobStatus = 'succeeded';
    build.startedAt = at;
    build.completedAt = at;
    build.updatedAt = at;
    if (build.transition === 'start') ws.agent = { ...this.newAgent(at), status: 'connected', lifecycle: 'ready', firstConnectedAt: at, lastConnectedAt: at, startedAt: at, readyAt: at };
    else ws.agent = null;
    if (build.transition === 'delete') ws.deleted = true;
    ws.rev++;
  }

  deleteTask(task: SimTask, initiatorId: string): SimBuild {
    const ws = this.workspaceOf(task);
    const current = latestBuild(ws);
    if (current.jobStatus === 'pending' || current.jobStatus === 'running') {
      // coderd cancels the running job before the delete build.
      current.jobStatus = 'canceled';
      current.completedAt = this.clock.now();
    }
    const build = this.startBuild(task, ws, 'delete', 'initiator', initiatorId);
    const at = this.clock.now();
    task.deleted = true;
    task.rev++;
    this.pushTransition({ seq: ++this.transitionSeq, at: new Date(at).toISOString(), atMs: at, taskId: task.id, taskName: task.name, owner: this.userById(task.ownerId).username, field: 'deleted', from: null, to: 'deleted' });
    return build;
  }

  sendInput(task: SimTask, input: string): void {
    const at = this.clock.now();
    this.mutate(task, at, (ws) => {
      this.appendLog(task, { type: 'input', at, content: input });
      this.setAppStatus(ws, 'working', pick(task.rng, WORKING_MESSAGES), '', at);
      ws.lastUsedAt = at;
      task.phase = 'working';
      task.turnsLeft = int(task.rng, 1, 3);
      task.nextAt = task.persona === 'stuck' ? Infinity : at + this.workDuration(task);
    });
  }

  updateInput(task: SimTask, input: string): void {
    const at = this.clock.now();
    this.mutate(task, at, () => {
      task.prompt = input;
    });
  }

  // ---------------------------------------------------------------- control mutators

  /**
   * The agent reports `state` now. A task still booting is brought up first (build done, agent ready,
   * app healthy); a stopped, failed or deleted task cannot report (throws).
   */
  setAgentState(task: SimTask, state: WorkspaceAppStatusState, opts: { message?: string; uri?: string; holdMs?: number } = {}): void {
    if (!ACTIVE_PHASES.has(task.phase) && !BOOT_PHASES.has(task.phase)) {
      throw new TaskNotRunningError(`task "${task.name}" is ${task.phase}; only a running agent reports a state`);
    }
    const at = this.clock.now();
    this.mutate(task, at, (ws) => {
      if (BOOT_PHASES.has(task.phase)) this.bootNow(task, ws, at);
      const message = opts.message ?? this.defaultMessage(task, state);
      this.setAppStatus(ws, state, message, opts.uri ?? '', at);
      task.phase = state;
      if (state !== 'working') {
        this.appendLog(task, { type: 'output', at, gen: { kind: state === 'failure' ? 'question' : state === 'complete' ? 'done' : 'turn', seed: int(task.rng, 1, 2 ** 30) } });
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
    const agent = ws.agent ?? this.newAgent(at);
    Object.assign(agent, { status: 'connected', lifecycle: 'ready', firstConnectedAt: agent.firstConnectedAt ?? at, lastConnectedAt: at, startedAt: agent.startedAt ?? at, readyAt: at, updatedAt: at });
    ws.agent = agent;
    ws.appHealth = 'healthy';
    if (task.logs.length === 0) {
      this.appendLog(task, { type: 'input', at, content: task.prompt });
      this.appendLog(task, { type: 'output', at, gen: { kind: 'welcome', seed: int(task.rng, 1, 2 ** 30) } });
    }
  }

  failWorkspace(task: SimTask, error = 'terraform apply: exit status 1: docker: Error response from daemon: no space left on device'): void {
    const at = this.clock.now();
    this.mutate(task, at, (ws) => {
      let build = latestBuild(ws);
      if (build.jobStatus !== 'pending' && build.jobStatus !== 'running') build = this.newBuild(ws, 'start', 'initiator', task.ownerId, at);
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
    const at = this.clock.now();
    this.mutate(task, at, (ws) => {
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

  disconnectAgent(task: SimTask, reason = 'agent has lost connection'): boolean {
    const ws = this.workspaceOf(task);
    if (!ws.agent) return false;
    const at = this.clock.now();
    this.mutate(task, at, (w) => {
      if (!w.agent) return;
      w.agent.status = 'disconnected';
      w.agent.healthy = false;
      w.agent.healthReason = reason;
      w.agent.disconnectedAt = at;
      w.agent.updatedAt = at;
    });
    return true;
  }

  reconnectAgent(task: SimTask): boolean {
    const ws = this.workspaceOf(task);
    if (!ws.agent) return false;
    const at = this.clock.now();
    this.mutate(task, at, (w) => {
      if (!w.agent) return;
      w.agent.status = 'connected';
      w.agent.healthy = true;
      w.agent.healthReason = null;
      w.agent.lastConnectedAt = at;
      w.agent.updatedAt = at;
    });
    return true;
  }

  // ---------------------------------------------------------------- lifecycle engine

  workDuration(task: SimTask): number {
    if (task.persona === 'stuck') return Infinity;
    return int(task.rng, 45, 360) * 1000;
  }

  private defaultMessage(task: SimTask, state: WorkspaceAppStatusState): string {
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

  /** New tasks arriving over time (busy fleets); `spawn` creates one at the given time. */
  private arrivals: { nextAt: number; meanGapMs: number; rng: Rng; spawn: (at: number) => void } | null = null;

  setArrivals(perHour: number, rng: Rng, spawn: (at: number) => void): void {
    if (!(perHour > 0)) {
      this.arrivals = null;
      return;
    }
    const meanGapMs = 3_600_000 / perHour;
    this.arrivals = { meanGapMs, rng, spawn, nextAt: this.clock.now() + this.arrivalGap(meanGapMs, rng) };
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
    for (const task of this.tasks) {
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

  private flipHealth(task: SimTask, at: number): void {
    const ws = this.workspaceOf(task);
    const active = deriveTaskStatus(ws) === 'active' && ws.agent !== null;
    if (task.deleted || !active) {
      task.healthAt = task.deleted ? Infinity : at + int(task.rng, 5, 30) * MINUTE;
      return;
    }
    if (ws.agent?.healthy) {
      this.mutate(task, at, (w) => {
        if (!w.agent) return;
        Object.assign(w.agent, { status: 'disconnected', healthy: false, healthReason: 'agent has lost connection', disconnectedAt: at, updatedAt: at });
      });
      task.healthAt = at + int(task.rng, 2, 10) * MINUTE;
    } else {
      this.mutate(task, at, (w) => {
        if (!w.agent) return;
        Object.assign(w.agent, { status: 'connected', healthy: true, healthReason: null, lastConnectedAt: at, updatedAt: at });
      });
      task.healthAt = at + int(task.rng, 20, 90) * MINUTE;
    }
  }

  private runEvent(task: SimTask, ws: SimWorkspace, at: number): void {
    const rng = task.rng;
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
        ws.agent = this.newAgent(at);
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
          this.appendLog(task, { type: 'input', at, content: task.prompt });
          this.appendLog(task, { type: 'output', at: at + 1, gen: { kind: 'welcome', seed: int(rng, 1, 2 ** 30) } });
        }
        this.setAppStatus(ws, 'working', pick(rng, WORKING_MESSAGES), '', at + 2);
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
        this.appendLog(task, { type: 'input', at, content: task.persona === 'flaky' ? 'Use Postgres. Try again.' : 'Looks good, please continue.' });
        this.setAppStatus(ws, 'working', pick(rng, WORKING_MESSAGES), '', at);
        task.phase = 'working';
        task.turnsLeft = int(rng, 1, 3);
        task.nextAt = at + this.workDuration(task);
        return;
      case 'stopping':
        build.jobStatus = 'succeeded';
        build.startedAt = build.startedAt ?? at;
        build.completedAt = at;
        build.updatedAt = at;
        ws.agent = null;
        task.phase = 'stopped';
        task.nextAt = Infinity;
        return;
      case 'deleting':
        build.jobStatus = 'succeeded';
        build.startedAt = build.startedAt ?? at;
        build.completedAt = at;
        build.updatedAt = at;
        ws.agent = null;
        ws.deleted = true;
        task.phase = 'deleted';
        task.nextAt = Infinity;
        task.healthAt = Infinity;
        return;
      case 'build_failed': {
        // Someone retries the start build (failing-repeatedly outlier).
        const retry = this.newBuild(ws, 'start', 'initiator', task.ownerId, at);
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
    const big = chance(rng, 0.03);
    this.appendLog(task, { type: 'output', at, gen: { kind: big ? 'big' : 'turn', seed: int(rng, 1, 2 ** 30) } });
    task.turnsLeft--;
    if (task.turnsLeft > 0) {
      if (chance(rng, 0.6)) {
        this.setAppStatus(ws, 'working', pick(rng, WORKING_MESSAGES), '', at);
        task.nextAt = at + this.workDuration(task);
        return;
      }
      this.setAppStatus(ws, 'idle', pick(rng, IDLE_MESSAGES), '', at);
      task.phase = 'idle';
      task.nextAt = task.persona === 'awaiting' ? Infinity : at + int(rng, 2, 15) * MINUTE;
      return;
    }
    const outcome =
      task.persona === 'flaky' ? 'failure' : task.persona === 'awaiting' ? (chance(rng, 0.5) ? 'failure' : 'idle') : weighted(rng, { complete: 70, failure: 15, idle: 15 });
    if (outcome === 'complete') {
      this.setAppStatus(ws, 'complete', pick(rng, COMPLETE_MESSAGES), pullRequestUri(rng), at);
      task.phase = 'complete';
      task.nextAt = Infinity;
    } else if (outcome === 'failure') {
      this.appendLog(task, { type: 'output', at: at + 1, gen: { kind: 'question', seed: int(rng, 1, 2 ** 30) } });
      this.setAppStatus(ws, 'failure', pick(rng, FAILURE_MESSAGES), '', at);
      task.phase = 'failure';
      task.nextAt = task.persona === 'awaiting' ? Infinity : at + (task.persona === 'flaky' ? int(rng, 3, 10) : int(rng, 10, 40)) * MINUTE;
    } else {
      this.setAppStatus(ws, 'idle', pick(rng, IDLE_MESSAGES), '', at);
      task.phase = 'idle';
      task.nextAt = task.persona === 'awaiting' ? Infinity : at + int(rng, 5, 30) * MINUTE;
    }
  }

  /** Current workspace status (for filters). */
  workspaceStatus(ws: SimWorkspace) {
    return buildWorkspaceStatus(latestBuild(ws));
  }
}

const BOOT_PHASES: ReadonlySet<Phase> = new Set(['queued', 'provisioning', 'agent_connecting', 'agent_starting', 'app_initializing']);
const ACTIVE_PHASES: ReadonlySet<Phase> = new Set(['working', 'idle', 'complete', 'failure']);

export class TaskNotRunningError extends Error {}

export class BuildActiveError extends Error {
  constructor() {
    super('A workspace build is already active.');
  }
}
