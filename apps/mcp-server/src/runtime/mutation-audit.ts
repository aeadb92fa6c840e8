/**
 * The audit trail of mutating tool calls (#14 item 3): who (principal, session), what (tool, agent, arguments
 * without secrets), the outcome and the HTTP status Coder answered, timestamped, in the store's mutations
 * table (shared by every process on the store), plus one log line per mutation.
 *
 * A tool call runs inside `toolCall.run(audit, …)`: the Coder client's fetch notes the status of each
 * mutating request (`auditingFetch`), `recordMutation` (lifecycle-common.ts) records a successful change with
 * its conflict check, and the tool funnel records a mutating call that did not succeed (`recordFailedCall`).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { userInfo } from 'node:os';
import { redactSecrets, type JsonObject, type JsonValue } from '@org/fleet-store';
import type { Logger } from '../log.js';
import type { MutationJournal } from './mutation-journal.js';
import type { StoreStatus } from './store-handle.js';

export interface ToolCallAudit {
  tool: string;
  principal: string;
  sessionId: string;
  /** The call's arguments, secrets redacted and long texts cut. */
  arguments: JsonObject;
  /** HTTP status of the last mutating Coder request of this call (absent: none answered). */
  coderStatus?: number;
  /** The tool recorded its mutation itself (recordMutation). */
  recorded: boolean;
}

export const toolCall = new AsyncLocalStorage<ToolCallAudit>();

/** Texts longer than this are cut in the audit (an input of 100 KB stays in Coder, not in the journal). */
export const AUDIT_TEXT_CHARS = 500;

/** Arguments as the audit keeps them: secret-looking keys redacted (and again by the store), long texts cut. */
export function auditArguments(args: unknown): JsonObject {
  if (!args || typeof args !== 'object' || Array.isArray(args)) return {};
  const cut = (v: unknown): JsonValue => {
    if (typeof v === 'string') return v.length > AUDIT_TEXT_CHARS ? `${v.slice(0, AUDIT_TEXT_CHARS)}… [${v.length - AUDIT_TEXT_CHARS} more characters]` : v;
    if (Array.isArray(v)) return v.slice(0, 50).map(cut);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).slice(0, 50).map(([k, x]) => [k, cut(x)]));
    return typeof v === 'number' || typeof v === 'boolean' || v === null ? v : null;
  };
  return redactSecrets(cut(args) as JsonObject);
}

/** The stdio principal: the local OS user running the server (a stdio server has no HTTP principal). */
export function localPrincipal(): string {
  try {
    return `local:${userInfo().username}`;
  } catch {
    return 'local';
  }
}

/** fetch for the Coder client: notes the status of mutating requests made during an audited tool call. */
export const auditingFetch: typeof globalThis.fetch = async (input, init) => {
  // Looked up at call time: interceptors (tests, recordings) replace globalThis.fetch after start.
  const response = await globalThis.fetch(input, init);
  const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
  const audit = toolCall.getStore();
  if (audit && method !== 'GET' && method !== 'HEAD') audit.coderStatus = response.status;
  return response;
};

/** The outcome word of a call that did not succeed: `unknown` when the change may have been applied (a conflict then). */
export function failedOutcome(code: string): string {
  return code === 'outcome_unknown' || code === 'timeout' ? 'unknown' : `failed:${code}`;
}

/** The agent a call named (agent, else a create's name): what the audit row is about. */
function agentOfCall(args: JsonObject): string {
  for (const key of ['agent', 'name'] as const) {
    const v = args[key];
    if (typeof v === 'string' && v.length > 0) return v;
  }
  return '(none)';
}

/**
 * A mutating call that did not record a success (refused, failed, cut off): audited with its outcome, by the
 * live agent's id when the reference still resolves. `code` undefined: it succeeded without changing anything.
 */
export async function recordFailedCall(
  runtime: { mutations: MutationJournal; agents: { resolve(ref: string): Promise<{ ok: true; value: { id: string } } | { ok: false }> } },
  audit: ToolCallAudit,
  code: string | undefined,
  log: Logger,
): Promise<void> {
  const outcome = code === undefined ? 'unchanged' : failedOutcome(code);
  const ref = agentOfCall(audit.arguments);
  // No look-up where it would only miss (and re-read Coder): an unknown agent, or one a create did not make.
  const lookUp = ref !== '(none)' && code !== 'agent_not_found' && !audit.tool.startsWith('create_');
  const resolved = lookUp ? await runtime.agents.resolve(ref).catch(() => undefined) : undefined;
  const agentId = resolved?.ok ? resolved.value.id : ref;
  log.info('mutation', { agent: agentId, action: audit.tool, outcome, principal: audit.principal, coderStatus: audit.coderStatus });
  await runtime.mutations.record({
    agentId,
    sessionId: audit.sessionId,
    action: audit.tool,
    principal: audit.principal,
    arguments: audit.arguments,
    outcome,
    ...(audit.coderStatus !== undefined ? { coderStatus: audit.coderStatus } : {}),
  });
}

/** The line a mutating tool's answer gets while the store is down (#14 item 8): what failed and what it means. */
export function storeDegradedLine(status: StoreStatus): string {
  const what = status.error ? `${status.error.operation}: ${status.error.message}` : 'unavailable';
  return `store: degraded (${what}). The change was made in Coder; until the store is back its audit entry is only in the server log and its conflict check covers this process only. ${status.error?.hint ?? ''}`.trimEnd();
}
