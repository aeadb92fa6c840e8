/**
 * Light structural checks on 2xx bodies: enough to catch a proxy page, a truncated body or a
 * different API, without re-validating Coder's whole schema.
 */
import { isRecord } from './errors.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };
export type Parse<T> = (body: unknown) => Parsed<T>;

const good = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = (problem: string): Parsed<never> => ({ ok: false, problem });

function missingStrings(value: Record<string, unknown>, keys: readonly string[]): string[] {
  return keys.filter((k) => typeof value[k] !== 'string');
}

/** A JSON object whose `keys` are strings. */
export function objectWith<T>(what: string, keys: readonly string[] = []): Parse<T> {
  return (body) => {
    if (!isRecord(body)) return bad(`expected ${what} to be a JSON object`);
    const missing = missingStrings(body, keys);
    if (missing.length > 0) return bad(`${what} lacks string field(s) ${missing.join(', ')}`);
    return good(body as T);
  };
}

/** A JSON array of objects, each passing `item` when given. */
export function arrayOf<T>(what: string, keys: readonly string[] = []): Parse<T[]> {
  const item = objectWith<T>(`each ${what}`, keys);
  return (body) => {
    if (!Array.isArray(body)) return bad(`expected a JSON array of ${what}`);
    for (const entry of body) {
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
