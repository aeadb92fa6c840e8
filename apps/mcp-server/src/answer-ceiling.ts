/**
 * The documented ceiling of one tool answer (D3, README "Security model"): its text and its
 * structuredContent are each at most 64 KB. Tools that list things page by size themselves (`fitPage`):
 * a page that would be larger is shortened and its `next_cursor` continues exactly after the last item
 * shown, so nothing is skipped. `fitStructured` is the last line in the server's tool wrapper: anything
 * still above the ceiling is cut (long strings, then the largest lists) with a marker, re-checked against
 * the tool's output schema, and logged; if it cannot be made to fit and stay valid, the answer is an error
 * that says how to narrow the request. No answer can grow without bound.
 */
import type { z } from 'zod';

/** Ceiling of a tool answer's text, in characters. */
export const ANSWER_TEXT_MAX_CHARS = 64 * 1024;
/** Ceiling of a tool answer's structuredContent, in bytes of its JSON (UTF-8). */
export const STRUCTURED_MAX_BYTES = 64 * 1024;
/** What a paging tool aims for (below the ceiling: room for the fields around the page). */
export const PAGE_BUDGET_BYTES = 56 * 1024;
/** Strings longer than this are the first thing the safety net cuts. */
const LONG_STRING_CHARS = 2_000;

export const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');

/**
 * The largest page that fits: `build(limit)` makes the answer for a page of `limit` items; while its
 * structured JSON or its text is over `budget`, it is built again with fewer items (proportionally, at
 * least one fewer, never below one). Returns the answer and the limit used.
 */
export function fitPage<T extends { data: unknown; text: string }>(limit: number, build: (limit: number) => T, budget = PAGE_BUDGET_BYTES): T & { limit: number } {
  let n = Math.max(1, limit);
  for (;;) {
    const answer = build(n);
    const size = Math.max(jsonBytes(answer.data), Buffer.byteLength(answer.text, 'utf8'));
    if (size <= budget || n <= 1) return { ...answer, limit: n };
    n = Math.max(1, Math.min(n - 1, Math.floor((n * budget) / size)));
  }
}

export type FitOutcome =
  | { kind: 'fits'; data: unknown }
  | { kind: 'cut'; data: unknown; bytes: number; originalBytes: number; note: string }
  | { kind: 'too_large'; originalBytes: number };

/** Cuts structured content over STRUCTURED_MAX_BYTES (long strings first, then the largest lists), keeping it valid for `schema`. */
export function fitStructured(data: unknown, schema: z.ZodType | undefined, max = STRUCTURED_MAX_BYTES): FitOutcome {
  const originalBytes = jsonBytes(data);
  if (originalBytes <= max) return { kind: 'fits', data };
  const value: unknown = shortenStrings(data);
  let droppedItems = 0;
  for (let guard = 0; jsonBytes(value) > max && guard < 200; guard++) {
    const largest = largestList(value);
    if (!largest || largest.list.length <= 1) break;
    const keep = Math.ceil(largest.list.length / 2);
    droppedItems += largest.list.length - keep;
    largest.list.splice(keep);
  }
  const bytes = jsonBytes(value);
  if (bytes > max) return { kind: 'too_large', originalBytes };
  if (schema && !schema.safeParse(value).success) return { kind: 'too_large', originalBytes };
  const note = `[structured answer cut from ${originalBytes} to ${bytes} bytes (ceiling ${max})${droppedItems > 0 ? `: ${droppedItems} list items left out, which a next_cursor does not cover` : ''}; ask for less (a smaller limit, filters) for the full data]`;
  return { kind: 'cut', data: value, bytes, originalBytes, note };
}

/** A deep copy with every string over LONG_STRING_CHARS cut, with a marker. */
function shortenStrings(value: unknown): unknown {
  if (typeof value === 'string') return value.length > LONG_STRING_CHARS ? `${value.slice(0, LONG_STRING_CHARS)}…[truncated, ${value.length - LONG_STRING_CHARS} more characters]` : value;
  if (Array.isArray(value)) return value.map(shortenStrings);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shortenStrings(v)]));
  return value;
}

/** The array whose JSON is largest anywhere in `value` (mutable: it belongs to the copy). */
function largestList(value: unknown): { list: unknown[]; bytes: number } | undefined {
  let best: { list: unknown[]; bytes: number } | undefined;
  const visit = (v: unknown) => {
    if (Array.isArray(v)) {
      const bytes = jsonBytes(v);
      if (v.length > 1 && (!best || bytes > best.bytes)) best = { list: v, bytes };
      v.forEach(visit);
    } else if (v !== null && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(value);
  return best;
}
