/**
 * A JSON list as Coder sent it (the raw UTF-8 body), indexed but not parsed: each item is decoded and
 * parsed only when asked for, and two reads can be compared item by item on their bytes.
 *
 * Why: a fleet of 10,000 agents is one ~12 MB body per read (Coder has no task pagination, and a chats
 * page holds up to 10,000 chats). A poller that re-reads it every few seconds sees mostly unchanged items;
 * `sameItem` lets it keep what it derived from them last time (a byte compare) instead of decoding,
 * parsing and mapping them again, and no read ever holds the whole parsed tree at once (which is what
 * drove memory and GC time up at scale). TaskListBody and ChatListBody are this with their item shapes.
 */
import { Buffer } from 'node:buffer';
import type { ByteBody } from './byte-body.js';
import { isRecord } from './guards.js';
import { indexJsonArray, type JsonArrayIndex } from './json-array-index.js';
import type { Parse, Parsed } from './parse.js';

/** How one kind of list is shaped. */
export interface JsonListShape<T> {
  /** Top-level key holding the items (`{"tasks":[…],"count":2}`), or `null` when the body is the list. */
  readonly key: string | null;
  /** What one item is called in problem texts (`task`). */
  readonly noun: string;
  /** Checks one item (the same check the whole-list parse applies to each). */
  readonly parseItem: Parse<T>;
  /** The ordinary whole-body parse and shape check (the slow path, and the source of its problem texts). */
  readonly parseWhole: Parse<{ items: T[]; count: number }>;
}

/** What `indexJsonList` found: the bytes it keeps, their index, and the list's count. */
export interface IndexedJsonList {
  readonly body: ByteBody;
  readonly index: JsonArrayIndex;
  readonly count: number;
}

/**
 * Indexes a list body. A body the fast index cannot vouch for is parsed the ordinary way, so a broken body
 * fails with the same problem text as the whole-body parse, and an unusual but valid one still works.
 */
export function indexJsonList<T>(bytes: Uint8Array, shape: JsonListShape<T>): Parsed<IndexedJsonList> {
  const body = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const index = indexJsonArray(body, shape.key);
  if (index) {
    const envelope = safeParse(index.envelope);
    // The emptied list must still be the one JSON.parse would see (the key twice, or spelled with escapes,
    // is left to the slow path).
    if (envelope.ok) {
      if (shape.key === null && isEmptyArray(envelope.value)) return { ok: true, value: { body, index, count: index.starts.length } };
      if (shape.key !== null && isRecord(envelope.value) && isEmptyArray(envelope.value[shape.key])) {
        const count = envelope.value['count'];
        return { ok: true, value: { body, index, count: typeof count === 'number' ? count : index.starts.length } };
      }
    }
  }
  return fromParsed(body, shape);
}

/** The slow path: whole-body parse and shape check, then a canonical re-encoding that the index accepts. */
function fromParsed<T>(body: Buffer, shape: JsonListShape<T>): Parsed<IndexedJsonList> {
  const text = body.toString('utf8').replace(/^\uFEFF/, '');
  let value: unknown;
  if (text.trim() !== '') {
    const parsed = safeParse(text);
    if (!parsed.ok) return { ok: false, problem: 'the body is not JSON', notJson: true };
    value = parsed.value;
  }
  const list = shape.parseWhole(value);
  if (!list.ok) return list;
  const { items, count } = list.value;
  const canonical = Buffer.from(JSON.stringify(shape.key === null ? items : { [shape.key]: items, count }));
  const index = indexJsonArray(canonical, shape.key);
  if (!index) return { ok: false, problem: `the ${shape.noun}s list could not be indexed` };
  return { ok: true, value: { body: canonical, index, count } };
}

export class JsonListBody<T> {
  protected readonly body: ByteBody;
  protected readonly index: JsonArrayIndex;
  /** Coder's `count` (falls back to the number of items). */
  readonly count: number;

  protected constructor(
    indexed: IndexedJsonList,
    private readonly shape: JsonListShape<T>,
  ) {
    this.body = indexed.body;
    this.index = indexed.index;
    this.count = indexed.count;
  }

  /** Indexes a body of this shape (see indexJsonList). */
  static of<T>(bytes: Uint8Array, shape: JsonListShape<T>): Parsed<JsonListBody<T>> {
    const indexed = indexJsonList(bytes, shape);
    return indexed.ok ? { ok: true, value: new JsonListBody(indexed.value, shape) } : indexed;
  }

  /** Number of items in the body. */
  get length(): number {
    return this.index.starts.length;
  }

  /** Size of the body in bytes (what this list keeps in memory). */
  get byteLength(): number {
    return this.body.byteLength;
  }

  /** Item i's id, read from its bytes without parsing it (`undefined` when it has no plain string id). */
  id(i: number): string | undefined {
    return this.index.ids[i];
  }

  /** Item i, decoded and parsed now (each call parses again: keep what you need). */
  item(i: number): Parsed<T> {
    const where = this.shape.key === null ? `[${i}]` : `"${this.shape.key}"[${i}]`;
    const start = this.index.starts[i];
    const end = this.index.ends[i];
    if (start === undefined || end === undefined) return { ok: false, problem: `no ${this.shape.noun} at index ${i} (the list has ${this.length})` };
    const parsed = safeParse(this.body.toString('utf8', start, end));
    if (!parsed.ok) return { ok: false, problem: `${where} is not JSON` };
    const item = this.shape.parseItem(parsed.value);
    return item.ok ? item : { ok: false, problem: `${where}: ${item.problem}` };
  }

  /** Every item, parsed (what the whole-body parse returns; costs the full parse). */
  items(): Parsed<T[]> {
    const out = new Array<T>(this.length);
    for (let i = 0; i < out.length; i++) {
      const item = this.item(i);
      if (!item.ok) return item;
      out[i] = item.value;
    }
    return { ok: true, value: out };
  }

  /** Whether item i of this list and item j of `other` are byte-for-byte the same JSON. */
  sameItem(i: number, other: JsonListBody<T>, j: number): boolean {
    const start = this.index.starts[i];
    const end = this.index.ends[i];
    const otherStart = other.index.starts[j];
    const otherEnd = other.index.ends[j];
    if (start === undefined || end === undefined || otherStart === undefined || otherEnd === undefined) return false;
    if (end - start !== otherEnd - otherStart) return false;
    return this.body.compare(other.body, otherStart, otherEnd, start, end) === 0;
  }
}

function safeParse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

function isEmptyArray(value: unknown): boolean {
  return Array.isArray(value) && value.length === 0;
}
