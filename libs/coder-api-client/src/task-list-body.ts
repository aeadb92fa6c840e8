/**
 * A tasks list as Coder sent it (the raw UTF-8 body), indexed but not parsed: each task is decoded and
 * parsed only when asked for, and two reads can be compared task by task on their bytes.
 *
 * Why: Coder has no task pagination, so a fleet of 10,000 agents is one ~12 MB body per read. A poller
 * that re-reads it every few seconds sees mostly unchanged tasks; `sameTask` lets it keep what it derived
 * from them last time (a byte compare) instead of decoding, parsing and mapping them again, and no read
 * ever holds the whole parsed tree at once (which is what drove memory and GC time up at scale).
 */
import { Buffer } from 'node:buffer';
import { isRecord } from './guards.js';
import { indexJsonArray, type JsonArrayIndex } from './json-array-index.js';
import { listIn, objectWith, type Parsed } from './parse.js';
import type { AnyTask } from './wire.js';

/** Fields every task must carry as strings (a proxy page or another API fails this). */
export const TASK_KEYS = ['id', 'name', 'status'] as const;
const parseTask = objectWith<AnyTask>('task', TASK_KEYS);
const parseTaskList = listIn<AnyTask, 'tasks'>('task', 'tasks', TASK_KEYS);

export class TaskListBody {
  private constructor(
    private readonly body: Buffer,
    private readonly index: JsonArrayIndex,
    /** Coder's `count` (falls back to the number of tasks). */
    readonly count: number,
  ) {}

  /**
   * Indexes a tasks-list body. A body the fast index cannot vouch for is parsed the ordinary way, so a
   * broken body fails with the same problem text as `listTasks`, and an unusual but valid one still works.
   */
  static from(bytes: Uint8Array): Parsed<TaskListBody> {
    const body = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const index = indexJsonArray(body, 'tasks');
    if (index) {
      const envelope = safeParse(index.envelope);
      // The emptied list must still be the one JSON.parse would see ("tasks" twice, or spelled with escapes,
      // is left to the slow path).
      if (envelope.ok && isRecord(envelope.value) && isEmptyArray(envelope.value['tasks'])) {
        const count = envelope.value['count'];
        return { ok: true, value: new TaskListBody(body, index, typeof count === 'number' ? count : index.starts.length) };
      }
    }
    return TaskListBody.fromParsed(body);
  }

  /** The slow path: whole-body parse and shape check, then a canonical re-encoding that the index accepts. */
  private static fromParsed(body: Buffer): Parsed<TaskListBody> {
    const text = body.toString('utf8').replace(/^\uFEFF/, '');
    let value: unknown;
    if (text.trim() !== '') {
      const parsed = safeParse(text);
      if (!parsed.ok) return { ok: false, problem: 'the body is not JSON', notJson: true };
      value = parsed.value;
    }
    const list = parseTaskList(value);
    if (!list.ok) return list;
    const canonical = Buffer.from(JSON.stringify({ tasks: list.value.tasks, count: list.value.count }));
    const index = indexJsonArray(canonical, 'tasks');
    if (!index) return { ok: false, problem: 'the tasks list could not be indexed' };
    return { ok: true, value: new TaskListBody(canonical, index, list.value.count) };
  }

  /** Number of tasks in the body. */
  get length(): number {
    return this.index.starts.length;
  }

  /** Size of the body in bytes (what this list keeps in memory). */
  get byteLength(): number {
    return this.body.byteLength;
  }

  /** Task i's id, read from its bytes without parsing it (`undefined` when it has no plain string id). */
  id(i: number): string | undefined {
    return this.index.ids[i];
  }

  /** Task i, decoded and parsed now (each call parses again: keep what you need). */
  task(i: number): Parsed<AnyTask> {
    const start = this.index.starts[i];
    const end = this.index.ends[i];
    if (start === undefined || end === undefined) return { ok: false, problem: `no task at index ${i} (the list has ${this.length})` };
    const parsed = safeParse(this.body.toString('utf8', start, end));
    if (!parsed.ok) return { ok: false, problem: `"tasks"[${i}] is not JSON` };
    const task = parseTask(parsed.value);
    return task.ok ? task : { ok: false, problem: `"tasks"[${i}]: ${task.problem}` };
  }

  /** Every task, parsed (what `listTasks` returns; costs the full parse). */
  tasks(): Parsed<AnyTask[]> {
    const out = new Array<AnyTask>(this.length);
    for (let i = 0; i < out.length; i++) {
      const t = this.task(i);
      if (!t.ok) return t;
      out[i] = t.value;
    }
    return { ok: true, value: out };
  }

  /** Whether task i of this list and task j of `other` are byte-for-byte the same JSON. */
  sameTask(i: number, other: TaskListBody, j: number): boolean {
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
