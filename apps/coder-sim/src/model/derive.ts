import type { TaskStateEntry, TaskStatus, WorkspaceStatus } from '../wire-types.js';
import type { SimBuild, SimWorkspace } from './types.js';

/** Pure derivations that mirror coderd: workspace status from its build, task status, current_state. */
export function latestBuild(ws: SimWorkspace): SimBuild {
  const build = ws.builds[ws.builds.length - 1];
  if (!build) throw new Error(`workspace ${ws.id} has no builds`);
  return build;
}

export function buildWorkspaceStatus(build: SimBuild): WorkspaceStatus {
  const { transition, jobStatus } = build;
  if (jobStatus === 'failed') return 'failed';
  if (jobStatus === 'canceling') return 'canceling';
  if (jobStatus === 'canceled') return 'canceled';
  switch (transition) {
    case 'start':
      return jobStatus === 'pending' ? 'pending' : jobStatus === 'running' ? 'starting' : 'running';
    case 'stop':
      return jobStatus === 'succeeded' ? 'stopped' : 'stopping';
    case 'delete':
      return jobStatus === 'succeeded' ? 'deleted' : 'deleting';
  }
}

/**
 * Task status as coderd's task view computes it: pending (build queued), initializing (build running,
 * agent connecting/starting, app initializing), active, paused (stop/delete requested or done), error.
 */
export function deriveTaskStatus(ws: SimWorkspace): TaskStatus {
  const build = latestBuild(ws);
  if (build.jobStatus === 'failed') return 'error';
  if (build.jobStatus === 'canceled' || build.jobStatus === 'canceling') return 'unknown';
  if (build.transition !== 'start') return 'paused';
  if (build.jobStatus === 'pending') return 'pending';
  if (build.jobStatus === 'running') return 'initializing';
  const agent = ws.agent;
  if (!agent || agent.lifecycle !== 'ready') {
    if (agent && (agent.lifecycle === 'start_error' || agent.lifecycle === 'start_timeout')) return 'error';
    return 'initializing';
  }
  if (ws.appHealth === 'initializing') return 'initializing';
  if (ws.appHealth === 'unhealthy') return 'error';
  return 'active';
}

const INIT_AGENT_MESSAGES = {
  created: 'Agent is connecting',
  starting: 'Agent is starting',
} as const;

/** `current_state` exactly as coderd derives it (latest app status, or a synthetic "initializing" entry). */
export function deriveCurrentState(
  ws: SimWorkspace,
  status: TaskStatus,
  format: (ms: number) => string,
): TaskStateEntry | null {
  const build = latestBuild(ws);
  const app = ws.appStatuses[ws.appStatuses.length - 1];
  if (app && (build.transition !== 'start' || app.createdAt > build.createdAt)) {
    return { timestamp: format(app.createdAt), state: app.state, message: app.message, uri: app.uri };
  }
  if (status !== 'initializing') return null;
  let message = 'Initializing workspace';
  const wsStatus = buildWorkspaceStatus(build);
  if (wsStatus === 'pending' || wsStatus === 'starting') message = `Workspace is ${wsStatus}`;
  else if (ws.agent) {
    const lifecycle = ws.agent.lifecycle;
    if (lifecycle === 'created' || lifecycle === 'starting') message = INIT_AGENT_MESSAGES[lifecycle];
    else if (lifecycle === 'ready')
      message = ws.appHealth === 'initializing' ? 'App is initializing' : 'Initializing workspace applications';
    else message = 'Initializing workspace agent';
  }
  return { timestamp: format(build.createdAt), state: 'working', message, uri: '' };
}

export function healthLabel(ws: SimWorkspace): string | null {
  if (!ws.agent) return null;
  return ws.agent.healthy ? 'healthy' : 'unhealthy';
}

/** The observable facts the transition log tracks for one task. */
export interface Observed {
  status: string;
  state: string | null;
  workspaceStatus: string;
  health: string | null;
}

export function observe(ws: SimWorkspace): Observed {
  const status = deriveTaskStatus(ws);
  const state = deriveCurrentState(ws, status, String);
  return { status, state: state?.state ?? null, workspaceStatus: buildWorkspaceStatus(latestBuild(ws)), health: healthLabel(ws) };
}
