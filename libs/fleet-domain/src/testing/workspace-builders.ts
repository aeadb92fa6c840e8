/**
 * Agent workspaces for tests (issue #17): a workspace whose agent `main` runs the AI app `ccw`, in the state one
 * WORKSPACE_STATUS_TABLE row describes. Fixed ids and times (from BASE_NOW), no randomness.
 */
import type { Workspace } from '../mapping/coder-types.js';
import type { WorkspaceStatusExample } from '../status/workspace-status-table.js';
import { BASE_NOW, isoAgo } from './builders.js';

export const WS_APP_ID = '00000000-0000-4000-9000-000000000031';
export const WS_AGENT_ID = '00000000-0000-4000-9000-000000000030';

export interface AgentWorkspaceExtras {
  readonly id?: string;
  readonly name?: string;
  readonly owner?: string;
  readonly slug?: string;
  /** Status reports of the app, newest first: [state, message, uri?]. */
  readonly reports?: readonly (readonly [string, string, string?])[];
  /** No agent and no apps (a build still provisioning). */
  readonly noAgent?: boolean;
  readonly templateVersionId?: string;
}

export function buildAgentWorkspace(example: WorkspaceStatusExample, extras: AgentWorkspaceExtras = {}): Workspace {
  const id = extras.id ?? '00000000-0000-4000-9000-000000000040';
  const name = extras.name ?? 'fix-login';
  const reports = extras.reports ?? (example.state !== undefined ? [[example.state, `state ${example.state}`] as const] : []);
  const statuses = reports.map(([state, message, uri], i) => ({
    id: `00000000-0000-4000-9000-0000000001${String(i).padStart(2, '0')}`,
    created_at: isoAgo((i + 1) * 60_000, BASE_NOW),
    workspace_id: id,
    agent_id: WS_AGENT_ID,
    app_id: WS_APP_ID,
    state,
    message,
    uri: uri ?? '',
  }));
  const agent = {
    id: WS_AGENT_ID,
    name: 'main',
    status: example.connection ?? (example.workspaceStatus === 'running' ? 'connected' : 'disconnected'),
    lifecycle_state: example.lifecycle ?? (example.workspaceStatus === 'running' ? 'ready' : 'off'),
    health: { healthy: example.healthy ?? true, ...(example.healthy === false ? { reason: 'agent has lost connection' } : {}) },
    apps: [{ id: WS_APP_ID, slug: extras.slug ?? 'ccw', display_name: 'Claude Code', health: example.appHealth ?? 'healthy', statuses }],
  };
  return {
    id,
    name,
    owner_id: '00000000-0000-4000-9000-000000000001',
    owner_name: extras.owner ?? 'alice',
    organization_id: '00000000-0000-4000-9000-000000000002',
    template_id: '00000000-0000-4000-9000-000000000003',
    template_name: 'claude-code',
    template_display_name: 'Claude Code',
    template_active_version_id: '00000000-0000-4000-9000-000000000004',
    created_at: isoAgo(3_600_000, BASE_NOW),
    updated_at: isoAgo(30 * 60_000, BASE_NOW),
    outdated: false,
    latest_build: {
      id: '00000000-0000-4000-9000-000000000050',
      build_number: 1,
      status: example.workspaceStatus,
      transition: 'start',
      template_version_id: extras.templateVersionId ?? '00000000-0000-4000-9000-000000000004',
      resources: extras.noAgent ? [] : [{ id: '00000000-0000-4000-9000-000000000060', name: 'workspace', agents: [agent] }],
    },
    latest_app_status: statuses[0] ?? null,
  } as unknown as Workspace;
}
