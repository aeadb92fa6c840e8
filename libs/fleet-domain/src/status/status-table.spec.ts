import { describe, expect, it } from 'vitest';
import { STATUS_TABLE, deriveStatus, renderStatusTableMarkdown } from './status-table.js';
import { AGENT_STATUSES } from '../models/agent.js';
import { toAgent } from '../mapping/from-coder.js';
import { BASE_NOW, buildTaskFromExample } from '../testing/builders.js';

describe('STATUS_TABLE', () => {
  it.each(STATUS_TABLE.map((row, i) => [i + 1, row.id, row.status, row] as const))(
    'row %i (%s) maps its example to %s',
    (_n, id, status, row) => {
      const agent = toAgent(buildTaskFromExample(row.example), BASE_NOW);
      expect(agent.status).toBe(status);
      expect(agent.statusRule).toBe(id);
      expect(agent.statusReason.startsWith(row.reason)).toBe(true);
    },
  );

  it('has unique row ids and covers every AgentStatus but the chat-only `stopping`', () => {
    expect(new Set(STATUS_TABLE.map((r) => r.id)).size).toBe(STATUS_TABLE.length);
    expect(new Set(STATUS_TABLE.map((r) => r.status))).toEqual(new Set(AGENT_STATUSES.filter((s) => s !== 'stopping')));
  });

  it('renders as a markdown table with one line per row', () => {
    const md = renderStatusTableMarkdown();
    expect(md.split('\n')).toHaveLength(STATUS_TABLE.length + 2);
    expect(md).toContain('| 1 | `task-error` | **error** |');
  });
});

describe('deriveStatus edge cases', () => {
  const base = { era: 'v2', healthy: true } as const;
  it.each([
    ['unknown future task status', { ...base, taskStatus: 'suspended', workspaceStatus: 'running', lifecycle: 'ready', state: 'working' }, 'unknown'],
    ['unknown future workspace status', { ...base, taskStatus: 'active', workspaceStatus: 'hibernated', lifecycle: 'ready', state: 'idle' }, 'unknown'],
    ['experimental running without agent yet', { era: 'experimental', taskStatus: undefined, workspaceStatus: 'running', lifecycle: undefined, healthy: undefined, state: undefined }, 'starting'],
    ['GA active without lifecycle trusts Coder', { ...base, taskStatus: 'active', workspaceStatus: undefined, lifecycle: undefined, state: 'idle' }, 'idle'],
    ['experimental early build with task_status paused', { era: 'experimental', taskStatus: 'paused', workspaceStatus: 'stopped', lifecycle: 'off', healthy: undefined, state: 'idle' }, 'paused'],
    ['GA active, workspace deleting', { ...base, taskStatus: 'active', workspaceStatus: 'deleting', lifecycle: 'ready', state: 'idle' }, 'offline'],
    ['GA active, workspace canceled', { ...base, taskStatus: 'active', workspaceStatus: 'canceled', lifecycle: 'off', state: 'idle' }, 'offline'],
    ['GA pending task without workspace', { ...base, taskStatus: 'pending', workspaceStatus: undefined, lifecycle: undefined, state: undefined }, 'starting'],
    ['GA active, lifecycle shutting_down', { ...base, taskStatus: 'active', workspaceStatus: 'running', lifecycle: 'shutting_down', state: 'working' }, 'offline'],
    ['GA active, lifecycle created', { ...base, taskStatus: 'active', workspaceStatus: 'running', lifecycle: 'created', state: undefined }, 'starting'],
    ['error wins over paused', { ...base, taskStatus: 'error', workspaceStatus: 'stopped', lifecycle: 'off', state: 'idle' }, 'error'],
  ] as const)('%s -> %s', (_name, input, status) => {
    expect(deriveStatus(input).status).toBe(status);
  });
});
