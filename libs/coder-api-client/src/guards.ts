/** Runtime guards over the wire types (kept out of the type-only `types.ts`; a leaf module beside `wire.ts`). */
import type { AnyTask, ExperimentalTask, KnownChatStatus, Task } from './wire.js';

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

/** The chat statuses this client knows (Coder 2.32+); anything else is a newer status to show as unknown. */
export const KNOWN_CHAT_STATUSES = ['waiting', 'running', 'error', 'requires_action', 'interrupting', 'paused'] as const satisfies readonly KnownChatStatus[];

export function isKnownChatStatus(status: string): status is KnownChatStatus {
  return (KNOWN_CHAT_STATUSES as readonly string[]).includes(status);
}

/** The list above names every generated known status (compile-time check). */
export type MissingKnownChatStatuses = Exclude<KnownChatStatus, (typeof KNOWN_CHAT_STATUSES)[number]>;
const everyKnownStatusListed: MissingKnownChatStatuses extends never ? true : false = true;
void everyKnownStatusListed;
