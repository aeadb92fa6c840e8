/**
 * Small fixtures holding facts copied from real Coder v2.27.1 traffic (experimental era) and from the
 * GA spec (v2.29+). Values are sample data; the shapes and quirks are the point:
 * `current_state: null`, `+01:00` offsets, nanosecond UTC log times, an 80,103-char log entry,
 * PascalCase presets, Coder error bodies.
 */
import type {
  BuildInfo,
  ExperimentalTask,
  Organization,
  Preset,
  Task,
  TaskLogsResponse,
  Template,
  TemplateVersionParameter,
  User,
  Workspace,
  WorkspaceBuild,
} from '../types.js';

export const ORG_ID = '1dd993f1-dec7-401f-bbc3-0df50c2bee9b';
export const OWNER_ID = '6cbbea9f-08e0-46cd-bdba-410a5f3e5d5a';
export const TEMPLATE_ID = 'cc29db59-0483-4520-869e-777e9a05bf65';
export const TEMPLATE_VERSION_ID = '247b41ce-bcdc-43d1-8dcf-8a82bf574ffd';
export const PRESET_ID = 'd2e0fcc7-59d5-493b-a346-2b90e26aabe9';
export const TASK_ID = '54ebda62-9d13-4b1c-9537-dd2d322da1a6';
export const FRESH_TASK_ID = '7e348e5c-9322-4335-9a13-efc3a6aad054';
export const BUILD_ID = '687d9318-64b4-4483-8da9-4ebf3af18f69';

export const buildInfo = (version: string): BuildInfo => ({
  external_url: 'https://coder.example.com',
  version,
  dashboard_url: 'https://coder.example.com',
  telemetry: false,
  workspace_proxy: false,
  agent_api_version: '2.6',
  provisioner_api_version: '1.10',
  upgrade_message: '',
  deployment_id: '00000000-0000-0000-0000-000000000000',
});

/** Experimental era (v2.27.1): `status` is the workspace status, `id` equals `workspace_id`. */
export const experimentalTaskIdle: ExperimentalTask = {
  id: TASK_ID,
  organization_id: ORG_ID,
  owner_id: OWNER_ID,
  owner_name: 'mvgijssel',
  name: 'agent-of-agents',
  template_id: TEMPLATE_ID,
  template_name: 'coder-devcontainer',
  template_display_name: '',
  template_icon: '',
  workspace_id: TASK_ID,
  workspace_agent_id: 'a34a6bf6-80df-42cd-aafd-c66537b7f112',
  workspace_agent_lifecycle: 'ready',
  workspace_agent_health: { healthy: true },
  initial_prompt: 'agent-of-agents',
  status: 'running',
  current_state: {
    timestamp: '2025-10-27T16:14:21.843722+01:00',
    state: 'idle',
    message: 'Fix pushed - monitoring CI for test results',
    uri: 'https://github.com/vgijssel/setup/pull/783',
  },
  created_at: '2025-10-27T10:27:44.422391+01:00',
  updated_at: '2025-10-27T10:27:44.422391+01:00',
};

/** A freshly started task: no report yet (`current_state: null`), agent still starting. */
export const experimentalTaskFresh: ExperimentalTask = {
  ...experimentalTaskIdle,
  id: FRESH_TASK_ID,
  name: 'task-pensive-goodall-8734',
  workspace_id: FRESH_TASK_ID,
  workspace_agent_id: '530528e7-b1d5-4378-ba57-c8f65e1c05d0',
  workspace_agent_lifecycle: 'starting',
  initial_prompt: 'Find typos',
  current_state: null,
  created_at: '2025-10-27T16:36:56.138529+01:00',
  updated_at: '2025-10-27T16:36:56.138529+01:00',
};

/** GA shape (v2.29+): TaskStatus in `status`, `workspace_status` present, state `failure` on the wire. */
export const gaTask: Task = {
  id: 'a1b2c3d4-0000-4000-8000-000000000001',
  organization_id: ORG_ID,
  owner_id: OWNER_ID,
  owner_name: 'alice',
  name: 'fix-login-bug',
  display_name: 'Fix login bug',
  template_id: TEMPLATE_ID,
  template_version_id: TEMPLATE_VERSION_ID,
  template_name: 'coder-devcontainer',
  template_display_name: 'Setup',
  template_icon: '',
  workspace_id: 'a1b2c3d4-0000-4000-8000-000000000002',
  workspace_name: 'fix-login-bug',
  workspace_status: 'running',
  workspace_build_number: 3,
  workspace_agent_id: null,
  workspace_agent_lifecycle: null,
  workspace_agent_health: null,
  workspace_app_id: null,
  initial_prompt: 'Fix the login bug',
  status: 'active',
  current_state: { timestamp: '2026-01-12T09:00:00+01:00', state: 'failure', message: 'Need credentials', uri: '' },
  created_at: '2026-01-12T08:00:00.5+01:00',
  updated_at: '2026-01-12T08:30:00.5+01:00',
};

export const experimentalTaskList = { tasks: [experimentalTaskIdle, experimentalTaskFresh], count: 2 };

/** A log entry as long as the recorded one (80,103 chars of captured terminal screen). */
export const LONG_LOG_LENGTH = 80_103;
export function terminalScreen(length: number): string {
  const line = '● Bash(gh pr edit 783 --body "## Summary…)                         \n';
  return line.repeat(Math.ceil(length / line.length)).slice(0, length);
}

export const taskLogs: TaskLogsResponse = {
  logs: [
    { id: 0, type: 'output', time: '2025-10-27T09:28:51.813325134Z', content: terminalScreen(1_223) },
    { id: 1, type: 'input', time: '2025-10-27T14:41:02.186212062Z', content: '/oneshot ultrathink\n\n- Pull latest changes from main' },
    { id: 2, type: 'output', time: '2025-10-27T14:55:23.807386708Z', content: terminalScreen(LONG_LOG_LENGTH) },
    { id: 3, type: 'input', time: '2025-10-27T15:03:00.850791868Z', content: 'Ultrathink and check the latest CI failure and fix it.' },
    { id: 4, type: 'output', time: '2025-10-27T15:14:19.525789642Z', content: terminalScreen(9_859) },
  ],
};

export const errors = {
  invalidTaskUuid: { message: 'Invalid UUID "nonexistent-agent-id-12345" for task ID.' },
  invalidWorkspaceUuid: { message: 'Invalid UUID "non-existent-id".', detail: 'invalid UUID length: 15' },
  createNotFound: { message: 'Resource not found or you do not have access to this resource' },
  validation: {
    message: 'Validation failed.',
    validations: [{ field: 'display_name', detail: 'must be at most 64 characters' }],
  },
  paused: { message: 'Unable to send message, task is paused.', detail: 'Resume the task to send messages.' },
  agentBusy: { message: 'Task app is not ready to accept input.' },
} as const;

export const organizations: Organization[] = [
  {
    id: ORG_ID,
    name: 'coder',
    display_name: 'Coder',
    icon: '',
    description: 'Builtin default organization.',
    created_at: '2025-09-12T15:25:58.408615+02:00',
    updated_at: '2025-09-12T15:25:58.408615+02:00',
    is_default: true,
  },
];

export const me: User = {
  id: OWNER_ID,
  username: 'mvgijssel',
  email: 'owner@example.com',
  name: 'Owner',
  status: 'active',
  created_at: '2025-09-12T15:25:58.408615+02:00',
  organization_ids: [ORG_ID],
  roles: [{ name: 'owner', display_name: 'Owner' }],
};

export const template: Template = {
  id: TEMPLATE_ID,
  name: 'coder-devcontainer',
  display_name: 'Setup',
  organization_id: ORG_ID,
  active_version_id: TEMPLATE_VERSION_ID,
  deprecated: false,
  created_at: '2025-09-15T15:12:57.164266+02:00',
  updated_at: '2025-11-07T15:59:14.55767+01:00',
};

/** PascalCase on the wire; `Parameters` may be null. */
export const presets: Preset[] = [
  { ID: PRESET_ID, Name: 'Coder', Parameters: [{ Name: 'system_prompt', Value: 'You are an expert software development assistant.' }], Default: true, DesiredPrebuildInstances: 0, Description: '', Icon: '' },
  { ID: '2bda65ea-d751-478d-8252-2cb10265bb5e', Name: 'Operator', Parameters: [{ Name: 'system_prompt', Value: 'You are an expert site reliability engineer.' }], Default: false, DesiredPrebuildInstances: 0, Description: '', Icon: '' },
  { ID: '8ae75110-9c4a-40dc-82e6-afe2a4fb8232', Name: 'Researcher', Parameters: null, Default: false, DesiredPrebuildInstances: null, Description: '', Icon: '' },
];

export const richParameters: TemplateVersionParameter[] = [
  { name: 'AI Prompt', description: 'Write a prompt for Claude Code', type: 'string', form_type: 'input', mutable: true, default_value: '', icon: '', options: [], required: false, ephemeral: false },
  { name: 'system_prompt', display_name: 'System Prompt', type: 'string', form_type: 'textarea', mutable: false, default_value: '', icon: '', options: [], required: false, ephemeral: false },
];

export const workspaceBuild: WorkspaceBuild = {
  id: BUILD_ID,
  build_number: 1,
  transition: 'start',
  status: 'running',
  reason: 'initiator',
  workspace_id: TASK_ID,
  template_version_id: TEMPLATE_VERSION_ID,
  template_version_preset_id: PRESET_ID,
  created_at: '2025-11-10T11:38:10.714053+01:00',
  job: { id: 'ad691f23-7056-4a2b-accd-2d70054cbb7c', status: 'succeeded', queue_position: 0, queue_size: 0 },
};

/** Trimmed workspace (the real one carries agent env vars: secrets; never copy those). */
export const workspace: Workspace = {
  id: TASK_ID,
  name: 'agent-of-agents',
  owner_id: OWNER_ID,
  owner_name: 'mvgijssel',
  organization_id: ORG_ID,
  template_id: TEMPLATE_ID,
  template_name: 'coder-devcontainer',
  template_active_version_id: TEMPLATE_VERSION_ID,
  outdated: false,
  latest_build: workspaceBuild,
  latest_app_status: { id: '416f1308-671c-44cc-9595-43175e8ff4fa', state: 'idle', message: 'Understanding test recording requirements', uri: '' },
  health: { healthy: true, failing_agents: [] },
  automatic_updates: 'never',
  created_at: '2025-11-10T11:38:10.64715+01:00',
  updated_at: '2025-11-10T11:38:10.64715+01:00',
};
