/**
 * Fixes for the places where Coder's published OpenAPI description disagrees with what the server
 * sends (../shared/coder-openapi/README.md "Known inaccuracies"; ../shared/docs/coder-api.md §10).
 * Each fix names its evidence. Applied after pruning and before type generation.
 */
import { applyChatOverlay } from './overlay-chats.mjs';

const ref = (name) => ({ $ref: `#/components/schemas/${name}` });
const nullableUuid = () => ({ type: 'string', format: 'uuid', nullable: true });

/** @param {any} spec OpenAPI 3.0 document, pruned, prose stripped. Mutated in place. */
export function applyOverlay(spec) {
  const schemas = spec.components.schemas;

  // 1. uuid.NullUUID is `{uuid, valid}` in the spec but a UUID string or null on the wire
  //    (recorded: "workspace_id": "6a0c…" in every tasks list of coder-recordings).
  replaceNullUuidRefs(spec);
  delete schemas['uuid.NullUUID'];

  // 2. Presets are PascalCase on the wire: the Go type has no JSON tags
  //    (recorded: fleet-mcp/list_workspace_presets_success.yaml).
  schemas['codersdk.PresetParameter'] = {
    type: 'object',
    required: ['Name', 'Value'],
    properties: { Name: { type: 'string' }, Value: { type: 'string' } },
  };
  schemas['codersdk.Preset'] = {
    type: 'object',
    required: ['ID', 'Name', 'Parameters', 'Default'],
    properties: {
      ID: { type: 'string', format: 'uuid' },
      Name: { type: 'string' },
      Parameters: { type: 'array', nullable: true, items: ref('codersdk.PresetParameter') },
      Default: { type: 'boolean' },
      DesiredPrebuildInstances: { type: 'integer', nullable: true },
      Description: { type: 'string' },
      Icon: { type: 'string' },
    },
  };

  // 3. Build create answers 201 (coderd/workspacebuilds.go: httpapi.Write(ctx, rw, http.StatusCreated, …)).
  const buildCreate = spec.paths['/api/v2/workspaces/{workspace}/builds']?.post;
  if (buildCreate?.responses?.['200']) buildCreate.responses['201'] = structuredClone(buildCreate.responses['200']);
  // So does workspace create (coderd/workspaces.go: httpapi.Write(ctx, rw, http.StatusCreated, w)).
  const workspaceCreate = spec.paths['/api/v2/organizations/{organization}/members/{user}/workspaces']?.post;
  if (workspaceCreate?.responses?.['200']) workspaceCreate.responses['201'] = structuredClone(workspaceCreate.responses['200']);

  // 4. Task state is copied from the app status enum, which says "failure"; servers before v2.27 said "completed".
  schemas['codersdk.TaskState'] = { type: 'string', enum: ['working', 'idle', 'complete', 'failed', 'failure', 'completed'] };

  // Chats (Coder Agents): /api/v2 copies, open enums, omitempty, new routes (overlay-chats.mjs, fixes C1-C21).
  applyChatOverlay(spec);

  // 5. Every endpoint may answer codersdk.Response on failure; declare it so the error side is typed.
  for (const item of Object.values(spec.paths)) {
    for (const op of operationsOf(item)) {
      op.responses ??= {};
      op.responses.default ??= { description: 'Error', content: { 'application/json': { schema: ref('codersdk.Response') } } };
    }
  }

  // 6. template_version_id is required by the server (recorded: every create without it got 404).
  schemas['codersdk.CreateTaskRequest'].required = ['template_version_id'];

  // 7. Nullable fields (recorded: "current_state": null for a fresh task; agent fields null before a build).
  const task = schemas['codersdk.Task'];
  for (const field of ['current_state', 'workspace_agent_lifecycle', 'workspace_agent_health']) {
    const original = task.properties[field];
    task.properties[field] = { nullable: true, allOf: [original] };
  }
  // Fields every recorded task carries, in both API eras (coder-recordings integration/list_agents.yaml).
  task.required = ['id', 'organization_id', 'owner_id', 'owner_name', 'name', 'template_id', 'template_name',
    'status', 'initial_prompt', 'current_state', 'created_at', 'updated_at', 'workspace_id'];
  schemas['codersdk.TaskStateEntry'].required = ['timestamp', 'state', 'message', 'uri'];
  schemas['codersdk.TaskLogEntry'].required = ['id', 'type', 'time', 'content'];
  schemas['codersdk.TaskLogsResponse'].required = ['logs'];
  schemas['codersdk.TasksListResponse'].required = ['tasks', 'count'];
  schemas['codersdk.Response'].required = ['message'];
  // An older SDK answered pause/resume with only the build id; accept both shapes.
  for (const name of ['codersdk.PauseTaskResponse', 'codersdk.ResumeTaskResponse']) {
    schemas[name].properties.workspace_build_id = { type: 'string', format: 'uuid' };
  }

  // Found by the simulator's contract test against real shapes (apps/coder-sim/src/contract.spec.ts):
  // 10. Unset Go time pointers are serialised as null (codersdk: *time.Time / sql.NullTime → `null`).
  const nullableTimes = {
    'codersdk.WorkspaceBuild': ['deadline', 'max_deadline'],
    'codersdk.Workspace': ['deleting_at', 'dormant_at', 'next_start_at'],
    'codersdk.MatchedProvisioners': ['most_recently_seen'],
  };
  for (const [name, fields] of Object.entries(nullableTimes)) {
    for (const field of fields) schemas[name].properties[field] = { type: 'string', format: 'date-time', nullable: true };
  }
  // 11. A workspace without app reports has `latest_app_status: null` (codersdk.Workspace.LatestAppStatus is a pointer).
  schemas['codersdk.Workspace'].properties.latest_app_status = { nullable: true, allOf: [ref('codersdk.WorkspaceAppStatus')] };
  // 12. Build reasons are the whole BuildReason enum: task builds carry task_manual_pause, task_auto_pause, task_resume.
  schemas['codersdk.WorkspaceBuild'].properties.reason = ref('codersdk.BuildReason');
  // 13. Template.organization_name holds a name, not a URL.
  schemas['codersdk.Template'].properties.organization_name = { type: 'string' };
  // 14. TransitionStats has no JSON tags in Go: keys are P50/P95 on the wire, null without samples.
  schemas['codersdk.TransitionStats'] = {
    type: 'object',
    properties: { P50: { type: 'integer', nullable: true }, P95: { type: 'integer', nullable: true } },
  };

  // 9. buildinfo needs no token (coderd/coderd.go registers it outside the API-key middleware).
  if (spec.paths['/api/v2/buildinfo']?.get) spec.paths['/api/v2/buildinfo'].get.security = [];

  // Experimental-era routes: v2.27/v2.28 serve tasks only under /api/experimental, where `status` is the
  // workspace status (recorded: "status": "running") and GA-only fields are absent.
  addExperimentalTaskRoutes(spec);
}

function addExperimentalTaskRoutes(spec) {
  const schemas = spec.components.schemas;
  const experimentalTask = structuredClone(schemas['codersdk.Task']);
  // From v2.29 the experimental routes run the GA handlers, so `status` may also be a TaskStatus.
  experimentalTask.properties.status = { anyOf: [ref('codersdk.WorkspaceStatus'), ref('codersdk.TaskStatus')] };
  // Some early builds also sent the task status separately.
  experimentalTask.properties.task_status = ref('codersdk.TaskStatus');
  schemas['codersdk.ExperimentalTask'] = experimentalTask;
  schemas['codersdk.ExperimentalTasksListResponse'] = {
    type: 'object',
    required: ['tasks', 'count'],
    properties: { tasks: { type: 'array', items: ref('codersdk.ExperimentalTask') }, count: { type: 'integer' } },
  };
  for (const [path, item] of Object.entries(structuredClone(spec.paths))) {
    if (!path.startsWith('/api/v2/tasks')) continue;
    for (const op of operationsOf(item)) {
      op.operationId = `experimental-${op.operationId}`;
      for (const response of Object.values(op.responses ?? {})) {
        const media = response.content?.['application/json'];
        if (media?.schema?.$ref === '#/components/schemas/codersdk.Task') media.schema = ref('codersdk.ExperimentalTask');
        if (media?.schema?.$ref === '#/components/schemas/codersdk.TasksListResponse') {
          media.schema = ref('codersdk.ExperimentalTasksListResponse');
        }
      }
    }
    spec.paths[path.replace('/api/v2/tasks', '/api/experimental/tasks')] = item;
  }
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
export function operationsOf(pathItem) {
  return METHODS.filter((m) => pathItem[m]).map((m) => pathItem[m]);
}

function replaceNullUuidRefs(node) {
  if (Array.isArray(node)) {
    node.forEach(replaceNullUuidRefs);
    return;
  }
  if (!node || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (value && typeof value === 'object' && !Array.isArray(value) && refersToNullUuid(value)) {
      node[key] = nullableUuid();
    } else {
      replaceNullUuidRefs(value);
    }
  }
}

function refersToNullUuid(schema) {
  if (schema.$ref === '#/components/schemas/uuid.NullUUID') return true;
  return Array.isArray(schema.allOf) && schema.allOf.some((s) => s.$ref === '#/components/schemas/uuid.NullUUID');
}
