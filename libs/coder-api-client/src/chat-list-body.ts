/**
 * A chats list page as Coder sent it (the raw UTF-8 body, a top-level array of root chats with their
 * subagents nested in `children`), indexed but not parsed (see JsonListBody: each chat is parsed only
 * when asked for, and two reads compare chat by chat on their bytes).
 */
import { JsonListBody, indexJsonList, type JsonListShape } from './json-list-body.js';
import { arrayOf, objectWith, type Parsed } from './parse.js';
import type { Chat } from './wire.js';

/** Fields every chat carries as strings (a proxy page or another API fails this). */
export const CHAT_KEYS = ['id', 'status'] as const;
const parseChatList = arrayOf<Chat>('chat', CHAT_KEYS);

const CHATS: JsonListShape<Chat> = {
  key: null,
  noun: 'chat',
  parseItem: objectWith<Chat>('chat', CHAT_KEYS),
  parseWhole: (value) => {
    const list = parseChatList(value);
    return list.ok ? { ok: true, value: { items: list.value, count: list.value.length } } : list;
  },
};

export class ChatListBody extends JsonListBody<Chat> {
  /** Indexes a chats-list body; a broken one fails with the same problem text as `listChats`. */
  static from(bytes: Uint8Array): Parsed<ChatListBody> {
    const indexed = indexJsonList(bytes, CHATS);
    return indexed.ok ? { ok: true, value: new ChatListBody(indexed.value, CHATS) } : indexed;
  }
}
