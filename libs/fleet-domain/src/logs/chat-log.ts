/**
 * A chat's messages as log entries (get_agent_logs for Coder Agents): text as written, tool calls and results
 * summarised in one line each, other parts named; newest first, paged by message id, bounded by a character
 * budget with the same truncation markers as task logs (log-view.ts). Pure: the shell fetches the page
 * (`GET /chats/{id}/messages`, newest first) and renders the result fenced as untrusted.
 */
import type { ChatMessage, ChatMessagePart } from '../mapping/coder-types.js';
import { truncateText } from '../text/truncate.js';
import { fitLogEntries, type FittedLogEntry, type LogEntryLike } from './log-view.js';

/** How many characters of tool arguments a summary quotes. */
const TOOL_ARGS_MAX = 160;

/** Default budget of a chat log page: ≤ 8 KB of content, 2,000 characters per message. */
export const DEFAULT_CHAT_LOG_BUDGET = { maxCharsPerEntry: 2_000, maxTotalChars: 8_000 } as const;

/** A log entry from a chat message: `input` for the user's messages, `output` for the agent's and tools'. */
export interface ChatLogEntry extends LogEntryLike {
  readonly role: string;
}

function compactJson(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return String(value);
  }
}

/** One line per part: text as written, tools summarised, anything else named (never the file bytes). */
export function summarisePart(p: ChatMessagePart): string {
  switch (p.type) {
    case 'text':
    case 'hook-notice':
      return p.text ?? '';
    case 'reasoning':
      return '';
    case 'tool-call': {
      const args = compactJson(p.args).replace(/\s+/g, ' ');
      return `→ ${p.tool_name ?? 'tool'}(${truncateText(args, TOOL_ARGS_MAX)})`;
    }
    case 'tool-result': {
      const size = compactJson(p.result).length;
      return `← ${p.tool_name ?? 'tool'} ${p.is_error ? 'failed' : 'returned'} (${size} chars)`;
    }
    case 'source':
      return `[source: ${p.title ? `${p.title} ` : ''}${p.url ?? ''}]`;
    case 'file':
      return `[file: ${p.name ?? p.file_id ?? ''}${p.media_type ? ` ${p.media_type}` : ''}]`;
    case 'file-reference':
      return `[file reference: ${p.file_name ?? ''}:${p.start_line ?? ''}-${p.end_line ?? ''}]`;
    case 'context-file':
      return `[context file: ${p.context_file_path ?? ''}]`;
    case 'skill':
      return `[skill: ${p.skill_name ?? ''}]`;
    case 'workspace-file-reference':
      return `[workspace file: ${p.workspace_file_path ?? ''}]`;
    default:
      return `[${p.type}]`;
  }
}

/** A message as a log entry; undefined for system messages and messages with nothing to show. */
export function chatMessageToLogEntry(m: ChatMessage): ChatLogEntry | undefined {
  if (m.role === 'system') return undefined;
  const content = (m.content ?? [])
    .map(summarisePart)
    .filter((line) => line !== '')
    .join('\n');
  if (content === '') return undefined;
  return { id: m.id, type: m.role === 'user' ? 'input' : 'output', time: m.created_at, content, role: m.role };
}

export interface ChatLogPageOptions {
  /** Messages per page (default 20). */
  readonly limit?: number;
  readonly maxCharsPerEntry?: number;
  readonly maxTotalChars?: number;
}

export interface ChatLogPage {
  /** Newest first; each cut to the budget with an explicit marker. */
  readonly entries: readonly (FittedLogEntry & { readonly role: string })[];
  /** Pass as `before_id` for the next (older) page; absent when nothing older is known. */
  readonly nextBeforeId?: number;
}

/**
 * One page of a chat log from `messages` (any order; e.g. a fetched page plus `has_more`): newest first,
 * at most `limit` entries within the character budget. `hasMore` says Coder has older messages beyond these.
 */
export function chatLogPage(messages: readonly ChatMessage[], hasMore: boolean, options: ChatLogPageOptions = {}): ChatLogPage {
  const limit = Math.max(1, Math.floor(options.limit ?? 20));
  const sorted = [...messages].sort((a, b) => b.id - a.id);
  const entries: ChatLogEntry[] = [];
  let consumed = 0;
  for (const m of sorted) {
    if (entries.length >= limit) break;
    consumed++;
    const e = chatMessageToLogEntry(m);
    if (e) entries.push(e);
  }
  const fitted = fitLogEntries(entries, {
    maxCharsPerEntry: options.maxCharsPerEntry ?? DEFAULT_CHAT_LOG_BUDGET.maxCharsPerEntry,
    maxTotalChars: options.maxTotalChars ?? DEFAULT_CHAT_LOG_BUDGET.maxTotalChars,
  });
  const shown = fitted.map((f, i) => ({ ...f, role: (entries[i] as ChatLogEntry).role }));
  // Older messages remain when the budget or the limit cut the page, or Coder has more.
  const cut = fitted.length < entries.length || consumed < sorted.length;
  const last = shown[shown.length - 1];
  const oldestShownId = last ? last.id : sorted[consumed - 1]?.id;
  return { entries: shown, nextBeforeId: (cut || hasMore) && oldestShownId !== undefined ? oldestShownId : undefined };
}
