import type { SimClock } from '../clock.js';
import { createRng, deriveSeed, uuid, type Rng } from '../util/prng.js';
import { formatCoderTime } from '../util/time.js';
import type { BuildReason, TemplateVersionParameter, WorkspaceAppStatusState, WorkspaceTransition } from '../wire-types.js';
import { TEMPLATE_SPECS } from './catalog.js';
import { generateTaskName } from './content.js';
import { buildWorkspaceStatus, latestBuild } from './derive.js';
import type {
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
  /**
   * Workspaces mode (any version): agents are plain workspaces running an AI app (AgentAPI behind the
   * path-based app proxy), never Coder Tasks: the Tasks API does not list them and workspaces carry no task id.
   */
  workspaceAgents?: boolean;
  /** Path-based apps (`/@owner/workspace.agent/apps/slug/…`) served; false = a deployment with `--disable-path-apps`. Default true. */
  pathApps?: boolean;
}

export const MINUTE = 60_000;
const APP_STATUS_HISTORY = 20;
const SNAPSHOT_MAX_MESSAGES = 30;
const SNAPSHOT_MAX_BYTES = 64 * 1024;

/**
 * The entity store: users, organizations, templates, workspaces, builds and tasks with their indexes,
 * lookups and record factories. It changes records but knows nothing of the lifecycle or the log.
 */
export class EntityStore {
  readonly clock: SimClock;
  readonly seed: number;
  readonly offsets: number[];
  readonly rng: Rng;
  /** See FleetInit.workspaceAgents. */
  readonly workspaceAgents: boolean;
  /** See FleetInit.pathApps; the control surface flips it. */
  pathApps: boolean;
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

  constructor(init: FleetInit) {
    this.clock = init.clock;
    this.seed = init.seed;
    this.offsets = init.utcOffsets ?? [60, 0];
    this.workspaceAgents = init.workspaceAgents === true;
    this.pathApps = init.pathApps !== false;
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

  newId(): string {
    return uuid(this.rng);
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

  /** Current workspace status (for filters). */
  workspaceStatus(ws: SimWorkspace) {
    return buildWorkspaceStatus(latestBuild(ws));
  }

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

  /**
   * `coder templates push`: a new version of `template` (its parameters: the active version's, minus
   * `removeParameters`, plus `addParameters`), made active unless `activate` is false. Every workspace on
   * the template changes (`outdated`), so their cached JSON is dropped.
   */
  pushTemplateVersion(
    template: SimTemplate,
    init: { name?: string; removeParameters?: readonly string[]; addParameters?: readonly TemplateVersionParameter[]; activate?: boolean },
    at: number,
  ): SimTemplateVersion {
    const base = this.versions.get(template.activeVersionId);
    if (!base) throw new Error(`template ${template.name} has no active version`);
    const removed = new Set(init.removeParameters ?? []);
    const version: SimTemplateVersion = {
      ...base,
      id: uuid(this.rng),
      name: init.name ?? `${base.name.replace(/\d+$/, '')}${template.versionIds.length + 1}`,
      message: 'Pushed by the simulator',
      createdAt: at,
      parameters: [...base.parameters.filter((p) => !removed.has(p.name ?? '')), ...(init.addParameters ?? [])],
      presets: base.presets.map((p) => ({ ...p, id: uuid(this.rng), parameters: p.parameters.filter((pp) => !removed.has(pp.name)) })),
      jobId: uuid(this.rng),
    };
    this.versions.set(version.id, version);
    template.versionIds.push(version.id);
    if (init.activate !== false) {
      template.activeVersionId = version.id;
      template.updatedAt = at;
      for (const ws of this.workspaces) if (ws.templateId === template.id) ws.rev++;
    }
    return version;
  }

  // ---------------------------------------------------------------- record factories

  /** A build record at `at` (no lifecycle side effects). */
  startBuildAt(ws: SimWorkspace, transition: WorkspaceTransition, reason: BuildReason, initiatorId: string, at: number): SimBuild {
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
      parameters: ws.parameters.map((p) => ({ ...p })),
    };
    ws.builds.push(build);
    this.buildsById.set(build.id, build);
    return build;
  }

  newAgent(at: number): SimAgent {
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

  /** An agent that is connected and ready since `at`. */
  readyAgent(at: number): SimAgent {
    return { ...this.newAgent(at), status: 'connected', lifecycle: 'ready', firstConnectedAt: at, lastConnectedAt: at, startedAt: at, readyAt: at };
  }

  /** A workspace without a task (plain `docs-site`-style workspaces in scenarios). */
  createPlainWorkspace(ownerId: string, templateVersionId: string, name: string, at: number): SimWorkspace {
    const ws = this.newWorkspace(ownerId, templateVersionId, null, name, at);
    const build = this.startBuildAt(ws, 'start', 'initiator', ownerId, at);
    build.jobStatus = 'succeeded';
    build.startedAt = at + 1000;
    build.completedAt = at + 20_000;
    build.updatedAt = build.completedAt;
    ws.agent = { ...this.newAgent(at + 20_000), status: 'connected', lifecycle: 'ready', firstConnectedAt: at + 21_000, lastConnectedAt: at + 21_000, startedAt: at + 21_000, readyAt: at + 30_000 };
    ws.appId = null;
    ws.appHealth = 'disabled';
    return ws;
  }

  newWorkspace(ownerId: string, templateVersionId: string, presetId: string | null, name: string, at: number): SimWorkspace {
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

  insertTask(task: SimTask): void {
    this.tasks.push(task);
    this.tasksById.set(task.id, task);
  }

  /** Keep tasks in creation order (as coderd lists them: oldest first, as recorded). */
  sortTasksByCreation(): void {
    this.tasks.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  }

  // ---------------------------------------------------------------- logs, app statuses, snapshots

  appendLog(task: SimTask, entry: Omit<SimLogEntry, 'id'>): void {
    task.logs.push({ ...entry, id: task.nextLogId++ });
  }

  pushAppStatus(ws: SimWorkspace, state: WorkspaceAppStatusState, message: string, uri: string, at: number): void {
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
}
