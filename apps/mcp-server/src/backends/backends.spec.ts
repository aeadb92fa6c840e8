import { buildChat, buildDiffStatus } from '@org/fleet-domain/testing';
import { ChatListBody } from '@org/coder-api-client';
import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import type { Chat, CoderApiError, CoderResult } from '../coder.js';
import { manualClock } from '../testing/manual-clock.js';
import type { TaskListSource } from '../runtime/task-list.js';
import type { AgentResolver } from '../runtime/agent-resolver.js';
import { boundPage, createAgentsBackend, type ChatsClient } from './agents-backend.js';
import { chatQueue, queueFor, type AgentQueue } from './agent-queue.js';
import { CAPABILITIES, supportFor, unsupportedFailure } from './backend.js';
import { createFleetBackend, kindsFor } from './fleet-backend.js';
import type { WorkspacesBackend } from './workspaces-backend.js';

const ok = <T>(value: T, status = 200): CoderResult<T> => ({ ok: true, status, value });
const fail = (kind: CoderApiError['kind'], status: number, message = 'nope'): CoderResult<never> => ({ ok: false, error: { kind, status, operation: 'test', message } });
/** A chats page as the client returns it: the JSON body, indexed. */
const indexed = (chats: readonly Chat[]): CoderResult<ChatListBody> => {
  const body = ChatListBody.from(Buffer.from(JSON.stringify(chats)));
  if (!body.ok) throw new Error(body.problem);
  return ok(body.value);
};
const chat = (over: Partial<Chat> = {}): Chat => buildChat(over as never) as unknown as Chat;

/** A fake Chats client: every call is counted; answers come from `over`. */
function fakeChats(over: Partial<Record<keyof ChatsClient, (...args: never[]) => unknown>> = {}, chats: Chat[] = [chat()]) {
  const calls: { method: string; args: unknown[] }[] = [];
  const defaults: Record<string, (...args: never[]) => unknown> = {
    listChatsIndexed: () => indexed(chats),
    getChat: (id: string) => {
      const c = chats.find((x) => x.id === id);
      return c ? ok(c) : fail('not_found', 404);
    },
    listChatMessages: () => ok({ messages: [], has_more: false, queued_messages: [] }),
    getChatCost: (id: string) => ok({ chat_id: id, total_cost_micros: 1_840_000, request_count: 3, unpriced_request_count: 0 }),
    listMyOrganizations: () => ok([{ id: 'org-1' }]),
    createChat: () => ok(chat({ id: 'new-chat' }), 201),
    sendChatMessage: () => ok({ queued: false }),
    interruptChat: (id: string) => ok(chat({ id, status: 'interrupting' })),
    archiveChat: () => ok(undefined, 204),
    deleteQueuedChatMessage: () => ok(undefined, 204),
    promoteQueuedChatMessage: () => ok(undefined, 202),
  };
  const client = new Proxy({} as ChatsClient, {
    get: (_t, method: string) => async (...args: never[]) => {
      calls.push({ method, args });
      return (over[method as keyof ChatsClient] ?? defaults[method])!(...args);
    },
  });
  return { client, calls, count: (m: string) => calls.filter((c) => c.method === m).length };
}

function backendOf(fake: ReturnType<typeof fakeChats>, requestIds = ['req-1', 'req-2', 'req-3']) {
  let i = 0;
  return createAgentsBackend({
    coder: fake.client,
    clock: manualClock(Date.parse('2026-11-30T10:00:00Z')),
    thresholds: { idleWaitingMs: 30 * 60_000, stuckMs: 30 * 60_000 },
    chatsEra: async () => 'v2',
    ttlMs: 1_000,
    loadTimeoutMs: 5_000,
    newRequestId: () => requestIds[i++] ?? `req-${i}`,
  });
}

const ID = '7c1e0000-0000-4000-8000-000000000001';

describe('Agents backend (chats)', () => {
  it('reads the fleet with one list request and every agent says it is a chat (subagents included)', async () => {
    const fake = fakeChats({}, [chat({ id: ID, children: [chat({ id: `${ID.slice(0, -1)}2`, parent_chat_id: ID })] as never })]);
    const b = backendOf(fake);
    const r = await b.list();
    expect(r.ok && r.value.agents.map((a) => a.kind)).toEqual(['chat', 'chat']);
    await b.list();
    expect(fake.count('listChatsIndexed')).toBe(1);
  });

  it('maps an unknown chat status to unknown, never a crash', async () => {
    const b = backendOf(fakeChats({}, [chat({ id: ID, status: 'levitating' })]));
    const r = await b.list();
    expect(r.ok && r.value.agents[0]?.status).toBe('unknown');
  });

  it('resolves an unknown chat as missing and a 404 by id as missing (agent_not_found upstream)', async () => {
    const b = backendOf(fakeChats({}, [chat({ id: ID })]));
    expect(await b.resolve('00000000-0000-4000-8000-00000000dead')).toBe('missing');
    const found = await b.resolve(ID);
    expect(found !== 'missing' && found.ok && found.value.id).toBe(ID);
    const gone = await b.load('00000000-0000-4000-8000-00000000dead');
    expect(!gone.ok && gone.failure.code).toBe('agent_not_found');
  });

  it('queues input for a busy chat and reports its position in Coder’s queue', async () => {
    const fake = fakeChats({
      sendChatMessage: () => ok({ queued: true, queued_message: { id: 9, chat_id: ID, content: [], created_at: '2026-11-30T10:00:00Z' } }),
      listChatMessages: () =>
        ok({
          messages: [],
          has_more: false,
          queued_messages: [
            { id: 8, chat_id: ID, content: [{ type: 'text', text: 'first' }], created_at: '2026-11-30T09:59:00Z' },
            { id: 9, chat_id: ID, content: [{ type: 'text', text: 'second' }], created_at: '2026-11-30T10:00:00Z' },
          ],
        }),
    }, [chat({ id: ID })]);
    const b = backendOf(fake);
    const target = await b.load(ID);
    if (!target.ok) throw new Error('load');
    const r = await b.sendInput(target.value, 'also update docs', { whenBusy: 'queue' });
    expect(r.ok && r.value).toMatchObject({ kind: 'queued', position: 2, queuedMessageId: 9 });
    expect(fake.calls.find((c) => c.method === 'sendChatMessage')?.args[1]).toMatchObject({ busy_behavior: 'queue' });
  });

  it("refuses with when_busy 'fail' on a busy chat without calling Coder, and interrupts with 'interrupt'", async () => {
    const fake = fakeChats({}, [chat({ id: ID })]);
    const b = backendOf(fake);
    const target = await b.load(ID);
    if (!target.ok) throw new Error('load');
    const refused = await b.sendInput(target.value, 'x', { whenBusy: 'fail' });
    expect(!refused.ok && refused.failure.code).toBe('agent_busy');
    expect(fake.count('sendChatMessage')).toBe(0);
    const r = await b.sendInput(target.value, 'x', { whenBusy: 'interrupt' });
    expect(r.ok && r.value).toMatchObject({ kind: 'delivered', interrupted: true });
    expect(fake.calls.find((c) => c.method === 'sendChatMessage')?.args[1]).toMatchObject({ busy_behavior: 'interrupt' });
  });

  it('archives only idle or errored chats; a busy one is refused naming interrupt_agent', async () => {
    const fake = fakeChats({}, [chat({ id: ID, status: 'running' }), chat({ id: `${ID.slice(0, -1)}3`, status: 'waiting' })]);
    const b = backendOf(fake);
    const busy = await b.load(ID);
    if (!busy.ok) throw new Error('load');
    const refused = await b.archive(busy.value);
    expect(!refused.ok && refused.failure.hint).toContain('interrupt_agent');
    expect(fake.count('archiveChat')).toBe(0);
    const idle = await b.load(`${ID.slice(0, -1)}3`);
    if (!idle.ok) throw new Error('load');
    expect((await b.archive(idle.value)).ok).toBe(true);
    expect(fake.count('archiveChat')).toBe(1);
  });

  it('creates a chat in the token user’s organization with one request_id fixed before the first attempt', async () => {
    const fake = fakeChats();
    const b = backendOf(fake, ['fixed-id']);
    const r = await b.create({ prompt: 'Fix the tests', labels: { ticket: 'ENG-1' } });
    expect(r.ok && r.value.requestId).toBe('fixed-id');
    expect(fake.calls.find((c) => c.method === 'createChat')?.args[0]).toMatchObject({ organization_id: 'org-1', request_id: 'fixed-id', labels: { ticket: 'ENG-1' } });
  });

  it('answers a 409 spend limit as usage_limit with the next step', async () => {
    const b = backendOf(fakeChats({ createChat: () => fail('usage_limit', 409, 'spend limit reached') }));
    const r = await b.create({ prompt: 'x' });
    expect(!r.ok && r.failure.code).toBe('usage_limit');
    expect(!r.ok && r.failure.hint).toMatch(/budget/);
  });

  it('details carry cost and queue', async () => {
    const b = backendOf(fakeChats({}, [chat({ id: ID, diff_status: buildDiffStatus() as never })]));
    const r = await b.details(ID);
    expect(r.ok && r.value.costMicros).toBe(1_840_000);
    expect(r.ok && r.value.pr?.state).toBeDefined();
  });

  it('pages messages newest first within the byte budget, with a cursor for older ones', () => {
    const messages = [3, 2, 1].map((id) => ({ id, chat_id: ID, role: 'assistant', created_at: '2026-11-30T10:00:00Z', content: [{ type: 'text', text: 'x'.repeat(100) }] }));
    const page = boundPage(messages as never, false, 400);
    expect(page.entries.map((e) => e.id)).toEqual([3, 2]);
    expect(page).toMatchObject({ truncated: true, nextCursor: '2' });
  });
});

describe('fleet backend (union) and supports()', () => {
  const tasksSource = (calls: string[]): TaskListSource => ({
    list: async () => {
      calls.push('tasks');
      return ok({ agents: [], count: 0, fetchedAt: new Date(0), task: () => undefined });
    },
    invalidate: () => undefined,
    lastRead: () => undefined,
  });
  const resolver: AgentResolver = { resolve: async (ref) => ({ ok: false, failure: { code: 'agent_not_found', message: ref, hint: '' } }) };
  const workspaceReads: string[] = [];
  const noWorkspaces = {
    list: async () => {
      workspaceReads.push('workspaces');
      return ok({ agents: [], count: 0, fetchedAt: new Date(0) });
    },
    invalidate: () => undefined,
  } as unknown as WorkspacesBackend;

  it('never calls the Tasks API on Coder 2.37+ (chats only)', async () => {
    const calls: string[] = [];
    const fake = fakeChats();
    const b = createFleetBackend({
      coder: { detectCapabilities: async () => ok({ version: '2.37.0', raw: 'v2.37.0', tasks: 'none', chats: 'v2' }) },
      tasks: tasksSource(calls),
      taskResolver: resolver,
      workspaces: noWorkspaces,
      chats: backendOf(fake),
    });
    const r = await b.list();
    expect(r.ok && r.value.agents.every((a) => a.kind === 'chat')).toBe(true);
    expect(calls).toEqual([]);
  });

  it('serves both kinds on 2.34–2.36, and Tasks only when the chat routes answer 404', async () => {
    const calls: string[] = [];
    const both = createFleetBackend({
      coder: { detectCapabilities: async () => ok({ version: '2.36.0', raw: 'v2.36.0', tasks: 'v2', chats: 'experimental' }) },
      tasks: tasksSource(calls),
      taskResolver: resolver,
      workspaces: noWorkspaces,
      chats: backendOf(fakeChats()),
    });
    expect((await both.kinds()).ok && (await both.kinds())).toMatchObject({ value: ['task', 'chat'] });
    const r = await both.list();
    expect(r.ok && r.value.count).toBe(1);
    expect(calls).toEqual(['tasks']);

    const noChats = createFleetBackend({
      coder: { detectCapabilities: async () => ok({ version: '2.32.0', raw: 'v2.32.0', tasks: 'v2', chats: 'experimental' }) },
      tasks: tasksSource([]),
      taskResolver: resolver,
      workspaces: noWorkspaces,
      chats: backendOf(fakeChats({ listChatsIndexed: () => fail('not_found', 404) })),
    });
    expect((await noChats.list()).ok).toBe(true);
    expect(await noChats.kinds()).toMatchObject({ value: ['task'] });
  });

  it('serves workspace agents when Coder has neither Tasks nor Chats (or chats answer 404), or with --backend workspaces', async () => {
    const neither = createFleetBackend({
      coder: { detectCapabilities: async () => ok({ version: '2.26.0', raw: 'v2.26.0', tasks: 'none', chats: 'none' }) },
      tasks: tasksSource([]),
      taskResolver: resolver,
      chats: backendOf(fakeChats()),
      workspaces: noWorkspaces,
    });
    expect(await neither.kinds()).toMatchObject({ value: ['workspace'] });
    const chatsOff = createFleetBackend({
      coder: { detectCapabilities: async () => ok({ version: '2.40.0', raw: 'v2.40.0', tasks: 'none', chats: 'v2' }) },
      tasks: tasksSource([]),
      taskResolver: resolver,
      chats: backendOf(fakeChats({ listChatsIndexed: () => fail('not_found', 404) })),
      workspaces: noWorkspaces,
    });
    workspaceReads.length = 0;
    expect((await chatsOff.list()).ok).toBe(true);
    expect(workspaceReads).toEqual(['workspaces']);
    expect(await chatsOff.kinds()).toMatchObject({ value: ['workspace'] });
    const forced = createFleetBackend({
      coder: { detectCapabilities: async () => ok({ version: '2.36.0', raw: 'v2.36.0', tasks: 'v2', chats: 'experimental' }) },
      tasks: tasksSource([]),
      taskResolver: resolver,
      chats: backendOf(fakeChats()),
      workspaces: noWorkspaces,
      workspacesOnly: true,
    });
    expect(await forced.kinds()).toMatchObject({ value: ['workspace'] });
    expect(supportFor('workspace', 'interrupt').supported).toBe(true);
    const noQueue = supportFor('workspace', 'queue_when_busy');
    expect(!noQueue.supported && noQueue.reason).toMatch(/no queue/);
    const q = queueFor('workspace', { chat: chatQueue(backendOf(fakeChats())) });
    expect(!q.ok && q.failure.code).toBe('not_supported');
  });

  it('kindsFor follows the detected route trees', () => {
    expect(kindsFor({ tasks: 'experimental', chats: 'none' })).toEqual(['task']);
    expect(kindsFor({ tasks: 'none', chats: 'v2' })).toEqual(['chat']);
  });

  it('answers every capability for every kind; Tasks cannot interrupt and name pause_agent', () => {
    for (const c of CAPABILITIES) for (const k of ['task', 'chat', 'workspace'] as const) expect(supportFor(k, c)).toHaveProperty('supported');
    const s = supportFor('task', 'interrupt');
    if (s.supported) throw new Error('tasks interrupt');
    const f = unsupportedFailure(s);
    expect(f.code).toBe('not_supported');
    expect(f.message).toMatch(/pause_agent/);
    expect(f.details?.['next_tools']).toEqual(['pause_agent']);
  });
});

describe('agent queues (manage_agent_queue)', () => {
  it("maps chat queue ids to Coder's queued-message routes and refuses priorities", async () => {
    const fake = fakeChats({ listChatMessages: () => ok({ messages: [], has_more: false, queued_messages: [{ id: 7, chat_id: ID, content: [{ type: 'text', text: 'later' }], created_at: 't' }] }) });
    const q = chatQueue(backendOf(fake));
    expect(q.source).toBe('coder');
    const listed = await q.list(ID);
    expect(listed.ok && listed.value).toEqual([{ id: '7', position: 1, preview: 'later', createdAt: 't' }]);
    expect((await q.promote(ID, '7')).ok).toBe(true);
    expect((await q.cancel(ID, '7')).ok).toBe(true);
    expect(fake.calls.filter((c) => c.method.endsWith('QueuedChatMessage')).map((c) => [c.method, c.args[1]])).toEqual([
      ['promoteQueuedChatMessage', 7],
      ['deleteQueuedChatMessage', 7],
    ]);
    const bad = await q.cancel(ID, 'x7');
    expect(!bad.ok && bad.failure.code).toBe('not_found');
    expect(q.supports('reprioritise').supported).toBe(false);
    const r = await q.reprioritise(ID, '7', 'urgent');
    expect(!r.ok && r.failure.code).toBe('not_supported');
  });

  it('refuses task queues until a store queue is plugged in, then uses it', () => {
    const chat = chatQueue(backendOf(fakeChats()));
    const none = queueFor('task', { chat });
    expect(!none.ok && none.failure.message).toMatch(/Nothing is queued for task agents/);
    const store: AgentQueue = { ...chat, source: 'store' };
    const plugged = queueFor('task', { chat, task: store });
    expect(plugged.ok && plugged.value.source).toBe('store');
    expect(queueFor('chat', { chat, task: store }).ok && queueFor('chat', { chat }).ok).toBe(true);
  });
});
