import { describe, expect, it } from 'vitest';
import { WORKSPACE_STATUS_TABLE, deriveWorkspaceStatus, renderWorkspaceStatusTableMarkdown } from './workspace-status-table.js';
import { STATUS_TABLE } from './status-table.js';
import { CHAT_STATUS_TABLE } from './chat-status-table.js';
import { toWorkspaceAgent } from '../mapping/from-workspace-agent.js';
import { BASE_NOW } from '../testing/builders.js';
import { buildAgentWorkspace } from '../testing/workspace-builders.js';

describe('WORKSPACE_STATUS_TABLE', () => {
  it.each(WORKSPACE_STATUS_TABLE.map((row, i) => [i + 1, row.id, row.status, row] as const))('row %i (%s) maps its example to %s', (_n, id, status, row) => {
    const agent = toWorkspaceAgent(buildAgentWorkspace(row.example), BASE_NOW);
    expect(agent.kind).toBe('workspace');
    expect(agent.status).toBe(status);
    expect(agent.statusRule).toBe(id);
    expect(agent.statusReason.startsWith(row.reason)).toBe(true);
  });

  it('shares task rows by id, status and reason; its own rows are new ids', () => {
    expect(new Set(WORKSPACE_STATUS_TABLE.map((r) => r.id)).size).toBe(WORKSPACE_STATUS_TABLE.length);
    for (const row of WORKSPACE_STATUS_TABLE) {
      const task = STATUS_TABLE.find((t) => t.id === row.id);
      if (row.shared) expect(task).toMatchObject({ status: row.status, reason: row.reason });
      else expect(task ?? CHAT_STATUS_TABLE.find((c) => c.id === row.id)).toBeUndefined();
    }
  });

  it('renders as a markdown table (shared rows say so)', () => {
    const md = renderWorkspaceStatusTableMarkdown();
    expect(md.split('\n')).toHaveLength(WORKSPACE_STATUS_TABLE.length + 2);
    expect(md).toContain('| 1 | `workspace-failed` | **error** | as for tasks: ');
    expect(md).toContain('`workspace-stopped` | **paused**');
  });
});

describe('deriveWorkspaceStatus', () => {
  const up = { workspaceStatus: 'running', connection: 'connected', lifecycle: 'ready', healthy: true, appHealth: 'healthy' };
  it.each([
    ['a stopped workspace is paused (whatever its old report)', { ...up, workspaceStatus: 'stopped', state: 'working' as const }, 'workspace-stopped'],
    ['stopping is paused too', { ...up, workspaceStatus: 'stopping', state: undefined }, 'workspace-stopped'],
    ['pending is starting', { ...up, workspaceStatus: 'pending', state: undefined }, 'workspace-starting'],
    ['canceled is offline', { ...up, workspaceStatus: 'canceled', state: undefined }, 'workspace-gone'],
    ['no agent yet while running is starting', { workspaceStatus: 'running', connection: undefined, lifecycle: undefined, healthy: undefined, appHealth: undefined, state: undefined }, 'agent-starting'],
    ['timeout connection is offline', { ...up, connection: 'timeout', state: 'idle' as const }, 'agent-disconnected'],
    ['start_timeout is not ready', { ...up, lifecycle: 'start_timeout', state: 'idle' as const }, 'agent-not-ready'],
    ['app initializing with idle report is idle', { ...up, appHealth: 'initializing', state: 'idle' as const }, 'state-idle'],
    ['failure is blocked', { ...up, state: 'failed' as const }, 'state-failed'],
  ])('%s', (_label, input, id) => {
    expect(deriveWorkspaceStatus(input).id).toBe(id);
  });
});
