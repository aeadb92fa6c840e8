import { CHAT_STATUSES, type SimChat } from '../model/chats/types.js';
import type { ChatEngine } from '../model/chats/engine.js';
import { REPO } from '../model/chats/content.js';
import type { SimUser } from '../model/types.js';
import type { ValidationError } from '../wire-types.js';
import { prStatus } from './chat-serialize.js';
import { fail } from './http.js';
import { parseSearchQuery, unknownKeys, type SearchTerm } from './query.js';

const KEYS = ['title', 'archived', 'has_unread', 'status', 'pr_status', 'diff_url', 'pr', 'repo', 'pr_title', 'source', 'search'] as const;
const PR_STATUSES = ['draft', 'open', 'merged', 'closed', 'none'];
const SOURCES = ['created_by_me', 'shared_with_me'];
const BOOL = ['true', 'false'];

export type ChatPredicate = (chat: SimChat) => boolean;

function invalid(validations: ValidationError[]): never {
  return fail(400, 'Invalid chat search query.', undefined, validations);
}

function values(term: SearchTerm): string[] {
  return term.value.split(',').filter((v) => v !== '');
}

/**
 * `q` for GET /chats (coder-chats-api.md §7): AND of `key:value` terms, bare words → 400. `archived`
 * defaults to false, `source` to created_by_me (the caller's own chats; shared_with_me adds chats shared
 * with the caller). There is no owner filter.
 */
export function parseChatQuery(q: string, caller: SimUser, engine: ChatEngine): ChatPredicate {
  const { terms, errors } = parseSearchQuery(q, '');
  const validations: ValidationError[] = [...errors];
  for (const t of terms) if (t.key === '') validations.push({ field: 'q', detail: `Bare search terms are not supported ("${t.value}"); use key:value, e.g. search:${t.value}` });
  validations.push(...unknownKeys(terms.filter((t) => t.key !== ''), KEYS));
  const has = (key: string) => terms.some((t) => t.key === key);
  if (has('search') && (has('title') || has('pr_title') || has('pr'))) validations.push({ field: 'search', detail: 'search cannot be combined with title, pr_title or pr' });
  const checks: ChatPredicate[] = [];
  let archived: 'true' | 'false' | 'any' = 'false';
  let sources = ['created_by_me'];
  for (const term of terms) {
    const v = term.value;
    switch (term.key) {
      case 'title':
        checks.push((c) => c.title.toLowerCase().includes(v));
        break;
      case 'archived':
        if (v !== 'true' && v !== 'false' && v !== 'any') validations.push({ field: 'archived', detail: `"${v}" must be true, false or any` });
        else archived = v;
        break;
      case 'has_unread':
        if (!BOOL.includes(v)) validations.push({ field: 'has_unread', detail: `"${v}" must be true or false` });
        else checks.push((c) => engine.hasUnread(c) === (v === 'true'));
        break;
      case 'status': {
        const wanted = values(term);
        const bad = wanted.filter((s) => !(CHAT_STATUSES as readonly string[]).includes(s));
        if (bad.length > 0) validations.push({ field: 'status', detail: `"${bad.join(',')}" is not a valid chat status` });
        else checks.push((c) => wanted.includes(c.status));
        break;
      }
      case 'pr_status': {
        const wanted = values(term);
        const bad = wanted.filter((s) => !PR_STATUSES.includes(s));
        if (bad.length > 0) validations.push({ field: 'pr_status', detail: `"${bad.join(',')}" must be one of ${PR_STATUSES.join(', ')}` });
        else checks.push((c) => wanted.includes(prStatus(c)));
        break;
      }
      case 'diff_url':
        checks.push((c) => c.diff?.pr?.url.toLowerCase() === v);
        break;
      case 'pr': {
        const n = Number(v.replace(/^#/, ''));
        if (!Number.isInteger(n) || n <= 0) validations.push({ field: 'pr', detail: `"${v}" is not a pull request number` });
        else checks.push((c) => c.diff?.pr?.number === n);
        break;
      }
      case 'repo':
        checks.push((c) => c.diff !== null && (c.diff.pr ? c.diff.pr.url.toLowerCase().includes(`github.com/${v}/`) : REPO === v));
        break;
      case 'pr_title':
        checks.push((c) => c.diff?.pr?.title.toLowerCase().includes(v) === true);
        break;
      case 'source': {
        const wanted = values(term);
        const bad = wanted.filter((s) => !SOURCES.includes(s));
        if (bad.length > 0) validations.push({ field: 'source', detail: `"${bad.join(',')}" must be created_by_me or shared_with_me` });
        else sources = wanted;
        break;
      }
      case 'search':
        checks.push((c) => c.title.toLowerCase().includes(v) || (c.lastTurnSummary?.toLowerCase().includes(v) ?? false));
        break;
    }
  }
  if (validations.length > 0) invalid(validations);
  const mine = sources.includes('created_by_me');
  const shared = sources.includes('shared_with_me');
  checks.unshift((c) => (mine && c.ownerId === caller.id) || (shared && c.sharedWith.has(caller.id)));
  if (archived !== 'any') checks.push((c) => c.archived === (archived === 'true'));
  return (chat) => checks.every((check) => check(chat));
}

/** `label=key:value` (repeatable, AND). */
export function parseLabels(raw: string[]): ChatPredicate {
  const pairs: [string, string][] = [];
  for (const item of raw) {
    const i = item.indexOf(':');
    if (i <= 0 || i === item.length - 1) fail(400, 'Invalid label filter.', undefined, [{ field: 'label', detail: `"${item}" must be key:value` }]);
    pairs.push([item.slice(0, i), item.slice(i + 1)]);
  }
  return (chat) => pairs.every(([k, v]) => chat.labels[k] === v);
}

/** Pinned first (by pin order), then most recently updated. */
export function compareChats(a: SimChat, b: SimChat): number {
  const pa = a.pinOrder > 0 ? a.pinOrder : Infinity;
  const pb = b.pinOrder > 0 ? b.pinOrder : Infinity;
  if (pa !== pb) return pa - pb;
  return b.updatedAt - a.updatedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
