import { BuildActiveError, type Fleet } from '../model/fleet.js';
import { deriveTaskStatus, latestBuild } from '../model/derive.js';
import type { SimTask, SimUser } from '../model/types.js';
import { UUID_PATTERN } from '../util/prng.js';
import type { PauseTaskResponse, TaskLogsResponse, TaskStatus, ValidationError, WorkspaceStatus } from '../wire-types.js';
import {
  empty,
  fail,
  json,
  notFound,
  readJson,
  requireUser,
  stringField,
  uuidParseDetail,
  type Route,
  type RouteContext,
  type SimRequest,
  type SimResponse,
} from './http.js';
import { parseSearchQuery, unknownKeys } from './query.js';
import { taskJson, toBuild, toLogEntry } from './serialize.js';

const TASK_STATUSES: readonly TaskStatus[] = ['pending', 'initializing', 'active', 'paused', 'unknown', 'error'];
const WORKSPACE_STATUSES: readonly WorkspaceStatus[] = ['pending', 'starting', 'running', 'stopping', 'stopped', 'failed', 'canceling', 'canceled', 'deleting', 'deleted'];
const NAME_PATTERN = /^[a-zA-Z0-9]+(?:-[a-zA-Z0-9]+)*$/;

export function canSee(user: SimUser, ownerId: string): boolean {
  return user.role === 'admin' || user.id === ownerId;
}

/** Go's codersdk.NameValid. */
export function nameError(name: string): string | undefined {
  if (name.length > 32) return 'must be <= 32 characters';
  if (name.length < 1) return 'must be >= 1 character';
  return NAME_PATTERN.test(name) ? undefined : 'must be alphanumeric with hyphens';
}

interface TaskFilter {
  ownerId?: string | null;
  organizationId?: string;
  status?: string;
}

function parseTaskFilter(q: string, caller: SimUser, ctx: RouteContext): TaskFilter {
  const { terms, errors } = parseSearchQuery(q, 'owner');
  const validations: ValidationError[] = [...errors, ...unknownKeys(terms, ['owner', 'organization', 'status'])];
  const filter: TaskFilter = {};
  const statuses: readonly string[] = ctx.features.era === 'ga' ? TASK_STATUSES : WORKSPACE_STATUSES;
  for (const term of terms) {
    if (term.key === 'owner') {
      filter.ownerId = ctx.fleet.resolveUser(term.value, caller)?.id ?? null;
    } else if (term.key === 'organization') {
      const org = ctx.fleet.organizations.find((o) => o.id === term.value || o.name === term.value);
      if (!org) validations.push({ field: 'organization', detail: `Organization "${term.value}" either does not exist, or you are unauthorized to view it` });
      else filter.organizationId = org.id;
    } else if (term.key === 'status') {
      if (!statuses.includes(term.value)) validations.push({ field: 'status', detail: `Query param "status" has invalid value: "${term.value}" is not a valid status` });
      else filter.status = term.value;
    }
  }
  if (validations.length > 0) fail(400, 'Invalid task search query.', undefined, validations);
  return filter;
}

function listTasks(req: SimRequest, ctx: RouteContext): SimResponse {
  const caller = requireUser(req);
  const filter = parseTaskFilter(req.query.get('q') ?? '', caller, ctx);
  const { fleet, features } = ctx;
  const era = features.era;
  const parts: string[] = [];
  for (const task of fleet.tasks) {
    if (task.deleted || !canSee(caller, task.ownerId)) continue;
    // Workspaces mode: the agent is a plain workspace, not a task.
    if (fleet.workspaceOf(task).workspaceAgent) continue;
    if (filter.ownerId !== undefined && task.ownerId !== filter.ownerId) continue;
    if (filter.organizationId !== undefined && task.organizationId !== filter.organizationId) continue;
    if (filter.status !== undefined) {
      const ws = fleet.workspaceOf(task);
      const status = era === 'ga' ? deriveTaskStatus(ws) : fleet.workspaceStatus(ws);
      if (status !== filter.status) continue;
    }
    parts.push(taskJson(fleet, task, era));
  }
  let page = parts;
  if (era === 'experimental') {
    // The experimental list was built on workspace filters and still honoured limit/offset.
    const offset = Number(req.query.get('offset') ?? 0) || 0;
    const limit = Number(req.query.get('limit') ?? 0) || 0;
    page = parts.slice(offset, limit > 0 ? offset + limit : undefined);
  }
  return { status: 200, raw: `{"tasks":[${page.join(',')}],"count":${page.length}}` };
}

function resolvePathUser(req: SimRequest, ctx: RouteContext): SimUser {
  const caller = requireUser(req);
  const user = ctx.fleet.resolveUser(req.params['user'] ?? '', caller);
  if (!user || !canSee(caller, user.id)) notFound();
  return user;
}

/** `{task}`: UUID (any owner the caller may see) or, from v2.28 on, a name within `{user}`. */
function resolveTask(req: SimRequest, ctx: RouteContext): SimTask {
  const caller = requireUser(req);
  const ref = req.params['task'] ?? '';
  const isUuid = UUID_PATTERN.test(ref);
  if (!isUuid && !ctx.features.nameLookup) fail(400, `Invalid UUID "${ref}" for task ID.`);
  const owner = isUuid ? undefined : resolvePathUser(req, ctx);
  const task = ctx.fleet.findTask(ref, owner);
  if (!task || !canSee(caller, task.ownerId) || ctx.fleet.workspaceOf(task).workspaceAgent) notFound();
  return task;
}

function createTask(req: SimRequest, ctx: RouteContext): SimResponse {
  const owner = resolvePathUser(req, ctx);
  const body = readJson(req);
  const { fleet } = ctx;
  const versionId = stringField(body, 'template_version_id');
  if (versionId === undefined || versionId === '' || versionId === '00000000-0000-0000-0000-000000000000') notFound();
  if (!UUID_PATTERN.test(versionId)) fail(400, 'Request body must be valid JSON.', uuidParseDetail(versionId));
  const version = fleet.versions.get(versionId.toLowerCase());
  if (!version) fail(400, 'Template version not found or you do not have access to this resource');
  if (!version.hasAiTask) fail(400, 'Template does not have a valid "coder_ai_task" resource.');
  const input = stringField(body, 'input') ?? '';
  let name = stringField(body, 'name') ?? '';
  if (name !== '') {
    const error = nameError(name);
    if (error) fail(400, 'Unable to create a Task with the provided name.', error);
  }
  const displayName = ctx.features.era === 'ga' ? (stringField(body, 'display_name') ?? '').trim() : '';
  if (displayName.length > 64) fail(400, 'Display name must be 64 characters or less.');
  const presetId = stringField(body, 'template_version_preset_id');
  if (presetId !== undefined && presetId !== '' && !fleet.presetOf(version.id, presetId.toLowerCase())) {
    fail(400, 'Invalid template version preset.', `Preset "${presetId}" does not belong to template version "${version.id}".`);
  }
  if (!owner.organizationIds.includes(version.organizationId)) notFound();
  name = name.toLowerCase();
  if (name !== '' && fleet.nameTaken(owner.id, name)) {
    fail(409, `Workspace "${name}" already exists.`, undefined, [{ field: 'name', detail: 'This value is already in use and should be unique.' }]);
  }
  const task = fleet.createTask({
    ownerId: owner.id,
    templateVersionId: version.id,
    presetId: presetId ? presetId.toLowerCase() : null,
    input,
    ...(name ? { name } : {}),
    ...(displayName ? { displayName } : {}),
  });
  return { status: 201, raw: taskJson(fleet, task, ctx.features.era) };
}

function getTask(req: SimRequest, ctx: RouteContext): SimResponse {
  const task = resolveTask(req, ctx);
  return { status: 200, raw: taskJson(ctx.fleet, task, ctx.features.era) };
}

function deleteTask(req: SimRequest, ctx: RouteContext): SimResponse {
  const task = resolveTask(req, ctx);
  ctx.fleet.deleteTask(task, requireUser(req).id);
  return empty(202);
}

/** coderd's gate for talking to the in-workspace agent (send, live logs). */
function requireActive(fleet: Fleet, task: SimTask): void {
  const status = deriveTaskStatus(fleet.workspaceOf(task));
  switch (status) {
    case 'active':
      return;
    case 'pending':
    case 'initializing':
      return fail(409, `Task is ${status}.`, 'The task is resuming. Wait for the task to become active before sending messages.');
    case 'paused':
      return fail(409, 'Task is paused.', 'Resume the task to send messages.');
    default:
      return fail(400, 'Task must be active.', `Task status is "${status}", it must be "active" to interact with the task.`);
  }
}

function requireReachable(fleet: Fleet, task: SimTask): void {
  const agent = fleet.workspaceOf(task).agent;
  if (!agent || agent.status !== 'connected') {
    fail(502, 'Failed to reach task app endpoint.', `dial agent: agent ${agent?.id ?? ''} is not connected`);
  }
}

function sendInput(req: SimRequest, ctx: RouteContext): SimResponse {
  const task = resolveTask(req, ctx);
  const input = stringField(readJson(req), 'input') ?? '';
  if (input === '') fail(400, 'Task input is required.');
  const { fleet } = ctx;
  requireActive(fleet, task);
  requireReachable(fleet, task);
  if (task.phase === 'working') fail(502, 'Task app is not ready to accept input.', 'Status: running');
  fleet.sendInput(task, input);
  return empty(204);
}

function updateInput(req: SimRequest, ctx: RouteContext): SimResponse {
  const task = resolveTask(req, ctx);
  const input = stringField(readJson(req), 'input') ?? '';
  if (input.trim() === '') fail(400, 'Task input is required.');
  if (deriveTaskStatus(ctx.fleet.workspaceOf(task)) !== 'paused') {
    fail(409, 'Unable to update task input, task must be paused.', "Please stop the task's workspace before updating the input.");
  }
  ctx.fleet.updateInput(task, input);
  return empty(204);
}

function taskLogs(req: SimRequest, ctx: RouteContext): SimResponse {
  const task = resolveTask(req, ctx);
  const { fleet, features } = ctx;
  const status = deriveTaskStatus(fleet.workspaceOf(task));
  if (status === 'active') {
    requireReachable(fleet, task);
    return json({ logs: task.logs.map(toLogEntry) } satisfies TaskLogsResponse);
  }
  if (!features.logSnapshots) {
    requireActive(fleet, task);
  }
  if (status === 'paused' || status === 'pending' || status === 'initializing') {
    const snapshot = task.snapshot;
    if (!snapshot) return json({ logs: [], snapshot: true } satisfies TaskLogsResponse);
    return json({ logs: snapshot.logs.map(toLogEntry), snapshot: true, snapshot_at: fleet.time(snapshot.at) } satisfies TaskLogsResponse);
  }
  return fail(409, 'Cannot fetch logs for task in current state.', `Task status is "${status}".`);
}

function buildResponse(ctx: RouteContext, task: SimTask): SimResponse {
  const ws = ctx.fleet.workspaceOf(task);
  const build = latestBuild(ws);
  if (ctx.pauseResponse === 'workspace_build_id') return json({ workspace_build_id: build.id } satisfies PauseTaskResponse, 202);
  return json({ workspace_build: toBuild(ctx.fleet, ws, build) }, 202);
}

function pauseTask(req: SimRequest, ctx: RouteContext): SimResponse {
  const task = resolveTask(req, ctx);
  const ws = ctx.fleet.workspaceOf(task);
  const status = deriveTaskStatus(ws);
  if (status === 'paused') fail(409, 'Task is already paused.', `Task status is "${status}".`);
  startBuild(ctx.fleet, task, 'stop', 'task_manual_pause', requireUser(req).id);
  return buildResponse(ctx, task);
}

function resumeTask(req: SimRequest, ctx: RouteContext): SimResponse {
  const task = resolveTask(req, ctx);
  const status = deriveTaskStatus(ctx.fleet.workspaceOf(task));
  if (status !== 'paused') fail(409, 'Task is not paused.', `Task status is "${status}", it must be "paused" to resume.`);
  startBuild(ctx.fleet, task, 'start', 'task_resume', requireUser(req).id);
  return buildResponse(ctx, task);
}

function startBuild(fleet: Fleet, task: SimTask, transition: 'start' | 'stop', reason: 'task_manual_pause' | 'task_resume', initiatorId: string): void {
  try {
    fleet.startBuild(task, fleet.workspaceOf(task), transition, reason, initiatorId);
  } catch (error) {
    if (error instanceof BuildActiveError) fail(409, error.message, 'Wait for the current workspace build to finish, then retry.');
    throw error;
  }
}

/** Task routes under both trees; availability follows the version knob. */
export function taskRoutes(): Route[] {
  const routes: Route[] = [];
  for (const prefix of ['/api/v2', '/api/experimental'] as const) {
    const tasks = (f: { v2Tasks: boolean; experimentalTasks: boolean }) => (prefix === '/api/v2' ? f.v2Tasks : f.experimentalTasks);
    const pause = (f: { v2PauseResume: boolean; experimentalPauseResume: boolean; v2Tasks: boolean; experimentalTasks: boolean }) =>
      tasks(f) && (prefix === '/api/v2' ? f.v2PauseResume : f.experimentalPauseResume);
    routes.push(
      { method: 'GET', template: `${prefix}/tasks`, auth: true, available: tasks, handler: listTasks },
      { method: 'POST', template: `${prefix}/tasks/{user}`, auth: true, available: tasks, handler: createTask },
      { method: 'GET', template: `${prefix}/tasks/{user}/{task}`, auth: true, available: tasks, handler: getTask },
      { method: 'DELETE', template: `${prefix}/tasks/{user}/{task}`, auth: true, available: tasks, handler: deleteTask },
      { method: 'PATCH', template: `${prefix}/tasks/{user}/{task}/input`, auth: true, available: tasks, handler: updateInput },
      { method: 'POST', template: `${prefix}/tasks/{user}/{task}/send`, auth: true, available: tasks, handler: sendInput },
      { method: 'GET', template: `${prefix}/tasks/{user}/{task}/logs`, auth: true, available: tasks, handler: taskLogs },
      { method: 'POST', template: `${prefix}/tasks/{user}/{task}/pause`, auth: true, available: pause, handler: pauseTask },
      { method: 'POST', template: `${prefix}/tasks/{user}/{task}/resume`, auth: true, available: pause, handler: resumeTask },
    );
  }
  return routes;
}
