/**
 * A tasks list as Coder sent it (the raw UTF-8 body), indexed but not parsed (see JsonListBody: each task
 * is parsed only when asked for, and two reads compare task by task on their bytes).
 */
import { JsonListBody, indexJsonList, type JsonListShape } from './json-list-body.js';
import { listIn, objectWith, type Parsed } from './parse.js';
import type { AnyTask } from './wire.js';

/** Fields every task must carry as strings (a proxy page or another API fails this). */
export const TASK_KEYS = ['id', 'name', 'status'] as const;
const parseTaskList = listIn<AnyTask, 'tasks'>('task', 'tasks', TASK_KEYS);

const TASKS: JsonListShape<AnyTask> = {
  key: 'tasks',
  noun: 'task',
  parseItem: objectWith<AnyTask>('task', TASK_KEYS),
  parseWhole: (value) => {
    const list = parseTaskList(value);
    return list.ok ? { ok: true, value: { items: list.value.tasks, count: list.value.count } } : list;
  },
};

export class TaskListBody extends JsonListBody<AnyTask> {
  /** Indexes a tasks-list body; a broken one fails with the same problem text as `listTasks`. */
  static from(bytes: Uint8Array): Parsed<TaskListBody> {
    const indexed = indexJsonList(bytes, TASKS);
    return indexed.ok ? { ok: true, value: new TaskListBody(indexed.value, TASKS) } : indexed;
  }

  /** Task i, decoded and parsed now (each call parses again: keep what you need). */
  task(i: number): Parsed<AnyTask> {
    return this.item(i);
  }

  /** Every task, parsed (what `listTasks` returns; costs the full parse). */
  tasks(): Parsed<AnyTask[]> {
    return this.items();
  }

  /** Whether task i of this list and task j of `other` are byte-for-byte the same JSON. */
  sameTask(i: number, other: TaskListBody, j: number): boolean {
    return this.sameItem(i, other, j);
  }
}
