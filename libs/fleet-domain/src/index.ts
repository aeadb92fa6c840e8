/**
 * @org/fleet-domain: pure domain logic for a fleet of Coder AI agents.
 * No I/O, no clock reads (time is passed in), only type imports from @org/coder-api-client.
 */
export * from './result.js';
export * from './models/agent.js';
export {
  type Instant,
  toEpochMs,
  parseTimestamp,
  normalizeTimestamp,
  isoFromMs,
  formatUtcIso,
} from './mapping/timestamps.js';
export {
  toAgent,
  toAgents,
  createTaskMapper,
  reassessAgent,
  toStateKind,
  detectEra,
  type ToAgentOptions,
  type ToAgentsOptions,
} from './mapping/from-coder.js';
export {
  toChatAgent,
  toChatAgents,
  createChatMapper,
  toPullRequest,
  toPullRequestState,
  toLastError,
  partsText,
  REQUIRES_ACTION_DEADLINE_MS,
  type ChatExtras,
  type ToChatAgentOptions,
  type ToChatAgentsOptions,
} from './mapping/from-chat.js';
export {
  CHAT_STATUS_TABLE,
  deriveChatStatus,
  renderChatStatusTableMarkdown,
  type ChatStatusInput,
  type ChatStatusExample,
  type ChatStatusRule,
} from './status/chat-status-table.js';
export {
  WORKSPACE_STATUS_TABLE,
  deriveWorkspaceStatus,
  renderWorkspaceStatusTableMarkdown,
  type WorkspaceStatusInput,
  type WorkspaceStatusExample,
  type WorkspaceStatusRule,
} from './status/workspace-status-table.js';
export {
  DEFAULT_AGENT_APP_SLUG,
  RESERVED_AGENT_NAMES,
  findAiApp,
  isAgentWorkspace,
  isAiPromptParameter,
  branchFromUri,
  latestBranch,
  pullRequestFromUri,
  toWorkspaceAgent,
  workspaceNameProblem,
  type AgentWorkspaceOptions,
  type AiApp,
  type ToWorkspaceAgentOptions,
} from './mapping/from-workspace-agent.js';
export {
  STATUS_TABLE,
  renderRuleTable,
  deriveStatus,
  renderStatusTableMarkdown,
  type StatusInput,
  type StatusRule,
  type StatusExample,
} from './status/status-table.js';
export {
  deriveAttention,
  DEFAULT_ATTENTION_THRESHOLDS,
  ATTENTION_SEVERITY,
  validateThresholds,
  classifyChatError,
  type AttentionThresholds,
  type AttentionInput,
} from './status/attention.js';
export * from './metrics/stats.js';
export * from './metrics/fleet-status.js';
export * from './outliers/detect-outliers.js';
export * from './text/truncate.js';
export * from './text/quote.js';
export * from './text/terminal.js';
export * from './capabilities/declared.js';
export * from './capabilities/template-facts.js';
export * from './capabilities/check-assignment.js';
export * from './events/diff-fleet.js';
export * from './events/event-page.js';
export * from './events/watcher-health.js';
export * from './actions/next-actions.js';
export * from './actions/agent-actions.js';
export * from './actions/rebuild.js';
export * from './mapping/from-coder-workspace.js';
export * from './query/agent-query.js';
export * from './query/agent-ref.js';
export type * from './errors.js';
export * from './logs/log-view.js';
export * from './logs/chat-log.js';
export * from './trends/trend-window.js';
export * from './trends/period-change.js';
export * from './trends/sparkline.js';
export * from './trends/fleet-samples.js';
