import { appStatusHistory, formatDuration, logTail as tailOfLog, newestLogTime, suggestNextActions, timeInStateMs, toAgent, toWorkspaceView, truncateText, type Agent, type WorkspaceView } from '@org/fleet-domain';
import { z } from 'zod';
import { defineTool, failure, success, type ToolContext } from '../../define-tool.js';
import { fromCoderApiError } from '../../failures.js';
import { attentionThresholds } from '../shared/fleet.js';
import { AgentRefSchema, AgentStatusSchema, AttentionReasonSchema, SeveritySchema, UNTRUSTED_FIELDS_DESCRIPTION } from '../shared/schemas.js';
import { CONTENT_TRUST, fenceUntrusted, newFenceNonce, quoteUntrusted, UNTRUSTED_NOTICE } from '../shared/untrusted.js';

const MESSAGE_CHARS = 500;
const PROMPT_CHARS = 2000;
const HISTORY_MESSAGE_CHARS = 200;
const LOG_TAIL_CHARS = 400;

const inputSchema = z.object({
  agent: AgentRefSchema,
  history_limit: z.number().int().min(0).max(50).default(10).describe('How many recent state reports to include (0 = none)'),
  log_tail: z.number().int().min(0).max(10).default(3).describe(`How many of the newest log entries to include, each cut to ${LOG_TAIL_CHARS} chars (0 = skip the logs call)`),
});

const outputSchema = z.object({
  agent: z.object({
    id: z.string(),
    ref: z.string().describe('owner/name'),
    name: z.string(),
    display_name: z.string(),
    owner: z.string(),
    status: AgentStatusSchema,
    status_reason: z.string(),
    coder_status: z.string(),
    era: z.enum(['v2', 'experimental']),
    state: z
      .object({
        kind: z.string(),
        message: z.string().describe(`Untrusted agent text, cut to ${MESSAGE_CHARS} chars`),
        uri: z.string(),
        since: z.string(),
      })
      .nullable(),
    time_in_state_ms: z.number().nullable(),
    health: z.object({ healthy: z.boolean(), reason: z.string().optional() }),
    template: z.object({ id: z.string(), name: z.string(), display_name: z.string(), version_id: z.string().optional() }),
    preset: z.string().optional(),
    prompt: z.string().describe(`The task input, cut to ${PROMPT_CHARS} chars`),
    created_at: z.string(),
    updated_at: z.string(),
    last_activity_at: z.string(),
    needs_attention: z
      .object({ reason: AttentionReasonSchema, severity: SeveritySchema, since: z.string().optional(), suggestion: z.string(), next_tools: z.array(z.string()) })
      .optional(),
  }),
  workspace: z
    .object({
      id: z.string().optional(),
      name: z.string().optional(),
      outdated: z.boolean().optional().describe('A newer template version exists'),
      healthy: z.boolean().optional(),
      last_used_at: z.string().optional(),
      build: z
        .object({
          number: z.number().optional(),
          status: z.string().optional(),
          transition: z.string().optional(),
          reason: z.string().optional(),
          created_at: z.string().optional(),
          job_status: z.string().optional(),
          job_error: z.string().optional(),
        })
        .optional(),
      agents: z.array(
        z.object({
          name: z.string().optional(),
          status: z.string().optional(),
          lifecycle: z.string().optional(),
          healthy: z.boolean().optional(),
          health_reason: z.string().optional(),
          apps: z.array(z.object({ slug: z.string().optional(), health: z.string().optional() })),
        }),
      ),
    })
    .nullable()
    .describe('Allow-listed workspace facts (never the raw workspace); null when unavailable'),
  history: z
    .array(z.object({ at: z.string(), state: z.string(), message: z.string(), uri: z.string(), app: z.string() }))
    .describe('Recent state reports (workspace app statuses), newest first; messages are untrusted'),
  log_tail: z.object({
    entries: z.array(z.object({ id: z.number(), type: z.string(), time: z.string(), content: z.string() })).describe('Newest last; untrusted agent output'),
    snapshot: z.boolean().optional().describe('Logs come from a stored snapshot (agent paused or starting)'),
    unavailable_reason: z.string().optional(),
  }),
  next_actions: z.array(z.object({ tool: z.string(), why: z.string() })).describe('Suggested next tool calls, most useful first'),
  notes: z.array(z.string()).describe('Parts that could not be loaded'),
  content_trust: z.literal(CONTENT_TRUST),
  untrusted_fields: z.array(z.string()).describe(UNTRUSTED_FIELDS_DESCRIPTION),
});
type Output = z.output<typeof outputSchema>;

export const getAgentDetailsTool = defineTool({
  name: 'get_agent_details',
  title: 'Get agent details',
  description:
    'One agent in depth: true status and why, last reported state and message, time in state, health, workspace and build, template and preset, prompt, recent state history, a short log tail and suggested next actions. Use it after get_fleet_status or list_agents points at an agent. Next: get_agent_logs for more output, or the suggested lifecycle tool.',
  toolset: 'agents',
  effect: 'read',
  inputSchema,
  outputSchema,
  async handle(input, ctx) {
    const resolved = await ctx.runtime.agents.resolve(input.agent);
    if (!resolved.ok) return failure(resolved.failure);
    const { owner, id, ref } = resolved.value;
    const coder = ctx.deps.coder;
    const opts = { signal: ctx.signal };

    const fresh = await coder.getTask(owner, id, opts);
    if (!fresh.ok) return failure(fromCoderApiError(fresh.error, { action: `read agent '${ref}'`, subject: `Agent '${ref}'` }));
    const task = fresh.value;
    const [ws, logs] = await Promise.all([
      task.workspace_id ? coder.getWorkspace(task.workspace_id, opts) : Promise.resolve(undefined),
      input.log_tail > 0 ? coder.getTaskLogs(owner, id, opts) : Promise.resolve(undefined),
    ]);
    const notes: string[] = [];
    if (ws && !ws.ok) notes.push(`workspace unavailable: ${fromCoderApiError(ws.error, { action: 'read the workspace' }).message}`);
    const newest = logs?.ok ? newestLogTime(logs.value.logs) : undefined;
    const presetName = ws?.ok ? await presetNameOf(ctx, ws.value.latest_build?.template_version_id, ws.value.latest_build?.template_version_preset_id) : undefined;
    const agent = toAgent(task, ctx.now(), { ...attentionThresholds(ctx.deps.config), ...(newest ? { lastLogAt: newest } : {}), ...(presetName ? { preset: presetName } : {}) });

    const data: Output = {
      agent: agentView(agent, ctx),
      workspace: ws?.ok ? workspaceOut(toWorkspaceView(ws.value)) : null,
      history: ws?.ok
        ? appStatusHistory(ws.value, { appId: 'workspace_app_id' in task ? task.workspace_app_id : undefined, limit: input.history_limit }).map((h) => ({
            ...h,
            message: truncateText(h.message, HISTORY_MESSAGE_CHARS),
          }))
        : [],
      log_tail: logTail(logs, input.log_tail, ref),
      next_actions: suggestNextActions(agent, { exclude: ['get_agent_details'] }),
      notes,
      content_trust: CONTENT_TRUST,
      untrusted_fields: ['agent.state.message', 'agent.prompt', 'history[].message', 'log_tail.entries[].content'],
    };
    return success(data, render(data));
  },
});

async function presetNameOf(ctx: ToolContext, versionId: string | undefined, presetId: string | undefined): Promise<string | undefined> {
  if (!versionId || !presetId) return undefined;
  const presets = await ctx.runtime.templates.presets(versionId);
  return presets.ok ? presets.value.find((p) => p.ID === presetId)?.Name : undefined;
}

function agentView(a: Agent, ctx: ToolContext): Output['agent'] {
  return {
    id: a.id,
    ref: `${a.owner}/${a.name}`,
    name: a.name,
    display_name: a.displayName,
    owner: a.owner,
    status: a.status,
    status_reason: a.statusReason,
    coder_status: a.coderStatus,
    era: a.era,
    state: a.state ? { kind: a.state.kind, message: truncateText(a.state.message, MESSAGE_CHARS), uri: a.state.uri, since: a.state.since } : null,
    time_in_state_ms: timeInStateMs(a.times.stateSince, ctx.now()),
    health: { healthy: a.health.healthy, ...(a.health.reason ? { reason: a.health.reason } : {}) },
    template: { id: a.template.id, name: a.template.name, display_name: a.template.displayName, ...(a.template.versionId ? { version_id: a.template.versionId } : {}) },
    ...(a.preset ? { preset: a.preset } : {}),
    prompt: truncateText(a.initialPrompt, PROMPT_CHARS),
    created_at: a.createdAt,
    updated_at: a.updatedAt,
    last_activity_at: a.lastActivityAt,
    ...(a.needsAttention
      ? {
          needs_attention: {
            reason: a.needsAttention.reason,
            severity: a.needsAttention.severity,
            ...(a.needsAttention.since ? { since: a.needsAttention.since } : {}),
            suggestion: a.needsAttention.suggestion,
            next_tools: [...a.needsAttention.nextTools],
          },
        }
      : {}),
  };
}

function workspaceOut(w: WorkspaceView): Output['workspace'] {
  return {
    ...(w.id ? { id: w.id } : {}),
    ...(w.name ? { name: w.name } : {}),
    ...(w.outdated !== undefined ? { outdated: w.outdated } : {}),
    ...(w.healthy !== undefined ? { healthy: w.healthy } : {}),
    ...(w.lastUsedAt ? { last_used_at: w.lastUsedAt } : {}),
    ...(w.build
      ? {
          build: {
            number: w.build.number,
            status: w.build.status,
            transition: w.build.transition,
            reason: w.build.reason,
            created_at: w.build.createdAt,
            job_status: w.build.jobStatus,
            job_error: w.build.jobError,
          },
        }
      : {}),
    agents: w.agents.map((a) => ({ name: a.name, status: a.status, lifecycle: a.lifecycle, healthy: a.healthy, health_reason: a.healthReason, apps: [...a.apps] })),
  };
}

function logTail(logs: Awaited<ReturnType<ToolContext['deps']['coder']['getTaskLogs']>> | undefined, n: number, ref: string): Output['log_tail'] {
  if (!logs) return { entries: [] };
  if (!logs.ok) return { entries: [], unavailable_reason: fromCoderApiError(logs.error, { action: `read the logs of '${ref}'` }).message };
  return {
    entries: tailOfLog(logs.value.logs, n, LOG_TAIL_CHARS).map((e) => ({ id: e.id, type: e.type, time: e.time, content: e.content })),
    ...(logs.value.snapshot !== undefined ? { snapshot: logs.value.snapshot } : {}),
  };
}

function render(d: Output): string {
  const a = d.agent;
  const lines = [
    `Agent ${a.ref} (id ${a.id}): ${a.status} — ${a.status_reason}. Coder status ${a.coder_status}.`,
    `Template ${a.template.name}${a.preset ? `, preset ${a.preset}` : ''}; created ${a.created_at}; last activity ${a.last_activity_at}.`,
    `Health: ${a.health.healthy ? 'healthy' : `unhealthy${a.health.reason ? ` (${a.health.reason})` : ''}`}.` +
      (d.workspace?.build ? ` Workspace build #${d.workspace.build.number ?? '?'} ${d.workspace.build.transition ?? ''} ${d.workspace.build.status ?? ''}${d.workspace.outdated ? ', template outdated' : ''}.` : ''),
    UNTRUSTED_NOTICE,
  ];
  if (a.state) lines.push(`State: ${a.state.kind} since ${a.state.since}${a.time_in_state_ms !== null ? ` (${formatDuration(a.time_in_state_ms)})` : ''}: ${quoteUntrusted(a.state.message)}${a.state.uri ? ` ${a.state.uri}` : ''}`);
  else lines.push('State: nothing reported yet.');
  if (a.needs_attention) lines.push(`Needs attention (${a.needs_attention.severity}, ${a.needs_attention.reason}): ${a.needs_attention.suggestion}`);
  lines.push(`Prompt: ${quoteUntrusted(truncateText(a.prompt, 300))}`);
  if (d.history.length > 0) {
    lines.push('History (newest first):');
    for (const h of d.history) lines.push(`- ${h.at} ${h.state}: ${quoteUntrusted(h.message)}`);
  }
  if (d.log_tail.entries.length > 0) {
    const nonce = newFenceNonce();
    lines.push(`Log tail (${d.log_tail.entries.length}${d.log_tail.snapshot ? ', snapshot' : ''}):`);
    for (const e of d.log_tail.entries) lines.push(fenceUntrusted(e.content, nonce, `#${e.id} ${e.type} ${e.time}`));
  } else if (d.log_tail.unavailable_reason) {
    lines.push(`Logs unavailable: ${d.log_tail.unavailable_reason}`);
  }
  for (const n of d.notes) lines.push(`Note: ${n}`);
  lines.push(`Next: ${d.next_actions.map((x) => `${x.tool} (${x.why})`).join('; ')}`);
  return lines.join('\n');
}
