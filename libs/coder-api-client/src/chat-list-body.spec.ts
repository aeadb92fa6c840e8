import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { ChatListBody } from './chat-list-body.js';
import { indexJsonArray } from './json-array-index.js';
import { arrayOf } from './parse.js';
import { CHAT_KEYS } from './chats.js';

const bytes = (text: string) => Buffer.from(text, 'utf8');
const chats = [
  { id: 'a', status: 'running', title: 'x "quoted" ü', children: [{ id: 'a1', status: 'waiting', parent_chat_id: 'a' }] },
  { id: 'b', status: 'error', last_error: { kind: 'k', message: ']}[{' } },
];

function list(text: string): ChatListBody {
  const r = ChatListBody.from(bytes(text));
  if (!r.ok) throw new Error(r.problem);
  return r.value;
}

describe('ChatListBody (a top-level array of chats, indexed)', () => {
  it('indexes compact and pretty bodies: ids, items and count without parsing the list', () => {
    for (const text of [JSON.stringify(chats), JSON.stringify(chats, null, 2), `\uFEFF ${JSON.stringify(chats)} `]) {
      const body = list(text);
      expect(body.length).toBe(2);
      expect(body.count).toBe(2);
      expect([body.id(0), body.id(1)]).toEqual(['a', 'b']);
      expect(body.items()).toEqual({ ok: true, value: chats });
    }
    expect(list('[]').length).toBe(0);
  });

  it('the top-level index sees only the outer array (nested children are part of their root)', () => {
    const index = indexJsonArray(bytes(JSON.stringify(chats)), null);
    expect(index?.ids).toEqual(['a', 'b']);
    expect(index?.envelope).toBe('[]');
    expect(indexJsonArray(bytes('{"chats":[]}'), null)).toBeUndefined();
    expect(indexJsonArray(bytes('[1,2]'), null)).toBeUndefined();
    expect(indexJsonArray(bytes('[{"id":"a"},]'), null)).toBeUndefined();
  });

  it('compares chats across reads on their bytes', () => {
    const before = list(JSON.stringify(chats));
    const after = list(JSON.stringify([chats[1], { ...chats[0], status: 'waiting' }]));
    expect(after.sameItem(0, before, 1)).toBe(true);
    expect(after.sameItem(1, before, 0)).toBe(false);
  });

  it('a broken or wrongly shaped body fails with the same problem text as listChats', () => {
    expect(ChatListBody.from(bytes('[{"id":'))).toEqual({ ok: false, problem: 'the body is not JSON', notJson: true });
    const parseChats = arrayOf('chat', CHAT_KEYS);
    for (const value of [{ chats: [] }, 'x', null]) {
      const expected = parseChats(value);
      expect(expected.ok).toBe(false);
      expect(ChatListBody.from(bytes(JSON.stringify(value)))).toEqual(expected);
    }
    // A chat lacking a field is found when it is read (each chat is checked as it is parsed).
    expect(list('[{"id":"a"}]').item(0)).toEqual({ ok: false, problem: '[0]: chat lacks string field(s) status' });
  });

  it('an unusual but valid body (an escaped id) still reads, through the ordinary parse', () => {
    const body = list('[{"id":"a\\"b","status":"running"}]');
    expect(body.item(0)).toEqual({ ok: true, value: { id: 'a"b', status: 'running' } });
    expect(body.item(1)).toEqual({ ok: false, problem: 'no chat at index 1 (the list has 1)' });
  });
});
