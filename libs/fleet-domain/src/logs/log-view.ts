/**
 * Views over an agent's conversation log (Coder's task log entries: `{ id, type: input | output, time,
 * content }`): filtering, ordering, the newest activity time, and fitting entries into a character budget
 * with explicit truncation markers (real entries can be 80 KB of terminal screen). Pure; the shell fetches
 * the log and renders the result.
 */
import type { TaskLogEntry } from '../mapping/coder-types.js';
import { parseTimestamp } from '../mapping/timestamps.js';
import { stripTerminalDecoration } from '../text/terminal.js';
import { truncateText, truncationMarker } from '../text/truncate.js';

/** The fields of a log entry these functions read (Coder's TaskLogEntry has them). */
export type LogEntryLike = Pick<TaskLogEntry, 'id' | 'type' | 'time' | 'content'>;

export type LogOrder = 'newest' | 'oldest';

export interface LogFilter {
  readonly type?: LogEntryLike['type'];
  /** Epoch ms: only entries at or after it. */
  readonly sinceMs?: number;
  /** Case-insensitive text in the content. */
  readonly search?: string;
}

export function filterLogEntries<E extends LogEntryLike>(entries: readonly E[], filter: LogFilter): E[] {
  const needle = filter.search?.toLowerCase();
  return entries.filter(
    (e) =>
      (!filter.type || e.type === filter.type) &&
      (filter.sinceMs === undefined || parseTimestamp(e.time) >= filter.sinceMs) &&
      (!needle || e.content.toLowerCase().includes(needle)),
  );
}

/** Ascending sort key for `order` (newest: latest first); ties by id; unparsable times count as epoch 0. */
export function logSortKey(e: LogEntryLike, order: LogOrder): readonly number[] {
  const sign = order === 'newest' ? -1 : 1;
  return [sign * (parseTimestamp(e.time) || 0), sign * e.id];
}

/** The newest entry time as sent by Coder (undefined when there are no entries). */
export function newestLogTime(entries: readonly LogEntryLike[]): string | undefined {
  return entries.reduce<string | undefined>((max, e) => (!max || e.time > max ? e.time : max), undefined);
}

/**
 * Output keeps its end (the latest screen), input its start (the instruction); both without terminal
 * decoration (ANSI escapes, box drawing), so the budget is spent on words.
 */
export function truncateLogContent(e: LogEntryLike, maxChars: number): string {
  return truncateText(stripTerminalDecoration(e.content), maxChars, { keep: e.type === 'output' ? 'tail' : 'head' });
}

export interface FittedLogEntry {
  readonly id: number;
  readonly type: LogEntryLike['type'];
  readonly time: string;
  readonly content: string;
  readonly truncated: boolean;
  /** Length of the entry without terminal decoration (what `content` was cut from). */
  readonly originalChars: number;
}

/** Below this many chars of remaining budget, a further entry is left for the next page instead of a stub. */
const MIN_USEFUL_CHARS = 200;

/**
 * Fit a page of entries (already ordered) into `maxTotalChars` of content, each cut to
 * `maxCharsPerEntry`. The first entry is always included (cut to fit); later ones stop once the remaining
 * budget is too small to be useful. Returns the fitted entries in order (a prefix of `page`).
 */
export function fitLogEntries(page: readonly LogEntryLike[], budget: { readonly maxCharsPerEntry: number; readonly maxTotalChars: number }): FittedLogEntry[] {
  const out: FittedLogEntry[] = [];
  let used = 0;
  for (const e of page) {
    const chars = stripTerminalDecoration(e.content).length;
    const room = Math.min(budget.maxCharsPerEntry, budget.maxTotalChars - used);
    if (out.length > 0 && room < Math.min(MIN_USEFUL_CHARS, chars)) break;
    const content = truncateLogContent(e, Math.max(room, truncationMarker(chars).length));
    used += content.length;
    out.push({ id: e.id, type: e.type, time: e.time, content, truncated: content.length < chars, originalChars: chars });
  }
  return out;
}

/** The newest `n` entries in chronological order (ties by id), each cut to `maxChars`. */
export function logTail(entries: readonly LogEntryLike[], n: number, maxChars: number): FittedLogEntry[] {
  const sorted = [...entries].sort((a, b) => (a.time === b.time ? a.id - b.id : a.time < b.time ? -1 : 1));
  return sorted.slice(Math.max(0, sorted.length - Math.max(0, n))).map((e) => {
    const chars = stripTerminalDecoration(e.content).length;
    const content = truncateLogContent(e, maxChars);
    return { id: e.id, type: e.type, time: e.time, content, truncated: content.length < chars, originalChars: chars };
  });
}
