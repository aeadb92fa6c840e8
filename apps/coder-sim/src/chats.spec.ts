import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simFetch } from './__fixtures__/sim-fetch.js';
import { startCoderSim, type CoderSim } from './index.js';

const MINUTE = 60_000;
const text = (t: string) => [{ type: 'text', text: t }];

describe('chats on Coder 2.37 (Agents era)', () => {
  let sim: CoderSim;
  let api: ReturnType<typeof simFetch>;
  let org: string;

  beforeAll(async () => {
    sim = await startCoderSim({ coderVersion: '2.37', seed: 4 });
    api = simFetch(sim);
    org = (await api('GET', '/api/v2/organizations')).body.find((o: { is_default: boolean }) => o.is_default).id;
  });
  afterAll(() => sim.stop());

  async function create(body: Record<string, unknown> = {}, token?: string) {
    const res = await api('POST', '/api/v2/chats', { body: { organization_id: org, content: text('Fix the tests'), ...body }, ...(token ? { token } : {}) });
    expect(res.status, res.text).toBe(201);
    return res.body as { id: string; status: string; title: string };
  }
  const get = async (id: string) => (await api('GET', `/api/v2/chats/${id}`)).body;
  const send = (id: string, t: string, busy?: string) => api('POST', `/api/v2/chats/${id}/messages`, { body: { content: text(t), ...(busy ? { busy_behavior: busy } : {}) } });

  it('has no task routes and serves chats only under /api/v2 on 2.40', async () => {
    expect((await api('GET', '/api/v2/tasks')).status).toBe(404);
    expect((await api('GET', '/api/experimental/tasks')).status).toBe(404);
    expect((await api('GET', '/api/v2/chats')).status).toBe(200);
    expect((await api('GET', '/api/experimental/chats')).status).toBe(200); // 2.37.0 still double-mounts
    sim.control.setCoderVersion('2.40');
    expect((await api('GET', '/api/experimental/chats')).status).toBe(404);
    expect((await api('GET', '/api/v2/chats')).status).toBe(200);
    sim.control.setCoderVersion('2.36');
    expect((await api('GET', '/api/v2/chats')).status).toBe(404);
    expect((await api('GET', '/api/experimental/chats')).status).toBe(200);
    expect((await api('GET', '/api/v2/tasks')).status).toBe(200);
    sim.control.setCoderVersion('2.29');
    expect((await api('GET', '/api/experimental/chats')).status).toBe(404);
    sim.control.setCoderVersion('2.37');
  });

  it('creates running chats (idle with empty content), works a turn, then waits with usage and cost', async () => {
    const chat = await create({ labels: { ticket: 'ENG-42' } });
    expect(chat).toMatchObject({ status: 'running', title: 'Fix the tests', labels: { ticket: 'ENG-42' }, children: [], last_turn_summary: null, summary: null });
    const idle = await create({ content: [] });
    expect(idle.status).toBe('waiting');
    sim.control.chats.finishTurn(chat.id);
    const done = await get(chat.id);
    expect(done).toMatchObject({ status: 'waiting', has_unread: true, last_turn_summary: expect.any(String) });
    const messages = (await api('GET', `/api/v2/chats/${chat.id}/messages`)).body;
    expect(messages.messages[0]).toMatchObject({ role: 'assistant', usage: { input_tokens: expect.any(Number), output_tokens: expect.any(Number) } });
    expect(messages.messages.at(-1)).toMatchObject({ role: 'user', content: [{ type: 'text', text: 'Fix the tests' }] });
    const cost = (await api('GET', `/api/v2/chats/${chat.id}/cost`)).body;
    expect(cost.total_cost_micros).toBeGreaterThan(0);
    expect(cost.request_count).toBeGreaterThanOrEqual(1);
    expect((await api('PATCH', `/api/v2/chats/${chat.id}`, { body: { read: true } })).status).toBe(204);
    expect((await get(chat.id)).has_unread).toBe(false);
  });

  it('queues messages while busy (max 20), deletes and promotes queued ones, and runs them in order', async () => {
    const chat = await create();
    const first = await send(chat.id, 'also update the docs');
    expect(first.body).toMatchObject({ queued: true, queued_message: { id: expect.any(Number), content: text('also update the docs') } });
    const second = await send(chat.id, 'and the changelog');
    const third = await send(chat.id, 'and bump the version');
    expect((await api('DELETE', `/api/v2/chats/${chat.id}/queue/${second.body.queued_message.id}`)).status).toBe(204);
    expect((await api('DELETE', `/api/v2/chats/${chat.id}/queue/${second.body.queued_message.id}`)).status).toBe(404);
    expect((await api('POST', `/api/v2/chats/${chat.id}/queue/${third.body.queued_message.id}/promote`)).status).toBe(202);
    // Promoting while running interrupts the turn; the promoted message is delivered next.
    expect((await get(chat.id)).status).toBe('interrupting');
    sim.control.advance(5_000);
    const page = (await api('GET', `/api/v2/chats/${chat.id}/messages`)).body;
    expect(page.messages[0]).toMatchObject({ role: 'user', content: text('and bump the version'), queued_message_id: third.body.queued_message.id });
    expect(page.queued_messages.map((q: { id: number }) => q.id)).toEqual([first.body.queued_message.id]);
    for (let i = 0; i < 19; i++) expect((await send(chat.id, `more ${i}`)).status).toBe(200);
    const full = await send(chat.id, 'one too many');
    expect(full.status).toBe(409);
    expect(full.body.message).toMatch(/queue is full/);
  });

  it('interrupts (running → interrupting → waiting) and refuses to archive busy chats; archives the whole family', async () => {
    const chat = await create();
    const child = sim.control.chats.create({ text: 'Explore', parent: chat.id });
    expect((await api('PATCH', `/api/v2/chats/${chat.id}`, { body: { archived: true } })).status).toBe(409);
    const interrupted = await api('POST', `/api/v2/chats/${chat.id}/interrupt`);
    expect(interrupted.body.status).toBe('interrupting');
    sim.control.advance(5_000);
    expect((await get(chat.id)).status).toBe('waiting');
    expect((await api('PATCH', `/api/v2/chats/${chat.id}`, { body: { archived: true } })).status).toBe(409); // the child still runs
    sim.control.chats.finishTurn(child.id);
    expect((await api('PATCH', `/api/v2/chats/${chat.id}`, { body: { archived: true } })).status).toBe(204);
    expect((await get(child.id)).archived).toBe(true);
    expect((await send(chat.id, 'hello?')).status).toBe(409);
    const listed = (await api('GET', '/api/v2/chats?q=archived:true')).body as { id: string; children: { id: string }[] }[];
    expect(listed.find((c) => c.id === chat.id)?.children.map((c) => c.id)).toEqual([child.id]);
    expect((await api('PATCH', `/api/v2/chats/${child.id}`, { body: { archived: false } })).status).toBe(204);
    expect((await get(chat.id)).archived).toBe(false);
  });

  it('requires_action has a 5-minute deadline; errors carry their kind and clear on the next message', async () => {
    const chat = await create();
    sim.control.chats.requireAction(chat.id, [{ toolCallId: 'c1', toolName: 'lookup', args: '{"q":"x"}' }]);
    expect((await get(chat.id)).status).toBe('requires_action');
    sim.control.advance(5 * MINUTE + 1_000);
    const expired = await get(chat.id);
    expect(expired).toMatchObject({ status: 'error', last_error: { kind: 'timeout', retryable: true } });
    sim.control.chats.fail(chat.id, 'overloaded');
    expect((await get(chat.id)).last_error).toMatchObject({ kind: 'overloaded', retryable: true, provider: 'anthropic' });
    const retried = await send(chat.id, 'try again');
    expect(retried.body).toMatchObject({ queued: false, message: { role: 'user' } });
    const after = await get(chat.id);
    expect(after.status).toBe('running');
    expect(after.last_error).toBeUndefined();
  });

  it('leaves chats queued_for_capacity beyond the concurrency limit (single GET only)', async () => {
    sim.control.chats.setConcurrency(sim.control.chats.list().filter((c) => (c.status === 'running' && !c.queuedForCapacity) || c.status === 'interrupting').length);
    const waiting = await create();
    expect((await get(waiting.id)).queued_for_capacity).toBe(true);
    const listed = ((await api('GET', '/api/v2/chats')).body as { id: string; queued_for_capacity?: boolean }[]).find((c) => c.id === waiting.id);
    expect(listed).toBeDefined();
    expect(listed?.queued_for_capacity).toBeUndefined();
    sim.control.chats.setConcurrency(null);
    expect((await get(waiting.id)).queued_for_capacity).toBe(false);
  });

  it('answers 409 over the spend limit', async () => {
    const chat = await create();
    sim.control.chats.setSpendLimit(0);
    const refused = await api('POST', '/api/v2/chats', { body: { organization_id: org, content: text('more work') } });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/spend limit/);
    expect((await send(chat.id, 'more')).status).toBe(409);
    sim.control.chats.setSpendLimit(null);
    expect((await send(chat.id, 'more')).status).toBe(200);
  });

  it('makes retried creates idempotent with request_id', async () => {
    const a = await create({ request_id: 'req-1' });
    const b = await create({ request_id: 'req-1' });
    expect(b.id).toBe(a.id);
    const other = await api('POST', '/api/v2/chats', { body: { organization_id: org, content: text('something else'), request_id: 'req-1' } });
    expect(other.status).toBe(409);
    expect((await create({ request_id: 'req-1' }, 'sim-alice-token')).id).not.toBe(a.id);
  });

  it('recognises a repeated message request_id (a retry after a lost answer sends nothing twice)', async () => {
    const chat = await create();
    const body = { content: text('only once please'), request_id: 'msg-req-1' };
    const first = await api('POST', `/api/v2/chats/${chat.id}/messages`, { body });
    const again = await api('POST', `/api/v2/chats/${chat.id}/messages`, { body });
    expect(again.status).toBe(first.status);
    expect(again.body).toEqual(first.body);
    const all = (await api('GET', `/api/v2/chats/${chat.id}/messages?limit=100`)).body;
    const copies = [...all.messages, ...(all.queued_messages ?? [])].filter((m: { content: { text?: string }[] }) => m.content.some((p) => p.text === 'only once please'));
    expect(copies).toHaveLength(1);
    const other = await api('POST', `/api/v2/chats/${chat.id}/messages`, { body: { content: text('different'), request_id: 'msg-req-1' } });
    expect(other.status).toBe(409);
  });

  it('moves a PR through review (diff_status) and serves the diff', async () => {
    const chat = await create();
    sim.control.chats.setPullRequest(chat.id, { draft: true });
    expect((await get(chat.id)).diff_status).toMatchObject({ pull_request_state: 'open', pull_request_draft: true, url: expect.stringContaining('/pull/') });
    expect((await api('GET', `/api/v2/chats?q=${encodeURIComponent('pr_status:draft')}`)).body.some((c: { id: string }) => c.id === chat.id)).toBe(true);
    sim.control.chats.setPullRequest(chat.id, { draft: false, changesRequested: true });
    expect((await get(chat.id)).diff_status).toMatchObject({ changes_requested: true });
    sim.control.chats.setPullRequest(chat.id, { state: 'merged', approved: true });
    expect((await api('GET', `/api/v2/chats?q=${encodeURIComponent('pr_status:merged')}`)).body.some((c: { id: string }) => c.id === chat.id)).toBe(true);
    const diff = (await api('GET', `/api/v2/chats/${chat.id}/diff`)).body;
    expect(diff).toMatchObject({ chat_id: chat.id, provider: 'github', pull_request_url: expect.any(String), diff: expect.stringContaining('diff --git') });
  });

  it('scopes lists to the caller (created_by_me default; shared_with_me on request) and hides other chats', async () => {
    const mine = await create({}, 'sim-alice-token');
    const admins = (await api('GET', '/api/v2/chats')).body as { id: string }[];
    expect(admins.some((c) => c.id === mine.id)).toBe(false);
    expect((await api('GET', `/api/v2/chats/${mine.id}`, { token: 'sim-bob-token' })).status).toBe(404);
    sim.control.chats.share(mine.id, 'bob');
    const shared = (await api('GET', '/api/v2/chats?q=source:shared_with_me', { token: 'sim-bob-token' })).body as { id: string; shared: boolean }[];
    expect(shared.find((c) => c.id === mine.id)?.shared).toBe(true);
    expect(((await api('GET', '/api/v2/chats', { token: 'sim-bob-token' })).body as { id: string }[]).some((c) => c.id === mine.id)).toBe(false);
    expect((await api('GET', `/api/v2/chats/${mine.id}`, { token: 'sim-bob-token' })).status).toBe(200);
    expect((await api('POST', `/api/v2/chats/${mine.id}/interrupt`, { token: 'sim-bob-token' })).status).toBe(403);
  });

  it('searches, filters labels and pages lists', async () => {
    const labelled = await create({ labels: { team: 'search-test', env: 'prod' }, title: 'Unique needle title' });
    const q = (s: string) => api('GET', `/api/v2/chats?${s}`);
    expect((await q('label=team:search-test&label=env:prod')).body.map((c: { id: string }) => c.id)).toEqual([labelled.id]);
    expect((await q('label=team:search-test&label=env:dev')).body).toEqual([]);
    expect((await q(`q=${encodeURIComponent('title:"needle"')}`)).body.map((c: { id: string }) => c.id)).toEqual([labelled.id]);
    expect((await q(`q=${encodeURIComponent('search:needle')}`)).body.map((c: { id: string }) => c.id)).toEqual([labelled.id]);
    expect((await q('q=needle')).status).toBe(400);
    expect((await q('q=colour:red')).status).toBe(400);
    expect((await q('q=status:bogus')).status).toBe(400);
    expect((await q(`q=${encodeURIComponent('search:x title:y')}`)).status).toBe(400);
    expect((await q('q=has_unread:maybe')).status).toBe(400);
    expect((await q('label=nocolon')).status).toBe(400);
    const all = (await q('q=archived:any')).body as { id: string }[];
    const page1 = (await q('q=archived:any&limit=2')).body as { id: string }[];
    const page2 = (await q(`q=archived:any&limit=2&after_id=${page1[1]?.id}`)).body as { id: string }[];
    const offset = (await q('q=archived:any&limit=2&offset=2')).body as { id: string }[];
    expect([...page1, ...page2].map((c) => c.id)).toEqual(all.slice(0, 4).map((c) => c.id));
    expect(offset.map((c) => c.id)).toEqual(all.slice(2, 4).map((c) => c.id));
    expect((await q('limit=-1')).status).toBe(400);
    expect((await q('after_id=nope')).status).toBe(400);
    expect(((await q('q=status:running,waiting')).body as { status: string }[]).every((c) => ['running', 'waiting'].includes(c.status))).toBe(true);
  });

  it('pages messages with before_id/after_id/limit (newest first; after_id alone ascending)', async () => {
    const chat = await create({ content: [] });
    for (let i = 0; i < 6; i++) {
      await send(chat.id, `msg ${i}`);
      sim.control.chats.finishTurn(chat.id);
    }
    const path = `/api/v2/chats/${chat.id}/messages`;
    const first = (await api('GET', `${path}?limit=3`)).body;
    expect(first.messages).toHaveLength(3);
    expect(first.has_more).toBe(true);
    const ids = first.messages.map((m: { id: number }) => m.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const older = (await api('GET', `${path}?limit=3&before_id=${ids[2]}`)).body;
    expect(older.queued_messages).toBeUndefined();
    expect(older.messages[0].id).toBeLessThan(ids[2]);
    const forward = (await api('GET', `${path}?after_id=${older.messages[2].id}&limit=2`)).body;
    expect(forward.messages.map((m: { id: number }) => m.id)).toEqual([older.messages[1].id, older.messages[0].id]);
    expect((await api('GET', `${path}?before_id=5&after_id=9`)).status).toBe(400);
    expect((await api('GET', `${path}?before_id=-1`)).status).toBe(400);
    expect((await api('GET', `${path}?limit=201`)).status).toBe(400);
    expect((await api('GET', `${path}?limit=abc`)).body.message).toBe('Query parameters have invalid values.');
  });

  it('updates title, labels, pin order and plan mode; validates input', async () => {
    const chat = await create();
    expect((await api('PATCH', `/api/v2/chats/${chat.id}`, { body: { title: 'Renamed', labels: { a: 'b' }, pin_order: 1, plan_mode: 'plan' } })).status).toBe(204);
    expect(await get(chat.id)).toMatchObject({ title: 'Renamed', labels: { a: 'b' }, pin_order: 1, plan_mode: 'plan' });
    expect(((await api('GET', '/api/v2/chats')).body as { id: string }[])[0]?.id).toBe(chat.id); // pinned first
    expect((await api('PATCH', `/api/v2/chats/${chat.id}`, { body: { title: 'x'.repeat(201) } })).status).toBe(400);
    expect((await api('PATCH', `/api/v2/chats/${chat.id}`, { body: { labels: { a: 1 } } })).status).toBe(400);
    expect((await api('POST', '/api/v2/chats', { body: { content: text('x') } })).status).toBe(400);
    expect((await api('POST', '/api/v2/chats', { body: { organization_id: org } })).status).toBe(400);
    expect((await api('GET', '/api/v2/chats/not-a-uuid')).status).toBe(400);
    expect((await api('GET', '/api/v2/chats/5f0a7c4e-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await send(chat.id, '')).status).toBe(400);
    expect((await send(chat.id, 'x', 'sometimes')).status).toBe(400);
  });

  it('fault knobs work on chat routes (status, drop, malformed) and counters count them', async () => {
    const chat = await create();
    sim.control.resetCounters();
    sim.control.faults.status(503, { route: 'GET /api/v2/chats/{chat}', times: 1 });
    expect((await api('GET', `/api/v2/chats/${chat.id}`)).status).toBe(503);
    expect((await api('GET', `/api/v2/chats/${chat.id}`)).status).toBe(200);
    sim.control.faults.status(429, { route: 'POST */chats/*/messages', times: 1, retryAfterSeconds: 3 });
    const limited = await send(chat.id, 'x');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    sim.control.faults.malformed({ route: 'GET /api/v2/chats', times: 1 });
    const broken = (await api('GET', '/api/v2/chats')).text;
    expect(() => JSON.parse(broken) as unknown).toThrow();
    sim.control.faults.drop({ route: 'GET /api/v2/chats/{chat}/cost', times: 1 });
    await expect(api('GET', `/api/v2/chats/${chat.id}/cost`)).rejects.toThrow();
    expect(sim.control.counters()).toMatchObject({ 'GET /api/v2/chats/{chat}': 2, 'POST /api/v2/chats/{chat}/messages': 1, 'GET /api/v2/chats': 1 });
  });

  it('lives on the clock: PRs, follow-ups and turns move without anyone calling', async () => {
    const busy = await startCoderSim({ coderVersion: '2.40', chats: 300, seed: 9 });
    try {
      const before = busy.control.chats.list();
      busy.control.advance(60 * MINUTE);
      const after = busy.control.chats.list();
      const changed = after.filter((c) => before.find((b) => b.id === c.id)?.status !== c.status);
      expect(changed.length).toBeGreaterThan(10);
      expect(after.filter((c) => c.pr !== before.find((b) => b.id === c.id)?.pr).length).toBeGreaterThan(5);
    } finally {
      await busy.stop();
    }
  });
});
