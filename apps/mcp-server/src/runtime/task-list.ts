/**
 * The fleet's tasks list: ONE Coder request per read (Coder has no task pagination), shared by concurrent
 * callers (single-flight) and reused for a short TTL. Owner scoping (`--owner`) is applied here, so every
 * tool, including lookups by id, only ever sees agents in scope.
 */
import type { Clock } from '../clock.js';
import type { AnyTask, CoderClient, CoderResult } from '../coder.js';
import { createSingleFlightCache } from './single-flight-cache.js';

export type TaskList = { tasks: AnyTask[]; count: number; fetchedAt: Date };

export interface TaskListSource {
  list(options?: { force?: boolean }): Promise<CoderResult<TaskList>>;
  /** Call after any mutation so the next read sees it. */
  invalidate(): void;
}

export function createTaskListSource(options: {
  coder: CoderClient;
  clock: Clock;
  ttlMs: number;
  loadTimeoutMs: number;
  owners: readonly string[];
}): TaskListSource {
  const { coder, clock, owners } = options;
  const scope = new Set(owners.map((o) => o.toLowerCase()));
  const cache = createSingleFlightCache<CoderResult<TaskList>>({
    clock,
    ttlMs: options.ttlMs,
    loadTimeoutMs: options.loadTimeoutMs,
    shouldCache: (r) => r.ok,
  });
  const load = async (signal: AbortSignal): Promise<CoderResult<TaskList>> => {
    const r = await coder.listTasks(undefined, { signal });
    if (!r.ok) return r;
    const tasks = scope.size === 0 ? r.value.tasks : r.value.tasks.filter((t) => scope.has(String(t.owner_name).toLowerCase()));
    return { ok: true, status: r.status, value: { tasks, count: tasks.length, fetchedAt: clock.now() } };
  };
  return {
    list: (listOptions = {}) => cache.get('tasks', load, listOptions),
    invalidate: () => cache.invalidate(),
  };
}
