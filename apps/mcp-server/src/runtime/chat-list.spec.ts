import { ChatListBody } from '@org/coder-api-client';
import { toChatAgents, type Agent, type ChatExtras } from '@org/fleet-domain';
import { buildChat, buildDiffStatus } from '@org/fleet-domain/testing';
import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import type { Chat } from '../coder.js';
import { mapChatsIncrementally, type ChatMappingOptions, type MappedChats } from './chat-list.js';

const T0 = new Date('2026-12-01T10:00:00.000Z');
const minutes = (m: number) => new Date(T0.getTime() + m * 60_000);
const id = (n: number) => `7c1e0000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const at = (m: number) => minutes(m).toISOString();

const chat = (n: number, over: Partial<Chat> = {}): Chat =>
  buildChat({ id: id(n), created_at: at(-60), updated_at: at(-5), ...over } as never) as unknown as Chat;

/** Roots of every kind the rules tell apart: busy (turns stuck later), idle (waiting later), idle with a PR, failed, needing action, a family. */
function fleet(): Chat[] {
  return [
    chat(1, { status: 'running' }),
    chat(2, { status: 'waiting' }),
    chat(3, { status: 'waiting', diff_status: buildDiffStatus({ chat_id: id(3) }) } as never),
    chat(4, { status: 'error', last_error: { kind: 'provider_error', message: 'boom', retryable: false } } as never),
    chat(5, { status: 'requires_action' }),
    chat(6, { status: 'running', children: [chat(60, { status: 'running', parent_chat_id: id(6) }), chat(61, { status: 'waiting', parent_chat_id: id(6) })] as never }),
  ];
}

const page = (chats: readonly Chat[]): ChatListBody => {
  const body = ChatListBody.from(Buffer.from(JSON.stringify(chats)));
  if (!body.ok) throw new Error(body.problem);
  return body.value;
};

const THRESHOLDS = { idleWaitingMs: 30 * 60_000, stuckMs: 30 * 60_000 };
const options = (extras: ReadonlyMap<string, ChatExtras> = new Map(), era: 'v2' | 'experimental' = 'v2'): ChatMappingOptions => ({ ...THRESHOLDS, era, extras });

function read(pages: readonly (readonly Chat[])[], before: MappedChats | undefined, now: Date, opts = options()) {
  const r = mapChatsIncrementally(pages.map(page), before, now, opts);
  if (!r.ok) throw new Error(r.problem);
  const agents: Agent[] = r.read.slots.flatMap((p) => p.flatMap((f) => [...f.agents]));
  return { agents, read: r.read, parsed: r.parsed };
}

const full = (chats: readonly Chat[], now: Date, opts = options()) => toChatAgents(chats, now, { ...THRESHOLDS, era: opts.era, extras: opts.extras });

describe('chat list, mapped incrementally', () => {
  it('a first read maps every chat, equal to toChatAgents', () => {
    const chats = fleet();
    const first = read([chats], undefined, T0);
    expect(first.parsed).toBe(chats.length);
    expect(first.agents).toEqual(full(chats, T0));
  });

  it('an unchanged read parses nothing and reuses the very same agents', () => {
    const chats = fleet();
    const first = read([chats], undefined, T0);
    const second = read([chats], first.read, minutes(1));
    expect(second.parsed).toBe(0);
    expect(second.agents).toEqual(full(chats, minutes(1)));
    second.agents.forEach((a, i) => expect(a).toBe(first.agents[i]));
  });

  it('over time only the time-based attention changes, exactly as a full mapping would judge it', () => {
    const chats = fleet();
    let before = read([chats], undefined, T0).read;
    for (const m of [10, 26, 40, 90, 24 * 60]) {
      const next = read([chats], before, minutes(m));
      expect(next.parsed).toBe(0);
      expect(next.agents, `after ${m} min`).toEqual(full(chats, minutes(m)));
      before = next.read;
    }
    const late = read([chats], before, minutes(90)).agents;
    expect(late.find((a) => a.id === id(1))?.needsAttention?.reason).toBe('stuck');
    expect(late.find((a) => a.id === id(2))?.needsAttention?.reason).toBe('idle_waiting');
  });

  it('changed, new and removed chats: only new or changed ones are parsed; the result equals a full mapping', () => {
    const chats = fleet();
    const first = read([chats], undefined, T0);
    const changed = chats.filter((c) => c.id !== id(4)).map((c) => (c.id === id(2) ? { ...c, status: 'running', updated_at: at(1) } : c));
    changed.push(chat(7, { status: 'pending' }));
    // A subagent changing changes its root's bytes: the family is mapped again.
    const family = changed.find((c) => c.id === id(6)) as Chat;
    changed[changed.indexOf(family)] = { ...family, children: [{ ...(family.children?.[0] as Chat), status: 'error' }, family.children?.[1] as Chat] };
    const second = read([changed], first.read, minutes(2));
    expect(second.parsed).toBe(3);
    expect(second.agents).toEqual(full(changed, minutes(2)));
    expect(second.agents.some((a) => a.id === id(4))).toBe(false);
  });

  it('a reordered list keeps agents by id, in the new order', () => {
    const chats = fleet();
    const first = read([chats], undefined, T0);
    const reversed = [...chats].reverse();
    const second = read([reversed], first.read, minutes(1));
    expect(second.parsed).toBe(0);
    expect(second.agents).toEqual(full(reversed, minutes(1)));
  });

  it('a replaced extras entry (a cost read by details) maps that family again; others are kept', () => {
    const chats = fleet();
    const extras = new Map<string, ChatExtras>([[id(1), { costMicros: 5 }]]);
    const first = read([chats], undefined, T0, options(extras));
    expect(first.agents).toEqual(full(chats, T0, options(extras)));
    extras.set(id(1), { costMicros: 9 });
    extras.set(id(61), { costMicros: 3 });
    const second = read([chats], first.read, minutes(1), options(extras));
    expect(second.parsed).toBe(2);
    expect(second.agents).toEqual(full(chats, minutes(1), options(extras)));
    expect(second.agents.find((a) => a.id === id(1))?.costMicros).toBe(9);
  });

  it('another era maps everything again', () => {
    const chats = fleet();
    const first = read([chats], undefined, T0);
    const second = read([chats], first.read, T0, options(new Map(), 'experimental'));
    expect(second.parsed).toBe(chats.length);
    expect(second.agents).toEqual(full(chats, T0, options(new Map(), 'experimental')));
  });

  it('pages: a chat that moved to another page is still recognised', () => {
    const chats = fleet();
    const first = read([chats.slice(0, 3), chats.slice(3)], undefined, T0);
    expect(first.agents).toEqual(full(chats, T0));
    const shifted = [chat(8), ...chats];
    const second = read([shifted.slice(0, 3), shifted.slice(3)], first.read, minutes(1));
    expect(second.parsed).toBe(1);
    expect(second.agents).toEqual(full(shifted, minutes(1)));
  });

  it('a chat that fails the item check fails the read with where it is', () => {
    const bad = ChatListBody.from(Buffer.from(JSON.stringify([chat(1), { id: id(2) }])));
    if (!bad.ok) throw new Error(bad.problem);
    const r = mapChatsIncrementally([bad.value], undefined, T0, options());
    expect(r).toEqual({ ok: false, problem: '[1]: chat lacks string field(s) status' });
  });
});
