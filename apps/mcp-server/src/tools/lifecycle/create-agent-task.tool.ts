import { quoteUntrusted } from '../../views/untrusted.js';
import {
  agentsInUse,
  canOwnAgents,
  checkAssignment,
  nextActionsAfterCreate,
  onlyUnverifiable,
  rankTemplates,
  waitVerdict,
  workspaceNameProblem,
  WAIT_TARGETS,
  type Agent,
  type AssignmentRequirements,
  type AssignmentViolation,
  type WaitTarget,
} from '@org/fleet-domain';
import { z } from 'zod';
import type { CoderApiError, Preset } from '../../coder.js';
import { defineTool, failure, success, type ToolContext, type ToolOutcome } from '../../define-tool.js';
import { fromAssignmentViolations, fromCoderApiError, toolFailure, type Outcome, type ToolFailure } from '../../failures.js';
import { loadTemplateCatalog, resolveTemplate, type TemplateEntry } from '../../runtime/template-facts.js';
import { AgentSummaryViewSchema, toAgentSummaryView } from '../../views/agent-core.js';
import { ACTION_RESULT_FIELDS, agentOf, anonymiseSession, conflictLines, nextLines, offeredNext, recordMutation } from './lifecycle-common.js';
import { answerLost, mutationSignal, mutationSignals, outcomeUnknown, rereadSignal, taskNameFor } from './outcome.js';
import { MAX_INPUT_CHARS } from './send-agent-input.tool.js';

export const MAX_WAIT_MS = 120_000;
const DEFAULT_WAIT_MS = 60_000;
/** Poll interval while waiting (on the server's clock). */
export const POLL_MS = 2_000;
/** Coder's name rules (codersdk.NameValid). */
const NAME_RULE = /^[a-zA-Z0-9]+(?:-[a-zA-Z0-9]+)*$/;

const requirementsSchema = z
  .strictObject({
    capabilities: z
      .array(z.string().min(1).max(100))
      .max(50)
      .optional()
      .describe('As list_templates names them'),
    cpu: z.number().positive().max(1024).optional().describe('CPU cores'),
    memory_gb: z.number().positive().max(65_536).optional().describe('Memory in GB'),
    disk_gb: z.number().positive().max(1_048_576).optional().describe('Disk in GB'),
    gpu: z.boolean().optional().describe('Needs a GPU'),
  })
  .describe('What the work needs; checked before creating');

const inputSchema = z.object({
  input: z.string().trim().min(1).max(MAX_INPUT_CHARS).describe('The prompt: what the agent should do'),
  template: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('Template name or id (active version used); omit for a chat'),
  labels: z.record(z.string().min(1).max(64), z.string().max(200)).optional().describe('Chats: labels (key: value)'),
  workspace_id: z.uuid().optional().describe('Chats: use this existing workspace'),
  model_config_id: z.uuid().optional().describe("Chats: model config (default: the organization's)"),
  plan_mode: z.boolean().optional().describe('Chats: start in plan mode'),
  preset: z.string().min(1).max(200).optional().describe('Preset (role) name or id'),
  name: z
    .string()
    .max(32)
    .regex(NAME_RULE, 'letters, digits and single hyphens only (Coder name rules)')
    .optional()
    .describe('Task/workspace name, unique per owner; default: generated (a repeat is recognised)'),
  display_name: z.string().trim().min(1).max(64).optional().describe('Title in Coder; default generated'),
  owner: z.string().min(1).max(100).default('me').describe('User it runs as ("me" = the token\'s user)'),
  requirements: requirementsSchema.optional(),
  allow_unverifiable: z
    .boolean()
    .default(false)
    .describe('Go on if requirements are only unprovable (warnings)'),
  wait_until: z
    .enum(WAIT_TARGETS)
    .optional()
    .describe('Wait (with progress) until started, working or idle'),
  wait_timeout_ms: z
    .number()
    .int()
    .min(1_000)
    .max(MAX_WAIT_MS)
    .default(DEFAULT_WAIT_MS)
    .describe('Max ms for wait_until'),
  when_at_capacity: z
    .enum(['queue', 'fail'])
    .default('queue')
    .describe('At --capacity: queue or fail'),
});
type Input = z.output<typeof inputSchema>;

const ViolationSchema = z.object({
  kind: z.enum(['missing_capability', 'exceeds_limit', 'unverifiable', 'invalid_requirement']),
  requirement: z.string(),
  message: z.string(),
});

const outputSchema = z.object({
  agent: AgentSummaryViewSchema.extend({
    display_name: z.string(),
    template: z.object({ id: z.string(), name: z.string(), version_id: z.string() }),
    preset: z.object({ id: z.string(), name: z.string() }).optional(),
  })
    .optional()
    .describe('The created agent (absent when queued)'),
  queued: z
    .object({ item: z.string(), position: z.number().int(), ref: z.string(), used: z.number().int(), capacity: z.number().int() })
    .optional()
    .describe('At --capacity: held, created as ref once a slot frees'),
  requirement_warnings: z.array(ViolationSchema).describe('Requirements that could not be verified (only with allow_unverifiable)'),
  wait: z
    .object({
      target: z.enum(WAIT_TARGETS),
      outcome: z.enum(['reached', 'failed', 'timeout', 'cancelled']).describe('reached; failed = the agent went into error; timeout = still not there'),
      waited_ms: z.number(),
      polls: z.number().int(),
      status: z.string().describe('Fleet status at the end of the wait'),
      status_reason: z.string(),
    })
    .optional(),
  ...ACTION_RESULT_FIELDS,
  recovered: z.string().optional().describe('Present when Coder’s answer was lost or the request was repeated: what a re-read found'),
});
type Output = z.output<typeof outputSchema>;
type WaitReport = NonNullable<Output['wait']>;

/**
 * A Coder Agents chat from the prompt (organization: the token user's; `request_id` fixed per call, so a
 * retried request never makes two chats). `wait_until` re-reads the chat; requirements are checked against the
 * templates the chat's agent may use (it picks its workspace template itself).
 */
async function createChat(ctx: ToolContext, input: Input): Promise<ToolOutcome<Output>> {
  // A chat's agent picks its workspace template itself: requirements are checked against the templates it
  // may use (those this token sees, not deprecated), before anything is created.
  const requirements = toRequirements(input.requirements);
  let fitting: string[] = [];
  if (requirements) {
    const catalog = await loadTemplateCatalog(ctx.runtime.templates);
    if (!catalog.ok) return failure(catalog.failure);
    const ranking = rankTemplates(requirements, catalog.value.filter((e) => !e.facts.deprecated).map((e) => e.facts));
    fitting = ranking.candidates.map((c) => c.facts.name);
    const maybe = ranking.uncertain.map((u) => u.facts.name);
    if (fitting.length === 0 && !(input.allow_unverifiable && maybe.length > 0)) {
      return failure(
        toolFailure(
          'requirements_not_met',
          `No workspace template the chat's agent can use meets the requirements. Nothing was created.${maybe.length > 0 ? ` These might (only unverifiable requirements): ${maybe.slice(0, 3).join(', ')}.` : ''}`,
          maybe.length > 0 ? 'Pass allow_unverifiable: true to proceed anyway, or relax the requirements (list_templates shows capabilities and limits).' : 'Relax the requirements (list_templates shows capabilities and limits), or ask a Coder admin for a template that has them.',
        ),
      );
    }
    if (fitting.length === 0) fitting = maybe;
  }
  const r = await ctx.runtime.backend.chats.create(
    {
      prompt: input.input,
      ...(input.labels ? { labels: input.labels } : {}),
      ...(input.workspace_id ? { workspaceId: input.workspace_id } : {}),
      ...(input.model_config_id ? { modelConfigId: input.model_config_id } : {}),
      ...(input.plan_mode ? { planMode: true } : {}),
    },
    mutationSignals(ctx),
  );
  if (!r.ok) return failure(r.failure);
  let agent = r.value.agent;
  const recovered = r.value.recovered;
  const conflict = await recordMutation(ctx, agent.id, 'create_agent_task', agent.id);
  let wait: WaitReport | undefined;
  if (input.wait_until) {
    const id = agent.id;
    const waited = await waitFor(ctx, agent, input.wait_until, Math.min(input.wait_timeout_ms, MAX_WAIT_MS), async () => {
      const fresh = await ctx.runtime.backend.chats.load(id, ctx.signal);
      return fresh.ok ? fresh.value.agent : undefined;
    });
    agent = waited.agent;
    wait = waited.report;
  }
  const data: Output = {
    agent: { ...toAgentSummaryView(agent), display_name: agent.displayName, template: { id: '', name: '', version_id: '' } },
    requirement_warnings: [],
    ...(wait ? { wait } : {}),
    ...(conflict ? { conflict } : {}),
    ...(recovered ? { recovered } : {}),
    next_actions: offeredNext(ctx, [
      { tool: 'get_agent_details', why: 'Follow the new agent (it is working on the prompt now).' },
      { tool: 'get_agent_logs', why: 'Read its answer once it is idle.' },
    ]),
  };
  const waitLine = wait ? [`Wait: ${wait.outcome === 'reached' ? `reached '${wait.target}'` : wait.outcome === 'timeout' ? `not yet '${wait.target}' after ${wait.waited_ms} ms` : wait.outcome === 'failed' ? 'went into error' : 'wait cancelled'} (status ${wait.status}, ${wait.polls} polls).`] : [];
  const fitLine = requirements ? [`Templates meeting the requirements: ${fitting.slice(0, 5).join(', ')} (the agent picks its workspace template itself; pin a workspace with workspace_id).`] : [];
  return success(data, [...(recovered ? [recovered] : []), `Created agent ${agent.id} (a Coder Agents chat, ${agent.status}); it is working on the prompt.`, ...fitLine, ...waitLine, ...conflictLines(conflict), ...nextLines(data.next_actions)].join('\n'));
}

export const createAgentTaskTool = defineTool({
  name: 'create_agent_task',
  title: 'Create agent task',
  description:
    'Starts an agent from a prompt: a Coder task on a template (and preset), or a Coder Agents chat; checks template, owner, requirements first; can wait until it runs. Pick with list_templates. Next: get_agent_details.',
  toolset: 'lifecycle',
  effect: 'write',
  idempotent: false,
  inputSchema,
  outputSchema,
  timeoutMs: (input, config) => (input.wait_until ? Math.min(input.wait_timeout_ms, MAX_WAIT_MS) + config.requestTimeoutMs : config.requestTimeoutMs),
  async handle(input, ctx) {
    const coder = ctx.deps.coder;
    const opts = { signal: ctx.signal };

    // 0. Coder Agents: a chat when no template is named and the deployment has chats (the only kind from 2.37).
    const kinds = await ctx.runtime.backend.settledKinds(ctx.signal);
    if (!kinds.ok) return failure(fromCoderApiError(kinds.error, { action: 'read the Coder version' }));
    if (kinds.value.includes('chat') && (input.template === undefined || !kinds.value.includes('task'))) return createChat(ctx, input);

    // 1. The deployment must have the Tasks API at all (or serve workspace agents: plain workspaces with an AI app).
    const asWorkspace = kinds.value.includes('workspace');
    const info = await coder.getServerInfo(opts);
    if (!info.ok) return failure(fromCoderApiError(info.error, { action: 'read the Coder version' }));
    if (info.value.tasksApi === 'none' && !asWorkspace) {
      return failure(
        toolFailure(
          'tasks_unsupported',
          `This Coder deployment (v${info.value.version}) has no Tasks API, so no agent can be created.`,
          'Coder Tasks exist in v2.27 to v2.36 (and the Tasks ESR); point CODER_URL at such a deployment.',
        ),
      );
    }

    // 2. Template (active version), AI-task support, preset.
    if (input.template === undefined) return failure(toolFailure('invalid_argument', 'A Coder Task needs a template, and this deployment has no Coder Agents (chats) to create instead.', 'Pass template (list_templates shows the templates that can run AI tasks).'));
    const resolved = await resolveTemplate(ctx.runtime.templates, input.template);
    if (!resolved.ok) return failure(resolved.failure);
    const entry = resolved.value;
    const versionId = entry.template.active_version_id;
    if (!versionId) return failure(toolFailure('template_not_found', `Template '${entry.facts.name}' has no active version to create from.`, 'Choose another template from list_templates.'));
    let promptParameter: string | undefined;
    if (asWorkspace) {
      const p = await ctx.runtime.backend.workspaces.promptParameter(versionId);
      if (!p.ok) return failure(fromCoderApiError(p.error, { action: `read the parameters of template '${entry.facts.name}'` }));
      if (!p.value) return failure(noPromptParameter(entry.facts.name));
      promptParameter = p.value;
    } else if (entry.facts.hasAiTask === false) return failure(notAiTemplate(entry.facts.name));
    const preset = pickPreset(entry, input.preset);
    if (!preset.ok) return failure(preset.failure);

    // 3. Requirements (FR-014), before anything is sent.
    const warnings: AssignmentViolation[] = [];
    const requirements = toRequirements(input.requirements);
    if (requirements) {
      const check = checkAssignment(requirements, entry.facts);
      if (!check.ok) {
        if (input.allow_unverifiable && onlyUnverifiable(check.error)) warnings.push(...check.error);
        else return failure(await rejected(ctx, entry, requirements, check.error, input.allow_unverifiable));
      }
    }

    // 4. Owner (FR-020: fail before creating anything).
    const owner = await coder.getUser(input.owner, opts);
    if (!owner.ok) {
      if (owner.error.kind === 'not_found' || (owner.error.kind === 'invalid_request' && input.owner !== 'me')) {
        return failure(toolFailure('owner_not_found', `No Coder user '${input.owner}' exists (or this token may not see it). Nothing was created.`, 'Pass an existing username as owner (or omit it to use the token\'s own user).'));
      }
      return failure(fromCoderApiError(owner.error, { action: `look up owner '${input.owner}'` }));
    }
    const username = owner.value.username ?? input.owner;
    if (!canOwnAgents(owner.value)) {
      return failure(toolFailure('owner_suspended', `Coder user '${username}' is suspended and cannot run agents. Nothing was created.`, 'Choose another owner, or ask an administrator to reactivate the user.'));
    }
    const scope = ctx.deps.config.owners.map((o) => o.toLowerCase());
    if (scope.length > 0 && !scope.includes(username.toLowerCase())) {
      return failure(toolFailure('out_of_scope', `Owner '${username}' is outside this server's owner scope (${scope.join(', ')}). Nothing was created.`, `Create agents for one of: ${scope.join(', ')}.`));
    }

    // 5. Create, under a name fixed before the first attempt (D1): a lost answer is re-read by that name,
    // and a retry with it collides (or is recognised as the same request) instead of making a second agent.
    const name = input.name ?? taskNameFor(input.input, [username, versionId, preset.value?.id ?? '', input.input.trim()]);
    const full = await atCapacity(ctx);
    if (full) {
      if (input.when_at_capacity === 'fail') return failure(capacityFailure(full));
      // A workspace agent's name is checked before it is held (the create later must not fail on it).
      const nameProblem = promptParameter !== undefined ? await workspaceNameFailure(ctx, input, username, name) : undefined;
      if (nameProblem) return failure(nameProblem);
      const organizationId = entry.template.organization_id ?? '';
      const held = await ctx.runtime.taskQueue.enqueueCreate(
        {
          kind: 'create',
          owner: username,
          name,
          input: input.input,
          templateVersionId: versionId,
          template: entry.facts.name,
          ...(preset.value ? { presetId: preset.value.id } : {}),
          ...(input.display_name ? { displayName: input.display_name } : {}),
          ...(promptParameter !== undefined ? { workspace: { organizationId, promptParameter } } : {}),
        },
        { queuedBy: anonymiseSession(ctx.session.id) },
      );
      if (!held.ok) return failure({ ...held.failure, message: `The fleet is at capacity (${full.used} of ${full.capacity}) and the create could not be held. ${held.failure.message} Nothing was created.` });
      void ctx.runtime.background.ensureStarted();
      const data: Output = {
        queued: { item: held.value.id, position: held.value.position, ref: `${username}/${name}`, ...full },
        requirement_warnings: warnings.map((v) => ({ kind: v.kind, requirement: v.requirement, message: v.message })),
        next_actions: offeredNext(ctx, [
          { tool: 'get_fleet_status', why: 'See capacity use; the agent appears once a slot frees.' },
          { tool: 'manage_agent_queue', why: `List, reprioritise or cancel the held create (agent=${username}/${name}).` },
        ]),
        ...(held.value.existing ? { recovered: `This create was already held (item ${held.value.id}): it is not queued twice.` } : {}),
      };
      return success(data, render(data));
    }
    if (promptParameter !== undefined) {
      const target = { entry, versionId, preset: preset.value, username, name, promptParameter, warnings };
      return createWorkspaceAgent(ctx, input, target);
    }
    const created = await coder.createTask(
      username,
      {
        input: input.input,
        template_version_id: versionId,
        ...(preset.value ? { template_version_preset_id: preset.value.id } : {}),
        name,
        ...(input.display_name ? { display_name: input.display_name } : {}),
      },
      { signal: mutationSignal(ctx) },
    );
    let recovered: string | undefined;
    let task = created.ok ? created.value : undefined;
    if (!created.ok) {
      const lost = answerLost(created.error, ctx);
      const taken = !lost && isNameTaken(created.error);
      if (!lost && !taken) return failure(createFailure(created.error, entry.facts.name, input));
      // Re-read by name: ours when the prompt matches (an earlier attempt, or this one whose answer was lost).
      const found = await coder.getTask(username, name, { signal: rereadSignal(ctx) });
      const same = found.ok && (found.value.initial_prompt ?? '').trim() === input.input.trim();
      if (same) {
        task = found.value;
        recovered = lost
          ? `Coder's answer to the create was lost (${created.error.kind}); a re-read shows the agent was created as ${username}/${name}.`
          : `An agent named ${username}/${name} with this exact prompt already exists (an earlier attempt of this request): no second agent was created.`;
      } else if (taken) return failure(createFailure(created.error, entry.facts.name, input));
      else
        return failure(
          outcomeUnknown(
            `Creating agent ${username}/${name} may or may not have happened`,
            created.error.kind,
            `check with get_agent_details agent=${username}/${name} in a few seconds; if you retry, pass name=${name} so a second agent cannot be created.`,
          ),
        );
    }
    if (!task) return failure(createFailure({ kind: 'unexpected_response', operation: 'POST /api/v2/tasks/{user}', message: 'no task in the answer' }, entry.facts.name, input));
    let agent = agentOf(ctx, task);
    const ref = `${agent.owner}/${agent.name}`;
    const conflict = await recordMutation(ctx, agent.id, 'create_agent_task', ref);

    // 6. Optional bounded wait.
    let wait: WaitReport | undefined;
    if (input.wait_until) {
      const waited = await waitFor(ctx, agent, input.wait_until, Math.min(input.wait_timeout_ms, MAX_WAIT_MS));
      agent = waited.agent;
      wait = waited.report;
    }

    const data: Output = {
      agent: createdView(agent, entry, versionId, preset.value),
      requirement_warnings: warnings.map((v) => ({ kind: v.kind, requirement: v.requirement, message: v.message })),
      ...(wait ? { wait } : {}),
      ...(conflict ? { conflict } : {}),
      next_actions: offeredNext(ctx, nextActionsAfterCreate(agent.status, wait?.outcome)),
      ...(recovered ? { recovered } : {}),
    };
    return success(data, render(data));
  },
});

/** The created agent as the answer shows it: with its template (active version) and preset. */
function createdView(agent: Agent, entry: TemplateEntry, versionId: string, preset: { id: string; name: string } | undefined): Output['agent'] {
  return {
    ...toAgentSummaryView(agent),
    display_name: agent.displayName,
    template: { id: entry.template.id ?? agent.template.id, name: entry.facts.name, version_id: versionId },
    ...(preset ? { preset } : {}),
  };
}

function noPromptParameter(name: string): ToolFailure {
  return toolFailure(
    'template_not_ai',
    `Template '${name}' has no AI prompt parameter ("AI Prompt"), so a workspace from it would not start an agent on the task. Nothing was created.`,
    'Choose a template whose agent runs an AI app with an "AI Prompt" parameter (the Claude Code module), e.g. one list_agents shows agents of.',
  );
}

/** Why a workspace agent may not take this name (checked before anything is created or held). */
async function workspaceNameFailure(ctx: ToolContext, input: Input, username: string, name: string): Promise<ToolFailure | undefined> {
  const fleet = await ctx.runtime.backend.workspaces.list();
  const taken = fleet.ok ? fleet.value.agents.filter((a) => a.owner.toLowerCase() === username.toLowerCase()).map((a) => a.name) : [];
  // A generated name is the same for a repeated request: Coder then recognises it (same prompt), not a second agent.
  const problem = workspaceNameProblem(name, input.name ? taken : []);
  if (!problem) return undefined;
  return toolFailure(problem.includes('already') ? 'name_taken' : 'invalid_argument', `Cannot name the agent '${name}': ${problem}. Nothing was created.`, 'Pass another name (letters, digits and hyphens, at most 32), or omit name to let the server generate one.');
}

/**
 * A workspace agent (issue #17): a workspace from the template's active version and preset, the task in its AI
 * prompt parameter; the name follows the workspace name rules (checked before anything is created). The AI app
 * starts working on the prompt once the workspace is up.
 */
async function createWorkspaceAgent(
  ctx: ToolContext,
  input: Input,
  t: { entry: TemplateEntry; versionId: string; preset: { id: string; name: string } | undefined; username: string; name: string; promptParameter: string; warnings: readonly AssignmentViolation[] },
): Promise<ToolOutcome<Output>> {
  const workspaces = ctx.runtime.backend.workspaces;
  const problem = await workspaceNameFailure(ctx, input, t.username, t.name);
  if (problem) return failure(problem);
  const organizationId = t.entry.template.organization_id ?? '';
  const r = await workspaces.create(
    { organizationId, owner: t.username, name: t.name, templateVersionId: t.versionId, ...(t.preset ? { presetId: t.preset.id } : {}), promptParameter: t.promptParameter, prompt: input.input },
    mutationSignals(ctx),
  );
  if (!r.ok) return failure(r.failure);
  let agent = r.value.agent;
  const conflict = await recordMutation(ctx, agent.id, 'create_agent_task', `${agent.owner}/${agent.name}`);
  let wait: WaitReport | undefined;
  if (input.wait_until) {
    const id = agent.id;
    const waited = await waitFor(ctx, agent, input.wait_until, Math.min(input.wait_timeout_ms, MAX_WAIT_MS), async () => {
      const fresh = await workspaces.load(id, ctx.signal);
      return fresh.ok ? fresh.value.agent : undefined;
    });
    agent = waited.agent;
    wait = waited.report;
  }
  const data: Output = {
    agent: createdView(agent, t.entry, t.versionId, t.preset),
    requirement_warnings: t.warnings.map((v) => ({ kind: v.kind, requirement: v.requirement, message: v.message })),
    ...(wait ? { wait } : {}),
    ...(conflict ? { conflict } : {}),
    next_actions: offeredNext(ctx, nextActionsAfterCreate(agent.status, wait?.outcome)),
    ...(r.value.recovered ? { recovered: r.value.recovered } : {}),
  };
  return success(data, render(data));
}

function notAiTemplate(name: string): ToolFailure {
  return toolFailure(
    'template_not_ai',
    `Template '${name}' cannot run AI tasks (it has no coder_ai_task resource). Nothing was created.`,
    'Choose a template that list_templates shows with AI tasks, or create a plain workspace in Coder for non-agent work.',
  );
}

function pickPreset(entry: TemplateEntry, ref: string | undefined): Outcome<{ id: string; name: string } | undefined> {
  if (!ref) return { ok: true, value: undefined };
  const lower = ref.toLowerCase();
  const found: Preset | undefined = entry.presets.find((p) => p.ID === ref) ?? entry.presets.find((p) => p.Name?.toLowerCase() === lower);
  if (!found?.ID) {
    const names = entry.presets.map((p) => p.Name).filter(Boolean);
    return {
      ok: false,
      failure: toolFailure(
        'preset_not_found',
        `Template '${entry.facts.name}' has no preset '${ref}'. ${names.length > 0 ? `Its presets: ${names.join(', ')}.` : 'It has no presets.'}`,
        names.length > 0 ? 'Pass one of those preset names (or omit preset).' : 'Omit preset for this template.',
      ),
    };
  }
  return { ok: true, value: { id: found.ID, name: found.Name ?? found.ID } };
}

function toRequirements(r: Input['requirements']): AssignmentRequirements | undefined {
  if (!r) return undefined;
  const capabilities = [...(r.capabilities ?? []), ...(r.gpu ? ['gpu'] : [])];
  const out: AssignmentRequirements = {
    ...(capabilities.length > 0 ? { capabilities } : {}),
    ...(r.cpu !== undefined ? { cpu: r.cpu } : {}),
    ...(r.memory_gb !== undefined ? { memoryGb: r.memory_gb } : {}),
    ...(r.disk_gb !== undefined ? { diskGb: r.disk_gb } : {}),
  };
  return Object.keys(out).length > 0 ? out : undefined;
}

/** FR-014 rejection: every violation (failures.ts), plus the templates that would fit (from the cached catalogue). */
async function rejected(ctx: ToolContext, entry: TemplateEntry, requirements: AssignmentRequirements, violations: readonly AssignmentViolation[], allowUnverifiable: boolean): Promise<ToolFailure> {
  const base = fromAssignmentViolations(violations, entry.facts.name);
  let hint = base.hint;
  const catalog = await loadTemplateCatalog(ctx.runtime.templates);
  if (catalog.ok) {
    // Only templates known to run AI tasks are proposed (one of unknown kind may refuse with template_not_ai);
    // when none is known, the unknown ones are all there is.
    const usable = catalog.value.filter((e) => e.facts.hasAiTask !== false && !e.facts.deprecated);
    const known = usable.filter((e) => e.facts.hasAiTask === true);
    const ranking = rankTemplates(requirements, (known.length > 0 ? known : usable).map((e) => e.facts));
    const fits = ranking.candidates.slice(0, 3).map((c) => c.facts.name);
    const maybe = ranking.uncertain.slice(0, 3).map((u) => u.facts.name);
    if (fits.length > 0) hint = `Templates that satisfy every requirement: ${fits.join(', ')}; call create_agent_task with one of them. Otherwise: ${base.hint}`;
    else if (maybe.length > 0) hint = `No template provably fits; these might (only unverifiable requirements): ${maybe.join(', ')}, usable with allow_unverifiable: true. Otherwise: ${base.hint}`;
  }
  const note = onlyUnverifiable(violations) && !allowUnverifiable ? ' Only unverifiable requirements failed: pass allow_unverifiable: true to proceed anyway.' : '';
  return { ...base, message: `${base.message}${note}`, hint };
}

const isNameTaken = (error: CoderApiError) =>
  error.kind === 'conflict' && (error.validations?.some((v) => v.field === 'name') === true || /already exists/i.test(`${error.message} ${error.detail ?? ''}`));

function createFailure(error: CoderApiError, template: string, input: Input): ToolFailure {
  const said = `${error.message} ${error.detail ?? ''}`;
  if (error.kind === 'invalid_request' && /coder_ai_task/i.test(said)) return notAiTemplate(template);
  if (isNameTaken(error)) {
    return toolFailure('name_taken', `The name '${input.name ?? ''}' is already used by another workspace of this owner (Coder: ${error.message}). Nothing was created.`, 'Choose another name, or omit name to let Coder generate one.');
  }
  return fromCoderApiError(error, { action: `create an agent on template '${template}'` });
}

async function waitFor(
  ctx: ToolContext,
  created: Agent,
  target: WaitTarget,
  timeoutMs: number,
  /** Reads the agent again (default: the task); `undefined` when Coder could not answer this time. */
  reread: () => Promise<Agent | undefined> = async () => {
    const r = await ctx.deps.coder.getTask(created.owner, created.id, { signal: ctx.signal });
    return r.ok ? agentOf(ctx, r.value) : undefined;
  },
): Promise<{ agent: Agent; report: WaitReport }> {
  const start = ctx.now().getTime();
  let agent = created;
  let polls = 0;
  const report = (outcome: WaitReport['outcome']): { agent: Agent; report: WaitReport } => ({
    agent,
    report: { target, outcome, waited_ms: ctx.now().getTime() - start, polls, status: agent.status, status_reason: agent.statusReason },
  });
  for (;;) {
    const verdict = waitVerdict(agent.status, target);
    if (verdict !== 'pending') return report(verdict);
    const elapsed = ctx.now().getTime() - start;
    if (elapsed >= timeoutMs) return report('timeout');
    if (ctx.signal.aborted) return report('cancelled');
    await ctx.progress(elapsed, timeoutMs, `Waiting for agent ${created.owner}/${created.name} to be ${target}: ${agent.status} (${agent.statusReason})`);
    await ctx.sleep(Math.min(POLL_MS, timeoutMs - elapsed));
    if (ctx.signal.aborted) return report('cancelled');
    const fresh = await reread();
    polls += 1;
    // A failed poll is not fatal (transient errors): keep the last known state and try again.
    if (fresh) agent = fresh;
  }
}

/** The fleet's use when `--capacity` agents are in use (fresh read); undefined when there is room or no cap. */
async function atCapacity(ctx: ToolContext): Promise<{ used: number; capacity: number } | undefined> {
  const capacity = ctx.deps.config.capacity;
  if (capacity === undefined) return undefined;
  const read = await ctx.runtime.backend.list({ force: true });
  // Unreadable fleet: the create itself tells (Coder answers it or not); never refuse on a guess.
  if (!read.ok) return undefined;
  const used = agentsInUse(read.value.agents);
  return used >= capacity ? { used, capacity } : undefined;
}

function capacityFailure(full: { used: number; capacity: number }): ToolFailure {
  return toolFailure(
    'at_capacity',
    `The fleet is at capacity: ${full.used} of ${full.capacity} agents in use (--capacity). Nothing was created.`,
    "Wait for an agent to finish, pause or delete one, or call again with when_at_capacity='queue' to create it once a slot frees.",
    { details: { used: full.used, capacity: full.capacity } },
  );
}

function render(d: Output): string {
  const a = d.agent;
  if (!a) {
    const q = d.queued;
    return [
      ...(d.recovered ? [d.recovered] : []),
      q ? `At capacity (${q.used} of ${q.capacity} agents in use): the create of ${q.ref} is held as item ${q.item}, position ${q.position}; it is created once a slot frees (no wait was done).` : 'Nothing was created.',
      ...nextLines(d.next_actions),
    ].join('\n');
  }
  const lines = [
    ...(d.recovered ? [d.recovered] : []),
    `Created agent ${a.ref} (id ${a.id}) ${quoteUntrusted(a.display_name)} on template ${a.template.name}${a.preset ? `, preset ${a.preset.name}` : ''}: ${a.status} — ${a.status_reason}.`,
  ];
  for (const w of d.requirement_warnings) lines.push(`Warning (unverified requirement): ${w.message}`);
  if (d.wait) {
    const w = d.wait;
    const how = w.outcome === 'reached' ? `reached '${w.target}'` : w.outcome === 'timeout' ? `not yet '${w.target}' after ${w.waited_ms} ms` : w.outcome === 'failed' ? 'went into error' : 'wait cancelled';
    lines.push(`Wait: ${how} (status ${w.status}, ${w.polls} polls).`);
  }
  lines.push(...conflictLines(d.conflict), ...nextLines(d.next_actions));
  return lines.join('\n');
}
