import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { indexJsonArray, type JsonArrayIndex } from './json-array-index.js';

const buf = (text: string): Buffer => Buffer.from(text, 'utf8');

/** Index `text` under "tasks", failing the test when the index refuses it. */
function index(text: string | Buffer, key = 'tasks'): JsonArrayIndex {
  const result = indexJsonArray(typeof text === 'string' ? buf(text) : text, key);
  if (!result) throw new Error(`expected an index for ${String(text)}`);
  return result;
}

/** Element i as JSON text, cut out of the body by the index. */
const element = (body: Buffer, ix: JsonArrayIndex, i: number): string => body.toString('utf8', ix.starts[i], ix.ends[i]);

/** Every element, parsed from its byte range. */
const elements = (text: string): unknown[] => {
  const body = buf(text);
  const ix = index(body);
  return ix.starts.map((_, i) => JSON.parse(element(body, ix, i)) as unknown);
};

const refused = (text: string, key = 'tasks'): void => {
  expect(indexJsonArray(buf(text), key), text).toBeUndefined();
};

describe('indexJsonArray: shapes it accepts', () => {
  it('an empty array', () => {
    const ix = index('{"tasks":[],"count":0}');
    expect(ix).toEqual({ starts: [], ends: [], ids: [], envelope: '{"tasks":[],"count":0}' });
    expect(index('{"tasks":[ \n ]}').starts).toEqual([]);
    expect(index('{"tasks":[ \n ]}').envelope).toBe('{"tasks":[]}');
  });

  it('byte offsets of each element and the envelope', () => {
    const text = '{"tasks":[{"id":"a"},{"id":"b","x":1}],"count":2}';
    const ix = index(text);
    expect(ix.starts).toEqual([text.indexOf('{"id":"a"'), text.indexOf('{"id":"b"')]);
    expect(ix.ends).toEqual([text.indexOf('},{') + 1, text.indexOf('}]') + 1]);
    expect(ix.ids).toEqual(['a', 'b']);
    expect(ix.envelope).toBe('{"tasks":[],"count":2}');
  });

  it('`count` before and after the array lands in the envelope', () => {
    expect(index('{"count":2,"tasks":[{"id":"a"},{"id":"b"}]}').envelope).toBe('{"count":2,"tasks":[]}');
    expect(index('{"tasks":[{"id":"a"},{"id":"b"}],"count":2}').envelope).toBe('{"tasks":[],"count":2}');
    expect(JSON.parse(index('{"count":1,"tasks":[{"id":"a"}],"more":{"tasks":[1,2]}}').envelope)).toEqual({
      count: 1,
      tasks: [],
      more: { tasks: [1, 2] },
    });
  });

  it('whitespace and newlines (pretty-printed JSON) everywhere', () => {
    const value = { tasks: [{ id: 'a', name: 'n', nested: { list: [1, { deep: true }] } }, { name: 'b', id: 'b' }], count: 2 };
    for (const text of [JSON.stringify(value, null, 2), JSON.stringify(value, null, '\t'), ` \r\n${JSON.stringify(value, null, 4)}\r\n `]) {
      const ix = index(text);
      expect(ix.ids).toEqual(['a', 'b']);
      expect(elements(text)).toEqual(value.tasks);
      expect(JSON.parse(ix.envelope)).toEqual({ ...value, tasks: [] });
    }
    expect(index('{ "tasks" :\n[\n{ "id" :\t"x" } ,\n{"id"\n:\n"y"}\n]\n}').ids).toEqual(['x', 'y']);
  });

  it('strings holding structural characters, escaped quotes and backslashes', () => {
    const nasty = ['{', '}', '[', ']', ',', ':', '"', '{"id":"fake"}', '],"tasks":[', '\\', '\\"', '\\\\', 'a\\', '"\\"\\\\"', '\u0000\u001f\n\t'];
    const tasks = nasty.map((s, i) => ({ id: `t${i}`, name: s, [s]: s, list: [s, { [s]: [s] }] }));
    const text = JSON.stringify({ tasks, note: nasty.join(''), count: tasks.length });
    const ix = index(text);
    expect(ix.ids).toEqual(tasks.map((t) => t.id));
    expect(elements(text)).toEqual(tasks);
    expect(JSON.parse(ix.envelope)).toEqual({ tasks: [], note: nasty.join(''), count: tasks.length });
  });

  it('backslash parity before a quote: `\\\\"` closes the string, `\\\\\\"` does not', () => {
    // JSON text: "a\\" (ends with an escaped backslash) and "b\\\"c" (escaped backslash, then escaped quote).
    const text = '{"tasks":[{"id":"1","name":"a\\\\"},{"id":"2","name":"b\\\\\\"c"}]}';
    expect(elements(text)).toEqual([
      { id: '1', name: 'a\\' },
      { id: '2', name: 'b\\"c' },
    ]);
    expect(index(text).ids).toEqual(['1', '2']);
  });

  it('multi-byte UTF-8 and emoji in values and keys: offsets are bytes', () => {
    const tasks = [
      { id: 'ü-1', name: 'Grüße, 世界 🚀🧑‍💻', 'ключ': 'значение' },
      { id: '🚀', name: '\u2028\u2029', emoji: '👨‍👩‍👧‍👦' },
    ];
    const text = JSON.stringify({ tasks });
    const body = buf(text);
    const ix = index(body);
    expect(body.length).toBeGreaterThan(text.length); // multi-byte: byte and char offsets differ
    expect(ix.ids).toEqual(['ü-1', '🚀']);
    expect(ix.starts.map((_, i) => JSON.parse(element(body, ix, i)) as unknown)).toEqual(tasks);
    expect(ix.ends[1]).toBe(body.length - 2);
  });

  it('nested objects and arrays inside elements', () => {
    const tasks = [
      { id: 'a', current_state: { state: 'idle', meta: { a: [[], [{}], { b: [] }] } }, tags: [[1, [2, [3]]]] },
      { id: 'b', empty: {}, list: [] },
    ];
    expect(elements(JSON.stringify({ tasks }))).toEqual(tasks);
  });

  it('a nested "id" does not override the element’s own id', () => {
    const text = '{"tasks":[{"id":"top","owner":{"id":"nested"},"list":[{"id":"deeper"}]},{"workspace":{"id":"only-nested"}}]}';
    expect(index(text).ids).toEqual(['top', undefined]);
    expect(index('{"tasks":[{"owner":{"id":"nested"},"id":"top-after"}]}').ids).toEqual(['top-after']);
  });

  it('an id that is not the first key', () => {
    expect(index('{"tasks":[{"name":"n","status":"s","id":"last"},{"a":{"b":1},"id":"middle","z":0}]}').ids).toEqual(['last', 'middle']);
  });

  it('an id with an escape sequence is not read (undefined); the element still is', () => {
    const text = '{"tasks":[{"id":"a\\"b"},{"id":"\\u0061"},{"id":"c\\\\"},{"id":"plain"}]}';
    const ix = index(text);
    expect(ix.ids).toEqual([undefined, undefined, undefined, 'plain']);
    expect(elements(text)).toEqual([{ id: 'a"b' }, { id: 'a' }, { id: 'c\\' }, { id: 'plain' }]);
  });

  it('an id that is not a string is undefined', () => {
    const text = '{"tasks":[{"id":5},{"id":null},{"id":{"id":"x"}},{"id":["y"]},{"id":true},{"id":""}]}';
    expect(index(text).ids).toEqual([undefined, undefined, undefined, undefined, undefined, '']);
  });

  it('a value string "id" is not taken for the key', () => {
    expect(index('{"tasks":[{"name":"id","id":"real"}]}').ids).toEqual(['real']);
    expect(index('{"tasks":[{"name":"id"}]}').ids).toEqual([undefined]);
    expect(index('{"tasks":[{"name":"id" ,"x":"id"}]}').ids).toEqual([undefined]);
    expect(index('{"tasks":[{"idx":"no","i":"d"}]}').ids).toEqual([undefined]);
  });

  it('the last "id" wins when an element repeats it (as JSON.parse does)', () => {
    expect(index('{"tasks":[{"id":"first","id":"second"}]}').ids).toEqual(['second']);
  });

  it('a UTF-8 BOM before the object', () => {
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), buf('{"tasks":[{"id":"a"}],"count":1}')]);
    const ix = index(body);
    expect(ix.ids).toEqual(['a']);
    expect(ix.starts).toEqual([13]);
    expect(element(body, ix, 0)).toBe('{"id":"a"}');
    expect(ix.envelope).toBe('{"tasks":[],"count":1}');
  });

  it('a key other than "tasks", and a value equal to the key name', () => {
    expect(index('{"workspaces":[{"id":"w"}]}', 'workspaces').ids).toEqual(['w']);
    expect(index('{"name":"tasks","tasks":[{"id":"a"}]}').ids).toEqual(['a']);
    refused('{"name":"tasks","other":[{"id":"a"}]}');
    refused('{"tasks2":[{"id":"a"}]}');
    refused('{"task":[{"id":"a"}]}');
  });
});

describe('indexJsonArray: what it refuses (undefined)', () => {
  it('a body that is not an object', () => {
    for (const text of ['', ' ', 'null', '42', '"tasks"', '[]', '[{"id":"a"}]', '[{"tasks":[{"id":"a"}]}]', '["tasks",[{"id":"a"}]]', '<html>']) {
      refused(text);
    }
  });

  it('the key missing, or mapped to something other than an array', () => {
    for (const text of ['{}', '{"count":0}', '{"tasks":null}', '{"tasks":{}}', '{"tasks":"[]"}', '{"tasks":1}', '{"tasks":{"a":[{"id":"x"}]}}']) {
      refused(text);
    }
  });

  it('elements that are not objects', () => {
    for (const text of [
      '{"tasks":["a"]}',
      '{"tasks":[1]}',
      '{"tasks":[-1.5e3]}',
      '{"tasks":[null]}',
      '{"tasks":[true]}',
      '{"tasks":[[]]}',
      '{"tasks":[[{"id":"a"}]]}',
      '{"tasks":[{"id":"a"},"b"]}',
      '{"tasks":[{"id":"a"},2]}',
      '{"tasks":[{"id":"a"},null]}',
      '{"tasks":[{"id":"a"},[]]}',
    ]) {
      refused(text);
    }
  });

  it('stray commas and missing commas between elements', () => {
    for (const text of [
      '{"tasks":[{"id":"a"},]}',
      '{"tasks":[{"id":"a"} , ]}',
      '{"tasks":[{"id":"a"},,{"id":"b"}]}',
      '{"tasks":[,{"id":"a"}]}',
      '{"tasks":[,]}',
      '{"tasks":[{"id":"a"}{"id":"b"}]}',
      '{"tasks":[{"id":"a"}\n{"id":"b"}]}',
    ]) {
      refused(text);
    }
  });

  it('unterminated strings', () => {
    for (const text of ['{"tasks":[{"id":"a}]}', '{"tasks":[{"id":"a\\"}]}', '{"tasks":[{"name":"x', '{"tasks', '{"tasks":[{"id":"a"}],"x":"\\"}']) {
      refused(text);
    }
  });

  it('unbalanced braces and brackets', () => {
    for (const text of [
      '{"tasks":[{"id":"a"}]',
      '{"tasks":[{"id":"a"}',
      '{"tasks":[{"id":"a"]}',
      '{"tasks":[{"id":"a"}]}}',
      '{"tasks":[{"id":"a"}]}]',
      '{"tasks":[{"id":"a","x":{"y":1}]}',
      '}{"tasks":[]}',
    ]) {
      refused(text);
    }
  });

  it('the key twice', () => {
    refused('{"tasks":[{"id":"a"}],"tasks":[{"id":"b"}]}');
    refused('{"tasks":[],"tasks":[]}');
  });

  it('a nested (not top-level) "tasks" key only', () => {
    refused('{"data":{"tasks":[{"id":"a"}]}}');
    refused('{"data":[{"tasks":[{"id":"a"}]}]}');
    refused('{"data":{"tasks":[]},"count":0}');
  });
});

// --- property-style: random task-like objects (seeded, reproducible) ---

/** Tiny seeded PRNG (mulberry32). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NASTY = [
  '',
  'id',
  'tasks',
  '"id":"x"',
  '{"id":"evil"}',
  '],"tasks":[{',
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '"',
  '\\',
  '\\"',
  '\\\\"',
  '\\\\\\',
  '"\\"',
  '\n\r\t\b\f',
  '\u0000\u0001\u001f',
  '\u2028\u2029',
  'Grüße',
  '世界',
  '🚀🧑‍💻',
  '\ud83d', // a lone surrogate (JSON.stringify escapes it)
  '\ufeff',
  ' ',
  'null',
  'true',
  '12.5e-3',
];

function generator(seed: number) {
  const rand = mulberry32(seed);
  const int = (n: number): number => Math.floor(rand() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;
  const str = (): string => {
    const parts: string[] = [];
    for (let i = int(4); i >= 0; i--) parts.push(rand() < 0.6 ? pick(NASTY) : int(1e6).toString(36));
    return parts.join('');
  };
  const scalar = (): unknown => pick([() => str(), () => int(1000) - 500, () => rand() * 1e6, () => null, () => true, () => false])();
  const value = (depth: number): unknown => {
    if (depth > 3 || rand() < 0.5) return scalar();
    if (rand() < 0.5) return Array.from({ length: int(4) }, () => value(depth + 1));
    return object(depth + 1);
  };
  const object = (depth: number): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (let i = int(4); i > 0; i--) out[rand() < 0.2 ? 'id' : str()] = value(depth);
    return out;
  };
  /** A task-like object: id (sometimes nasty, sometimes missing/not a string) at a random position. */
  const task = (i: number): Record<string, unknown> => {
    const fields: [string, unknown][] = [
      ['name', str()],
      ['status', pick(['active', 'paused', 'running', str()])],
      ['current_state', rand() < 0.3 ? null : { state: pick(['idle', 'working', 'failure']), message: str(), id: str() }],
      ['workspace', object(1)],
      ['tags', [str(), str(), { id: str() }]],
    ];
    for (let k = int(3); k > 0; k--) fields.push([str(), value(1)]);
    const r = rand();
    const id = r < 0.7 ? `task-${i}-${int(1e9).toString(16)}` : r < 0.85 ? str() : r < 0.95 ? int(100) : undefined;
    if (id !== undefined) fields.splice(int(fields.length + 1), 0, ['id', id]);
    return Object.fromEntries(fields);
  };
  return { task, str, int, rand };
}

/** What the index should report for an element's id: a string without escapes in its JSON form. */
function expectedId(task: Record<string, unknown>): string | undefined {
  const id = task['id'];
  if (typeof id !== 'string') return undefined;
  return JSON.stringify(id).includes('\\') ? undefined : id;
}

describe('indexJsonArray: property-style (seeded random task lists)', () => {
  const SEEDS = [1, 42, 0xc0de, 20260101];

  it.each(SEEDS)('seed %i: ~200 tasks, compact and pretty: elements, ids and envelope round-trip', (seed) => {
    const gen = generator(seed);
    const tasks = Array.from({ length: 200 + gen.int(20) }, (_, i) => gen.task(i));
    const original = { before: gen.str(), count: tasks.length, tasks, after: { tasks: [gen.str()], id: gen.str() } };
    for (const text of [JSON.stringify(original), JSON.stringify(original, null, 2), JSON.stringify(original, null, '\t')]) {
      const body = buf(text);
      const ix = index(body);
      expect(ix.starts).toHaveLength(tasks.length);
      expect(ix.ends).toHaveLength(tasks.length);
      expect(ix.ids).toHaveLength(tasks.length);
      for (let i = 0; i < tasks.length; i++) {
        expect(body[ix.starts[i]!]).toBe(0x7b);
        expect(body[ix.ends[i]! - 1]).toBe(0x7d);
        expect(JSON.parse(body.toString('utf8', ix.starts[i], ix.ends[i]))).toEqual(tasks[i]);
        expect(ix.ids[i]).toBe(expectedId(tasks[i]!));
      }
      expect(JSON.parse(ix.envelope)).toEqual({ ...original, tasks: [] });
    }
    // the generator does exercise both branches of the id read
    expect(tasks.some((t) => expectedId(t) !== undefined)).toBe(true);
    expect(tasks.some((t) => typeof t['id'] === 'string' && expectedId(t) === undefined)).toBe(true);
  });

  it('seeded one-byte corruptions of a valid body never index silently', () => {
    // Deleting one structural byte, or swapping a bracket for a brace, must not yield an index of a body
    // that is not JSON while the envelope and every element still parse (callers would never notice).
    const gen = generator(7);
    const tasks = Array.from({ length: 20 }, (_, i) => gen.task(i));
    const text = JSON.stringify({ tasks, count: tasks.length });
    const body = buf(text);
    const SWAP: Record<number, number> = { 0x5b: 0x7b, 0x7b: 0x5b, 0x5d: 0x7d, 0x7d: 0x5d };
    const structural = [...body.keys()].filter((i) => [0x2c, 0x3a, 0x5b, 0x5d, 0x7b, 0x7d].includes(body[i]!));
    let indexed = 0;
    for (let n = 0; n < 400; n++) {
      const at = structural[gen.int(structural.length)]!;
      const swapped = SWAP[body[at]!];
      const broken = n % 2 === 0 || swapped === undefined ? Buffer.concat([body.subarray(0, at), body.subarray(at + 1)]) : Buffer.from(body);
      if (n % 2 === 1 && swapped !== undefined) broken[at] = swapped;
      const ix = indexJsonArray(broken, 'tasks');
      if (ix) indexed++;
      if (!ix) continue;
      let wholeParses = true;
      try {
        JSON.parse(broken.toString('utf8'));
      } catch {
        wholeParses = false;
      }
      if (wholeParses) continue;
      // Not JSON as a whole: then an element or the envelope must fail to parse (so callers notice).
      const parts = [ix.envelope, ...ix.starts.map((s, i) => broken.toString('utf8', s, ix.ends[i]))];
      const allParse = parts.every((p) => {
        try {
          JSON.parse(p);
          return true;
        } catch {
          return false;
        }
      });
      expect(allParse, `corrupting byte ${at} (${String.fromCharCode(body[at]!)})`).toBe(false);
    }
    expect(indexed).toBeGreaterThan(0); // not vacuous: some corruptions do get past the index
  });
});

// Regressions: bodies an earlier version of the index wrongly accepted.
describe('indexJsonArray: regressions', () => {
  it('refuses a bracket closed by a brace (types not matched)', () => {
    // Not JSON: an earlier index dropped the element and returned an empty list.
    refused('{"tasks":[{"a":[1}]]}');
  });

  it('refuses a colon between elements', () => {
    // Not JSON: an earlier index accepted both elements.
    refused('{"tasks":[{"id":"a"}:,{"id":"b"}]}');
    refused('{"tasks":[:{"id":"a"}]}');
  });
});
