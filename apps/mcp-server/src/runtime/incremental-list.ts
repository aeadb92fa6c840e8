/**
 * Maps a list read (one or more indexed bodies: TaskListBody, ChatListBody) to what the fleet needs per
 * item, reusing the previous read's result for every item whose JSON is byte-for-byte unchanged. Only new
 * or changed items are decoded, parsed and mapped; a kept result may still be refreshed by `keep` (the
 * time-based attention rules, see reassessAgent). At 10,000 agents this is what keeps a read close to the
 * cost of the HTTP request itself, and no read ever holds the whole parsed list.
 */
import type { JsonListBody } from '@org/coder-api-client';

/** What one read leaves for the next: its bodies and, per item, what it was mapped to. */
export interface MappedList<T, S> {
  readonly bodies: readonly JsonListBody<T>[];
  readonly slots: readonly (readonly S[])[];
  /** Where each item id is (body, index). */
  readonly where: ReadonlyMap<string, readonly [body: number, index: number]>;
}

export interface ListMapping<T, S> {
  /** Maps a new or changed item. */
  map(item: T): S;
  /** The previous result for an unchanged item as of this read, or `undefined` to map the item again. */
  keep(previous: S): S | undefined;
}

export type MapListResult<T, S> = { ok: true; read: MappedList<T, S>; parsed: number } | { ok: false; problem: string };

export function mapListIncrementally<T extends { readonly id: string }, S>(
  bodies: readonly JsonListBody<T>[],
  before: MappedList<T, S> | undefined,
  mapping: ListMapping<T, S>,
): MapListResult<T, S> {
  const where = new Map<string, readonly [number, number]>();
  const slots: S[][] = [];
  let parsed = 0;
  for (let b = 0; b < bodies.length; b++) {
    const body = bodies[b] as JsonListBody<T>;
    const n = body.length;
    const out = new Array<S>(n);
    for (let i = 0; i < n; i++) {
      const id = body.id(i);
      let slot: S | undefined;
      if (id !== undefined) {
        where.set(id, [b, i]);
        const at = before?.where.get(id);
        if (before && at !== undefined && body.sameItem(i, before.bodies[at[0]] as JsonListBody<T>, at[1])) {
          slot = mapping.keep(before.slots[at[0]]?.[at[1]] as S);
        }
      }
      if (slot === undefined) {
        const item = body.item(i);
        if (!item.ok) return { ok: false, problem: item.problem };
        parsed++;
        if (id === undefined) where.set(item.value.id, [b, i]);
        slot = mapping.map(item.value);
      }
      out[i] = slot;
    }
    slots.push(out);
  }
  return { ok: true, read: { bodies, slots, where }, parsed };
}
