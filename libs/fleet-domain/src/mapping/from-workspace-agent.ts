/**
 * Workspace agents (issue #17): a plain Coder workspace whose agent runs an AI app (AgentAPI; the Claude Code
 * module's slug `ccw` by default) is one fleet agent of kind `workspace`. This is the ONE place such a workspace
 * becomes an Agent: which workspaces are agents (`isAgentWorkspace`), their status (WORKSPACE_STATUS_TABLE),
 * their state (the AI app's latest status report), PR (a report's URI pointing at a pull/merge request), and
 * attention (the same rules as every agent).
 *
 * SECURITY: workspace JSON carries agent environment variables (secrets); only the fields named here are read.
 */
import type { Workspace } from './coder-types.js';
import { STALE_STATE_STATUSES, type Agent, type AgentBranch, type AgentPullRequest, type AgentState } from '../models/agent.js';
import { deriveWorkspaceStatus, type WorkspaceStatusInput } from '../status/workspace-status-table.js';
import { deriveAttention, type AttentionThresholds } from '../status/attention.js';
import { optionalIso, timeFrom, toStateKind } from './from-coder.js';
import { type Instant, parseTimestamp, toEpochMs, utcIso } from './timestamps.js';

/** The Claude Code module's AgentAPI app slug (`--agent-app-slug` overrides it). */
export const DEFAULT_AGENT_APP_SLUG = 'ccw';

type Build = NonNullable<Workspace['latest_build']>;
type WsAgent = NonNullable<NonNullable<Build['resources']>[number]['agents']>[number];
type WsApp = NonNullable<WsAgent['apps']>[number];
type AppStatus = NonNullable<WsApp['statuses']>[number];

/** The workspace agent running the AI app, and the app. */
export interface AiApp {
  readonly agent: WsAgent;
  readonly app: WsApp;
}

/** The AI app of a workspace: the app with slug `appSlug`, else the first app that reports statuses. */
export function findAiApp(ws: Workspace, appSlug: string = DEFAULT_AGENT_APP_SLUG): AiApp | undefined {
  let reporting: AiApp | undefined;
  for (const r of ws.latest_build?.resources ?? []) {
    for (const agent of r.agents ?? []) {
      for (const app of agent.apps ?? []) {
        if (app.slug === appSlug) return { agent, app };
        if (!reporting && (app.statuses?.length ?? 0) > 0) reporting = { agent, app };
      }
    }
  }
  return reporting;
}

/** A rich parameter that carries the task prompt (the Claude Code module's "AI Prompt"; also `ai_prompt`). */
export function isAiPromptParameter(name: string): boolean {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '') === 'aiprompt';
}

export interface AgentWorkspaceOptions {
  readonly appSlug?: string;
  /** Whether a template version has an AI prompt parameter (a workspace still building has no apps yet). */
  readonly hasAiPrompt?: (templateVersionId: string) => boolean;
}

/**
 * Which workspaces are agents: its agent has the AI app (slug, or an app that reports statuses), it carries an
 * app status report, or its template version has an AI prompt parameter. Plain workspaces are never agents.
 */
export function isAgentWorkspace(ws: Workspace, options: AgentWorkspaceOptions = {}): boolean {
  if (findAiApp(ws, options.appSlug) !== undefined || ws.latest_app_status) return true;
  const versionId = ws.latest_build?.template_version_id;
  return versionId !== undefined && options.hasAiPrompt?.(versionId) === true;
}

/** Coder's name rules for a workspace agent: alphanumeric or hyphen, at most 32 chars, no leading hyphen. */
const NAME_RULE = /^[a-zA-Z0-9][a-zA-Z0-9-]{0,31}$/;
/** Names Coder or the fleet reserve (a route segment, or ambiguous as an agent reference). */
export const RESERVED_AGENT_NAMES: readonly string[] = ['new', 'create', 'me', 'all', 'templates', 'workspaces', 'agents', 'tasks', 'chats', 'admin', 'coder'];

/** Why a new workspace agent name is refused (undefined: it may be used). `existing`: the owner's names. */
export function workspaceNameProblem(name: string, existing: readonly string[]): string | undefined {
  if (!NAME_RULE.test(name)) return 'use 1 to 32 letters, digits or hyphens, not starting with a hyphen';
  const lower = name.toLowerCase();
  if (RESERVED_AGENT_NAMES.includes(lower)) return `'${lower}' is a reserved word`;
  if (existing.some((n) => n.toLowerCase() === lower)) return 'the owner already has a workspace of that name (names are compared case-insensitively)';
  return undefined;
}

const PR_URI = /^https?:\/\/[^\s?#]+\/(?:pull|-\/merge_requests|merge_requests)\/(\d+)(?:[/?#]|$)/;

/** A pull request from an app status URI pointing at one (GitHub pull, GitLab merge request); else undefined. */
export function pullRequestFromUri(uri: string | undefined): AgentPullRequest | undefined {
  const m = uri ? PR_URI.exec(uri) : null;
  if (!m) return undefined;
  return { number: Number(m[1]), url: uri as string, state: 'unknown', draft: false, title: '', additions: 0, deletions: 0, changedFiles: 0, changesRequested: false };
}

/** `https://host/{repo path}/[-/]tree|commits/{branch}`: GitHub (and Enterprise), GitLab (any host, nested groups). */
const BRANCH_URI = /^https?:\/\/([^/\s?#]+)\/([^\s?#]+?\/[^\s?#]+?)\/(?:-\/)?(?:tree|commits)\/([^\s?#]+)/;
const COMMIT_SHA = /^[0-9a-f]{40}$/i;

/**
 * The branch an app status URI points at (a GitHub or GitLab tree/commits URL); undefined for anything else,
 * a pull/merge request or a commit SHA. A name with slashes is kept whole (`feature/login`): status reports
 * point at branches, not at folders inside them.
 */
export function branchFromUri(uri: string | undefined): AgentBranch | undefined {
  const m = uri ? BRANCH_URI.exec(uri) : null;
  if (!m || PR_URI.test(uri ?? '')) return undefined;
  const repoPath = (m[2] ?? '').replace(/\/-$/, '');
  let name: string;
  try {
    name = decodeURIComponent((m[3] ?? '').replace(/\/+$/, ''));
  } catch {
    return undefined;
  }
  if (name === '' || COMMIT_SHA.test(name)) return undefined;
  return { name, repo: `${m[1] ?? ''}/${repoPath}`, url: uri as string };
}

/** The first branch among status URIs (newest first): what the agent last said it works on. */
export function latestBranch(uris: Iterable<string | undefined>): AgentBranch | undefined {
  for (const uri of uris) {
    const branch = branchFromUri(uri);
    if (branch) return branch;
  }
  return undefined;
}

export interface ToWorkspaceAgentOptions extends AttentionThresholds {
  readonly appSlug?: string;
  /** Preset (role) name, when the caller resolved the build's preset id. */
  readonly preset?: string;
  /** The AI prompt the workspace was built with, when the caller read the build parameters. */
  readonly initialPrompt?: string;
}

/** The newest status report of the AI app (`latest_app_status` when it is the app's, else its newest `statuses[]`). */
function latestReport(ws: Workspace, found: AiApp | undefined): AppStatus | undefined {
  const latest = ws.latest_app_status ?? undefined;
  if (latest && (!found || !latest.app_id || latest.app_id === found.app.id)) return latest;
  let newest: AppStatus | undefined;
  for (const s of found?.app.statuses ?? []) if (!newest || parseTimestamp(s.created_at) > parseTimestamp(newest.created_at)) newest = s;
  return newest;
}

/** Map one agent workspace. `now` feeds the attention rules only. */
export function toWorkspaceAgent(ws: Workspace, now: Instant, options: ToWorkspaceAgentOptions = {}): Agent {
  const found = findAiApp(ws, options.appSlug);
  const build = ws.latest_build;
  const wa = found?.agent ?? build?.resources?.flatMap((r) => r.agents ?? [])[0];
  const report = latestReport(ws, found);

  const createdMs = parseTimestamp(ws.created_at);
  const createdAt = utcIso(ws.created_at, createdMs);
  const updatedMs = parseTimestamp(ws.updated_at);
  const updatedAt = utcIso(ws.updated_at, updatedMs);

  let state: AgentState | undefined;
  let stateMs = Number.NaN;
  if (report) {
    stateMs = parseTimestamp(report.created_at);
    const raw = String(report.state ?? '');
    state = { kind: toStateKind(raw), raw, message: report.message ?? '', uri: report.uri ?? '', since: utcIso(report.created_at ?? '', stateMs) };
  }
  const input: WorkspaceStatusInput = {
    workspaceStatus: build?.status,
    connection: wa?.status,
    lifecycle: wa?.lifecycle_state,
    healthy: wa?.health?.healthy,
    appHealth: found?.app.health,
    state: state?.kind,
  };
  const row = deriveWorkspaceStatus(input);
  const status = row.status;
  const rawHealthy = wa?.health?.healthy;
  const healthReason = wa?.health?.reason || undefined;
  const statusReason = healthReason && (row.id === 'agent-unhealthy' || row.id === 'agent-disconnected') ? `${row.reason}: ${healthReason}` : row.reason;
  if (state && STALE_STATE_STATUSES.includes(status)) state = { ...state, stale: true };

  const stateSinceMs = Number.isNaN(stateMs) ? createdMs : stateMs;
  const lastMs = stateMs > updatedMs || (Number.isNaN(updatedMs) && !Number.isNaN(stateMs)) ? stateMs : updatedMs;
  const lastIso = lastMs === stateMs && state ? state.since : updatedAt;
  const unhealthy = status === 'error' || status === 'offline';
  const health = unhealthy || rawHealthy === false ? { healthy: false, reason: healthReason ?? statusReason } : healthReason ? { healthy: true, reason: healthReason } : { healthy: true };
  const pr = pullRequestFromUri(state?.uri) ?? (found?.app.statuses ?? []).map((s) => pullRequestFromUri(s.uri)).find((p) => p !== undefined);
  const branch = latestBranch([state?.uri, ...newestFirst(found?.app.statuses ?? []).map((s) => s.uri)]);

  const needsAttention = deriveAttention(
    { kind: 'workspace', status, statusReason, state, rawHealthy, healthReason, workspaceStatus: build?.status, stateSinceMs, updatedAtMs: updatedMs, stateSinceIso: state ? state.since : createdAt, updatedAtIso: updatedAt, pr },
    toEpochMs(now),
    options,
  );
  const firstWork = timeFrom(undefined);

  return {
    kind: 'workspace',
    id: ws.id ?? '',
    name: ws.name ?? '',
    owner: ws.owner_name ?? '',
    ownerId: ws.owner_id ?? '',
    organizationId: ws.organization_id ?? '',
    displayName: ws.name ?? '',
    template: { id: ws.template_id ?? '', name: ws.template_name ?? '', displayName: ws.template_display_name || ws.template_name || '', versionId: build?.template_version_id },
    preset: options.preset || undefined,
    status,
    statusReason,
    statusRule: row.id,
    coderStatus: build?.status ?? '',
    era: 'v2',
    state,
    health,
    workspace: { id: ws.id, name: ws.name, status: build?.status, buildNumber: build?.build_number, agentId: wa?.id, agentLifecycle: wa?.lifecycle_state },
    createdAt,
    updatedAt,
    lastActivityAt: lastIso,
    firstWorkAt: optionalIso(firstWork),
    initialPrompt: options.initialPrompt ?? '',
    needsAttention,
    times: { createdAt: createdMs, updatedAt: updatedMs, lastActivityAt: lastMs, stateSince: stateSinceMs, firstWorkAt: firstWork.ms },
    ...(pr ? { pr } : {}),
    ...(branch ? { branch } : {}),
  };
}

function newestFirst(statuses: readonly AppStatus[]): AppStatus[] {
  const at = (s: AppStatus) => {
    const ms = parseTimestamp(s.created_at);
    return Number.isNaN(ms) ? Number.NEGATIVE_INFINITY : ms;
  };
  return [...statuses].sort((a, b) => at(b) - at(a));
}
