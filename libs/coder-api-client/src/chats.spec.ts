import { describe, expect, it } from 'vitest';
import { CHAT_ID, chat, cost, diff, messagesPage, sentIdle, sentQueued, userMessage } from './__fixtures__/chat-facts.js';
import { buildInfo, ORG_ID, organizations } from './__fixtures__/coder-facts.js';
import { empty, fakeFetch, json } from './__fixtures__/fake-fetch.js';
import { chatQuery } from './chats.js';
import { createCoderClient } from './client.js';
import { isKnownChatStatus, KNOWN_CHAT_STATUSES } from './guards.js';
import type { CoderClientOptions } from './types.js';
import { capabilitiesFor, chatsApiFor, parseCoderVersion } from './version.js';

const TOKEN = 'Xk3mP9qL2v-aB4cD5eF6gH7iJ8kL9mN0pQ1r';
const V2 = `/api/v2/chats/${CHAT_ID}`;

function setup(version = 'v2.37.0+abc', overrides: Partial<CoderClientOptions> = {}) {
  const fake = fakeFetch().on('GET /api/v2/buildinfo', json(buildInfo(version)));
  const client = createCoderClient({ baseUrl: 'https://coder.test', sessionToken: TOKEN, fetch: fake.fetch, retry: { baseDelayMs: 1 }, ...overrides });
  return { fake, client };
}

const version = (raw: string) => parseCoderVersion(raw)!;

describe('chats routing and capabilities', () => {
  it('picks /api/v2 from 2.37, /api/experimental on 2.32–2.36, none before; devel builds are v2', () => {
    expect(chatsApiFor(version('v2.31.9'))).toBe('none');
    expect(chatsApiFor(version('v2.32.0'))).toBe('experimental');
    expect(chatsApiFor(version('v2.36.4'))).toBe('experimental');
    expect(chatsApiFor(version('v2.37.0'))).toBe('v2');
    expect(chatsApiFor(version('v2.40.1'))).toBe('v2');
    expect(chatsApiFor(version('v0.0.0-devel'))).toBe('v2');
    expect(chatsApiFor(version('v2.31.0'), 'experimental')).toBe('experimental');
  });

  it('answers one capabilities object per era', () => {
    expect(capabilitiesFor(version('v2.27.1'))).toEqual({ version: '2.27.1', raw: 'v2.27.1', tasks: 'experimental', chats: 'none' });
    expect(capabilitiesFor(version('v2.36.0'))).toEqual({
      version: '2.36.0', raw: 'v2.36.0', tasks: 'v2', chats: 'experimental', chatsBasePath: '/api/experimental/chats',
    });
    expect(capabilitiesFor(version('v2.37.0'))).toMatchObject({ tasks: 'none', chats: 'v2', chatsBasePath: '/api/v2/chats' });
    expect(capabilitiesFor(version('v2.37.0'), { assumeTasksSupported: true })).toMatchObject({ tasks: 'v2', chats: 'v2' });
  });

  it('detectCapabilities reads buildinfo once and shares it with the routes', async () => {
    const { fake, client } = setup('v2.34.2+esr');
    fake.on('GET /api/experimental/chats', json([chat]));
    const caps = await client.detectCapabilities();
    expect(caps).toMatchObject({ ok: true, value: { tasks: 'v2', chats: 'experimental', chatsBasePath: '/api/experimental/chats' } });
    expect(await client.listChats()).toMatchObject({ ok: true, value: [chat] });
    expect(fake.paths()).toEqual(['GET /api/v2/buildinfo', 'GET /api/experimental/chats']);
  });

  it('answers chats_unsupported before 2.32 without calling a chat route', async () => {
    const { fake, client } = setup('v2.29.3');
    const r = await client.getChat(CHAT_ID);
    expect(r).toMatchObject({ ok: false, error: { kind: 'chats_unsupported', version: '2.29.3', operation: 'GET /api/v2/chats/{chat}' } });
    expect(fake.paths()).toEqual(['GET /api/v2/buildinfo']);
  });

  it('the chatsApi option overrides the version', async () => {
    const { fake, client } = setup('v2.31.0', { chatsApi: 'experimental' });
    fake.on(`GET /api/experimental/chats/${CHAT_ID}`, json(chat));
    expect(await client.getChat(CHAT_ID)).toMatchObject({ ok: true, value: chat });
  });
});

describe('chat calls', () => {
  it('lists with q, repeated labels and paging', async () => {
    const { fake, client } = setup();
    fake.on('GET /api/v2/chats', json([chat]));
    const q = chatQuery({ status: ['running', 'error'], archived: false });
    const r = await client.listChats({ q, labels: { ticket: 'ENG-42', team: 'web' }, afterId: CHAT_ID, limit: 50, offset: 0 });
    expect(r).toEqual({ ok: true, status: 200, value: [chat] });
    const url = new URL(fake.calls[1]!.url);
    expect(url.searchParams.get('q')).toBe('status:running,error archived:false');
    expect(url.searchParams.getAll('label')).toEqual(['ticket:ENG-42', 'team:web']);
    expect(url.searchParams.get('after_id')).toBe(CHAT_ID);
    expect(url.searchParams.get('limit')).toBe('50');
    expect(url.searchParams.get('offset')).toBe('0');
    expect(fake.calls[1]!.headers['coder-session-token']).toBe(TOKEN);
  });

  it('listChatsIndexed sends the same request and hands the body over indexed, each chat parsed on demand', async () => {
    const { fake, client } = setup();
    fake.on('GET /api/v2/chats', json([chat]), json({ chats: [] }));
    const r = await client.listChatsIndexed({ limit: 50, offset: 100 });
    if (!r.ok) throw new Error(r.error.message);
    expect([r.value.length, r.value.id(0)]).toEqual([1, chat.id]);
    expect(r.value.item(0)).toEqual({ ok: true, value: chat });
    const url = new URL(fake.calls[1]!.url);
    expect([url.pathname, url.searchParams.get('limit'), url.searchParams.get('offset')]).toEqual(['/api/v2/chats', '50', '100']);
    expect(await client.listChatsIndexed()).toMatchObject({ ok: false, error: { kind: 'unexpected_response' } });
  });

  it('an empty query sends no parameters', async () => {
    const { fake, client } = setup();
    fake.on('GET /api/v2/chats', json([]));
    await client.listChats({ q: '  ', labels: {} });
    expect(fake.calls[1]!.url).toBe('https://coder.test/api/v2/chats');
  });

  it('creates with 201 and sends the body (request_id included)', async () => {
    const { fake, client } = setup();
    fake.on('POST /api/v2/chats', json(chat, 201));
    const body = { organization_id: ORG_ID, content: [{ type: 'text' as const, text: 'Fix the failing tests' }], request_id: 'r-1', labels: { ticket: 'ENG-42' } };
    expect(await client.createChat(body)).toEqual({ ok: true, status: 201, value: chat });
    expect(JSON.parse(fake.calls[1]!.body!)).toEqual(body);
  });

  it('sends a message: idle inserts it, busy queues it', async () => {
    const { fake, client } = setup();
    fake.on(`POST ${V2}/messages`, json(sentIdle), json(sentQueued));
    const content = [{ type: 'text' as const, text: 'also update docs' }];
    expect(await client.sendChatMessage(CHAT_ID, { content })).toMatchObject({ ok: true, value: { queued: false, message: userMessage } });
    const queued = await client.sendChatMessage(CHAT_ID, { content, busy_behavior: 'queue', request_id: 'r-2' });
    expect(queued).toMatchObject({ ok: true, value: { queued: true, queued_message: { id: 7 } } });
    expect(JSON.parse(fake.calls[2]!.body!)).toEqual({ content, busy_behavior: 'queue', request_id: 'r-2' });
  });

  it('interrupts (200 Chat), archives and relabels (PATCH 204)', async () => {
    const { fake, client } = setup();
    fake.on(`POST ${V2}/interrupt`, json({ ...chat, status: 'interrupting' }));
    fake.on(`PATCH ${V2}`, empty(204));
    expect(await client.interruptChat(CHAT_ID)).toMatchObject({ ok: true, value: { status: 'interrupting' } });
    expect(await client.archiveChat(CHAT_ID)).toEqual({ ok: true, status: 204, value: undefined });
    expect(await client.updateChat(CHAT_ID, { labels: {} })).toMatchObject({ ok: true });
    expect(fake.calls.slice(2).map((c) => c.body)).toEqual(['{"archived":true}', '{"labels":{}}']);
  });

  it('pages messages with cursors', async () => {
    const { fake, client } = setup();
    fake.on(`GET ${V2}/messages`, json(messagesPage));
    expect(await client.listChatMessages(CHAT_ID, { beforeId: 100, afterId: 10, limit: 20 })).toMatchObject({ ok: true, value: messagesPage });
    const url = new URL(fake.calls[1]!.url);
    expect([url.searchParams.get('before_id'), url.searchParams.get('after_id'), url.searchParams.get('limit')]).toEqual(['100', '10', '20']);
  });

  it('deletes (200 or 204) and promotes (202 empty, or 200 with the message) queued messages', async () => {
    const { fake, client } = setup();
    fake.on(`DELETE ${V2}/queue/7`, empty(204), json({}, 200));
    fake.on(`POST ${V2}/queue/7/promote`, empty(202), json(userMessage));
    expect(await client.deleteQueuedChatMessage(CHAT_ID, 7)).toMatchObject({ ok: true, status: 204 });
    expect(await client.deleteQueuedChatMessage(CHAT_ID, 7)).toMatchObject({ ok: true, status: 200 });
    expect(await client.promoteQueuedChatMessage(CHAT_ID, 7)).toEqual({ ok: true, status: 202, value: undefined });
    expect(await client.promoteQueuedChatMessage(CHAT_ID, 7)).toEqual({ ok: true, status: 200, value: userMessage });
  });

  it('reads cost and diff', async () => {
    const { fake, client } = setup();
    fake.on(`GET ${V2}/cost`, json(cost)).on(`GET ${V2}/diff`, json(diff));
    expect(await client.getChatCost(CHAT_ID)).toMatchObject({ ok: true, value: cost });
    expect(await client.getChatDiff(CHAT_ID)).toMatchObject({ ok: true, value: diff });
  });

  it('looks up the token user organizations and org-scoped models (2.37+ only)', async () => {
    const { fake, client } = setup();
    fake.on('GET /api/v2/users/me/organizations', json(organizations));
    fake.on(`GET /api/v2/organizations/${ORG_ID}/chats/models`, json({ models: [], providers: [], unsupported_providers: [] }));
    expect(await client.listMyOrganizations()).toMatchObject({ ok: true, value: organizations });
    expect(await client.listChatModels(ORG_ID)).toMatchObject({ ok: true, value: { models: [] } });
    const old = setup('v2.35.0').client;
    expect(await old.listChatModels(ORG_ID)).toMatchObject({ ok: false, error: { kind: 'chats_unsupported' } });
  });
});

describe('chat failures', () => {
  it('409 with kind usage_limit, or a spend-limit message, is usage_limit; other 409s stay conflict', async () => {
    const { fake, client } = setup();
    fake.on(
      `POST ${V2}/messages`,
      json({ message: 'Chat usage limit exceeded.', kind: 'usage_limit' }, 409),
      json({ message: 'You have reached your monthly spend limit.' }, 409),
      json({ message: 'Chat is busy.', detail: 'archive requires an idle chat' }, 409),
      json({ message: 'Denied by hook.', kind: 'hook_denied' }, 409),
    );
    const content = [{ type: 'text' as const, text: 'x' }];
    const kinds = [];
    for (let i = 0; i < 4; i++) {
      const r = await client.sendChatMessage(CHAT_ID, { content });
      kinds.push(r.ok ? 'ok' : [r.error.kind, r.error.coderKind]);
    }
    expect(kinds).toEqual([['usage_limit', 'usage_limit'], ['usage_limit', undefined], ['conflict', undefined], ['conflict', 'hook_denied']]);
  });

  it('an unknown chat is not_found with the route template (never the id)', async () => {
    const { fake, client } = setup();
    fake.on(`GET ${V2}`, json({ message: 'Chat not found.' }, 404));
    const r = await client.getChat(CHAT_ID);
    expect(r).toEqual({ ok: false, error: { kind: 'not_found', status: 404, operation: 'GET /api/v2/chats/{chat}', message: 'Chat not found.' } });
  });

  it('retries reads on 503 but never a send', async () => {
    const { fake, client } = setup();
    fake.on(`GET ${V2}`, json({ message: 'busy' }, 503), json(chat));
    fake.on(`POST ${V2}/messages`, json({ message: 'busy' }, 503), json(sentIdle));
    expect(await client.getChat(CHAT_ID)).toMatchObject({ ok: true });
    expect(await client.sendChatMessage(CHAT_ID, { content: [] })).toMatchObject({ ok: false, error: { kind: 'upstream_unavailable' } });
    expect(fake.paths().filter((p) => p.startsWith('POST'))).toHaveLength(1);
  });

  it('rejects bodies that are not chats', async () => {
    const { fake, client } = setup();
    fake.on('GET /api/v2/chats', json({ chats: [] })).on(`POST ${V2}/messages`, json({ ok: true }));
    expect(await client.listChats()).toMatchObject({ ok: false, error: { kind: 'unexpected_response' } });
    expect(await client.sendChatMessage(CHAT_ID, { content: [] })).toMatchObject({ ok: false, error: { kind: 'unexpected_response' } });
  });
});

describe('chatQuery and statuses', () => {
  it('builds Coder chat search terms, quoting values with spaces or colons', () => {
    expect(chatQuery()).toBeUndefined();
    expect(chatQuery({ status: 'requires_action', hasUnread: true, prStatus: ['open', 'draft'], source: ['created_by_me', 'shared_with_me'] })).toBe(
      'status:requires_action has_unread:true pr_status:open,draft source:created_by_me,shared_with_me',
    );
    expect(chatQuery({ title: 'fix "the" tests', archived: 'any', search: 'a:b' })).toBe('archived:any title:"fix the tests" search:"a:b"');
  });

  it('knows the current statuses and nothing else', () => {
    expect(KNOWN_CHAT_STATUSES).toEqual(['waiting', 'running', 'error', 'requires_action', 'interrupting', 'paused']);
    expect(isKnownChatStatus('requires_action')).toBe(true);
    expect(isKnownChatStatus('completed')).toBe(false);
    expect(isKnownChatStatus('brand_new_status')).toBe(false);
  });
});
