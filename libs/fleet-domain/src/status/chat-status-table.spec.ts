import { describe, expect, it } from 'vitest';
import { CHAT_STATUS_TABLE, deriveChatStatus, renderChatStatusTableMarkdown } from './chat-status-table.js';
import { STATUS_TABLE } from './status-table.js';
import { AGENT_STATUSES } from '../models/agent.js';
import { toChatAgent } from '../mapping/from-chat.js';
import { BASE_NOW } from '../testing/builders.js';
import { buildChatFromExample } from '../testing/chat-builders.js';

describe('CHAT_STATUS_TABLE', () => {
  it.each(CHAT_STATUS_TABLE.map((row, i) => [i + 1, row.id, row.status, row] as const))('row %i (%s) maps its example to %s', (_n, id, status, row) => {
    const agent = toChatAgent(buildChatFromExample(row.example), BASE_NOW);
    expect(agent.kind).toBe('chat');
    expect(agent.status).toBe(status);
    expect(agent.statusRule).toBe(id);
    expect(agent.statusReason.startsWith(row.reason)).toBe(true);
  });

  it('has unique row ids; with the task table it covers every AgentStatus', () => {
    expect(new Set(CHAT_STATUS_TABLE.map((r) => r.id)).size).toBe(CHAT_STATUS_TABLE.length);
    expect(new Set([...STATUS_TABLE, ...CHAT_STATUS_TABLE].map((r) => r.status))).toEqual(new Set(AGENT_STATUSES));
    expect(CHAT_STATUS_TABLE.some((r) => STATUS_TABLE.some((t) => t.id === r.id))).toBe(false);
  });

  it('renders as a markdown table', () => {
    const md = renderChatStatusTableMarkdown();
    expect(md.split('\n')).toHaveLength(CHAT_STATUS_TABLE.length + 2);
    expect(md).toContain('| 1 | `chat-archived` | **complete** |');
  });
});

describe('deriveChatStatus (design §3 rows)', () => {
  const input = (status: string, over: Partial<{ queuedForCapacity: boolean; archived: boolean; prState: string }> = {}) => ({
    status,
    queuedForCapacity: false,
    archived: false,
    prState: undefined,
    ...over,
  });
  it.each([
    ['running -> busy', input('running'), 'busy'],
    ['running queued for capacity -> starting', input('running', { queuedForCapacity: true }), 'starting'],
    ['waiting -> idle', input('waiting'), 'idle'],
    ['waiting, open PR -> idle', input('waiting', { prState: 'open' }), 'idle'],
    ['waiting, closed PR -> idle', input('waiting', { prState: 'closed' }), 'idle'],
    ['waiting, merged PR -> complete', input('waiting', { prState: 'merged' }), 'complete'],
    ['running, merged PR -> busy (still working)', input('running', { prState: 'merged' }), 'busy'],
    ['requires_action -> blocked', input('requires_action'), 'blocked'],
    ['interrupting -> stopping', input('interrupting'), 'stopping'],
    ['paused -> paused', input('paused'), 'paused'],
    ['error -> error', input('error'), 'error'],
    ['archived error -> complete', input('error', { archived: true }), 'complete'],
    ['removed status pending -> unknown', input('pending'), 'unknown'],
    ['empty status -> unknown', input(''), 'unknown'],
  ] as const)('%s', (_name, inp, status) => {
    expect(deriveChatStatus(inp).status).toBe(status);
  });
});
