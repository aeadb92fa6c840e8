import { latestBuild } from '../model/derive.js';
import { BuildActiveError } from '../model/fleet.js';
import { resolveBuildParameters, type ParameterValue } from '../model/parameters.js';
import type { SimWorkspace } from '../model/types.js';
import { UUID_PATTERN } from '../util/prng.js';
import type { BuildInfo, ValidationError, WorkspaceTransition } from '../wire-types.js';
import { fail, json, notFound, readJson, requireUser, stringField, uuidParam, type Route, type RouteContext, type SimRequest, type SimResponse } from './http.js';
import { parseSearchQuery, unknownKeys } from './query.js';
import { toBuild, toOrganization, toPresets, toTemplate, toTemplateVersion, toUser, workspaceJson } from './serialize.js';
import { canSee, nameError } from './tasks-routes.js';

const WORKSPACE_QUERY_KEYS = [
  'owner', 'template', 'name', 'status', 'has-agent', 'dormant', 'last_used_after', 'last_used_before',
  'has-ai-task', 'has_external_agent', 'id', 'outdated', 'organization', 'param', 'shared', 'healthy',
] as const;

function buildInfo(_req: SimRequest, ctx: RouteContext): SimResponse {
  return json({
    external_url: ctx.baseUrl,
    version: ctx.features.full,
    dashboard_url: ctx.baseUrl,
    telemetry: false,
    workspace_proxy: false,
    agent_api_version: '2.6',
    provisioner_api_version: '1.11',
    upgrade_message: '',
    deployment_id: ctx.deploymentId,
    webpush_public_key: '',
  } satisfies BuildInfo);
}

function getUser(req: SimRequest, ctx: RouteContext): SimResponse {
  const user = ctx.fleet.resolveUser(req.params['user'] ?? '', requireUser(req));
  if (!user) notFound();
  return json(toUser(ctx.fleet, user));
}

function listOrganizations(req: SimRequest, ctx: RouteContext): SimResponse {
  const caller = requireUser(req);
  return json(ctx.fleet.organizations.filter((o) => caller.organizationIds.includes(o.id)).map((o) => toOrganization(ctx.fleet, o)));
}

/** A user's organizations: yourself, or anyone for an admin (others are hidden: 404). */
function listUserOrganizations(req: SimRequest, ctx: RouteContext): SimResponse {
  const caller = requireUser(req);
  const user = ctx.fleet.resolveUser(req.params['user'] ?? '', caller);
  if (!user || (user.id !== caller.id && caller.role !== 'admin')) notFound();
  return json(ctx.fleet.organizations.filter((o) => user.organizationIds.includes(o.id)).map((o) => toOrganization(ctx.fleet, o)));
}

function listTemplates(req: SimRequest, ctx: RouteContext): SimResponse {
  const caller = requireUser(req);
  const showDeprecated = (req.query.get('q') ?? '').toLowerCase().includes('deprecated:true');
  return json(
    ctx.fleet.templates
      .filter((t) => caller.organizationIds.includes(t.organizationId) && t.deprecated === showDeprecated)
      .map((t) => toTemplate(ctx.fleet, t)),
  );
}

function getTemplate(req: SimRequest, ctx: RouteContext): SimResponse {
  const template = ctx.fleet.templateById(uuidParam(req, 'template'));
  if (!template || !requireUser(req).organizationIds.includes(template.organizationId)) notFound();
  return json(toTemplate(ctx.fleet, template));
}

function version(req: SimRequest, ctx: RouteContext) {
  const found = ctx.fleet.versions.get(uuidParam(req, 'templateversion'));
  if (!found || !requireUser(req).organizationIds.includes(found.organizationId)) notFound();
  return found;
}

function visibleWorkspace(req: SimRequest, ctx: RouteContext, id: string): SimWorkspace {
  const ws = ctx.fleet.workspaceById(id);
  if (!ws || ws.deleted || !canSee(requireUser(req), ws.ownerId)) notFound();
  return ws;
}

function listWorkspaces(req: SimRequest, ctx: RouteContext): SimResponse {
  const caller = requireUser(req);
  const { fleet } = ctx;
  const { terms, errors } = parseSearchQuery(req.query.get('q') ?? '', 'name');
  const validations: ValidationError[] = [...errors, ...unknownKeys(terms, WORKSPACE_QUERY_KEYS)];
  if (validations.length > 0) fail(400, 'Invalid workspace search query.', undefined, validations);
  const limit = Number(req.query.get('limit') ?? 0) || 0;
  const offset = Number(req.query.get('offset') ?? 0) || 0;
  const matches = fleet.workspaces.filter((ws) => {
    if (ws.deleted || !canSee(caller, ws.ownerId)) return false;
    return terms.every((term) => {
      switch (term.key) {
        case 'owner':
          return fleet.resolveUser(term.value, caller)?.id === ws.ownerId;
        case 'template':
          return fleet.templateById(ws.templateId)?.name === term.value;
        case 'name':
          return ws.name.includes(term.value);
        case 'status':
          return fleet.workspaceStatus(ws) === term.value;
        case 'has-ai-task':
          return (ws.taskId !== null) === (term.value === 'true');
        case 'id':
          return ws.id === term.value;
        case 'outdated':
          return (fleet.templateById(ws.templateId)?.activeVersionId !== ws.templateVersionId) === (term.value === 'true');
        default:
          return true;
      }
    });
  });
  const page = matches.slice(offset, limit > 0 ? offset + limit : undefined);
  return { status: 200, raw: `{"workspaces":[${page.map((ws) => workspaceJson(fleet, ws, ctx.features.era)).join(',')}],"count":${matches.length}}` };
}

function createBuild(req: SimRequest, ctx: RouteContext): SimResponse {
  const caller = requireUser(req);
  const ws = visibleWorkspace(req, ctx, uuidParam(req, 'workspace'));
  const body = readJson(req);
  const transition = stringField(body, 'transition');
  if (transition !== 'start' && transition !== 'stop' && transition !== 'delete') {
    fail(400, 'Validation failed.', undefined, [{ field: 'transition', detail: transition === undefined ? 'Validation failed for tag "required" with value: ""' : `Validation failed for tag "oneof" with value: "${transition}"` }]);
  }
  const { fleet } = ctx;
  const running = latestBuild(ws).jobStatus;
  if (running === 'pending' || running === 'running') fail(409, new BuildActiveError().message, 'Wait for the current workspace build to finish, then retry.');
  const versionId = stringField(body, 'template_version_id');
  const requested = parameterValues(body);
  if (versionId !== undefined || requested.length > 0) {
    const version = versionId === undefined ? fleet.versions.get(ws.templateVersionId) : UUID_PATTERN.test(versionId) ? fleet.versions.get(versionId.toLowerCase()) : undefined;
    if (!version || version.templateId !== ws.templateId) fail(400, 'Template version not found.', `Template version "${versionId ?? ''}" does not exist or does not belong to this template.`);
    if (transition !== 'delete') {
      const resolved = resolveBuildParameters(version.parameters, ws.parameters, requested);
      if (!resolved.ok) fail(400, `Unable to validate parameter "${resolved.missing}"`, 'required parameter value is missing', [{ field: resolved.missing, detail: 'required parameter value is missing' }]);
      ws.parameters = resolved.values;
    }
    ws.templateVersionId = version.id;
    ws.rev++;
  }
  const task = ws.taskId ? fleet.taskById(ws.taskId) : undefined;
  const reason = stringField(body, 'reason');
  try {
    const build =
      task && transition === 'delete'
        ? fleet.deleteTask(task, caller.id)
        : fleet.startBuild(task ?? null, ws, transition as WorkspaceTransition, reason === 'task_manual_pause' || reason === 'task_resume' ? reason : 'initiator', caller.id);
    return json(toBuild(fleet, ws, build), 201);
  } catch (error) {
    if (error instanceof BuildActiveError) fail(409, error.message, 'Wait for the current workspace build to finish, then retry.');
    throw error;
  }
}

/**
 * `POST /organizations/{organization}/members/{user}/workspaces` as coderd answers it (201 Workspace, start build
 * queued). In workspaces mode a template that runs an AI app makes an agent workspace whose AI app starts on the
 * "AI Prompt" parameter (busy at once); otherwise the workspace is plain.
 */
function createWorkspace(req: SimRequest, ctx: RouteContext): SimResponse {
  const caller = requireUser(req);
  const { fleet } = ctx;
  const orgRef = req.params['organization'] ?? '';
  const org = fleet.organizations.find((o) => o.id === orgRef || o.name === orgRef);
  const owner = fleet.resolveUser(req.params['user'] ?? '', caller);
  if (!org || !owner || !canSee(caller, owner.id) || !owner.organizationIds.includes(org.id)) notFound();
  const body = readJson(req);
  const name = stringField(body, 'name') ?? '';
  const problem = nameError(name);
  if (problem) fail(400, 'Validation failed.', undefined, [{ field: 'name', detail: `Validation failed for tag "workspace_name" with value: "${name}": ${problem}` }]);
  const versionId = stringField(body, 'template_version_id');
  const templateId = stringField(body, 'template_id');
  const template = templateId ? fleet.templateById(templateId.toLowerCase()) : undefined;
  const version = versionId ? fleet.versions.get(versionId.toLowerCase()) : template ? fleet.versions.get(template.activeVersionId) : undefined;
  if (!version || version.organizationId !== org.id) fail(400, 'Template version not found.', 'Pass the template_id or template_version_id of a template of this organization.');
  const presetId = stringField(body, 'template_version_preset_id')?.toLowerCase();
  if (presetId && !fleet.presetOf(version.id, presetId)) fail(400, 'Invalid template version preset.', `Preset "${presetId}" does not belong to template version "${version.id}".`);
  if (fleet.nameTaken(owner.id, name.toLowerCase())) fail(409, `Workspace "${name}" already exists.`, undefined, [{ field: 'name', detail: 'This value is already in use and should be unique.' }]);
  const requested = parameterValues(body);
  const resolved = resolveBuildParameters(version.parameters, [], requested);
  if (!resolved.ok) fail(400, `Unable to validate parameter "${resolved.missing}"`, 'required parameter value is missing', [{ field: resolved.missing, detail: 'required parameter value is missing' }]);
  const prompt = requested.find((p) => p.name.toLowerCase().replace(/[^a-z0-9]/g, '') === 'aiprompt')?.value ?? '';
  const at = fleet.clock.now();
  const ws =
    fleet.workspaceAgents && version.hasAiTask
      ? fleet.workspaceOf(fleet.createTask({ ownerId: owner.id, templateVersionId: version.id, presetId: presetId ?? null, input: prompt, name: name.toLowerCase() }, at))
      : fleet.createPlainWorkspace(owner.id, version.id, name.toLowerCase(), at);
  // The preset's values, then the request's (coderd's precedence), then the defaults.
  ws.parameters = resolved.values.map((v) => ({ name: v.name, value: requested.find((r) => r.name === v.name)?.value ?? ws.parameters.find((p) => p.name === v.name)?.value ?? v.value }));
  latestBuild(ws).parameters = ws.parameters.map((p) => ({ ...p }));
  ws.rev++;
  return { status: 201, raw: workspaceJson(fleet, ws, ctx.features.era) };
}

/** `rich_parameter_values: [{name, value}]` of a build request (absent: none). */
function parameterValues(body: Record<string, unknown>): ParameterValue[] {
  const raw = body['rich_parameter_values'];
  if (raw === undefined || raw === null) return [];
  const valid = Array.isArray(raw) && raw.every((v: unknown) => typeof v === 'object' && v !== null && typeof (v as ParameterValue).name === 'string' && typeof (v as ParameterValue).value === 'string');
  if (!valid) fail(400, 'Request body must be valid JSON.', 'json: cannot unmarshal into Go struct field CreateWorkspaceBuildRequest.rich_parameter_values of type []codersdk.WorkspaceBuildParameter');
  return raw as ParameterValue[];
}

function getBuild(req: SimRequest, ctx: RouteContext): SimResponse {
  const build = ctx.fleet.buildById(uuidParam(req, 'workspacebuild'));
  if (!build) notFound();
  const ws = visibleWorkspace(req, ctx, build.workspaceId);
  return json(toBuild(ctx.fleet, ws, build));
}

/** The parameter values the build ran with (`[{name, value}]`, codersdk.WorkspaceBuildParameter). */
function getBuildParameters(req: SimRequest, ctx: RouteContext): SimResponse {
  const build = ctx.fleet.buildById(uuidParam(req, 'workspacebuild'));
  if (!build) notFound();
  visibleWorkspace(req, ctx, build.workspaceId);
  return json(build.parameters);
}

export function coreRoutes(): Route[] {
  return [
    { method: 'GET', template: '/api/v2/buildinfo', auth: false, handler: buildInfo },
    { method: 'GET', template: '/api/v2/users/{user}', auth: true, handler: getUser },
    { method: 'GET', template: '/api/v2/organizations', auth: true, handler: listOrganizations },
    { method: 'GET', template: '/api/v2/users/{user}/organizations', auth: true, handler: listUserOrganizations },
    { method: 'GET', template: '/api/v2/templates', auth: true, handler: listTemplates },
    { method: 'GET', template: '/api/v2/templates/{template}', auth: true, handler: getTemplate },
    { method: 'GET', template: '/api/v2/templateversions/{templateversion}', auth: true, handler: (req, ctx) => json(toTemplateVersion(ctx.fleet, version(req, ctx))) },
    { method: 'GET', template: '/api/v2/templateversions/{templateversion}/presets', auth: true, handler: (req, ctx) => json(toPresets(version(req, ctx))) },
    { method: 'GET', template: '/api/v2/templateversions/{templateversion}/rich-parameters', auth: true, handler: (req, ctx) => json(version(req, ctx).parameters) },
    { method: 'GET', template: '/api/v2/workspaces', auth: true, handler: listWorkspaces },
    { method: 'GET', template: '/api/v2/workspaces/{workspace}', auth: true, handler: (req, ctx) => ({ status: 200, raw: workspaceJson(ctx.fleet, visibleWorkspace(req, ctx, uuidParam(req, 'workspace')), ctx.features.era) }) },
    { method: 'POST', template: '/api/v2/workspaces/{workspace}/builds', auth: true, handler: createBuild },
    { method: 'POST', template: '/api/v2/organizations/{organization}/members/{user}/workspaces', auth: true, handler: createWorkspace },
    { method: 'GET', template: '/api/v2/workspacebuilds/{workspacebuild}', auth: true, handler: getBuild },
    { method: 'GET', template: '/api/v2/workspacebuilds/{workspacebuild}/parameters', auth: true, handler: getBuildParameters },
  ];
}

