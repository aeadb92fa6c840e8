/**
 * Test builders for Coder tasks (both API eras) and domain agents/fleets. Exported via
 * `@org/fleet-domain/testing` so other projects build the same realistic shapes. Deterministic:
 * ids come from a counter, times from `BASE_NOW` and offsets; no clock reads, no randomness without a seed.
 *
 * Facts copied from the Coder v2.27.1 recordings: offsets like `+01:00` on task timestamps, the
 * experimental `status: "running"`, `workspace_agent_health: {healthy: true}`, template "coder-devcontainer"
 * with display name "Setup".
 */
import type { AnyTask, ExperimentalTask, Task, TaskStateEntry } from '../mapping/coder-types.js';
import type { Agent, AgentStatus } from '../models/agent.js';
import { toAgent, type ToAgentOptions } from '../mapping/from-coder.js';
import { STATUS_TABLE, type StatusExample } from '../status/status-table.js';

/** A fixed "now" for tests: 2026-01-15T12:00:00.000Z. */
export const BASE_NOW = Date.parse('2026-01-15T12:00:00.000Z');
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

let counter = 0;
/** Deterministic UUID-shaped id. */
export function testId(prefix = 0): string {
  counter += 1;
  return `00000000-0000-4000-8${prefix.toString(16).padStart(3, '0')}-${counter.toString(16).padStart(12, '0')}`;
}

export function resetTestIds(): void {
  counter = 0;
}

/** ISO time `agoMs` before `now`; with `offset` "+01:00" renders local time like Coder does. */
export function isoAgo(agoMs: number, now = BASE_NOW, offset: 'Z' | '+01:00' = 'Z'): string {
  const ms = now - agoMs;
  if (offset === 'Z') return new Date(ms).toISOString();
  return `${new Date(ms + HOUR).toISOString().slice(0, 23)}+01:00`;
}

export function buildState(overrides: Partial<TaskStateEntry> & { agoMs?: number; now?: number } = {}): TaskStateEntry {
  const { agoMs = 2 * MINUTE, now = BASE_NOW, ...rest } = overrides;
  return { state: 'working', message: 'Working on it', uri: '', timestamp: isoAgo(agoMs, now), ...rest };
}

/** A GA (`/api/v2`, Coder >= 2.29) task: active, workspace running, agent ready and healthy, working. */
export function buildTask(overrides: Partial<Task> = {}): Task {
  const id = overrides.id ?? testId(1);
  const name = overrides.name ?? `agent-${id.slice(-4)}`;
  return {
    id,
    organization_id: '00000000-0000-4000-9000-000000000001',
    owner_id: '00000000-0000-4000-9000-000000000002',
    owner_name: 'alice',
    name,
    display_name: name,
    template_id: '00000000-0000-4000-9000-000000000010',
    template_name: 'coder-devcontainer',
    template_display_name: 'Setup',
    template_icon: '',
    template_version_id: '00000000-0000-4000-9000-000000000011',
    workspace_id: id,
    workspace_name: name,
    workspace_status: 'running',
    workspace_build_number: 1,
    workspace_agent_id: '00000000-0000-4000-9000-000000000020',
    workspace_agent_lifecycle: 'ready',
    workspace_agent_health: { healthy: true },
    workspace_app_id: '00000000-0000-4000-9000-000000000021',
    initial_prompt: 'Fix the flaky test',
    status: 'active',
    current_state: buildState(),
    created_at: isoAgo(30 * MINUTE),
    updated_at: isoAgo(10 * MINUTE),
    ...overrides,
  };
}

/** An experimental-era (2.27/2.28) task as recorded: `status` is the workspace status, no GA-only fields. */
export function buildExperimentalTask(overrides: Partial<ExperimentalTask> = {}): ExperimentalTask {
  const id = overrides.id ?? testId(2);
  return {
    id,
    organization_id: '00000000-0000-4000-9000-000000000001',
    owner_id: '00000000-0000-4000-9000-000000000002',
    owner_name: 'mvgijssel',
    name: overrides.name ?? `test-recording-agent-${id.slice(-4)}`,
    template_id: '00000000-0000-4000-9000-000000000010',
    template_name: 'coder-devcontainer',
    template_display_name: 'Setup',
    template_icon: '',
    workspace_id: id,
    workspace_agent_id: '00000000-0000-4000-9000-000000000020',
    workspace_agent_lifecycle: 'ready',
    workspace_agent_health: { healthy: true },
    initial_prompt: 'Test recording task',
    status: 'running',
    current_state: { ...buildState({ state: 'idle', message: 'Understanding test recording requirements' }), timestamp: isoAgo(5 * MINUTE, BASE_NOW, '+01:00') },
    created_at: isoAgo(40 * MINUTE, BASE_NOW, '+01:00'),
    updated_at: isoAgo(40 * MINUTE, BASE_NOW, '+01:00'),
    ...overrides,
  };
}

/** Build a task that matches one STATUS_TABLE example (both eras). Unknown enum values are passed through. */
export function buildTaskFromExample(example: StatusExample, overrides: Partial<AnyTask> = {}): AnyTask {
  const state =
    example.state === undefined ? buildState() : example.state === null ? null : buildState({ state: example.state as TaskStateEntry['state'] });
  const common = {
    current_state: state,
    workspace_agent_lifecycle: (example.lifecycle ?? null) as Task['workspace_agent_lifecycle'],
    workspace_agent_health: example.healthy === undefined ? null : { healthy: example.healthy },
  };
  if (example.era === 'v2') {
    const task = buildTask({ ...common, status: example.status as Task['status'], ...(overrides as Partial<Task>) });
    if (example.workspaceStatus === undefined) delete task.workspace_status;
    else task.workspace_status = example.workspaceStatus as Task['workspace_status'];
    return task;
  }
  return buildExperimentalTask({ ...common, status: example.status as ExperimentalTask['status'], ...(overrides as Partial<ExperimentalTask>) });
}

export interface AgentSpec {
  readonly status?: AgentStatus;
  readonly name?: string;
  readonly owner?: string;
  readonly template?: string;
  readonly templateId?: string;
  /** Created this long before `now` (default 30 min). */
  readonly createdAgoMs?: number;
  /** Current state reported this long before `now` (default 2 min). */
  readonly stateAgoMs?: number;
  readonly message?: string;
  readonly now?: number;
  readonly era?: 'v2' | 'experimental';
  readonly options?: ToAgentOptions;
  readonly task?: Partial<AnyTask>;
}

const FIRST_ROW_FOR_STATUS = new Map<AgentStatus, StatusExample>();
for (const row of STATUS_TABLE) {
  if (!FIRST_ROW_FOR_STATUS.has(row.status) && (row.status !== 'busy' || row.id === 'state-working')) {
    FIRST_ROW_FOR_STATUS.set(row.status, row.example);
  }
}

/** Build an Agent in a given status through the real mapping (so builders can never disagree with toAgent). */
export function buildAgent(spec: AgentSpec = {}): Agent {
  const now = spec.now ?? BASE_NOW;
  const status = spec.status ?? 'busy';
  const example = FIRST_ROW_FOR_STATUS.get(status);
  if (!example) throw new Error(`no task status row yields "${status}": use buildChatAgent (or buildAnyAgent)`);
  const id = testId(3);
  const templateName = spec.template ?? 'coder-devcontainer';
  const base: Partial<AnyTask> = {
    id,
    name: spec.name ?? `agent-${id.slice(-5)}`,
    owner_name: spec.owner ?? 'alice',
    template_name: templateName,
    template_display_name: templateName,
    template_id: spec.templateId ?? `tpl-${templateName}`,
    created_at: isoAgo(spec.createdAgoMs ?? 30 * MINUTE, now),
    updated_at: isoAgo(Math.min(spec.stateAgoMs ?? 2 * MINUTE, spec.createdAgoMs ?? 30 * MINUTE), now),
  };
  const task = buildTaskFromExample({ ...example, ...(spec.era ? { era: spec.era } : {}) }, { ...base, ...spec.task });
  if (task.current_state) {
    task.current_state = {
      ...task.current_state,
      timestamp: isoAgo(spec.stateAgoMs ?? 2 * MINUTE, now),
      ...(spec.message !== undefined ? { message: spec.message } : {}),
    };
  }
  return toAgent(task, now, spec.options);
}

export interface FleetSpec {
  readonly now?: number;
  /** Number of agents per status. */
  readonly counts?: Partial<Record<AgentStatus, number>>;
  readonly templates?: readonly string[];
  /** Spread of state ages: agent i gets `stateAgoMs = baseStateAgoMs + (i % 7) * stepMs`. */
  readonly baseStateAgoMs?: number;
  readonly stepMs?: number;
}

/** A deterministic fleet: agents per status, round-robin over templates, mildly varied ages. */
export function buildFleet(spec: FleetSpec = {}): Agent[] {
  const templates = spec.templates ?? ['coder-devcontainer'];
  const agents: Agent[] = [];
  let i = 0;
  for (const [status, n] of Object.entries(spec.counts ?? { busy: 3, idle: 2 }) as [AgentStatus, number][]) {
    for (let k = 0; k < n; k++, i++) {
      agents.push(
        buildAgent({
          status,
          now: spec.now ?? BASE_NOW,
          template: templates[i % templates.length] as string,
          stateAgoMs: (spec.baseStateAgoMs ?? 2 * MINUTE) + (i % 7) * (spec.stepMs ?? 30_000),
          createdAgoMs: 60 * MINUTE,
        }),
      );
    }
  }
  return agents;
}

/** N GA tasks with a realistic status mix, for benchmarks. Cheap: shares nested objects where safe. */
export function buildTaskList(n: number, now = BASE_NOW, templates = 20): Task[] {
  const states = ['working', 'working', 'working', 'idle', 'idle', 'complete', 'failure'] as const;
  const tasks: Task[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const kind = i % 23;
    const state = states[i % states.length] as TaskStateEntry['state'];
    tasks[i] = buildTask({
      id: `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
      name: `agent-${i}`,
      owner_name: `user-${i % 50}`,
      template_id: `00000000-0000-4000-9000-${(i % templates).toString(16).padStart(12, '0')}`,
      template_name: `template-${i % templates}`,
      status: kind === 0 ? 'paused' : kind === 1 ? 'error' : kind === 2 ? 'initializing' : 'active',
      workspace_status: kind === 0 ? 'stopped' : kind === 2 ? 'starting' : 'running',
      workspace_agent_health: kind === 3 ? { healthy: false, reason: 'agent has lost connection' } : { healthy: true },
      current_state: {
        state,
        message: `step ${i}`,
        uri: '',
        timestamp: isoAgo(((i * 7919) % 240) * MINUTE + (i % 60) * 1000, now, i % 2 ? 'Z' : '+01:00'),
      },
      created_at: isoAgo(300 * MINUTE + (i % 97) * MINUTE, now, '+01:00'),
      updated_at: isoAgo(((i * 31) % 200) * MINUTE, now, '+01:00'),
    });
  }
  return tasks;
}
