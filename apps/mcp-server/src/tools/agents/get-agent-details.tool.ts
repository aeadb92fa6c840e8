import { appStatusHistory, findAiApp, isAiPromptParameter, logTail, newestLogTime, toAgent, toWorkspaceAgent, toWorkspaceView } from '@org/fleet-domain';
import { z } from 'zod';
import { defineTool, failure, success, type ToolContext, type ToolOutcome } from '../../define-tool.js';
import type { WorkspaceTarget } from '../../backends/workspaces-backend.js';
import { fromCoderApiError } from '../../failures.js';
import { AgentDetailsViewSchema, renderAgentDetailsText, toAgentDetailsView, toDeletedAgentDetailsView, type AgentDetailsView } from '../../views/agent-details.js';
import { agentJournal, deletedAgentId } from './agent-journal.js';
import { attentionThresholds } from '../../runtime/fleet-options.js';
import { AgentRefSchema } from '../shared/schemas.js';

const LOG_TAIL_CHARS = 400;
/** Queued items shown (the count covers all; manage_agent_queue lists every one). */
const QUEUE_HEAD_ITEMS = 3;

const inputSchema = z.object({
  agent: AgentRefSchema,
  history_limit: z.number().int().min(0).max(50).default(10).describe('State reports to include'),
  log_tail: z.number().int().min(0).max(10).default(3).describe(`Log entries to include (each ≤ ${LOG_TAIL_CHARS} chars)`),
});

export const getAgentDetailsTool = defineTool({
  name: 'get_agent_details',
  title: 'Get agent details',
  description:
    'One agent in depth: status and why, state, health, workspace build and error, template, prompt, history, log tail. Next: its next_actions.',
  toolset: 'agents',
  effect: 'read',
  inputSchema,
  outputSchema: AgentDetailsViewSchema,
  async handle(input, ctx) {
    const target = await ctx.runtime.backend.resolve(input.agent, ctx.signal);
    if (!target.ok) {
      // Gone from Coder: the journal still knows it (when and by whom it was deleted, what happened before).
      const goneId = target.failure.code === 'agent_not_found' ? await deletedAgentId(ctx, input.agent) : undefined;
      if (!goneId) return failure(target.failure);
      const view = toDeletedAgentDetailsView(await agentJournal(ctx, goneId, true), ctx.view());
      return success(view, renderAgentDetailsText(view));
    }
    if (target.value.kind === 'chat') {
      // A chat: fresh chat, its cost and Coder's queue (three requests); its messages are get_agent_logs.
      const [chat, journal] = await Promise.all([ctx.runtime.backend.chats.details(target.value.chat.id, ctx.signal), agentJournal(ctx, target.value.chat.id)]);
      if (!chat.ok) return failure(chat.failure);
      const view = toAgentDetailsView({ agent: chat.value, history: [], journal, notes: ['A Coder Agents chat: read its messages with get_agent_logs.'] }, ctx.view());
      return success(view, renderAgentDetailsText(view));
    }
    if (target.value.kind === 'workspace') return workspaceDetails(ctx, target.value.workspace, input);
    const { owner, id, ref } = target.value.task;
    const coder = ctx.deps.coder;
    const opts = { signal: ctx.signal };

    const fresh = await coder.getTask(owner, id, opts);
    if (!fresh.ok) return failure(fromCoderApiError(fresh.error, { action: `read agent '${ref}'`, subject: `Agent '${ref}'` }));
    const task = fresh.value;
    const [ws, logs, queue, journal] = await Promise.all([
      task.workspace_id ? coder.getWorkspace(task.workspace_id, opts) : Promise.resolve(undefined),
      input.log_tail > 0 ? coder.getTaskLogs(owner, id, opts) : Promise.resolve(undefined),
      ctx.runtime.taskQueue.summary(id, QUEUE_HEAD_ITEMS),
      agentJournal(ctx, id),
    ]);
    const notes: string[] = [];
    if (!queue.ok) notes.push(`queued input unknown: ${queue.failure.message}`);
    if (ws && !ws.ok) notes.push(`workspace unavailable: ${fromCoderApiError(ws.error, { action: 'read the workspace' }).message}`);
    const newest = logs?.ok ? newestLogTime(logs.value.logs) : undefined;
    const presetName = ws?.ok ? await presetNameOf(ctx, ws.value.latest_build?.template_version_id, ws.value.latest_build?.template_version_preset_id) : undefined;
    const agent = toAgent(task, ctx.now(), { ...attentionThresholds(ctx.deps.config), ...(newest ? { lastLogAt: newest } : {}), ...(presetName ? { preset: presetName } : {}) });

    const view = toAgentDetailsView(
      {
        agent,
        ...(ws?.ok ? { workspace: toWorkspaceView(ws.value) } : {}),
        history: ws?.ok ? appStatusHistory(ws.value, { appId: 'workspace_app_id' in task ? task.workspace_app_id : undefined, limit: input.history_limit }) : [],
        ...(logs
          ? {
              logs: logs.ok
                ? { entries: logTail(logs.value.logs, input.log_tail, LOG_TAIL_CHARS), ...(logs.value.snapshot !== undefined ? { snapshot: logs.value.snapshot } : {}) }
                : { unavailableReason: fromCoderApiError(logs.error, { action: `read the logs of '${ref}'` }).message },
            }
          : {}),
        ...(queue.ok && queue.value.count > 0 ? { queue: queue.value } : {}),
        journal,
        notes,
      },
      ctx.view(),
    );
    return success(view, renderAgentDetailsText(view));
  },
});

async function presetNameOf(ctx: ToolContext, versionId: string | undefined, presetId: string | undefined): Promise<string | undefined> {
  if (!versionId || !presetId) return undefined;
  const presets = await ctx.runtime.templates.presets(versionId);
  return presets.ok ? presets.value.find((p) => p.ID === presetId)?.Name : undefined;
}

/**
 * A workspace agent: the workspace as just read, its preset and AI prompt (the build's parameters), the AI app's
 * status reports as history and the tail of its AgentAPI conversation.
 */
async function workspaceDetails(ctx: ToolContext, target: WorkspaceTarget, input: z.output<typeof inputSchema>): Promise<ToolOutcome<AgentDetailsView>> {
  const ws = target.workspace;
  const build = ws.latest_build;
  const [presetName, used, conversation, queue, journal] = await Promise.all([
    presetNameOf(ctx, build?.template_version_id, build?.template_version_preset_id),
    build?.id ? ctx.deps.coder.getWorkspaceBuildParameters(build.id, { signal: ctx.signal }) : Promise.resolve(undefined),
    input.log_tail > 0 ? ctx.runtime.backend.workspaces.conversation(target, ctx.signal) : Promise.resolve(undefined),
    // Input queued while it was busy waits in the store, as for tasks.
    ctx.runtime.taskQueue.summary(target.id, QUEUE_HEAD_ITEMS),
    agentJournal(ctx, target.agent.id),
  ]);
  const prompt = used?.ok ? used.value.find((p) => isAiPromptParameter(p.name ?? ''))?.value : undefined;
  const agent = toWorkspaceAgent(ws, ctx.now(), { ...attentionThresholds(ctx.deps.config), appSlug: ctx.deps.config.agentAppSlug, ...(presetName ? { preset: presetName } : {}), ...(prompt ? { initialPrompt: prompt } : {}) });
  const view = toAgentDetailsView(
    {
      agent,
      workspace: toWorkspaceView(ws),
      history: appStatusHistory(ws, { appId: findAiApp(ws, ctx.deps.config.agentAppSlug)?.app.id, limit: input.history_limit }),
      ...(conversation ? { logs: conversation.ok ? { entries: logTail(conversation.value, input.log_tail, LOG_TAIL_CHARS) } : { unavailableReason: conversation.failure.message } } : {}),
      ...(queue.ok && queue.value.count > 0 ? { queue: queue.value } : {}),
      journal,
      notes: ['A workspace running an AI app: its log is the AgentAPI conversation (get_agent_logs).', ...(queue.ok ? [] : [`queued input unknown: ${queue.failure.message}`])],
    },
    ctx.view(),
  );
  return success(view, renderAgentDetailsText(view));
}
