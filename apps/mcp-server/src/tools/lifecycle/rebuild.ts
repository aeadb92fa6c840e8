/**
 * restart_agent and update_agent_template are the same flow (Coder has neither endpoint: coder-api.md):
 * read the workspace, let fleet-domain plan from its latest build (planRebuild) and, for an update, check
 * the active version against the parameters the agent runs with (checkTemplateUpdate) BEFORE anything is
 * stopped; then a stop build, a bounded wait for it (progress notifications), a start build (for an update
 * on the active version), and a wait for the start within what is left of the budget. A build already
 * running is waited for first; a call interrupted after its stop goes on with the start when repeated.
 * Every build started is reported; the mutation is journalled once.
 */
import { checkAgentAction, checkTemplateUpdate, planRebuild, type RebuildAction } from '@org/fleet-domain';
import { z } from 'zod';
import type { CoderApiError } from '../../coder.js';
import { failure, success, type ToolContext, type ToolOutcome } from '../../define-tool.js';
import { budgetOf, jobOf, stillBuilding, waitForBuild, type Budget } from './build-wait.js';
import { fromCoderApiError, fromDomainError, toolFailure, type ToolFailure } from '../../failures.js';
import { toAgentSummaryView, AgentSummaryViewSchema } from '../../views/agent-core.js';
import { AgentStatusSchema } from '../../views/parts.js';
import { AgentRefSchema } from '../shared/schemas.js';
import type { Agent } from '@org/fleet-domain';
import { ACTION_RESULT_FIELDS, agentOf, type AnyTarget, BuildSchema, buildView, conflictLines, loadAnyTarget, nextLines, offeredNext, recordMutation, renderBuild, unsupportedFor, type BuildView, type NextActions } from './lifecycle-common.js';

export const DEFAULT_REBUILD_WAIT_MS = 120_000;
export const MAX_REBUILD_WAIT_MS = 300_000;

export const rebuildInputSchema = z.object({
  agent: AgentRefSchema,
  wait_timeout_ms: z
    .number()
    .int()
    .min(0)
    .max(MAX_REBUILD_WAIT_MS)
    .default(DEFAULT_REBUILD_WAIT_MS)
    .describe('Max ms to wait for the builds'),
});

/** update_agent_template also takes values for parameters the new version requires (its refusal names them). */
export const updateTemplateInputSchema = rebuildInputSchema.extend({
  parameters: z
    .record(z.string().min(1).max(128), z.string().max(4_000))
    .optional()
    .describe('Values the new version requires: {"name": "value"}'),
});

export const rebuildOutputSchema = z.object({
  agent: AgentSummaryViewSchema.describe('The agent read back at the end of the call'),
  previous_status: AgentStatusSchema.describe('Its status before the call'),
  outcome: z
    .enum(['started', 'starting', 'stopped'])
    .describe('started: the start build finished; starting: it still runs (the agent comes up shortly); stopped: the stop build outlasted the wait, nothing was started yet (call the tool again to start)'),
  builds: z.array(BuildSchema).describe('The builds Coder ran for this call, in order'),
  template_version: z.object({ from: z.string(), to: z.string(), to_name: z.string().optional(), added_parameters: z.array(z.string()) }).optional().describe('update_agent_template: the versions'),
  waited_ms: z.number(),
  ...ACTION_RESULT_FIELDS,
});
export type RebuildOutput = z.output<typeof rebuildOutputSchema>;

/** The tool's whole handler. */
export async function runRebuild(ctx: ToolContext, input: z.output<typeof updateTemplateInputSchema>, action: RebuildAction): Promise<ToolOutcome<RebuildOutput>> {
  const tool = action === 'restart' ? 'restart_agent' : 'update_agent_template';
  const verb = action === 'restart' ? 'restart' : 'update the template of';
  const loaded = await loadAnyTarget(ctx, input.agent, verb);
  if (!loaded.ok) return failure(loaded.failure);
  if (loaded.value.kind === 'chat') return failure(unsupportedFor(ctx, 'chat', action) ?? toolFailure('not_supported', `${tool} does not apply to a Coder Agents chat.`, 'Use send_agent_input.'));
  const target = rebuildTarget(ctx, loaded.value);
  const { ref } = target;
  const workspaceId = target.workspaceId;
  if (!workspaceId) {
    return failure(toolFailure('build_in_progress', `Agent '${ref}' has no workspace yet (Coder is still creating it).`, `Call ${tool} again once get_agent_details shows the agent starting or running.`, { retryAfterMs: 10_000 }));
  }
  const coder = ctx.deps.coder;
  const opts = { signal: ctx.signal };
  const budget: Budget = budgetOf(ctx, input.wait_timeout_ms);
  const coderFailure = (e: CoderApiError, what: string): ToolFailure => fromCoderApiError(e, { action: `${what} of agent '${ref}'`, subject: `Agent '${ref}'` });

  const ws = await coder.getWorkspace(workspaceId, opts);
  if (!ws.ok) return failure(coderFailure(ws.error, 'read the workspace'));
  let latest = ws.value.latest_build;

  // An update is checked in full before anything is stopped: a refusal changes nothing.
  let startVersion: string | undefined;
  const supplied = Object.entries(input.parameters ?? {}).map(([name, value]) => ({ name, value }));
  let versionReport: RebuildOutput['template_version'];
  if (action === 'update_template') {
    const current = latest?.template_version_id ?? '';
    const active = ws.value.template_active_version_id ?? '';
    const [used, offered, version] = await Promise.all([
      latest?.id ? coder.getWorkspaceBuildParameters(latest.id, opts) : Promise.resolve(undefined),
      coder.getTemplateVersionRichParameters(active, opts),
      coder.getTemplateVersion(active, opts),
    ]);
    if (used && !used.ok) return failure(coderFailure(used.error, 'read the build parameters'));
    if (!offered.ok) return failure(coderFailure(offered.error, "read the template's active version parameters"));
    const activeName = version.ok ? version.value.name : undefined;
    const check = checkTemplateUpdate(target.agent, {
      currentVersionId: current,
      activeVersionId: active,
      ...(activeName ? { activeVersionName: activeName } : {}),
      used: (used?.value ?? []).map((p) => ({ name: p.name ?? '', value: p.value ?? '' })),
      offered: offered.value,
      supplied,
    });
    if (!check.ok) return failure(fromDomainError(check.error));
    startVersion = active;
    versionReport = { from: current, to: active, ...(activeName ? { to_name: activeName } : {}), added_parameters: [...check.value.added] };
  }

  const builds: BuildView[] = [];
  const finish = async (outcome: RebuildOutput['outcome'], next: NextActions): Promise<ToolOutcome<RebuildOutput>> => {
    const conflict = builds.length > 0 ? await recordMutation(ctx, target.id, tool, ref) : undefined;
    // Read back: the agent as Coder has it now (starting, or up again), not as it was.
    const after = await target.reread();
    // Input is suggested only to an agent that takes it now (up again, it may already be back at its work).
    const takesInput = after !== undefined && checkAgentAction(after, 'send_input').ok;
    const out: RebuildOutput = {
      agent: toAgentSummaryView(after ?? target.agent),
      previous_status: target.agent.status,
      outcome,
      builds,
      ...(versionReport ? { template_version: versionReport } : {}),
      waited_ms: ctx.now().getTime() - budget.startMs,
      ...(conflict ? { conflict } : {}),
      next_actions: offeredNext(ctx, takesInput ? next : next.filter((n) => n.tool !== 'send_agent_input')),
    };
    return success(out, rebuildText(out, ref, tool));
  };
  const failed = async (f: ToolFailure): Promise<ToolOutcome<RebuildOutput>> => {
    if (builds.length > 0) await recordMutation(ctx, target.id, tool, ref);
    const ran = builds.length > 0 ? ` Builds run for this call: ${builds.map(renderBuild).join(', ')}.` : '';
    return failure({ ...f, message: `${f.message}${ran}`, details: { ...f.details, builds } });
  };

  // 1. Whatever build runs now ends first (Coder refuses a second one with 409).
  if (latest && planRebuild(jobOf(latest)) === 'wait') {
    const waited = await waitForBuild(ctx, target, latest, budget, 'the running build', tool);
    if (!waited.ok) return failed(waited.failure);
    latest = waited.build;
  }
  const plan = latest ? planRebuild(jobOf(latest)) : 'start';
  switch (plan) {
    case 'gone':
      return failed(toolFailure('invalid_state', `Agent '${ref}' is being deleted (its latest build is a delete); there is nothing to restart.`, 'Call create_agent_task to start a new agent.'));
    case 'wait':
      return failed(stillBuilding(ref, tool, latest, budget));
    case 'stop_then_start': {
      const stop = await coder.createWorkspaceBuild(workspaceId, { transition: 'stop' }, opts);
      if (!stop.ok) return failed(buildRefused(stop.error, ref, tool, 'stop', coderFailure));
      builds.push(buildView({ workspaceBuild: stop.value }));
      const stopped = await waitForBuild(ctx, target, stop.value, budget, 'the stop build', tool);
      if (!stopped.ok) {
        if (stopped.failure.code === 'build_in_progress') {
          return finish('stopped', [{ tool, why: `The stop build is still running; call ${tool} again: it then only starts the agent.` }]);
        }
        return failed(stopped.failure);
      }
      builds[builds.length - 1] = buildView({ workspaceBuild: stopped.build });
      break;
    }
    case 'start':
      break;
  }
  // 2. Start (an update: on the active version).
  const values = startVersion && supplied.length > 0 ? { rich_parameter_values: supplied } : {};
  const start = await coder.createWorkspaceBuild(workspaceId, { transition: 'start', ...(startVersion ? { template_version_id: startVersion } : {}), ...values }, opts);
  if (!start.ok) return failed(buildRefused(start.error, ref, tool, 'start', coderFailure));
  builds.push(buildView({ workspaceBuild: start.value }));
  const started = await waitForBuild(ctx, target, start.value, budget, 'the start build', tool);
  if (!started.ok) {
    if (started.failure.code === 'build_in_progress') return finish('starting', [{ tool: 'get_agent_details', why: 'The start build is still running; the agent works again (or waits idle) within a minute or two.' }]);
    return failed(started.failure);
  }
  builds[builds.length - 1] = buildView({ workspaceBuild: started.build });
  return finish('started', [
    { tool: 'get_agent_details', why: 'The workspace is up; the agent continues its task (or waits idle).' },
    { tool: 'send_agent_input', why: 'Give it instructions once it is idle.' },
  ]);
}

/** What the rebuild needs of a task or workspace agent: its workspace, the agent as found, and a re-read. */
interface RebuildTarget {
  id: string;
  ref: string;
  workspaceId: string | undefined;
  agent: Agent;
  reread: () => Promise<Agent | undefined>;
}

function rebuildTarget(ctx: ToolContext, loaded: Exclude<AnyTarget, { kind: 'chat' }>): RebuildTarget {
  if (loaded.kind === 'workspace') {
    const w = loaded.target;
    const workspaces = ctx.runtime.backend.workspaces;
    return { id: w.id, ref: w.ref, workspaceId: w.id, agent: w.agent, reread: async () => {
      const r = await workspaces.load(w.id, ctx.signal);
      return r.ok ? r.value.agent : undefined;
    } };
  }
  const t = loaded.target;
  return { id: t.resolved.id, ref: t.ref, workspaceId: t.task.workspace_id ?? undefined, agent: t.agent, reread: async () => {
    const r = await ctx.deps.coder.getTask(t.resolved.owner, t.resolved.id, { signal: ctx.signal });
    return r.ok ? agentOf(ctx, r.value) : undefined;
  } };
}

/** Coder refused a build: 409 means another build started meanwhile (another session): say when to retry. */
function buildRefused(e: CoderApiError, ref: string, tool: string, transition: string, coderFailure: (e: CoderApiError, what: string) => ToolFailure): ToolFailure {
  if (e.kind === 'conflict') {
    return toolFailure('build_in_progress', `Coder refused the ${transition} build of agent '${ref}': another workspace build started meanwhile (${e.message}).`, `Call ${tool} again in about 10 s; it waits for the running build first.`, { retryAfterMs: 10_000 });
  }
  return coderFailure(e, `start a ${transition} build`);
}


function rebuildText(o: RebuildOutput, ref: string, tool: string): string {
  const did = o.builds.map(renderBuild).join(', then ');
  const version = o.template_version ? ` Template version ${o.template_version.from} -> ${o.template_version.to_name ?? o.template_version.to}${o.template_version.added_parameters.length > 0 ? ` (new parameters with defaults: ${o.template_version.added_parameters.join(', ')})` : ''}.` : '';
  const head =
    o.outcome === 'stopped'
      ? `${tool}: agent ${ref} stopped (${did}); the stop outlasted the ${Math.round(o.waited_ms / 1000)} s wait, so nothing was started yet.`
      : `${tool}: agent ${ref} (was ${o.previous_status}, now ${o.agent.status}) ${o.outcome === 'started' ? 'is up again' : 'is starting'}: Coder ran ${did}.`;
  return [head + version, ...conflictLines(o.conflict), ...nextLines(o.next_actions)].join('\n');
}
