import type { CoderSimOptions } from './server.js';
import type { FaultControl } from './faults.js';
import { deriveCurrentState, deriveTaskStatus } from './model/derive.js';
import type { Fleet, UserInit } from './model/fleet.js';
import type { Persona, SimTask, Transition } from './model/types.js';
import type { CoderVersion } from './versions.js';
import type { WorkspaceAppStatusState } from './wire-types.js';

export interface TaskSummary {
  id: string;
  name: string;
  owner: string;
  status: string;
  state: string | null;
  workspaceId: string;
  persona: Persona;
  phase: string;
}

/** Drive the simulator from tests, benchmarks and the `/__sim` HTTP API. Task refs: id, name or "owner/name". */
export interface SimControl {
  /** Simulated now (epoch ms). */
  now(): number;
  /** Manual clock: move time forward and run every lifecycle event that falls due. */
  advance(ms: number): void;
  /** Requests per route template, e.g. `{ "GET /api/v2/tasks": 3 }`; unmatched paths count as "GET (unmatched)". */
  counters(): Record<string, number>;
  resetCounters(): void;
  faults: FaultControl;
  /** Every observable status/state/workspace_status/health change, in order (seq increases). */
  transitions(sinceSeq?: number): Transition[];
  coderVersion(): CoderVersion;
  setCoderVersion(version: CoderVersion): void;
  addUser(init: UserInit): { id: string; username: string; role: string; token: string };
  tasks(): TaskSummary[];
  task(ref: string): TaskSummary | undefined;
  createTask(init: { owner?: string; template?: string; input: string; name?: string; preset?: string; persona?: Persona }): TaskSummary;
  setAgentState(ref: string, state: WorkspaceAppStatusState, opts?: { message?: string; uri?: string; holdMs?: number }): void;
  failWorkspace(ref: string, error?: string): void;
  /** Cancel the latest build: task status `unknown`. */
  cancelBuild(ref: string): void;
  disconnectAgent(ref: string, reason?: string): void;
  reconnectAgent(ref: string): void;
  /** The underlying model (advanced use; shapes may change). */
  readonly fleet: Fleet;
}

export function summarize(fleet: Fleet, task: SimTask): TaskSummary {
  const ws = fleet.workspaceOf(task);
  const status = deriveTaskStatus(ws);
  return {
    id: task.id,
    name: task.name,
    owner: fleet.userById(task.ownerId).username,
    status,
    state: deriveCurrentState(ws, status, String)?.state ?? null,
    workspaceId: ws.id,
    persona: task.persona,
    phase: task.phase,
  };
}

export class UnknownTaskError extends Error {}
export { TaskNotRunningError } from './model/fleet.js';

export function findTaskRef(fleet: Fleet, ref: string): SimTask {
  const slash = ref.indexOf('/');
  const admin = fleet.users[0];
  const owner = slash >= 0 ? fleet.users.find((u) => u.username === ref.slice(0, slash).toLowerCase()) : undefined;
  const name = slash >= 0 ? ref.slice(slash + 1) : ref;
  const task =
    fleet.findTask(name, owner) ??
    (slash < 0 && admin ? fleet.tasks.find((t) => !t.deleted && t.name === name.toLowerCase()) : undefined);
  if (!task) throw new UnknownTaskError(`unknown task "${ref}"`);
  return task;
}

export type { CoderSimOptions };
