/**
 * Opaque, stable paging cursors (keyset, not offsets): a cursor names the last item returned (its sort key
 * and id) plus a hash of the query, so inserts and deletes between pages neither skip nor repeat items,
 * and a cursor replayed with different filters is rejected instead of silently paging something else.
 */
import { createHash } from 'node:crypto';
import { selectTop } from '@org/fleet-domain';
import { toolFailure, type ToolFailure } from '../../failures.js';

export type SortKey = readonly (string | number)[];

export interface CursorPayload {
  /** Query hash. */
  q: string;
  /** Sort key of the last item returned. */
  k: SortKey;
  /** Id of the last item returned (tie-breaker). */
  i: string;
}

export function queryHash(query: unknown): string {
  return createHash('sha256').update(JSON.stringify(query)).digest('base64url').slice(0, 12);
}

export function encodeCursor(payload: CursorPayload): string {
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

export function decodeCursor(cursor: string, expectedQuery: string, tool: string): { ok: true; value: CursorPayload } | { ok: false; failure: ToolFailure } {
  const bad = (why: string) => ({
    ok: false as const,
    failure: toolFailure('invalid_cursor', `The cursor is not valid for this ${tool} call: ${why}.`, `Call ${tool} again without cursor (and with the same filters) to restart paging.`),
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return bad('it is malformed');
  }
  const p = parsed as Partial<CursorPayload>;
  if (typeof p !== 'object' || p === null || typeof p.q !== 'string' || !Array.isArray(p.k) || typeof p.i !== 'string') return bad('it is malformed');
  if (p.q !== expectedQuery) return bad('it belongs to a call with different filters or sort');
  return { ok: true, value: p as CursorPayload };
}

/** Compares sort keys element-wise (numbers numerically, strings by code point), then ids. */
export function compareKeys(a: SortKey, aId: string, b: SortKey, bId: string): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return aId === bId ? 0 : aId < bId ? -1 : 1;
}

/**
 * Orders `items` by key, skips everything up to and including the cursor position, and returns one page
 * plus the cursor for the next page (undefined at the end). Only the page (plus one, to know whether more
 * follow) is put in order: a top-k selection, not a sort of the whole fleet.
 */
export function paginate<T>(
  items: readonly T[],
  keyOf: (item: T) => SortKey,
  idOf: (item: T) => string,
  options: { limit: number; after?: CursorPayload; query: string },
): { page: T[]; nextCursor?: string; total: number } {
  // Parallel arrays and item indexes: no wrapper object per item (10,000 agents per call).
  const keys = items.map(keyOf);
  const ids = items.map(idOf);
  const after = options.after;
  const rest: number[] = [];
  for (let i = 0; i < items.length; i++) {
    if (!after || compareKeys(keys[i] as SortKey, ids[i] as string, after.k, after.i) > 0) rest.push(i);
  }
  const head = selectTop(rest, options.limit + 1, (x, y) => compareKeys(keys[x] as SortKey, ids[x] as string, keys[y] as SortKey, ids[y] as string));
  const page = head.slice(0, options.limit);
  const last = page[page.length - 1];
  const nextCursor =
    head.length > page.length && last !== undefined ? encodeCursor({ q: options.query, k: keys[last] as SortKey, i: ids[last] as string }) : undefined;
  return { page: page.map((i) => items[i] as T), total: items.length, ...(nextCursor ? { nextCursor } : {}) };
}
