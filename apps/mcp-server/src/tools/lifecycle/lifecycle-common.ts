/**
 * Pieces shared by the lifecycle tools (create/send/pause/resume/update/delete): loading the target agent
 * fresh from Coder, mapping fleet-domain's reading of a Coder refusal to a failure (every status decision is
 * fleet-domain's: checkAgentAction, explainCoderRefusal), the workspace-build view, and FR-015 conflict notices
 * (last write wins; an earlier mutation of the same agent by ANOTHER session within the window is named).
 */
import { createHash } from 'node:crypto';
import { toolCall } from '../../runtime/mutation-audit.js';
import { assertNever, effectAfterLostAnswer, explainCoderRefusal, formatDuration, isRaceRefusal, toAgent, truncateText, type Agent, type AgentAction, type AgentKind } from '@org/fleet-domain';
import { z } from 'zod';
import type { AnyTask, CoderApiError } from '../../coder.js';
import type { ToolContext } from '../../define-tool.js';
import { fromCoderApiError, fromDomainError, type CoderFailureContext, type Outcome, type ToolFailure } from '../../failures.js';
import type { ChatTarget } from '../../backends/agents-backend.js';
import type { WorkspaceTarget } from '../../backends/workspaces-backend.js';
import { unsupportedFailure, type Capability } from '../../backends/backend.js';
import type { ResolvedAgent } from '../../runtime/agent-resolver.js';
import { attentionThresholds } from '../../runtime/fleet-options.js';
import { quoteUntrusted } from '../../views/untrusted.js';
import { answerLost, outcomeUnknown, rereadSignal } from './outcome.js';

export interface TargetAgent {
  resolved: ResolvedAgent;
  /** Fresh from Coder (not the cached list): lifecycle decisions need the current status. */
  task: AnyTask;
  agent: Agent;
  /** owner/name */
  ref: string;
}

export const agentOf = (ctx: ToolContext, task: AnyTask): Agent => toAgent(task, ctx.now(), attentionThresholds(ctx.deps.config));

/** Re-reads one task; `undefined` when Coder cannot answer (callers fall back to what they knew). */
async function rereadAgent(ctx: ToolContext, target: TargetAgent): Promise<Agent | undefined> {
  const r = await ctx.deps.coder.getTask(target.resolved.owner, target.resolved.id, { signal: ctx.signal });
  return r.ok ? agentOf(ctx, r.value) : undefined;
}

/** D1: the task as re-read after a lost answer: the agent, `gone` (Coder answers 404), or undefined (no answer). */
export async function rereadAfterLostAnswer(ctx: ToolContext, target: TargetAgent): Promise<Agent | 'gone' | undefined> {
  const r = await ctx.deps.coder.getTask(target.resolved.owner, target.resolved.id, { signal: rereadSignal(ctx) });
  if (r.ok) return agentOf(ctx, r.value);
  return r.error.kind === 'not_found' ? 'gone' : undefined;
}

/**
 * D1 for pause, resume and delete (the `recover` of their action): when the request left but its answer was
 * lost, the task as re-read says whether the action took effect (`recovered`), else the outcome is unknown
 * and `check` says how to find out; never "not sent" or "retry".
 */
export function recoverByReread(ctx: ToolContext, action: 'pause' | 'resume' | 'delete', check: (ref: string) => string) {
  return async (target: TargetAgent, error: CoderApiError): Promise<Outcome<{ recovered: string }> | undefined> => {
    if (!answerLost(error, ctx)) return undefined;
    const after = await rereadAfterLostAnswer(ctx, target);
    if (!after || effectAfterLostAnswer(action, after) !== 'applied') {
      return { ok: false, failure: outcomeUnknown(`The ${action} of agent ${target.ref} may or may not have started`, error.kind, check(target.ref)) };
    }
    const shown = after === 'gone' ? 'the agent is gone' : `the agent is ${after.status}${after.workspace?.status ? ` (workspace ${after.workspace.status})` : ''}`;
    return { ok: true, value: { recovered: `Coder's answer to the ${action} was lost (${error.kind}); a re-read shows it took effect: ${shown}.` } };
  };
}

/** Output field of every lifecycle tool whose mutation may lose its answer. */
export const RecoveredSchema = z.string().optional().describe('Present when Coder’s answer was lost: what a re-read (or a recognised repeat of the same request) found');

/** A lifecycle target of any kind: a task (read fresh) or a chat (read fresh by the Agents backend). */
export type AnyTarget = { kind: 'task'; target: TargetAgent } | { kind: 'chat'; target: ChatTarget; ref: string } | { kind: 'workspace'; target: WorkspaceTarget; ref: string };

/**
 * Resolves an agent reference of any kind (task id, name, owner/name; chat id; workspace name) through the fleet backend
 * and reads it fresh. `action` is a verb phrase ("pause").
 */
export async function loadAnyTarget(ctx: ToolContext, ref: string, action: string): Promise<Outcome<AnyTarget>> {
  const resolved = await ctx.runtime.backend.resolve(ref, ctx.signal);
  if (!resolved.ok) return resolved;
  if (resolved.value.kind === 'chat') return { ok: true, value: { kind: 'chat', target: resolved.value.chat, ref: resolved.value.chat.id } };
  // A workspace agent was just read by the resolver (fresh from Coder).
  if (resolved.value.kind === 'workspace') return { ok: true, value: { kind: 'workspace', target: resolved.value.workspace, ref: resolved.value.workspace.ref } };
  const task = resolved.value.task;
  const fresh = await ctx.deps.coder.getTask(task.owner, task.id, { signal: ctx.signal });
  if (!fresh.ok) return { ok: false, failure: fromCoderApiError(fresh.error, { action: `${action} agent '${task.ref}'`, subject: `Agent '${task.ref}'` }) };
  return { ok: true, value: { kind: 'task', target: { resolved: task, task: fresh.value, agent: agentOf(ctx, fresh.value), ref: task.ref } } };
}

/** The refusal of a capability the target's kind lacks (`supports()` said no), naming the tool that works instead. */
export function unsupportedFor(ctx: ToolContext, kind: AgentKind, capability: Capability): ToolFailure | undefined {
  const support = ctx.runtime.backend.supports(capability, kind);
  return support.supported ? undefined : unsupportedFailure(support, { kind });
}

// ---- output pieces -------------------------------------------------------------------------------

export const BuildSchema = z
  .object({
    id: z.string().optional().describe('Workspace build id'),
    build_number: z.number().int().optional(),
    transition: z.string().optional().describe('start | stop | delete'),
    status: z.string().optional().describe('Workspace status of the build (pending, starting, stopping, ...)'),
    reason: z.string().optional().describe('Build reason, e.g. task_manual_pause, task_resume'),
  })
  .describe('The workspace build Coder started for this action');
export type BuildView = z.output<typeof BuildSchema>;

export function buildView(r: { workspaceBuild?: { id?: string; build_number?: number; transition?: string; status?: string; reason?: string }; workspaceBuildId?: string }): BuildView {
  const b = r.workspaceBuild;
  const id = r.workspaceBuildId ?? b?.id;
  return {
    ...(id ? { id } : {}),
    ...(b?.build_number !== undefined ? { build_number: b.build_number } : {}),
    ...(b?.transition ? { transition: b.transition } : {}),
    ...(b?.status ? { status: b.status } : {}),
    ...(b?.reason ? { reason: b.reason } : {}),
  };
}

export const ViaSchema = z
  .enum(['task_api', 'workspace_build', 'chat_interrupt', 'chat_message'])
  .describe(
    'How Coder was asked: its tasks pause/resume endpoint, a plain workspace build on Coder < 2.29 (no such endpoint there), or for a Coder Agents chat an interrupt (pause) or a "continue" message (resume)',
  );

export const renderBuild = (b: BuildView): string =>
  `build ${b.build_number !== undefined ? `#${b.build_number} ` : ''}${b.transition ?? ''}${b.status ? ` (${b.status})` : ''}${b.id ? ` id ${b.id}` : ''}`.replace(/\s+/g, ' ').trim();

export const NextActionsSchema = z.array(z.object({ tool: z.string(), why: z.string() })).describe('Suggested next tool calls, most useful first');
export type NextActions = z.output<typeof NextActionsSchema>;
/** The suggestions this session can follow: only tools registered in it (read-only, toolsets, exclude lists). */
export const offeredNext = (ctx: Pick<ToolContext, 'offers'>, next: NextActions): NextActions => next.filter((n) => ctx.offers(n.tool));

/** The capability a suggested tool needs of the agent's kind (tools not named need none). */
const TOOL_CAPABILITY: Readonly<Record<string, Capability>> = {
  send_agent_input: 'send_input',
  interrupt_agent: 'interrupt',
  pause_agent: 'pause',
  resume_agent: 'resume',
  restart_agent: 'restart',
  update_agent_template: 'update_template',
  update_agent_task: 'update_input',
  delete_agent: 'delete',
};
/** The suggestions an agent of `kind` can follow (its backend's `supports()`): a workspace agent is never offered update_agent_task. */
export const supportedNext = (ctx: Pick<ToolContext, 'runtime'>, kind: AgentKind, next: NextActions): NextActions =>
  next.filter((n) => {
    const capability = TOOL_CAPABILITY[n.tool];
    return capability === undefined || ctx.runtime.backend.supports(capability, kind).supported;
  });
/** The "Next: …" line (none when there is nothing to suggest). */
export const nextLines = (next: NextActions): string[] => (next.length > 0 ? [`Next: ${next.map((n) => `${n.tool} (${n.why})`).join('; ')}`] : []);

// ---- FR-015: last write wins, with a conflict notice -----------------------------------------------

export const ConflictSchema = z
  .object({
    earlier_action: z.string().describe('The tool another session used on this agent'),
    earlier_session: z.string().describe('Anonymised id of that MCP session'),
    earlier_at: z.string().describe('When (UTC ISO)'),
    ms_before: z.number().describe('How long before this change'),
    window_ms: z.number().describe('Conflict window (FLEET_MCP_CONFLICT_WINDOW_MS)'),
    message: z.string(),
  })
  .describe('Present when another session changed the same agent shortly before: this change was still applied (last write wins)');
export type ConflictNotice = z.output<typeof ConflictSchema>;

/** A stable, non-reversible label for a session id (ids are never shown to other sessions). */
export function anonymiseSession(sessionId: string): string {
  return `session-${createHash('sha256').update(sessionId).digest('hex').slice(0, 8)}`;
}

/**
 * Call after a successful mutation: drops the cached tasks list (the next read sees the change) and
 * journals the mutation; returns a conflict notice when another session changed the agent within the window.
 */
export async function recordMutation(ctx: ToolContext, agentId: string, action: string, ref: string): Promise<ConflictNotice | undefined> {
  ctx.runtime.backend.invalidate();
  const audit = toolCall.getStore();
  if (audit) audit.recorded = true;
  const earlier = await ctx.runtime.mutations.record({
    agentId,
    sessionId: ctx.session.id,
    action,
    ...(audit ? { principal: audit.principal, arguments: audit.arguments, ...(audit.coderStatus !== undefined ? { coderStatus: audit.coderStatus } : {}) } : {}),
  });
  ctx.log.info('mutation', { agent: agentId, action, outcome: 'ok', principal: audit?.principal, coderStatus: audit?.coderStatus });
  if (!earlier) return undefined;
  const msBefore = Math.max(0, ctx.now().getTime() - earlier.at.getTime());
  const session = anonymiseSession(earlier.sessionId);
  return {
    earlier_action: earlier.action,
    earlier_session: session,
    earlier_at: earlier.at.toISOString(),
    ms_before: msBefore,
    window_ms: ctx.deps.config.conflictWindowMs,
    message: `Another session (${session}) ran ${earlier.action} on agent '${ref}' ${formatDuration(msBefore)} earlier (${earlier.at.toISOString()}); your ${action} was applied after it (last write wins). Check with get_agent_details that the result is what you both want.`,
  };
}

/** The output fields every lifecycle answer ends with: a conflict notice, when there is one, and the next steps. */
export const ACTION_RESULT_FIELDS = {
  conflict: ConflictSchema.optional(),
  recovered: RecoveredSchema,
  next_actions: NextActionsSchema,
};

export const conflictLines = (c: ConflictNotice | undefined): string[] => (c ? [`CONFLICT: ${c.message}`] : []);

// ---- Coder refusals ------------------------------------------------------------------------------

/**
 * Coder refused `action` on the target after fleet-domain dispatched it: re-read the agent when the refusal
 * may be a race (fleet-domain decides which), and map fleet-domain's verdict to a failure. `undefined`: the
 * re-read agent already is where the action leads (e.g. paused meanwhile by another session): same end state.
 */
export async function refusalFailure(ctx: ToolContext, target: TargetAgent, action: AgentAction, error: CoderApiError, verb: string): Promise<ToolFailure | undefined> {
  const now = isRaceRefusal(action, error) ? await rereadAgent(ctx, target) : undefined;
  const verdict = explainCoderRefusal(action, error, target.agent, now);
  switch (verdict.kind) {
    case 'already_done':
      return undefined;
    case 'refused':
      return fromDomainError(verdict.refusal);
    case 'coder':
      return coderFailure(error, verb, target.ref, { hints: verdict.hints });
    default:
      return assertNever(verdict);
  }
}

/** "The input was NOT sent: <quoted input>" — so a failed send never loses the superagent's text. */
/** How much of an unsent input is quoted back in text (D3: a refused 100 KB input was echoed in full); the structured details keep all of it. */
export const UNSENT_ECHO_CHARS = 2_000;
export const notSentText = (input: string): string => `The input was NOT sent; here it is so nothing is lost: ${quoteUntrusted(truncateText(input, UNSENT_ECHO_CHARS))}`;

/** Short prompt/input echo for results. */
export const echo = (text: string, max = 200): string => truncateText(text, max);

/** Maps a Coder failure for an agent action with a per-call action phrase. */
function coderFailure(error: CoderApiError, action: string, ref: string, extra: Partial<CoderFailureContext> = {}): ToolFailure {
  return fromCoderApiError(error, { action: `${action} agent '${ref}'`, subject: `Agent '${ref}'`, ...extra });
}
