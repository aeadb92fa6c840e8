/**
 * The fleet's tasks list: ONE Coder request per read (Coder has no task pagination), shared by concurrent
 * callers (single-flight) and reused for a short TTL. Owner scoping (`--owner`) is applied here, so every
 * tool, including lookups by id, only ever sees agents in scope.
 *
 * Each read is mapped to agents here, once, judged as of the read (SC-008), and incrementally: a task whose
 * JSON is byte-for-byte what the previous read returned keeps the agent mapped then (re-judged only for the
 * time-based attention rules, see reassessAgent), so only the tasks that changed are decoded, parsed and
 * mapped. At 10,000 agents that is what keeps a read close to the cost of the HTTP request itself, and it
 * means no read ever holds the whole parsed list (memory and GC time stay flat under polling).
 */
import { createTaskMapper, reassessAgent, type Agent, type AttentionThresholds } from '@org/fleet-domain';
import type { TaskListBody } from '@org/coder-api-client';
import type { Clock } from '../clock.js';
import type { AnyTask, CoderClient, CoderResult } from '../coder.js';
import { mapListIncrementally, type MappedList } from './incremental-list.js';
import { createSingleFlightCache } from './single-flight-cache.js';

export interface TaskList {
  /** Agents in scope, in Coder's order, judged as of `fetchedAt`. */
  readonly agents: readonly Agent[];
  /** Number of agents (in scope). */
  readonly count: number;
  readonly fetchedAt: Date;
  /** The raw Coder task behind an agent of this read (parsed on demand), or `undefined` when not in it. */
  task(id: string): AnyTask | undefined;
}

export interface TaskListSource {
  list(options?: { force?: boolean }): Promise<CoderResult<TaskList>>;
  /** Call after any mutation so the next read sees it. */
  invalidate(): void;
  /** Diagnostics of the latest successful read: tasks in Coder's answer, and how many had to be parsed and mapped. */
  lastRead(): ReadStats | undefined;
}

export interface ReadStats {
  readonly at: Date;
  readonly tasks: number;
  /** Tasks decoded, parsed and mapped (new or changed since the previous read); the rest were kept. */
  readonly parsed: number;
  readonly bodyBytes: number;
}

type MappedRead = MappedList<AnyTask, Agent | null>;

const OPERATION = 'GET /api/v2/tasks';

export function createTaskListSource(options: {
  coder: CoderClient;
  clock: Clock;
  ttlMs: number;
  loadTimeoutMs: number;
  owners: readonly string[];
  thresholds: AttentionThresholds;
}): TaskListSource {
  const { coder, clock, owners, thresholds } = options;
  const scope = new Set(owners.map((o) => o.toLowerCase()));
  const inScope = (owner: unknown) => scope.size === 0 || scope.has(String(owner).toLowerCase());
  let previous: MappedRead | undefined;
  let stats: ReadStats | undefined;

  const cache = createSingleFlightCache<CoderResult<TaskList>>({
    clock,
    ttlMs: options.ttlMs,
    loadTimeoutMs: options.loadTimeoutMs,
    shouldCache: (r) => r.ok,
  });

  const load = async (signal: AbortSignal): Promise<CoderResult<TaskList>> => {
    const r = await coder.listTasksIndexed(undefined, { signal });
    if (!r.ok) return r;
    const fetchedAt = clock.now();
    const mapped = mapRead(r.value, previous, fetchedAt);
    if (!mapped.ok) return { ok: false, error: { kind: 'unexpected_response', status: r.status, operation: OPERATION, message: `Unexpected response shape: ${mapped.problem}.` } };
    previous = mapped.read;
    stats = { at: fetchedAt, tasks: r.value.length, parsed: mapped.parsed, bodyBytes: r.value.byteLength };
    const body = r.value;
    const { slots, where } = mapped.read;
    const agents: Agent[] = [];
    for (const slot of slots[0] ?? []) if (slot) agents.push(slot);
    return {
      ok: true,
      status: r.status,
      value: {
        agents,
        count: agents.length,
        fetchedAt,
        task(id) {
          const at = where.get(id);
          if (at === undefined || slots[0]?.[at[1]] === null) return undefined;
          const t = body.task(at[1]);
          return t.ok ? t.value : undefined;
        },
      },
    };
  };

  /** Maps one read, reusing the previous read's agent for every task whose bytes did not change. */
  function mapRead(body: TaskListBody, before: MappedRead | undefined, fetchedAt: Date) {
    let map: ((task: AnyTask) => Agent) | undefined;
    return mapListIncrementally<AnyTask, Agent | null>([body], before, {
      keep: (kept) => (kept ? reassessAgent(kept, fetchedAt, thresholds) : null),
      map: (task) => {
        if (!inScope(task.owner_name)) return null;
        map ??= createTaskMapper(fetchedAt, thresholds);
        return map(task);
      },
    });
  }

  return {
    list: (listOptions = {}) => cache.get('tasks', load, listOptions),
    invalidate: () => cache.invalidate(),
    lastRead: () => stats,
  };
}
