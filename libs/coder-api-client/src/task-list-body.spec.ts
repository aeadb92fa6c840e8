import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { experimentalTaskFresh, experimentalTaskIdle, experimentalTaskList, gaTask } from './__fixtures__/coder-facts.js';
import { listIn, type Parsed } from './parse.js';
import { TASK_KEYS, TaskListBody } from './task-list-body.js';
import type { AnyTask } from './types.js';

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');
const listTasksParse = listIn<AnyTask, 'tasks'>('task', 'tasks', TASK_KEYS);

function value<T>(r: Parsed<T>): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.problem}`);
  return r.value;
}

const list = (text: string | Uint8Array): TaskListBody => value(TaskListBody.from(typeof text === 'string' ? bytes(text) : text));

/** A minimal valid task. */
const t = (id: string, extra: Record<string, unknown> = {}) => ({ id, name: `name-${id}`, status: 'active', ...extra });

describe('TaskListBody.from on a valid body', () => {
  it('length, count, byteLength, id(i), task(i), tasks()', () => {
    const text = JSON.stringify(experimentalTaskList);
    const body = list(text);
    expect(body.length).toBe(2);
    expect(body.count).toBe(2);
    expect(body.byteLength).toBe(Buffer.byteLength(text));
    expect([body.id(0), body.id(1), body.id(2)]).toEqual([experimentalTaskIdle.id, experimentalTaskFresh.id, undefined]);
    expect(body.task(0)).toEqual({ ok: true, value: experimentalTaskIdle });
    expect(body.task(1)).toEqual({ ok: true, value: experimentalTaskFresh });
    expect(body.tasks()).toEqual({ ok: true, value: [experimentalTaskIdle, experimentalTaskFresh] });
    expect(value(listTasksParse(JSON.parse(text)))).toEqual({ tasks: value(body.tasks()), count: body.count });
  });

  it('each task(i) call parses afresh (callers may mutate what they get)', () => {
    const body = list(JSON.stringify({ tasks: [gaTask] }));
    const first = value(body.task(0));
    (first as { name: string }).name = 'changed';
    expect(value(body.task(0)).name).toBe(gaTask.name);
  });

  it('count comes from the envelope, wherever it is; falls back to the length when absent or not a number', () => {
    expect(list(`{"count":7,"tasks":[${JSON.stringify(t('a'))}]}`).count).toBe(7);
    expect(list(`{"tasks":[${JSON.stringify(t('a'))}],"count":0}`).count).toBe(0);
    expect(list(`{"tasks":[${JSON.stringify(t('a'))},${JSON.stringify(t('b'))}]}`).count).toBe(2);
    expect(list(`{"tasks":[${JSON.stringify(t('a'))}],"count":"5"}`).count).toBe(1);
    expect(list(`{"tasks":[${JSON.stringify(t('a'))}],"count":null}`).count).toBe(1);
    expect(list('{"tasks":[]}').count).toBe(0);
    // the same as listTasks' parser
    for (const text of ['{"count":7,"tasks":[]}', '{"tasks":[{"id":"a","name":"n","status":"s"}],"count":"5"}']) {
      expect(list(text).count).toBe(value(listTasksParse(JSON.parse(text))).count);
    }
  });

  it('an empty list', () => {
    const body = list('{"tasks":[],"count":0}');
    expect([body.length, body.count]).toEqual([0, 0]);
    expect(body.tasks()).toEqual({ ok: true, value: [] });
  });

  it('pretty-printed, with a BOM, and from a Uint8Array view into a larger buffer', () => {
    const tasks = [t('a', { nested: { id: 'not-this' } }), t('ü🚀', { note: '"quoted" \\ {[,:]}' })];
    const pretty = JSON.stringify({ tasks, count: 2 }, null, 2);
    expect(list(pretty).tasks()).toEqual({ ok: true, value: tasks });
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes(pretty)]);
    const bomList = list(withBom);
    expect(bomList.tasks()).toEqual({ ok: true, value: tasks });
    expect([bomList.id(0), bomList.id(1)]).toEqual(['a', 'ü🚀']);
    // a view with a non-zero byteOffset (e.g. a slice of a pooled buffer) is read at its own offsets
    const padded = new Uint8Array(withBom.length + 20);
    padded.fill(0x20);
    padded.set(withBom, 10);
    const view = new Uint8Array(padded.buffer, 10, withBom.length);
    expect(view).not.toBeInstanceOf(Buffer);
    expect(list(view).tasks()).toEqual({ ok: true, value: tasks });
  });

  it('id(i) is undefined when the id is not a plain string; task(i) still reads it', () => {
    const body = list('{"tasks":[{"id":"a\\"b","name":"n","status":"s"},{"name":"n","status":"s","id":"last"}]}');
    expect([body.id(0), body.id(1)]).toEqual([undefined, 'last']);
    expect(value(body.task(0)).id).toBe('a"b');
  });
});

describe('TaskListBody.sameTask', () => {
  const a = JSON.stringify(t('a', { current_state: { state: 'idle' } }));
  const b = JSON.stringify(t('b'));

  it('true for identical bytes at different indices and in different bodies', () => {
    const one = list(`{"tasks":[${a},${b}],"count":2}`);
    const two = list(`{"count":3,"tasks":[\n  ${b},\n  ${a} ,${a}]}`);
    expect(one.sameTask(0, two, 1)).toBe(true);
    expect(one.sameTask(0, two, 2)).toBe(true);
    expect(two.sameTask(1, two, 2)).toBe(true);
    expect(one.sameTask(1, two, 0)).toBe(true);
    expect(one.sameTask(0, one, 0)).toBe(true);
    expect(two.sameTask(1, one, 0)).toBe(true);
  });

  it('false for different tasks, one changed byte, or a different length', () => {
    const one = list(`{"tasks":[${a},${b}]}`);
    expect(one.sameTask(0, one, 1)).toBe(false);
    const changedByte = list(`{"tasks":[${a.replace('idle', 'idlE')}]}`);
    expect(a.replace('idle', 'idlE')).toHaveLength(a.length);
    expect(one.sameTask(0, changedByte, 0)).toBe(false);
    expect(changedByte.sameTask(0, one, 0)).toBe(false);
    const longer = list(`{"tasks":[${a.replace('idle', 'idle ')}]}`);
    expect(one.sameTask(0, longer, 0)).toBe(false);
    // same JSON value, different bytes (whitespace, key order) is "not the same" by design
    const spaced = list(`{"tasks":[${JSON.stringify(JSON.parse(a), null, 1)}]}`);
    expect(one.sameTask(0, spaced, 0)).toBe(false);
  });

  it('false for an index out of range on either side', () => {
    const one = list(`{"tasks":[${a}]}`);
    const empty = list('{"tasks":[]}');
    expect(one.sameTask(1, one, 0)).toBe(false);
    expect(one.sameTask(0, one, 1)).toBe(false);
    expect(one.sameTask(-1, one, 0)).toBe(false);
    expect(one.sameTask(0, empty, 0)).toBe(false);
    expect(empty.sameTask(0, empty, 0)).toBe(false);
  });
});

describe('TaskListBody.from: the fallback path (bodies the index refuses but JSON.parse accepts)', () => {
  it('the "tasks" key twice: the last one wins, as with JSON.parse', () => {
    const text = `{"tasks":[${JSON.stringify(t('first'))}],"count":9,"tasks":[${JSON.stringify(t('x'))},${JSON.stringify(t('y'))}]}`;
    const body = list(text);
    const expected = value(listTasksParse(JSON.parse(text)));
    expect(body.tasks()).toEqual({ ok: true, value: expected.tasks });
    expect(body.length).toBe(2);
    expect(body.count).toBe(9);
    expect([body.id(0), body.id(1)]).toEqual(['x', 'y']);
    // the canonical re-encoding is what it keeps
    expect(body.byteLength).toBe(Buffer.byteLength(JSON.stringify({ tasks: expected.tasks, count: 9 })));
  });

  it('the key spelled with an escape, and count falling back to the length there too', () => {
    const text = `{"\\u0074asks":[${JSON.stringify(t('a'))}]}`;
    const body = list(text);
    expect(body.tasks()).toEqual({ ok: true, value: [t('a')] });
    expect(body.count).toBe(1);
  });

  it('a BOM plus a duplicated key', () => {
    const text = `{"tasks":[],"tasks":[${JSON.stringify(t('a'))}]}`;
    const body = list(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes(text)]));
    expect(body.tasks()).toEqual({ ok: true, value: [t('a')] });
  });

  it('sameTask works between a fallback list and an indexed one (canonical bytes are compact JSON)', () => {
    const compact = JSON.stringify(t('a'));
    const fallback = list(`{"tasks":[],"tasks":[${JSON.stringify(t('a'), null, 2)}]}`);
    const indexed = list(`{"tasks":[${compact}]}`);
    expect(fallback.sameTask(0, indexed, 0)).toBe(true);
  });
});

describe('TaskListBody.from: failures', () => {
  const problem = (r: Parsed<unknown>): string => {
    if (r.ok) throw new Error('expected a failure');
    return r.problem;
  };

  it('a body that is not JSON is notJson', () => {
    for (const text of ['<html>502 Bad Gateway</html>', '{"tasks":[]', '{"tasks":[]} x', '{"tasks":[{"id":"a"}],}', 'nul', '\ufeff{']) {
      expect(TaskListBody.from(bytes(text)), text).toEqual({ ok: false, problem: 'the body is not JSON', notJson: true });
    }
  });

  it('a wrong shape gives the same problem text as listTasks’ parser', () => {
    const cases: [string, unknown, string][] = [
      ['', undefined, 'expected a JSON object with a "tasks" array'],
      ['  \n', undefined, 'expected a JSON object with a "tasks" array'],
      ['null', null, 'expected a JSON object with a "tasks" array'],
      ['[]', [], 'expected a JSON object with a "tasks" array'],
      ['{}', {}, '"tasks": expected a JSON array of task'],
      ['{"count":0}', { count: 0 }, '"tasks": expected a JSON array of task'],
      ['{"tasks":{}}', { tasks: {} }, '"tasks": expected a JSON array of task'],
      ['{"tasks":[1]}', { tasks: [1] }, '"tasks": expected each task to be a JSON object'],
      ['{"tasks":[null]}', { tasks: [null] }, '"tasks": expected each task to be a JSON object'],
      ['{"data":{"tasks":[]}}', { data: { tasks: [] } }, '"tasks": expected a JSON array of task'],
    ];
    for (const [text, parsed, expected] of cases) {
      const r = TaskListBody.from(bytes(text));
      expect(r, text).toEqual({ ok: false, problem: expected });
      expect(listTasksParse(parsed)).toEqual({ ok: false, problem: expected });
    }
    expect(problem(TaskListBody.from(new Uint8Array(0)))).toBe('expected a JSON object with a "tasks" array');
  });

  it('a task lacking name: indexed bodies report it when the task is read', () => {
    const text = '{"tasks":[{"id":"ok","name":"n","status":"s"},{"id":"x","status":"active"}],"count":2}';
    const body = list(text); // the index does not parse tasks up front
    expect(body.task(0).ok).toBe(true);
    expect(body.task(1)).toEqual({ ok: false, problem: '"tasks"[1]: task lacks string field(s) name' });
    expect(body.tasks()).toEqual({ ok: false, problem: '"tasks"[1]: task lacks string field(s) name' });
    expect(problem(listTasksParse(JSON.parse(text)))).toContain('lacks string field(s) name');
    expect(list('{"tasks":[{"id":"x"}]}').task(0)).toEqual({ ok: false, problem: '"tasks"[0]: task lacks string field(s) name, status' });
    expect(list('{"tasks":[{"id":1,"name":"n","status":"s"}]}').task(0)).toEqual({ ok: false, problem: '"tasks"[0]: task lacks string field(s) id' });
  });

  it('a task lacking name on the fallback path fails in from() with listTasks’ text', () => {
    const text = '{"tasks":[],"tasks":[{"id":"x","status":"active"}]}';
    expect(TaskListBody.from(bytes(text))).toEqual({ ok: false, problem: '"tasks": each task lacks string field(s) name' });
    expect(TaskListBody.from(bytes(text))).toEqual(listTasksParse(JSON.parse(text)));
  });

  it('an element whose inside is not JSON is reported when read', () => {
    const body = list('{"tasks":[{"id":"a","name":"n","status":"s"},{"id":"b",oops}]}');
    expect(body.length).toBe(2);
    expect(body.task(0).ok).toBe(true);
    expect(body.task(1)).toEqual({ ok: false, problem: '"tasks"[1] is not JSON' });
    expect(body.tasks()).toEqual({ ok: false, problem: '"tasks"[1] is not JSON' });
  });

  it('task(i) out of range', () => {
    const body = list(`{"tasks":[${JSON.stringify(t('a'))},${JSON.stringify(t('b'))}]}`);
    expect(body.task(2)).toEqual({ ok: false, problem: 'no task at index 2 (the list has 2)' });
    expect(body.task(-1)).toEqual({ ok: false, problem: 'no task at index -1 (the list has 2)' });
    expect(list('{"tasks":[]}').task(0)).toEqual({ ok: false, problem: 'no task at index 0 (the list has 0)' });
    expect(body.id(2)).toBeUndefined();
  });
});

// Regressions: bodies an earlier version of the index wrongly accepted.
describe('TaskListBody.from: regressions', () => {
  it('"tasks" twice, the last not an array, must fail like listTasks (the envelope is not checked)', () => {
    const text = `{"tasks":[${JSON.stringify(t('a'))}],"tasks":null}`;
    expect(TaskListBody.from(bytes(text))).toEqual(listTasksParse(JSON.parse(text)));
  });

  it('"tasks" then an escaped "\\u0074asks": JSON.parse keeps the second list', () => {
    const text = `{"tasks":[${JSON.stringify(t('a'))}],"\\u0074asks":[${JSON.stringify(t('b'))}]}`;
    expect(list(text).tasks()).toEqual({ ok: true, value: [t('b')] });
  });

  it('a body that is not JSON (bracket closed by a brace) must be notJson, not an empty list', () => {
    expect(TaskListBody.from(bytes('{"tasks":[{"a":[1}]]}'))).toEqual({ ok: false, problem: 'the body is not JSON', notJson: true });
  });
});
