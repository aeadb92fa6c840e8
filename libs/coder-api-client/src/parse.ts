/**
 * Light structural checks on 2xx bodies: enough to catch a proxy page, a truncated body or a
 * different API, without re-validating Coder's whole schema.
 */
import { isRecord } from './guards.js';

/** `notJson`: the body is not JSON at all (reported as such, not as a shape problem). */
export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string; notJson?: true };
export type Parse<T> = (body: unknown) => Parsed<T>;

const good = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = (problem: string): Parsed<never> => ({ ok: false, problem });

function missingStrings(value: Record<string, unknown>, keys: readonly string[]): string[] {
  return keys.filter((k) => typeof value[k] !== 'string');
}

/** Allocation-free check (runs once per item of a 10,000-task list); the problem text is built only on failure. */
function hasStrings(value: unknown, keys: readonly string[]): value is Record<string, unknown> {
  if (!isRecord(value)) return false;
  for (let i = 0; i < keys.length; i++) if (typeof value[keys[i] as string] !== 'string') return false;
  return true;
}

/** A JSON object whose `keys` are strings. */
export function objectWith<T>(what: string, keys: readonly string[] = []): Parse<T> {
  return (body) => {
    if (hasStrings(body, keys)) return good(body as T);
    if (!isRecord(body)) return bad(`expected ${what} to be a JSON object`);
    return bad(`${what} lacks string field(s) ${missingStrings(body, keys).join(', ')}`);
  };
}

/** A JSON array of objects, each passing `item` when given. */
export function arrayOf<T>(what: string, keys: readonly string[] = []): Parse<T[]> {
  const item = objectWith<T>(`each ${what}`, keys);
  return (body) => {
    if (!Array.isArray(body)) return bad(`expected a JSON array of ${what}`);
    for (let i = 0; i < body.length; i++) {
      const entry: unknown = body[i];
      if (hasStrings(entry, keys)) continue;
      const r = item(entry);
      if (!r.ok) return r;
    }
    return good(body as T[]);
  };
}

/** An object holding an array under `key` (and maybe `count`); `count` falls back to the array length. */
export function listIn<T, K extends string>(
  what: string,
  key: K,
  itemKeys: readonly string[] = [],
): Parse<{ [P in K]: T[] } & { count: number }> {
  const items = arrayOf<T>(what, itemKeys);
  return (body) => {
    if (!isRecord(body)) return bad(`expected a JSON object with a "${key}" array`);
    const r = items(body[key]);
    if (!r.ok) return bad(`"${key}": ${r.problem}`);
    const count = typeof body['count'] === 'number' ? body['count'] : r.value.length;
    return good({ [key]: r.value, count } as { [P in K]: T[] } & { count: number });
  };
}

/** 202/204 and friends: whatever came back is ignored. */
export const noContent: Parse<void> = () => good(undefined);
