/**
 * Allow-list views of a Coder workspace (wire -> domain, like from-coder.ts).
 * SECURITY: workspace JSON carries agent environment variables (secrets such as CODER_SESSION_TOKEN,
 * GH_TOKEN) and long system prompts; only the fields named below are ever copied, never the raw object.
 */
import type { Workspace } from './coder-types.js';
import { type Instant, normalizeTimestamp, parseTimestamp, toEpochMs } from './timestamps.js';

export interface AppStatusView {
  readonly at: string;
  readonly state: string;
  /** Untrusted agent text. */
  readonly message: string;
  readonly uri: string;
  readonly app: string;
}

export interface WorkspaceView {
  readonly id?: string;
  readonly name?: string;
  readonly outdated?: boolean;
  readonly healthy?: boolean;
  readonly lastUsedAt?: string;
  readonly build?: {
    readonly number?: number;
    readonly status?: string;
    readonly transition?: string;
    readonly reason?: string;
    readonly createdAt?: string;
    readonly jobStatus?: string;
    readonly jobError?: string;
  };
  readonly agents: readonly {
    readonly name?: string;
    readonly status?: string;
    readonly lifecycle?: string;
    readonly healthy?: boolean;
    readonly healthReason?: string;
    readonly apps: readonly { readonly slug?: string; readonly health?: string }[];
  }[];
}

const JOB_ERROR_MAX = 500;

/** Drop undefined and empty-string fields (compact output). */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as T;
}

const ts = (value: string | undefined) => (value ? normalizeTimestamp(value) || undefined : undefined);

export function toWorkspaceView(ws: Workspace): WorkspaceView {
  const build = ws.latest_build;
  return defined({
    id: ws.id,
    name: ws.name,
    outdated: ws.outdated,
    healthy: ws.health?.healthy,
    lastUsedAt: ts(ws.last_used_at),
    build: build
      ? defined({
          number: build.build_number,
          status: build.status,
          transition: build.transition,
          reason: build.reason,
          createdAt: ts(build.created_at),
          jobStatus: build.job?.status,
          jobError: build.job?.error ? build.job.error.slice(0, JOB_ERROR_MAX) : undefined,
        })
      : undefined,
    agents: (build?.resources ?? []).flatMap((r) =>
      (r.agents ?? []).map((a) =>
        defined({
          name: a.name,
          status: a.status,
          lifecycle: a.lifecycle_state,
          healthy: a.health?.healthy,
          healthReason: a.health?.reason,
          apps: (a.apps ?? []).map((app) => defined({ slug: app.slug, health: app.health })),
        }),
      ),
    ),
  });
}

/**
 * The state history the agent reported (workspace app statuses), newest first: the best available task
 * history per agent. Prefers the task app (`appId`) when given, otherwise every app's statuses.
 */
export function appStatusHistory(ws: Workspace, options: { readonly appId?: string | null; readonly limit: number }): AppStatusView[] {
  const rows: { ms: number; view: AppStatusView }[] = [];
  for (const r of ws.latest_build?.resources ?? []) {
    for (const agent of r.agents ?? []) {
      for (const app of agent.apps ?? []) {
        if (options.appId && app.id !== options.appId) continue;
        for (const s of app.statuses ?? []) {
          const ms = parseTimestamp(s.created_at);
          rows.push({
            ms: Number.isFinite(ms) ? ms : 0,
            view: { at: ts(s.created_at) ?? '', state: s.state ?? 'unknown', message: s.message ?? '', uri: s.uri ?? '', app: app.slug ?? app.display_name ?? '' },
          });
        }
      }
    }
  }
  rows.sort((a, b) => b.ms - a.ms);
  return rows.slice(0, Math.max(0, options.limit)).map((r) => r.view);
}

/** Milliseconds the agent has been in its current state (null when unknown). */
export function timeInStateMs(stateSinceMs: number, now: Instant): number | null {
  return Number.isFinite(stateSinceMs) ? Math.max(0, toEpochMs(now) - stateSinceMs) : null;
}

/** Milliseconds since an ISO instant (null when unparsable). */
export function ageMs(iso: string, now: Instant): number | null {
  const ms = parseTimestamp(iso);
  return Number.isFinite(ms) ? Math.max(0, toEpochMs(now) - ms) : null;
}

/** ISO instant at second precision (`2026-03-10T02:00:00Z`): shorter in compact lists. */
export function isoSeconds(iso: string): string {
  return iso.replace(/\.\d{3}Z$/, 'Z');
}
