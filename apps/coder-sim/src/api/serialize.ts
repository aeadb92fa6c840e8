import type { Fleet } from '../model/fleet.js';
import { buildWorkspaceStatus, deriveCurrentState, deriveTaskStatus, latestBuild } from '../model/derive.js';
import { logContent } from '../model/content.js';
import type { SimBuild, SimLogEntry, SimTask, SimTemplate, SimTemplateVersion, SimUser, SimWorkspace } from '../model/types.js';
import { formatLogTime } from '../util/time.js';
import type {
  ExperimentalTask,
  Organization,
  Preset,
  Task,
  TaskLogEntry,
  Template,
  TemplateVersion,
  User,
  WireWorkspace,
  WireWorkspaceBuild,
  WorkspaceAgent,
  WorkspaceAppStatus,
} from '../wire-types.js';

/** Wire shapes: `ga` = Task (v2.28+), `experimental` = v2.27's experimental task (status = workspace status). */
export type TaskEra = 'ga' | 'experimental';

const AGENT_VERSION = 'v2.27.1+230b55b';

export function toTask(fleet: Fleet, task: SimTask): Task {
  const ws = fleet.workspaceOf(task);
  const owner = fleet.userById(task.ownerId);
  const template = fleet.templateById(ws.templateId);
  const build = latestBuild(ws);
  const status = deriveTaskStatus(ws);
  const agent = ws.agent;
  return {
    id: task.id,
    organization_id: task.organizationId,
    owner_id: owner.id,
    owner_name: owner.username,
    owner_avatar_url: owner.avatarUrl,
    name: task.name,
    display_name: task.displayName,
    template_id: ws.templateId,
    template_version_id: task.templateVersionId,
    template_name: template?.name ?? '',
    template_display_name: template?.displayName ?? '',
    template_icon: template?.icon ?? '',
    workspace_id: ws.id,
    workspace_name: ws.name,
    workspace_build_number: build.number,
    workspace_status: buildWorkspaceStatus(build),
    workspace_agent_id: agent?.id ?? null,
    workspace_agent_lifecycle: agent?.lifecycle ?? null,
    workspace_agent_health: agent ? agentHealth(ws) : null,
    workspace_app_id: ws.appId,
    initial_prompt: task.prompt,
    status,
    current_state: deriveCurrentState(ws, status, (ms) => fleet.time(ms)),
    created_at: fleet.time(task.createdAt),
    updated_at: fleet.time(ws.updatedAt),
  };
}

/** The v2.27 experimental shape, as recorded: id = workspace id, status = workspace status, fewer fields. */
export function toExperimentalTask(fleet: Fleet, task: SimTask): ExperimentalTask {
  const ws = fleet.workspaceOf(task);
  const owner = fleet.userById(task.ownerId);
  const template = fleet.templateById(ws.templateId);
  const status = deriveTaskStatus(ws);
  const agent = ws.agent;
  return {
    id: ws.id,
    organization_id: task.organizationId,
    owner_id: owner.id,
    owner_name: owner.username,
    name: task.name,
    template_id: ws.templateId,
    template_name: template?.name ?? '',
    template_display_name: template?.displayName ?? '',
    template_icon: template?.icon ?? '',
    workspace_id: ws.id,
    workspace_agent_id: agent?.id ?? null,
    workspace_agent_lifecycle: agent?.lifecycle ?? null,
    workspace_agent_health: agent ? agentHealth(ws) : null,
    initial_prompt: task.prompt,
    status: buildWorkspaceStatus(latestBuild(ws)),
    current_state: deriveCurrentState(ws, status, (ms) => fleet.time(ms)),
    created_at: fleet.time(task.createdAt),
    updated_at: fleet.time(ws.updatedAt),
  };
}

/** JSON text of one task, cached per era until the task or its workspace changes. */
export function taskJson(fleet: Fleet, task: SimTask, era: TaskEra): string {
  const ws = fleet.workspaceOf(task);
  const rev = task.rev * 1_000_003 + ws.rev;
  if (task.cache.rev !== rev) task.cache = { rev };
  if (era === 'ga') return (task.cache.ga ??= JSON.stringify(toTask(fleet, task)));
  return (task.cache.exp ??= JSON.stringify(toExperimentalTask(fleet, task)));
}

function agentHealth(ws: SimWorkspace): { healthy: boolean; reason?: string } {
  const agent = ws.agent;
  if (!agent) return { healthy: false, reason: 'agent is not running' };
  return agent.healthy ? { healthy: true } : { healthy: false, reason: agent.healthReason ?? 'agent has lost connection' };
}

export function toLogEntry(entry: SimLogEntry): TaskLogEntry {
  return { id: entry.id, type: entry.type, time: formatLogTime(entry.at), content: logContent(entry) };
}

function toAppStatus(fleet: Fleet, ws: SimWorkspace, s: SimWorkspace['appStatuses'][number]): WorkspaceAppStatus {
  return {
    id: s.id,
    created_at: fleet.time(s.createdAt),
    workspace_id: ws.id,
    agent_id: ws.agent?.id ?? ws.id,
    app_id: ws.appId ?? ws.id,
    state: s.state,
    message: s.message,
    uri: s.uri,
    icon: '',
    needs_user_attention: false,
  };
}

function toAgent(fleet: Fleet, ws: SimWorkspace, build: SimBuild): WorkspaceAgent | null {
  const agent = ws.agent;
  if (!agent) return null;
  const t = (ms: number | null) => (ms === null ? undefined : fleet.time(ms));
  const out: WorkspaceAgent = {
    id: agent.id,
    parent_id: null,
    created_at: fleet.time(agent.createdAt),
    updated_at: fleet.time(agent.updatedAt),
    first_connected_at: t(agent.firstConnectedAt),
    last_connected_at: t(agent.lastConnectedAt),
    disconnected_at: t(agent.disconnectedAt),
    started_at: t(agent.startedAt),
    ready_at: t(agent.readyAt),
    status: agent.status,
    lifecycle_state: agent.lifecycle,
    name: 'main',
    resource_id: build.resourceId,
    architecture: 'amd64',
    operating_system: 'linux',
    directory: '/home/coder',
    expanded_directory: '/home/coder',
    // Real agents expose their environment (with secrets) here: clients must never forward it.
    environment_variables: {
      CODER_MCP_APP_STATUS_SLUG: 'ccw',
      GH_TOKEN: 'sim-fake-gh-token-never-forward',
    },
    logs_length: 0,
    logs_overflowed: false,
    version: AGENT_VERSION,
    api_version: '2.6',
    apps: ws.appId
      ? [
          {
            id: ws.appId,
            slug: 'ccw',
            display_name: 'Claude Code',
            url: 'http://localhost:3284/',
            external: false,
            icon: '/icon/claude.svg',
            subdomain: false,
            sharing_level: 'owner',
            healthcheck: { url: 'http://localhost:3284/status', interval: 5, threshold: 3 },
            health: ws.appHealth,
            hidden: false,
            open_in: 'slim-window',
            statuses: ws.appStatuses.slice(-5).reverse().map((s) => toAppStatus(fleet, ws, s)),
          },
        ]
      : [],
    connection_timeout_seconds: 120,
    troubleshooting_url: 'https://coder.com/docs/admin/templates/troubleshooting',
    subsystems: [],
    health: agentHealth(ws),
    display_apps: ['web_terminal', 'port_forwarding_helper'],
    startup_script_behavior: 'non-blocking',
  };
  for (const key of ['first_connected_at', 'last_connected_at', 'disconnected_at', 'started_at', 'ready_at'] as const) {
    if (out[key] === undefined) delete out[key];
  }
  return out;
}

export function toBuild(fleet: Fleet, ws: SimWorkspace, build: SimBuild): WireWorkspaceBuild {
  const owner = fleet.userById(ws.ownerId);
  const initiator = fleet.users.find((u) => u.id === build.initiatorId) ?? owner;
  const version = fleet.versions.get(build.templateVersionId);
  const isLatest = latestBuild(ws) === build;
  const agent = isLatest && build.transition === 'start' ? toAgent(fleet, ws, build) : null;
  const t = (ms: number | null) => (ms === null ? undefined : fleet.time(ms));
  const job = {
    id: build.jobId,
    created_at: fleet.time(build.createdAt),
    started_at: t(build.startedAt),
    completed_at: t(build.completedAt),
    status: build.jobStatus,
    error: build.jobError || undefined,
    file_id: version?.jobId,
    tags: { owner: '', scope: 'organization' },
    queue_position: 0,
    queue_size: 0,
    organization_id: ws.organizationId,
    input: { workspace_build_id: build.id },
    type: 'workspace_build' as const,
    logs_overflowed: false,
  };
  return {
    id: build.id,
    created_at: fleet.time(build.createdAt),
    updated_at: fleet.time(build.updatedAt),
    workspace_id: ws.id,
    workspace_name: ws.name,
    workspace_owner_id: owner.id,
    workspace_owner_name: owner.username,
    workspace_owner_avatar_url: owner.avatarUrl,
    template_version_id: build.templateVersionId,
    template_version_name: version?.name ?? '',
    build_number: build.number,
    transition: build.transition,
    initiator_id: initiator.id,
    initiator_name: initiator.username,
    job,
    reason: build.reason,
    resources:
      build.transition === 'delete' || build.jobStatus !== 'succeeded'
        ? []
        : [
            {
              id: build.resourceId,
              created_at: fleet.time(build.completedAt ?? build.createdAt),
              job_id: build.jobId,
              workspace_transition: build.transition,
              type: 'docker_container',
              name: 'workspace',
              hide: false,
              icon: '',
              agents: agent ? [agent] : [],
              daily_cost: 0,
            },
          ],
    deadline: null,
    max_deadline: null,
    status: buildWorkspaceStatus(build),
    daily_cost: 0,
    matched_provisioners: { count: 1, available: 1, most_recently_seen: fleet.time(build.createdAt) },
    ...(build.presetId ? { template_version_preset_id: build.presetId } : {}),
    has_ai_task: ws.appId !== null,
    has_external_agent: false,
  };
}

export function toWorkspace(fleet: Fleet, ws: SimWorkspace, era: TaskEra = 'ga'): WireWorkspace {
  const owner = fleet.userById(ws.ownerId);
  const template = fleet.templateById(ws.templateId);
  const org = fleet.organizationById(ws.organizationId);
  const build = latestBuild(ws);
  const lastStatus = ws.appStatuses[ws.appStatuses.length - 1];
  const healthy = !ws.agent || ws.agent.healthy;
  return {
    id: ws.id,
    created_at: fleet.time(ws.createdAt),
    updated_at: fleet.time(ws.updatedAt),
    owner_id: owner.id,
    owner_name: owner.username,
    owner_avatar_url: owner.avatarUrl,
    organization_id: ws.organizationId,
    organization_name: org?.name ?? '',
    template_id: ws.templateId,
    template_name: template?.name ?? '',
    template_display_name: template?.displayName ?? '',
    template_icon: template?.icon ?? '',
    template_allow_user_cancel_workspace_jobs: false,
    template_active_version_id: template?.activeVersionId ?? ws.templateVersionId,
    template_require_active_version: false,
    template_use_classic_parameter_flow: false,
    latest_build: toBuild(fleet, ws, build),
    latest_app_status: lastStatus ? toAppStatus(fleet, ws, lastStatus) : null,
    outdated: template ? template.activeVersionId !== ws.templateVersionId : false,
    name: ws.name,
    last_used_at: fleet.time(ws.lastUsedAt),
    deleting_at: null,
    dormant_at: null,
    health: { healthy, failing_agents: healthy || !ws.agent ? [] : [ws.agent.id] },
    automatic_updates: 'never',
    allow_renames: false,
    favorite: false,
    next_start_at: null,
    is_prebuild: false,
    // v2.27 workspaces had no task link yet (recorded).
    ...(era === 'ga' ? { task_id: ws.workspaceAgent ? null : ws.taskId } : {}),
  };
}

/** JSON text of one workspace, cached until it changes. */
export function workspaceJson(fleet: Fleet, ws: SimWorkspace, era: TaskEra): string {
  if (ws.cache.rev !== ws.rev) ws.cache = { rev: ws.rev };
  if (era === 'ga') return (ws.cache.ga ??= JSON.stringify(toWorkspace(fleet, ws, era)));
  return (ws.cache.exp ??= JSON.stringify(toWorkspace(fleet, ws, era)));
}

export function toUser(fleet: Fleet, user: SimUser): User {
  return {
    id: user.id,
    username: user.username,
    name: user.name,
    email: user.email,
    created_at: fleet.time(user.createdAt),
    updated_at: fleet.time(user.createdAt),
    last_seen_at: fleet.time(fleet.clock.now()),
    status: 'active',
    login_type: 'password',
    theme_preference: '',
    organization_ids: user.organizationIds,
    roles: user.role === 'admin' ? [{ name: 'owner', display_name: 'Owner', organization_id: '' }] : [],
    avatar_url: user.avatarUrl,
  };
}

export function toOrganization(fleet: Fleet, org: Fleet['organizations'][number]): Organization {
  return {
    id: org.id,
    name: org.name,
    display_name: org.displayName,
    description: org.description,
    icon: '',
    created_at: fleet.time(org.createdAt),
    updated_at: fleet.time(org.createdAt),
    is_default: org.isDefault,
  };
}

export function toTemplate(fleet: Fleet, template: SimTemplate): Template {
  const org = fleet.organizationById(template.organizationId);
  const creator = fleet.users.find((u) => u.id === template.createdById);
  const activeUsers = new Set(fleet.workspaces.filter((w) => !w.deleted && w.templateId === template.id).map((w) => w.ownerId));
  return {
    id: template.id,
    created_at: fleet.time(template.createdAt),
    updated_at: fleet.time(template.updatedAt),
    organization_id: template.organizationId,
    organization_name: org?.name ?? '',
    organization_display_name: org?.displayName ?? '',
    organization_icon: '',
    name: template.name,
    display_name: template.displayName,
    provisioner: 'terraform',
    active_version_id: template.activeVersionId,
    active_user_count: activeUsers.size,
    // Go's TransitionStats has no JSON tags: the wire keys are P50/P95 (the spec says p50/p95).
    build_time_stats: { start: { P50: 22998, P95: 96603 }, stop: { P50: 19971, P95: 27994 }, delete: { P50: 24692, P95: 51709 } } as unknown as Template['build_time_stats'],
    description: template.description,
    deprecated: template.deprecated,
    deprecation_message: '',
    icon: template.icon,
    default_ttl_ms: 0,
    activity_bump_ms: 3_600_000,
    autostop_requirement: { days_of_week: [], weeks: 1 },
    autostart_requirement: { days_of_week: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] },
    created_by_id: template.createdById,
    created_by_name: creator?.username ?? '',
    allow_user_autostart: true,
    allow_user_autostop: true,
    allow_user_cancel_workspace_jobs: false,
    failure_ttl_ms: 0,
    time_til_dormant_ms: 0,
    time_til_dormant_autodelete_ms: 0,
    require_active_version: false,
    max_port_share_level: 'public',
    cors_behavior: 'simple',
    use_classic_parameter_flow: false,
  };
}

export function toTemplateVersion(fleet: Fleet, version: SimTemplateVersion): TemplateVersion {
  const template = fleet.templateById(version.templateId);
  const creator = fleet.users.find((u) => u.id === template?.createdById) ?? fleet.users[0];
  return {
    id: version.id,
    template_id: version.templateId,
    organization_id: version.organizationId,
    created_at: fleet.time(version.createdAt),
    updated_at: fleet.time(version.createdAt),
    name: version.name,
    message: version.message,
    job: {
      id: version.jobId,
      created_at: fleet.time(version.createdAt),
      started_at: fleet.time(version.createdAt + 500),
      completed_at: fleet.time(version.createdAt + 15_000),
      status: 'succeeded',
      file_id: version.jobId,
      tags: { owner: '', scope: 'organization' },
      queue_position: 0,
      queue_size: 0,
      organization_id: version.organizationId,
      input: { template_version_id: version.id },
      type: 'template_version_import',
      logs_overflowed: false,
    },
    readme: '',
    created_by: { id: creator?.id ?? '', username: creator?.username ?? '', avatar_url: creator?.avatarUrl ?? '' },
    archived: false,
    warnings: [],
    matched_provisioners: { count: 1, available: 1, most_recently_seen: fleet.time(fleet.clock.now()) },
    has_external_agent: false,
  };
}

/** Presets keep Go's field names (PascalCase) on the wire. */
export function toPresets(version: SimTemplateVersion): Preset[] {
  return version.presets.map((p) => ({
    ID: p.id,
    Name: p.name,
    Parameters: p.parameters.map((pp) => ({ Name: pp.name, Value: pp.value })),
    Default: p.isDefault,
    DesiredPrebuildInstances: 0,
    Description: p.description,
    Icon: p.icon,
  }));
}
