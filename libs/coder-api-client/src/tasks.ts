/**
 * Tasks, routed by server version: `/api/v2/tasks…` (>= 2.29) or `/api/experimental/tasks…` (2.27–2.28).
 * Pause/resume try `/api/v2` first and, on a 404, once more under `/api/experimental`; the answer is
 * remembered for the life of the client.
 */
import { isRecord } from './guards.js';
import type { Http } from './http.js';
import { listIn, noContent, objectWith, type Parse } from './parse.js';
import { TASK_KEYS, TaskListBody } from './task-list-body.js';
import type {
  AnyTask,
  CallOptions,
  CoderApiError,
  CoderClient,
  CoderResult,
  ListTasksFilter,
  TaskLifecycleResult,
  TaskLogsResponse,
  WorkspaceBuild,
} from './types.js';

export type TaskRoute = 'v2' | 'experimental';
export type RouteResult = { ok: true; value: TaskRoute } | { ok: false; error: CoderApiError };

export interface TasksContext {
  http: Http;
  /** Which tree serves tasks on this server (reads buildinfo once); `operation` names the call for errors. */
  route(operation: string, opts?: CallOptions): Promise<RouteResult>;
  /** Where pause/resume were last found to live (`undefined` until learned). */
  lifecycleRoute: { get(): TaskRoute | undefined; set(route: TaskRoute): void };
}

export type TasksApi = Pick<CoderClient, 'listTasks' | 'listTasksIndexed' | 'getTask' | 'createTask' | 'deleteTask' | 'sendTaskInput' | 'updateTaskInput' | 'getTaskLogs' | 'pauseTask' | 'resumeTask'>;

const parseTask = objectWith<AnyTask>('task', TASK_KEYS);
const parseTaskList = listIn<AnyTask, 'tasks'>('task', 'tasks', TASK_KEYS);
const parseLogs: Parse<TaskLogsResponse> = (body) => {
  const r = listIn<TaskLogsResponse['logs'][number], 'logs'>('log entry', 'logs', ['type', 'time', 'content'])(body);
  if (!r.ok) return r;
  return { ok: true, value: body as TaskLogsResponse };
};

/** Accepts `{workspace_build}`, `{workspace_build_id}`, both, or an empty body. */
export const parseLifecycle: Parse<TaskLifecycleResult> = (body) => {
  if (body === undefined) return { ok: true, value: {} };
  if (!isRecord(body)) return { ok: false, problem: 'expected a JSON object with workspace_build or workspace_build_id' };
  const value: TaskLifecycleResult = {};
  const build = body['workspace_build'];
  if (isRecord(build)) {
    value.workspaceBuild = build as WorkspaceBuild;
    if (typeof build['id'] === 'string') value.workspaceBuildId = build['id'];
  }
  if (typeof body['workspace_build_id'] === 'string') value.workspaceBuildId = body['workspace_build_id'];
  return { ok: true, value };
};

/** Turns a filter into Coder's `q` (`owner:alice organization:acme status:active free text`). */
export function taskQuery(filter?: ListTasksFilter): string | undefined {
  if (!filter) return undefined;
  if ('q' in filter) return filter.q.trim() || undefined;
  const terms: string[] = [];
  for (const key of ['owner', 'organization', 'status'] as const) {
    const value = filter[key]?.trim();
    if (value) terms.push(`${key}:${/[\s"]/.test(value) ? `"${value.replace(/"/g, '')}"` : value}`);
  }
  const search = filter.search?.trim();
  if (search) terms.push(search);
  return terms.length > 0 ? terms.join(' ') : undefined;
}

export function createTasksApi(ctx: TasksContext): TasksApi {
  const { http } = ctx;
  const routed = async <T>(
    operation: string,
    opts: CallOptions | undefined,
    run: (route: TaskRoute) => Promise<CoderResult<T>>,
  ): Promise<CoderResult<T>> => {
    const route = await ctx.route(operation, opts);
    return route.ok ? run(route.value) : route;
  };

  const lifecycle = (action: 'pause' | 'resume') =>
    async (user: string, task: string, opts?: CallOptions): Promise<CoderResult<TaskLifecycleResult>> => {
      const params = { path: { user, task } };
      const v2Path = `/api/v2/tasks/{user}/{task}/${action}` as const;
      const expPath = `/api/experimental/tasks/{user}/{task}/${action}` as const;
      const viaV2 = () => http.request('POST', v2Path, (init) => http.raw.POST(v2Path, { ...init, params }), parseLifecycle, opts);
      const viaExperimental = () =>
        http.request('POST', expPath, (init) => http.raw.POST(expPath, { ...init, params }), parseLifecycle, opts);
      return routed(`POST ${v2Path}`, opts, async (route) => {
        const learned = ctx.lifecycleRoute.get();
        if (route === 'experimental' || learned === 'experimental') return viaExperimental();
        const first = await viaV2();
        if (first.ok || first.error.kind !== 'not_found') {
          ctx.lifecycleRoute.set('v2');
          return first;
        }
        if (learned === 'v2') return first;
        const second = await viaExperimental();
        if (second.ok || second.error.kind !== 'not_found') {
          ctx.lifecycleRoute.set('experimental');
          return second;
        }
        return first; // both 404: most likely the task itself is missing; report the GA answer
      });
    };

  return {
    listTasks(filter, opts) {
      const q = taskQuery(filter);
      const params = q === undefined ? {} : { query: { q } };
      return routed('GET /api/v2/tasks', opts, (route) => {
        const path = route === 'v2' ? '/api/v2/tasks' : '/api/experimental/tasks';
        return http.request('GET', path, (init) => http.raw.GET(path, { ...init, params }), parseTaskList, opts);
      });
    },
    listTasksIndexed(filter, opts) {
      const q = taskQuery(filter);
      const params = q === undefined ? {} : { query: { q } };
      return routed('GET /api/v2/tasks', opts, (route) => {
        const path = route === 'v2' ? '/api/v2/tasks' : '/api/experimental/tasks';
        return http.requestBytes('GET', path, (init) => http.raw.GET(path, { ...init, params }), TaskListBody.from, opts);
      });
    },
    getTask(user, task, opts) {
      const params = { path: { user, task } };
      return routed('GET /api/v2/tasks/{user}/{task}', opts, (route) => {
        const path = route === 'v2' ? '/api/v2/tasks/{user}/{task}' : '/api/experimental/tasks/{user}/{task}';
        return http.request('GET', path, (init) => http.raw.GET(path, { ...init, params }), parseTask, opts);
      });
    },
    createTask(user, body, opts) {
      const params = { path: { user } };
      return routed('POST /api/v2/tasks/{user}', opts, (route) => {
        const path = route === 'v2' ? '/api/v2/tasks/{user}' : '/api/experimental/tasks/{user}';
        return http.request('POST', path, (init) => http.raw.POST(path, { ...init, params, body }), parseTask, opts);
      });
    },
    deleteTask(user, task, opts) {
      const params = { path: { user, task } };
      return routed('DELETE /api/v2/tasks/{user}/{task}', opts, (route) => {
        const path = route === 'v2' ? '/api/v2/tasks/{user}/{task}' : '/api/experimental/tasks/{user}/{task}';
        return http.request('DELETE', path, (init) => http.raw.DELETE(path, { ...init, params }), noContent, opts);
      });
    },
    sendTaskInput(user, task, input, opts) {
      const params = { path: { user, task } };
      return routed('POST /api/v2/tasks/{user}/{task}/send', opts, (route) => {
        const path = route === 'v2' ? '/api/v2/tasks/{user}/{task}/send' : '/api/experimental/tasks/{user}/{task}/send';
        return http.request('POST', path, (init) => http.raw.POST(path, { ...init, params, body: { input } }), noContent, opts);
      });
    },
    updateTaskInput(user, task, input, opts) {
      const params = { path: { user, task } };
      return routed('PATCH /api/v2/tasks/{user}/{task}/input', opts, (route) => {
        const path = route === 'v2' ? '/api/v2/tasks/{user}/{task}/input' : '/api/experimental/tasks/{user}/{task}/input';
        return http.request('PATCH', path, (init) => http.raw.PATCH(path, { ...init, params, body: { input } }), noContent, opts);
      });
    },
    getTaskLogs(user, task, opts) {
      const params = { path: { user, task } };
      return routed('GET /api/v2/tasks/{user}/{task}/logs', opts, (route) => {
        const path = route === 'v2' ? '/api/v2/tasks/{user}/{task}/logs' : '/api/experimental/tasks/{user}/{task}/logs';
        return http.request('GET', path, (init) => http.raw.GET(path, { ...init, params }), parseLogs, opts);
      });
    },
    pauseTask: lifecycle('pause'),
    resumeTask: lifecycle('resume'),
  };
}
