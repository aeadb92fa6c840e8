/**
 * The one flow of every lifecycle action on an existing agent (send, update, delete, interrupt, pause,
 * resume): resolve the agent fresh (any kind) → refuse up front what its kind cannot do (the backend's
 * `supports()`) → fleet-domain's check (`checkAgentAction`: refused, or already where the action leads) →
 * the Coder call → fleet-domain's reading of a Coder refusal (`explainCoderRefusal`, with a re-read when it
 * may be a race) → journal the mutation (conflict notice). Tools only supply the Coder calls and render.
 *
 * Split in two steps (`prepareAgentAction`, `commitAgentAction`) so delete can ask for confirmation between
 * the checks and the call; `runAgentAction` is both.
 */
import { checkAgentAction, type Agent, type AgentAction, type ActionPlan } from '@org/fleet-domain';
import type { CoderApiError, CoderResult } from '../../coder.js';
import type { ToolContext } from '../../define-tool.js';
import { fromDomainError, toolFailure, type Outcome, type ToolFailure } from '../../failures.js';
import type { ChatTarget } from '../../backends/agents-backend.js';
import type { WorkspaceTarget } from '../../backends/workspaces-backend.js';
import type { Capability } from '../../backends/backend.js';
import { waitWhileInterrupting, waitWhileStarting, waitWhileStartingWith } from './build-wait.js';
import { loadAnyTarget, recordMutation, refusalFailure, unsupportedFor, type AnyTarget, type ConflictNotice, type TargetAgent } from './lifecycle-common.js';

export interface AgentActionSpec<TaskValue, ChatValue, WorkspaceValue = never> {
  /** The tool, as the mutation journal (and so conflict notices) names it. */
  tool: string;
  /** Verb phrase for failure texts: "send input to", "delete". */
  verb: string;
  /** What the backend must support for the agent's kind; refused before anything else when it does not. */
  capability: Capability;
  /** fleet-domain's action: checked against a task agent before Coder is called, and used to read Coder's refusal. */
  action: AgentAction;
  /** A task agent that is starting is waited for (bounded) before the check, instead of refused (send: it takes input once up). */
  waitWhileStarting?: boolean;
  /** A chat whose turn is being interrupted is waited for (bounded) before the call (delete: Coder archives idle chats only). */
  waitWhileInterrupting?: boolean;
  /** The Coder call for a task agent (absent: the kind is refused by `capability`). */
  task?: (target: TargetAgent) => Promise<CoderResult<TaskValue>>;
  /**
   * A Coder error on the task call that may not be a refusal (send: a lost answer, read back from the log):
   * `recovered` says what the re-read found (the action took effect), a failure is final (not reshaped by
   * `onFailure`: the outcome is unknown, not refused); `undefined` reads the error as a refusal.
   */
  recover?: (target: TargetAgent, error: CoderApiError) => Promise<Outcome<{ recovered: string }> | undefined>;
  /** The call for a Coder Agents chat (the Agents backend explains its own refusals). */
  chat?: (target: ChatTarget) => Promise<Outcome<ChatValue>>;
  /** Whether a chat answer changed anything: only changes are journaled (default: every answer). */
  chatChanged?: (value: ChatValue) => boolean;
  /**
   * The call for a workspace agent, after fleet-domain's check (its statuses mean what a task's do); the
   * Workspaces backend explains its own refusals (AgentAPI busy, app proxy unavailable).
   */
  workspace?: (target: WorkspaceTarget) => Promise<Outcome<WorkspaceValue>>;
  /** Whether a workspace answer changed anything (default: every answer). */
  workspaceChanged?: (value: WorkspaceValue) => boolean;
  /** Reshapes any failure after the agent was found (send quotes the unsent input back). */
  onFailure?: (failure: ToolFailure) => ToolFailure;
}

/** An agent that passed the checks: fresh from Coder, its kind supported, fleet-domain's plan for it. */
export type PreparedAction = { agent: Agent; ref: string; id: string } & (
  | { kind: 'task'; target: TargetAgent; plan: ActionPlan }
  | { kind: 'chat'; target: ChatTarget }
  | { kind: 'workspace'; target: WorkspaceTarget; plan: ActionPlan }
);

/** What an action did; `changed: false` when nothing was sent (already done) or a chat answered "no change". */
export type ActionDone<TaskValue, ChatValue, WorkspaceValue = never> = PreparedAction & { conflict?: ConflictNotice } & (
    | { kind: 'task'; changed: false }
    | { kind: 'task'; changed: true; value: TaskValue | undefined; recovered?: string }
    | { kind: 'chat'; changed: boolean; value: ChatValue }
    /** `value` absent: fleet-domain found the agent already where the action leads (nothing was sent). */
    | { kind: 'workspace'; changed: boolean; value?: WorkspaceValue }
  );

const failed = <T>(spec: { onFailure?: (f: ToolFailure) => ToolFailure }, failure: ToolFailure): Outcome<T> => ({ ok: false, failure: spec.onFailure ? spec.onFailure(failure) : failure });

/** Resolve → the kind supports it → fleet-domain's check (task agents; a chat's state is the Agents backend's to judge). */
export async function prepareAgentAction<TV, CV, WV>(ctx: ToolContext, ref: string, spec: AgentActionSpec<TV, CV, WV>): Promise<Outcome<PreparedAction>> {
  const loaded = await loadAnyTarget(ctx, ref, spec.verb);
  if (!loaded.ok) return loaded;
  return prepareLoadedAction(ctx, loaded.value, spec);
}

/** The checks of `prepareAgentAction` on an agent already loaded (send looks at it first: a busy task queues). */
export async function prepareLoadedAction<TV, CV, WV>(ctx: ToolContext, loaded: AnyTarget, spec: AgentActionSpec<TV, CV, WV>): Promise<Outcome<PreparedAction>> {
  const unsupported = unsupportedFor(ctx, loaded.target.agent.kind, spec.capability);
  if (unsupported) return failed(spec, unsupported);
  if (loaded.kind === 'chat') {
    let chat = loaded.target;
    if (spec.waitWhileInterrupting) {
      const settled = await waitWhileInterrupting(ctx, chat, spec.tool);
      if (!settled.ok) return failed(spec, settled.failure);
      chat = settled.value;
    }
    return { ok: true, value: { kind: 'chat', target: chat, agent: chat.agent, ref: loaded.ref, id: chat.id } };
  }
  if (loaded.kind === 'workspace') {
    let ws = loaded.target;
    if (spec.waitWhileStarting) {
      const workspaces = ctx.runtime.backend.workspaces;
      const up = await waitWhileStartingWith(ctx, ws, spec.tool, async (current) => {
        const r = await workspaces.load(current.id, ctx.signal);
        return r.ok ? r.value : undefined;
      });
      if (!up.ok) return failed(spec, up.failure);
      ws = up.value;
    }
    const plan = checkAgentAction(ws.agent, spec.action);
    if (!plan.ok) return failed(spec, fromDomainError(plan.error));
    return { ok: true, value: { kind: 'workspace', target: ws, agent: ws.agent, ref: ws.ref, id: ws.id, plan: plan.value } };
  }
  let target = loaded.target;
  if (spec.waitWhileStarting) {
    const up = await waitWhileStarting(ctx, target, spec.tool);
    if (!up.ok) return failed(spec, up.failure);
    target = up.value;
  }
  const plan = checkAgentAction(target.agent, spec.action);
  if (!plan.ok) return failed(spec, fromDomainError(plan.error));
  return { ok: true, value: { kind: 'task', target, agent: target.agent, ref: target.ref, id: target.resolved.id, plan: plan.value } };
}

/** The Coder call → fleet-domain's reading of a refusal → the journal. */
export async function commitAgentAction<TV, CV, WV>(ctx: ToolContext, prepared: PreparedAction, spec: AgentActionSpec<TV, CV, WV>): Promise<Outcome<ActionDone<TV, CV, WV>>> {
  const journal = () => recordMutation(ctx, prepared.id, spec.tool, prepared.ref);
  const withConflict = (conflict: ConflictNotice | undefined) => (conflict ? { conflict } : {});
  if (prepared.kind === 'chat') {
    if (!spec.chat) return failed(spec, notServed(prepared, spec));
    const r = await spec.chat(prepared.target);
    if (!r.ok) return failed(spec, r.failure);
    const changed = spec.chatChanged?.(r.value) ?? true;
    return { ok: true, value: { ...prepared, changed, value: r.value, ...withConflict(changed ? await journal() : undefined) } };
  }
  if (prepared.kind === 'workspace') {
    if (prepared.plan === 'already_done') return { ok: true, value: { ...prepared, changed: false } };
    if (!spec.workspace) return failed(spec, notServed(prepared, spec));
    const r = await spec.workspace(prepared.target);
    if (!r.ok) return failed(spec, r.failure);
    const changed = spec.workspaceChanged?.(r.value) ?? true;
    return { ok: true, value: { ...prepared, changed, value: r.value, ...withConflict(changed ? await journal() : undefined) } };
  }
  if (prepared.plan === 'already_done') return { ok: true, value: { ...prepared, changed: false } };
  if (!spec.task) return failed(spec, notServed(prepared, spec));
  const r = await spec.task(prepared.target);
  if (r.ok) return { ok: true, value: { ...prepared, changed: true, value: r.value, ...withConflict(await journal()) } };
  const recovered = await spec.recover?.(prepared.target, r.error);
  if (recovered && !recovered.ok) return recovered;
  if (recovered) return { ok: true, value: { ...prepared, changed: true, value: undefined, recovered: recovered.value.recovered, ...withConflict(await journal()) } };
  const refused = await refusalFailure(ctx, prepared.target, spec.action, r.error, spec.verb);
  // No failure: fleet-domain read the re-read agent as already where the action leads (pause, resume).
  return refused ? failed(spec, refused) : { ok: true, value: { ...prepared, changed: false } };
}

/** Resolve, check, call Coder, explain a refusal, journal: the whole flow. */
export async function runAgentAction<TV, CV, WV = never>(ctx: ToolContext, ref: string, spec: AgentActionSpec<TV, CV, WV>): Promise<Outcome<ActionDone<TV, CV, WV>>> {
  const prepared = await prepareAgentAction(ctx, ref, spec);
  if (!prepared.ok) return prepared;
  return commitAgentAction(ctx, prepared.value, spec);
}

function notServed(prepared: PreparedAction, spec: { verb: string }): ToolFailure {
  return toolFailure('not_supported', `Cannot ${spec.verb} agent ${prepared.ref}: this server has no such action for a ${prepared.kind} agent.`, 'Call get_agent_details for what the agent supports.');
}

/** A chat re-read after a change (the answer shows it as it is now); `undefined` when Coder cannot answer. */
export async function readBackChat(ctx: ToolContext, id: string): Promise<Agent | undefined> {
  const r = await ctx.runtime.backend.chats.load(id, ctx.signal);
  return r.ok ? r.value.agent : undefined;
}
