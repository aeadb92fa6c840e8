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

/** What one read leaves for the next: its body and, per task, the agent (null = out of scope). */
interface MappedRead {
  readonly body: TaskListBody;
  readonly slots: readonly (Agent | null)[];
  readonly indexById: ReadonlyMap<string, number>;
}

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
    const { body, indexById } = mapped.read;
    const agents = mapped.agents;
    return {
      ok: true,
      status: r.status,
      value: {
        agents,
        count: agents.length,
        fetchedAt,
        task(id) {
          const i = indexById.get(id);
          if (i === undefined || mapped.read.slots[i] === null) return undefined;
          const t = body.task(i);
          return t.ok ? t.value : undefined;
        },
      },
    };
  };

  /** Maps one read, reusing the previous read's agent for every task whose bytes did not change. */
  function mapRead(
    body: TaskListBody,
    before: MappedRead | undefined,
    fetchedAt: Date,
  ): { ok: true; read: MappedRead; agents: Agent[]; parsed: number } | { ok: false; problem: string } {
    const n = body.length;
    const slots = new Array<Agent | null>(n);
    const indexById = new Map<string, number>();
    const agents: Agent[] = [];
    let map: ((task: AnyTask) => Agent) | undefined;
    let parsed = 0;
    for (let i = 0; i < n; i++) {
      const id = body.id(i);
      let slot: Agent | null | undefined;
      if (id !== undefined) {
        indexById.set(id, i);
        const j = before?.indexById.get(id);
        if (before && j !== undefined && body.sameTask(i, before.body, j)) {
          const kept = before.slots[j];
          slot = kept ? reassessAgent(kept, fetchedAt, thresholds) : null;
        }
      }
      if (slot === undefined) {
        const task = body.task(i);
        if (!task.ok) return { ok: false, problem: task.problem };
        parsed++;
        if (id === undefined) indexById.set(task.value.id, i);
        if (inScope(task.value.owner_name)) {
          map ??= createTaskMapper(fetchedAt, thresholds);
          slot = map(task.value);
        } else {
          slot = null;
        }
      }
      slots[i] = slot;
      if (slot) agents.push(slot);
    }
    return { ok: true, read: { body, slots, indexById }, agents, parsed };
  }

  return {
    list: (listOptions = {}) => cache.get('tasks', load, listOptions),
    invalidate: () => cache.invalidate(),
    lastRead: () => stats,
  };
}
