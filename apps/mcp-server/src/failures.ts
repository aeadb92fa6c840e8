/**
 * Expected failures as values. Every CoderApiError kind and every local failure maps (exhaustively) to a
 * ToolFailure rendered as `isError: true` text in three parts: what failed, why, what to do next.
 * The text starts with the stable `code` so clients and tests can match it.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { assertNever, type ActionRefusal, type AssignmentViolation, type DomainError } from '@org/fleet-domain';
import type { CoderApiError } from './coder.js';

export type LocalFailureCode =
  | 'agent_not_found'
  | 'agent_ambiguous'
  | 'out_of_scope'
  | 'invalid_argument'
  | 'invalid_cursor'
  | 'template_not_found'
  | 'requirements_not_met'
  // lifecycle tools (src/tools/lifecycle/): the agent is not in a state for the action
  | 'agent_busy'
  | 'agent_paused'
  | 'agent_starting'
  | 'agent_offline'
  | 'agent_error'
  | 'agent_not_paused'
  | 'invalid_state'
  // update_agent_template: the agent cannot move to the template's active version
  | 'template_current'
  | 'template_parameters_removed'
  | 'template_parameters_required'
  // a workspace build is still running and did not end within the tool's bounded wait
  | 'build_in_progress'
  | 'build_failed'
  | 'invalid_declared_map'
  | 'insufficient_samples'
  | 'confirmation_required'
  | 'template_not_ai'
  | 'preset_not_found'
  | 'owner_not_found'
  | 'owner_suspended'
  | 'name_taken'
  | 'timeout'
  | 'cancelled'
  | 'unknown_tool'
  | 'outcome_unknown'
  // an answer over the 64 KB ceiling that could not be cut to fit (answer-ceiling.ts)
  | 'answer_too_large'
  // the durable store (history, trends, queue) failed: its error says what and what to do
  | 'store_unavailable'
  // a capability the agent's kind (task, chat) lacks: backends/backend.ts supports()
  | 'not_supported'
  // create_agent_task at --capacity with when_at_capacity fail
  | 'at_capacity'
  // the fleet store (history, queued input) failed: the answer says what failed and what to do
  | 'store_unavailable'
  // a workspace agent's AI app could not be reached through Coder's app proxy (path apps disabled, no access, agent offline)
  | 'app_unreachable'
  | 'internal_error';
/** Closed: a new failure code is added to LocalFailureCode (or comes with a new CoderApiError kind). */
export type FailureCode = CoderApiError['kind'] | LocalFailureCode;

export interface ToolFailure {
  code: FailureCode;
  /** What failed and why (one or two sentences). */
  message: string;
  /** The next step, naming the tool or argument that fixes it. */
  hint: string;
  retryAfterMs?: number;
  details?: Record<string, unknown>;
}

/** THE result type of the app: a value, or an expected failure (a tool renders it as an `isError` answer). */
export type Outcome<T> = { ok: true; value: T } | { ok: false; failure: ToolFailure };

export function toolFailure(code: FailureCode, message: string, hint: string, extra: Pick<ToolFailure, 'retryAfterMs' | 'details'> = {}): ToolFailure {
  return { code, message, hint, ...extra };
}

/**
 * D1: the request may have been applied by Coder but its answer never came back (connection reset after
 * the request left, timeout). `delivery: 'not_sent'` (the connection was never made) and any HTTP status are
 * definite answers; a cancelled caller (`callerAborted`) is answered by the tool funnel, not re-read.
 */
export function mayHaveBeenApplied(error: CoderApiError, callerAborted = false): boolean {
  if (callerAborted) return false;
  return (error.kind === 'network' || error.kind === 'timeout') && error.delivery !== 'not_sent';
}

/** The failure when a re-read after a lost answer cannot tell whether the mutation happened. */
export function outcomeUnknown(what: string, why: string, check: string): ToolFailure {
  return toolFailure(
    'outcome_unknown',
    `${what}: the request reached Coder or may have, but its answer was lost (${why}), and a re-read could not confirm the result.`,
    `Do not simply retry: ${check}`,
  );
}

export interface CoderFailureContext {
  /** What we tried, as a phrase: "list tasks", "read the logs of agent 'alice/fix-bug'". */
  action: string;
  /** The thing a 404 is about: "Agent 'alice/fix-bug'". */
  subject?: string;
  /** Per-kind hint overrides for a specific call site (e.g. 409 on send → "Call resume_agent ..."). */
  hints?: Partial<Record<CoderApiError['kind'], string>>;
  /** Per-kind message overrides. */
  messages?: Partial<Record<CoderApiError['kind'], string>>;
}

const because = (e: CoderApiError) => {
  const status = e.status ? ` (HTTP ${e.status})` : '';
  const detail = e.detail && e.detail !== e.message ? ` — ${e.detail.slice(0, 300)}` : '';
  const validations = e.validations?.length ? ` Invalid fields: ${e.validations.map((v) => `${v.field}: ${v.detail}`).join('; ')}.` : '';
  const said = `${e.message || 'no message'}${detail}`;
  // Coder's own sentence may end with a period already: one full stop, never "..".
  return `${status}: ${said}${/[.!?]$/.test(said) ? '' : '.'}${validations}`;
};

const seconds = (ms: number | undefined) => (ms === undefined ? 'a few seconds' : `${Math.max(1, Math.ceil(ms / 1000))} s`);

/** CoderApiError → ToolFailure. Exhaustive: a new client error kind is a compile error here. */
export function fromCoderApiError(error: CoderApiError, ctx: CoderFailureContext): ToolFailure {
  const base = (message: string, hint: string, extra: Pick<ToolFailure, 'retryAfterMs' | 'details'> = {}): ToolFailure =>
    toolFailure(error.kind, ctx.messages?.[error.kind] ?? message, ctx.hints?.[error.kind] ?? hint, extra);
  const kind = error.kind;
  switch (kind) {
    case 'unauthorized':
      return base(`Could not ${ctx.action}: Coder rejected the session token${because(error)}`, 'Set CODER_SESSION_TOKEN (or FLEET_MCP_CODER_TOKEN_FILE) to a valid token and restart the server.');
    case 'forbidden':
      return base(`Could not ${ctx.action}: the token's user is not allowed to${because(error)}`, "Act only on agents this user may manage, or run the server with a token that has the needed role.");
    case 'not_found':
      return base(`${ctx.subject ?? 'The resource'} was not found while trying to ${ctx.action}${because(error)}`, 'Call list_agents (or list_templates) for valid names and ids.');
    case 'conflict':
      return base(`Could not ${ctx.action}: the agent is in the wrong state for this${because(error)}`, 'Call get_agent_details to see its status, then resume or wait as it suggests.');
    case 'invalid_request':
      return base(`Coder rejected the request to ${ctx.action}${because(error)}`, 'Fix the arguments named above and call again.', { details: error.validations ? { validations: error.validations } : undefined });
    case 'rate_limited':
      return base(`Could not ${ctx.action}: Coder's API rate limit was reached${because(error)}`, `Retry after ${seconds(error.retryAfterMs)}; avoid calling tools in tight loops.`, { retryAfterMs: error.retryAfterMs });
    case 'upstream_unavailable':
      return base(`Could not ${ctx.action}: Coder or the agent inside the workspace is unavailable${because(error)}`, 'Wait a little and retry; get_agent_details shows whether the agent is busy or offline.');
    case 'server_error':
      return base(`Could not ${ctx.action}: Coder failed with a server error${because(error)}`, 'Retry later; if it keeps failing, check the Coder server logs.');
    case 'timeout':
      return base(`Could not ${ctx.action}: Coder did not answer in time.`, 'Retry; if Coder is just slow, raise FLEET_MCP_REQUEST_TIMEOUT_MS.');
    case 'network':
      return base(`Could not ${ctx.action}: Coder is unreachable (${error.message}).`, 'Check CODER_URL and the network path to Coder, then retry.');
    case 'unexpected_response':
      return base(`Could not ${ctx.action}: Coder answered with something this server does not understand${because(error)}`, 'Check that the Coder version is supported (2.27 to 2.36) and report this if it is.');
    case 'tasks_unsupported':
      return base(`Could not ${ctx.action}: this Coder deployment${error.version ? ` (v${error.version})` : ''} has no Tasks API.`, 'Tasks exist in Coder v2.27 to v2.36 (and the ESR); point CODER_URL at such a deployment.');
    case 'usage_limit':
      return base(`Could not ${ctx.action}: a Coder spend or usage limit was reached${because(error)}`, 'Wait for the budget period to reset, or ask a Coder admin to raise the AI Gateway budget for this user.');
    case 'chats_unsupported':
      return base(`Could not ${ctx.action}: this Coder deployment${error.version ? ` (v${error.version})` : ''} has no Chats API (Coder Agents).`, 'Coder Agents exist from v2.32 (experimental) and v2.37; on older deployments use Tasks (v2.27 to v2.36).');
    default:
      return assertNeverKind(kind, error);
  }
}

function assertNeverKind(kind: never, error: CoderApiError): ToolFailure {
  return toolFailure('internal_error', `Coder call failed with an unknown error kind '${String(kind)}': ${error.message}.`, 'Retry; report this error kind if it persists.');
}

/**
 * fleet-domain's checkAssignment violations (FR-014) → one failure listing every violation, with the
 * next steps that fix each kind. Exhaustive over the violation kinds.
 */
export function fromAssignmentViolations(violations: readonly AssignmentViolation[], template: string): ToolFailure {
  const hints = new Set<string>();
  for (const v of violations) {
    const kind = v.kind;
    switch (kind) {
      case 'missing_capability':
        hints.add(`find a template that offers it (list_templates capability=${v.requirement.replace(/^capability:/, '')})`);
        break;
      case 'exceeds_limit':
        hints.add('pick a larger template (list_templates shows limits) or lower the requirement');
        break;
      case 'unverifiable':
        hints.add('declare the limit in FLEET_MCP_CAPABILITIES_FILE, or drop the requirement if it is not essential');
        break;
      case 'invalid_requirement':
        hints.add('fix the requirements argument');
        break;
      default:
        assertNever(kind);
    }
  }
  const list = violations.map((v, i) => `${i + 1}) ${v.message}`).join('; ');
  return toolFailure(
    'requirements_not_met',
    `Template '${template}' does not meet the requirements (${violations.length} violation${violations.length === 1 ? '' : 's'}): ${list}. Nothing was created.`,
    `${[...hints].join('; ')}.`.replace(/^./, (c) => c.toUpperCase()),
    { details: { violations: violations.map((v) => ({ ...v })) } },
  );
}

/** An action refusal's failure code: the lifecycle tools' codes (update on a non-paused agent = agent_not_paused). */
function refusalCode(r: ActionRefusal): LocalFailureCode {
  const kind = r.kind;
  switch (kind) {
    case 'agent_busy':
      return 'agent_busy';
    case 'agent_not_ready':
      return 'agent_starting';
    case 'agent_paused':
      return 'agent_paused';
    case 'agent_offline':
      return 'agent_offline';
    case 'agent_failed':
      return 'agent_error';
    case 'invalid_state':
      return r.action === 'update_input' ? 'agent_not_paused' : 'invalid_state';
    default:
      return assertNever(kind);
  }
}

/**
 * fleet-domain's DomainError → ToolFailure. Exhaustive over every domain failure kind: a new kind in
 * fleet-domain's errors.ts is a compile error here.
 */
export function fromDomainError(error: DomainError): ToolFailure {
  const kind = error.kind;
  switch (kind) {
    case 'invalid_agent_ref':
      return toolFailure('invalid_argument', 'The agent reference is empty.', "Pass a task id, a name or 'owner/name' (see list_agents).");
    case 'agent_not_found':
      return toolFailure('agent_not_found', `No agent matches '${error.ref}' (by id, name or owner/name).`, 'Call list_agents (search, owner filters) for valid names and ids.');
    case 'agent_ambiguous':
      return toolFailure('agent_ambiguous', `Agent name '${error.ref}' matches ${error.matches} agents: ${error.candidates.join(', ')}.`, "Pass the agent as 'owner/name' or by task id.", {
        details: { candidates: [...error.candidates] },
      });
    case 'agent_busy':
    case 'agent_not_ready':
    case 'agent_paused':
    case 'agent_offline':
    case 'agent_failed':
    case 'invalid_state':
      return toolFailure(refusalCode(error), error.message, error.hint, { details: { status: error.status, action: error.action, next_tools: [...error.nextTools] } });
    case 'template_current':
    case 'template_parameters_removed':
    case 'template_parameters_required':
    case 'template_parameters_unknown':
      return toolFailure(kind === 'template_parameters_unknown' ? 'invalid_argument' : kind, error.message, error.hint, {
        details: { action: error.action, ...(error.names.length > 0 ? { parameters: [...error.names] } : {}), next_tools: [...error.nextTools] },
      });
    case 'missing_capability':
    case 'exceeds_limit':
    case 'unverifiable':
    case 'invalid_requirement':
      return fromAssignmentViolations([error], error.template);
    case 'invalid_declared_map':
      return toolFailure('invalid_declared_map', `The declared capability map is invalid at ${error.path}: ${error.message}.`, 'Fix the file named by --capabilities-file (FLEET_MCP_CAPABILITIES_FILE) and restart the server.');
    case 'insufficient_samples':
      return toolFailure(
        'insufficient_samples',
        `Cannot compute ${error.metric}: only ${error.have} sample${error.have === 1 ? '' : 's'}, at least ${error.need} needed.`,
        'Widen the scope (drop the template or owner filter) or wait until more agents have finished.',
      );
    case 'invalid_threshold':
      return toolFailure('invalid_argument', `Attention threshold ${error.name} must be a positive number of milliseconds, got ${String(error.value)}.`, 'Set --idle-attention-minutes / --stuck-minutes (FLEET_MCP_IDLE_ATTENTION_MINUTES, FLEET_MCP_STUCK_MINUTES) to positive numbers.');
    default:
      return assertNever(kind);
  }
}

/** The `isError` result for a failure: one text block starting with the code. */
export function renderFailure(failure: ToolFailure): CallToolResult {
  const retry = failure.retryAfterMs !== undefined ? ` (retry_after_ms=${failure.retryAfterMs})` : '';
  return {
    isError: true,
    content: [{ type: 'text', text: `${failure.code}: ${failure.message}${retry}${failure.hint ? `\nNext: ${failure.hint}` : ''}` }],
  };
}
