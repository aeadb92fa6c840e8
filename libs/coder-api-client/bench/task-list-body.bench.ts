/**
 * Benchmark (not a test): reading a 10,000-task list body, the way listTasks does it vs TaskListBody.
 *
 *   npx nx run coder-api-client:bench     (tsx --conditions=@org/source libs/coder-api-client/bench/task-list-body.bench.ts)
 *
 * Baseline: decode the body to a string + `JSON.parse` (what `listTasks` and any plain client pay per read).
 * Measured against it, in the same process, as medians after a warm-up:
 * - `TaskListBody.from`: index every task (byte ranges and ids), nothing parsed;
 * - first read: index + parse every task (`tasks()`);
 * - re-read: index + compare every task's bytes with the previous body (`sameTask`), parse the 1% that changed.
 * Prints ratios only (no targets here: the server benchmark holds the end-to-end targets).
 * Env: BENCH_TASKS (default 10000), BENCH_RUNS (default 21).
 */
import { Buffer } from 'node:buffer';
import { TaskListBody } from '../src/index.js';

const N = Number(process.env['BENCH_TASKS'] ?? 10_000);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 21);
const WARMUP = 5;

/** Coder-shaped tasks (GA era) with prompts and state messages of realistic size, some non-ASCII. */
function tasks(n: number, version: number): object[] {
  const out: object[] = [];
  for (let i = 0; i < n; i++) {
    const id = `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
    const changed = i % 100 === 0 ? version : 0;
    out.push({
      id,
      organization_id: '00000000-0000-4000-9000-000000000001',
      owner_id: '00000000-0000-4000-9000-000000000002',
      owner_name: `user${i % 50}`,
      name: `task-${i}`,
      display_name: `Task ${i}`,
      template_id: `00000000-0000-4000-9000-0000000000${(10 + (i % 20)).toString()}`,
      template_name: `template-${i % 20}`,
      template_display_name: `Template ${i % 20}`,
      template_icon: '',
      template_version_id: '00000000-0000-4000-9000-000000000011',
      workspace_id: id,
      workspace_name: `task-${i}`,
      workspace_status: 'running',
      workspace_build_number: 1 + changed,
      workspace_agent_id: id,
      workspace_agent_lifecycle: 'ready',
      workspace_agent_health: { healthy: true },
      workspace_app_id: id,
      initial_prompt: `Fix issue #${i} in the "payments" service — see the stack trace {attached}; add tests. `.repeat(6),
      status: 'active',
      current_state: { timestamp: new Date(Date.UTC(2026, 0, 15, 12, 0, i % 60, changed)).toISOString(), state: 'working', message: `Step ${changed}: running the test suite (42/120) ✓`, uri: '' },
      created_at: '2026-01-15T10:00:00.000Z',
      updated_at: '2026-01-15T11:00:00.000Z',
    });
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

let sink = 0;
function measure(fn: () => number): number {
  for (let i = 0; i < WARMUP; i++) sink += fn();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    sink += fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

const encode = (list: object[]) => Buffer.from(JSON.stringify({ tasks: list, count: list.length }));
const before = encode(tasks(N, 0));
const after = encode(tasks(N, 1));
const previous = TaskListBody.from(before);
if (!previous.ok) throw new Error(previous.problem);

const baseline = measure(() => (JSON.parse(after.toString('utf8')) as { tasks: unknown[] }).tasks.length);
const index = measure(() => {
  const r = TaskListBody.from(after);
  return r.ok ? r.value.length : 0;
});
const firstRead = measure(() => {
  const r = TaskListBody.from(after);
  const all = r.ok ? r.value.tasks() : undefined;
  return all?.ok ? all.value.length : 0;
});
const reRead = measure(() => {
  const r = TaskListBody.from(after);
  if (!r.ok) return 0;
  const body = r.value;
  let parsed = 0;
  // Same order in both bodies here; the server looks the previous index up by id.
  for (let i = 0; i < body.length; i++) if (!body.sameTask(i, previous.value, i) && body.task(i).ok) parsed++;
  return parsed;
});

const row = (label: string, ms: number) =>
  process.stdout.write(`${label.padEnd(58)} ${ms.toFixed(2).padStart(8)} ms  ${(ms / baseline).toFixed(2).padStart(6)}x\n`);
process.stdout.write(`${N.toLocaleString('en-US')} tasks, body ${(after.byteLength / 1024 / 1024).toFixed(1)} MB; median of ${RUNS} runs after ${WARMUP} warm-up\n`);
row('baseline: decode + JSON.parse (listTasks)', baseline);
row('TaskListBody.from (index only)', index);
row('first read: index + parse every task', firstRead);
row('re-read: index + compare bytes, parse the 1% changed', reRead);
if (sink === Number.MIN_VALUE) process.stdout.write('\n');
