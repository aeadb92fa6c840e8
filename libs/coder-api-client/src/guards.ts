/** Runtime guards over the wire types (kept out of the type-only `types.ts`; a leaf module beside `wire.ts`). */
import type { AnyTask, ExperimentalTask, Task } from './wire.js';

/**
 * GA task (Coder >= 2.29 shape): `workspace_status` is present and `status` is a TaskStatus.
 * Without it the task is experimental-era and `status` is a WorkspaceStatus (e.g. `"running"`).
 */
export function isGaTask(task: AnyTask): task is Task {
  return task.workspace_status !== undefined;
}

export function isExperimentalTask(task: AnyTask): task is ExperimentalTask {
  return !isGaTask(task);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
