/**
 * LOCAL DOMAIN LOGIC (to be moved into @org/fleet-domain mapping/): an allow-list view of a Coder
 * workspace. SECURITY: workspace JSON carries agent environment variables (secrets) and long system
 * prompts; only the fields named below are ever copied, never the raw object.
 */
import { normalizeTimestamp, parseTimestamp, toEpochMs, type Instant } from '@org/fleet-domain';
import type { Workspace } from '../coder.js';

export interface AppStatusView {
  at: string;
  state: string;
  /** Untrusted agent text. */
  message: string;
  uri: string;
  app: string;
}

export interface WorkspaceView {
  id?: string;
  name?: string;
  outdated?: boolean;
  healthy?: boolean;
  lastUsedAt?: string;
  build?: {
    number?: number;
    status?: string;
    transition?: string;
    reason?: string;
    createdAt?: string;
    jobStatus?: string;
    jobError?: string;
  };
  agents: { name?: string; status?: string; lifecycle?: string; healthy?: boolean; healthReason?: string; apps: { slug?: string; health?: string }[] }[];
}

const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as T;
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
          jobError: build.job?.error ? build.job.error.slice(0, 500) : undefined,
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
 * The state history the agent reported (workspace app statuses), newest first. Prefers the task app
 * (`appId`) when given, otherwise every app's statuses.
 */
export function appStatusHistory(ws: Workspace, options: { appId?: string | null; limit: number }): AppStatusView[] {
  const rows: { ms: number; view: AppStatusView }[] = [];
  for (const r of ws.latest_build?.resources ?? []) {
    for (const agent of r.agents ?? []) {
      for (const app of agent.apps ?? []) {
        if (options.appId && app.id !== options.appId) continue;
        for (const s of app.statuses ?? []) {
          const at = ts(s.created_at) ?? '';
          const ms = parseTimestamp(s.created_at);
          rows.push({ ms: Number.isFinite(ms) ? ms : 0, view: { at, state: s.state ?? 'unknown', message: s.message ?? '', uri: s.uri ?? '', app: app.slug ?? app.display_name ?? '' } });
        }
      }
    }
  }
  rows.sort((a, b) => b.ms - a.ms);
  return rows.slice(0, options.limit).map((r) => r.view);
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
