import { describe, expect, it } from 'vitest';
import { createChatMapper, partsText, toChatAgent, toChatAgents, toLastError, toPullRequest, toPullRequestState } from './from-chat.js';
import { reassessAgent } from './from-coder.js';
import type { Chat, ChatDiffStatus } from './coder-types.js';
import { BASE_NOW, HOUR, MINUTE, isoAgo } from '../testing/builders.js';
import { buildChat, buildChatAgent, buildChatFromExample, buildChatList, buildDiffStatus, buildQueuedMessage } from '../testing/chat-builders.js';
import { CHAT_STATUS_TABLE } from '../status/chat-status-table.js';

/** A partial diff status as a tolerant reader may meet it (fields the spec calls required left out). */
const wire = (d: Partial<ChatDiffStatus>) => d as ChatDiffStatus;

describe('toChatAgent', () => {
  it('maps a running chat: kind chat, id as name, title as display name, chat facts, nothing invented', () => {
    const chat = buildChat({ id: 'c1', workspace_id: 'ws1', agent_id: 'ag1', has_unread: true, last_turn_summary: 'Ran the tests' });
    const a = toChatAgent(chat, BASE_NOW);
    expect(a).toMatchObject({
      kind: 'chat',
      id: 'c1',
      name: 'c1',
      displayName: 'Fix the failing tests',
      owner: 'alice',
      status: 'busy',
      statusRule: 'chat-running',
      coderStatus: 'running',
      era: 'v2',
      health: { healthy: true },
      workspace: { id: 'ws1', agentId: 'ag1' },
      labels: { ticket: 'ENG-42' },
      modelConfigId: '00000000-0000-4000-9000-000000000030',
      unread: true,
      lastTurnSummary: 'Ran the tests',
      archived: false,
      initialPrompt: '',
      template: { id: '', name: '', displayName: '' },
    });
    for (const absent of ['costMicros', 'pr', 'queue', 'model', 'parentId', 'rootId', 'childIds', 'lastError', 'actionRequired', 'turns', 'state', 'firstWorkAt', 'needsAttention'] as const) {
      expect(a[absent], absent).toBeUndefined();
    }
    expect(a.times.stateSince).toBe(BASE_NOW - 2 * MINUTE);
    expect(a.lastActivityAt).toBe(isoAgo(2 * MINUTE));
  });

  it('takes extras: cost, turns, queue, model, template, era, message times', () => {
    const a = toChatAgent(buildChat({ title: '' }), BASE_NOW, {
      costMicros: 184_000,
      turns: 7,
      queuedMessages: [buildQueuedMessage(1, 'also   update\nthe docs'), buildQueuedMessage(2, 'then lint')],
      model: 'Claude Sonnet',
      template: { id: 't1', name: 'python-dev', displayName: 'Python' },
      era: 'experimental',
      lastMessageAt: isoAgo(MINUTE),
      firstWorkAt: BASE_NOW - 29 * MINUTE,
    });
    expect(a).toMatchObject({ costMicros: 184_000, turns: 7, queue: { count: 2, preview: 'also update the docs' }, model: 'Claude Sonnet', era: 'experimental' });
    expect(a.template.name).toBe('python-dev');
    expect(a.displayName).toBe(a.id);
    expect(a.lastActivityAt).toBe(isoAgo(MINUTE));
    expect(a.times.stateSince).toBe(BASE_NOW - MINUTE);
    expect(a.firstWorkAt).toBe(isoAgo(29 * MINUTE));
    expect(toChatAgent(buildChat(), BASE_NOW, { queuedMessages: [] }).queue).toEqual({ count: 0, preview: undefined });
    expect(toChatAgent(buildChat(), BASE_NOW, { lastMessageAt: isoAgo(HOUR) }).times.stateSince).toBe(BASE_NOW - 2 * MINUTE);
  });

  it('tolerates odd input: unknown status, bad times, absent omitempty fields, nulls', () => {
    const odd = { id: 'x', organization_id: 'o', owner_id: 'u', title: 't', status: 'hibernating', created_at: 'nope', updated_at: '' } as Chat;
    const a = toChatAgent(odd, BASE_NOW);
    expect(a.status).toBe('unknown');
    expect(a.statusReason).toContain('"hibernating"');
    expect(a.owner).toBe('');
    expect(a.createdAt).toBe('nope');
    expect(Number.isNaN(a.times.createdAt)).toBe(true);
    expect(a.labels).toBeUndefined();
    expect(a.archived).toBe(false);
    const nulls = toChatAgent(buildChat({ labels: null, children: null, last_error: null, diff_status: null, status: 'waiting' } as unknown as Partial<Chat>), BASE_NOW, { lastMessageAt: isoAgo(MINUTE) });
    expect(nulls).toMatchObject({ status: 'idle', labels: undefined, pr: undefined, lastError: undefined });
    expect(toChatAgent({ ...odd, status: 'waiting' }, BASE_NOW, { lastMessageAt: BASE_NOW - MINUTE }).times.stateSince).toBe(BASE_NOW - MINUTE);
  });

  it('reasons name the error kind, the merged PR and the raw status', () => {
    expect(buildChatAgent({ status: 'error' }).statusReason).toBe('the chat stopped with an error (usage_limit): "monthly spend limit reached"');
    expect(toChatAgent(buildChat({ status: 'error' }), BASE_NOW).statusReason).toBe('the chat stopped with an error');
    expect(toChatAgent(buildChat({ status: 'error', last_error: { message: '', retryable: false } }), BASE_NOW).statusReason).toBe('the chat stopped with an error');
    expect(toChatAgent(buildChatFromExample({ status: 'waiting', prState: 'merged' }), BASE_NOW).statusReason).toBe('the chat is idle and its pull request is merged (PR #12)');
    expect(toChatAgent(buildChat({ status: 'waiting', diff_status: wire({ pull_request_state: 'merged' }) }), BASE_NOW).statusReason).toBe('the chat is idle and its pull request is merged');
    expect(toChatAgent(buildChat({ status: 'running', archived: true }), BASE_NOW).statusReason).toBe('the chat is archived (status "running")');
  });

  it('error chats are unhealthy with their last error classified', () => {
    const a = toChatAgent(buildChat({ status: 'error', last_error: { message: 'slow down', kind: 'rate_limit', retryable: true, provider: 'anthropic', status_code: 429, detail: 'd' } }), BASE_NOW);
    expect(a.health).toEqual({ healthy: false, reason: a.statusReason });
    expect(a.lastError).toEqual({ kind: 'rate_limit', errorClass: 'transient', message: 'slow down', detail: 'd', retryable: true, provider: 'anthropic', statusCode: 429 });
  });

  it('requires_action carries since and the estimated 5-minute deadline', () => {
    const a = toChatAgent(buildChat({ status: 'requires_action', updated_at: isoAgo(MINUTE) }), BASE_NOW);
    expect(a.actionRequired).toEqual({ since: isoAgo(MINUTE), deadlineAt: isoAgo(-4 * MINUTE), toolNames: undefined });
    const seen = toChatAgent(buildChat({ status: 'requires_action' }), BASE_NOW, { actionRequired: { since: BASE_NOW - 30_000, toolNames: ['lookup'] } });
    expect(seen.actionRequired).toEqual({ since: isoAgo(30_000), deadlineAt: isoAgo(-270_000), toolNames: ['lookup'] });
    expect(toChatAgent(buildChat({ status: 'requires_action' }), BASE_NOW, { actionRequired: { toolNames: ['x'] } }).actionRequired?.since).toBe(isoAgo(2 * MINUTE));
  });
});

describe('pull requests', () => {
  it.each([
    ['open', false, 'open'],
    ['open', true, 'draft'],
    ['merged', false, 'merged'],
    ['closed', true, 'closed'],
    ['reopened', false, 'unknown'],
    [undefined, false, 'unknown'],
  ] as const)('%s (draft %s) -> %s', (raw, draft, state) => expect(toPullRequestState(raw, draft)).toBe(state));

  it('maps diff_status to a PR, or none when it tracks no PR', () => {
    expect(toPullRequest(buildDiffStatus({ changes_requested: true, approved: true }))).toEqual({
      number: 12,
      url: 'https://github.com/acme/app/pull/12',
      state: 'open',
      rawState: 'open',
      draft: false,
      title: 'Fix the failing tests',
      additions: 40,
      deletions: 7,
      changedFiles: 3,
      changesRequested: true,
      approved: true,
      headBranch: 'fix-tests',
      baseBranch: 'main',
    });
    expect(toPullRequest(wire({ chat_id: 'c', additions: 3 }))).toBeUndefined();
    expect(toPullRequest(null)).toBeUndefined();
    expect(toPullRequest(wire({ url: 'https://x/pull/1' }))).toMatchObject({ state: 'unknown', title: '', additions: 0, changesRequested: false, approved: undefined });
  });

  it('toLastError: absent stays absent; unknown kinds follow retryable', () => {
    expect(toLastError(undefined)).toBeUndefined();
    expect(toLastError({ message: 'x', kind: 'brand_new', retryable: true })?.errorClass).toBe('transient');
    expect(toLastError({ message: 'x', retryable: false })).toMatchObject({ kind: '', errorClass: 'other' });
  });
});

describe('toChatAgents', () => {
  it('lists each root followed by its subagents, with parent and root ids', () => {
    const grandchild = buildChat({ id: 'g', title: 'grandchild' });
    const child1 = buildChat({ id: 'c1', parent_chat_id: 'r', root_chat_id: 'r', children: [grandchild] });
    const child2 = buildChat({ id: 'c2', status: 'waiting' });
    const root = buildChat({ id: 'r', children: [child1, child2] });
    const agents = toChatAgents([root, buildChat({ id: 'solo' })], BASE_NOW, { models: { '00000000-0000-4000-9000-000000000030': 'Sonnet' }, extras: { c2: { costMicros: 5 } } });
    expect(agents.map((a) => [a.id, a.parentId, a.rootId])).toEqual([
      ['r', undefined, undefined],
      ['c1', 'r', 'r'],
      ['g', 'c1', 'r'],
      ['c2', 'r', 'r'],
      ['solo', undefined, undefined],
    ]);
    expect(agents[0]?.childIds).toEqual(['c1', 'c2']);
    expect(agents[4]?.childIds).toBeUndefined();
    expect(agents.every((a) => a.model === 'Sonnet')).toBe(true);
    expect(agents[3]?.costMicros).toBe(5);
    expect(toChatAgents([buildChat({ last_model_config_id: undefined })], BASE_NOW)[0]?.model).toBeUndefined();
  });

  it('createChatMapper maps like toChatAgents', () => {
    const list = buildChatList(30);
    const map = createChatMapper(BASE_NOW);
    expect(list.flatMap((c) => map(c))).toEqual(toChatAgents(list, BASE_NOW));
  });
});

describe('reassessAgent on chats', () => {
  const LATER = [0, 61_000, 14 * MINUTE, 16 * MINUTE, 31 * MINUTE, 3 * HOUR];
  it('equals a fresh toChatAgent at the later time, for every row and age', () => {
    const chats: Chat[] = CHAT_STATUS_TABLE.map((r) => buildChatFromExample(r.example));
    for (const agoMs of [0, 5 * MINUTE, 20 * MINUTE, 45 * MINUTE]) {
      chats.push(buildChat({ updated_at: isoAgo(agoMs) }), buildChat({ status: 'waiting', updated_at: isoAgo(agoMs) }));
    }
    chats.push(...buildChatList(22));
    for (const chat of chats) {
      const before = toChatAgent(chat, BASE_NOW);
      for (const later of LATER) expect(reassessAgent(before, BASE_NOW + later)).toEqual(toChatAgent(chat, BASE_NOW + later));
    }
  });
});

describe('partsText', () => {
  it('joins text parts and names the others', () => {
    expect(partsText([{ type: 'text', text: 'a\n b' }, { type: 'file' }, { type: 'text' }])).toBe('a b [file]');
    expect(partsText(null)).toBe('');
  });
});

describe('builders', () => {
  it('buildAgent refuses a status no task row yields', async () => {
    const { buildAgent } = await import('../testing/builders.js');
    expect(() => buildAgent({ status: 'stopping' })).toThrow('buildChatAgent');
  });
});
