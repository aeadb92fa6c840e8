/**
 * Facts copied from real Coder v2.27.1 interactions (vcrpy cassettes recorded 27 Oct and 10 Nov
 * 2025, see the team's shared coder-recordings README). Only request shapes, status codes, messages
 * and field sets are kept; no tokens, hosts or user data.
 */
export const RECORDED_BUILD_VERSION = 'v2.27.1+230b55b';

export const RECORDED_HEADERS = ['x-coder-build-version', 'x-coder-request-id', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'] as const;

/** Experimental-era task (list item and GET by id have the same 18 keys). */
export const RECORDED_TASK_KEYS = [
  'created_at', 'current_state', 'id', 'initial_prompt', 'name', 'organization_id', 'owner_id', 'owner_name', 'status',
  'template_display_name', 'template_icon', 'template_id', 'template_name', 'updated_at', 'workspace_agent_health',
  'workspace_agent_id', 'workspace_agent_lifecycle', 'workspace_id',
] as const;
export const RECORDED_STATE_KEYS = ['message', 'state', 'timestamp', 'uri'] as const;
export const RECORDED_LOG_ENTRY_KEYS = ['content', 'id', 'time', 'type'] as const;
export const RECORDED_TEMPLATE_KEYS = [
  'active_user_count', 'active_version_id', 'activity_bump_ms', 'allow_user_autostart', 'allow_user_autostop',
  'allow_user_cancel_workspace_jobs', 'autostart_requirement', 'autostop_requirement', 'build_time_stats', 'cors_behavior',
  'created_at', 'created_by_id', 'created_by_name', 'default_ttl_ms', 'deprecated', 'deprecation_message', 'description',
  'display_name', 'failure_ttl_ms', 'icon', 'id', 'max_port_share_level', 'name', 'organization_display_name',
  'organization_icon', 'organization_id', 'organization_name', 'provisioner', 'require_active_version',
  'time_til_dormant_autodelete_ms', 'time_til_dormant_ms', 'updated_at', 'use_classic_parameter_flow',
] as const;
export const RECORDED_ORGANIZATION_KEYS = ['created_at', 'description', 'display_name', 'icon', 'id', 'is_default', 'name', 'updated_at'] as const;
export const RECORDED_PRESET_KEYS = ['Default', 'Description', 'DesiredPrebuildInstances', 'ID', 'Icon', 'Name', 'Parameters'] as const;
export const RECORDED_PRESET_PARAMETER_KEYS = ['Name', 'Value'] as const;
export const RECORDED_PRESET_NAMES = ['Coder', 'Operator', 'Researcher'] as const;
/** Rich parameter with a display name (the "AI Prompt" one has none). */
export const RECORDED_PARAMETER_KEYS = [
  'default_value', 'description', 'description_plaintext', 'display_name', 'ephemeral', 'form_type', 'icon', 'mutable', 'name',
  'options', 'required', 'type',
] as const;
export const RECORDED_WORKSPACE_KEYS = [
  'allow_renames', 'automatic_updates', 'created_at', 'deleting_at', 'dormant_at', 'favorite', 'health', 'id', 'is_prebuild',
  'last_used_at', 'latest_app_status', 'latest_build', 'name', 'next_start_at', 'organization_id', 'organization_name',
  'outdated', 'owner_avatar_url', 'owner_id', 'owner_name', 'template_active_version_id',
  'template_allow_user_cancel_workspace_jobs', 'template_display_name', 'template_icon', 'template_id', 'template_name',
  'template_require_active_version', 'template_use_classic_parameter_flow', 'updated_at',
] as const;
/** `ai_task_sidebar_app_id` was removed from WorkspaceBuild in v2.29 (#20583); the simulator omits it. */
export const RECORDED_BUILD_KEYS = [
  'build_number', 'created_at', 'daily_cost', 'deadline', 'has_ai_task', 'has_external_agent', 'id', 'initiator_id',
  'initiator_name', 'job', 'matched_provisioners', 'max_deadline', 'reason', 'resources', 'status', 'template_version_id',
  'template_version_name', 'template_version_preset_id', 'transition', 'updated_at', 'workspace_id', 'workspace_name',
  'workspace_owner_avatar_url', 'workspace_owner_id', 'workspace_owner_name',
] as const;

export interface RecordedExchange {
  name: string;
  method: string;
  /** Path with placeholders the test fills: {user}, {task}, {workspace}. */
  path: string;
  body?: unknown;
  status: number;
  /** Exact error body when recorded. */
  error?: { message: string; detail?: string };
}

export const RECORDED_EXCHANGES: readonly RecordedExchange[] = [
  { name: 'list tasks', method: 'GET', path: '/api/experimental/tasks', status: 200 },
  { name: 'get task by id as me', method: 'GET', path: '/api/experimental/tasks/me/{task}', status: 200 },
  { name: 'get task by id as username', method: 'GET', path: '/api/experimental/tasks/{user}/{task}', status: 200 },
  {
    name: 'get task with a non-UUID id',
    method: 'GET',
    path: '/api/experimental/tasks/me/nonexistent-agent-id-12345',
    status: 400,
    error: { message: 'Invalid UUID "nonexistent-agent-id-12345" for task ID.' },
  },
  { name: 'task logs', method: 'GET', path: '/api/experimental/tasks/{user}/{task}/logs', status: 200 },
  { name: 'task logs with ignored limit', method: 'GET', path: '/api/experimental/tasks/me/{task}/logs?limit=5', status: 200 },
  {
    name: 'logs with a non-UUID id',
    method: 'GET',
    path: '/api/experimental/tasks/me/nonexistent-agent-id-12345/logs',
    status: 400,
    error: { message: 'Invalid UUID "nonexistent-agent-id-12345" for task ID.' },
  },
  {
    name: 'create with the pre-2.27 body (no template_version_id)',
    method: 'POST',
    path: '/api/experimental/tasks/me',
    body: { prompt: 'Integration test task: analyze code structure', workspace_name: 'test-agent-01' },
    status: 404,
    error: { message: 'Resource not found or you do not have access to this resource' },
  },
  {
    name: 'create with template and rich parameters',
    method: 'POST',
    path: '/api/experimental/tasks/{user}',
    body: { prompt: 'Create a hello world', workspace_name: 'agent-of-agents', template_name: 'coder-devcontainer', rich_parameters: { 'AI Prompt': 'x' } },
    status: 404,
    error: { message: 'Resource not found or you do not have access to this resource' },
  },
  { name: 'send input', method: 'POST', path: '/api/experimental/tasks/{user}/{task}/send', body: { input: 'Write hello world to a file' }, status: 204 },
  {
    name: 'workspace with a non-UUID id',
    method: 'GET',
    path: '/api/v2/workspaces/non-existent-id',
    status: 400,
    error: { message: 'Invalid UUID "non-existent-id".', detail: 'invalid UUID length: 15' },
  },
  { name: 'get workspace', method: 'GET', path: '/api/v2/workspaces/{workspace}', status: 200 },
  { name: 'list workspaces', method: 'GET', path: '/api/v2/workspaces', status: 200 },
  { name: 'list organizations', method: 'GET', path: '/api/v2/organizations', status: 200 },
  { name: 'list templates', method: 'GET', path: '/api/v2/templates', status: 200 },
];
