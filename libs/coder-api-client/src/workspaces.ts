/**
 * Workspaces and builds. SECURITY: workspace JSON carries agent environment variables (secrets on a
 * live system). This layer returns it as-is for typed access; callers must map fields by allow-list
 * and never forward, log or record the raw object.
 */
import type { Http } from './http.js';
import { arrayOf, listIn, objectWith } from './parse.js';
import type { CoderClient, Workspace, WorkspaceBuild, WorkspaceBuildParameter } from './types.js';
import { WorkspaceListBody } from './workspace-list-body.js';

export type WorkspacesApi = Pick<CoderClient, 'listWorkspaces' | 'listWorkspacesIndexed' | 'getWorkspace' | 'createWorkspaceBuild' | 'getWorkspaceBuild' | 'getWorkspaceBuildParameters' | 'createWorkspace'>;

const parseWorkspaces = listIn<Workspace, 'workspaces'>('workspace', 'workspaces', ['id']);
const parseWorkspace = objectWith<Workspace>('workspace', ['id']);
const parseBuild = objectWith<WorkspaceBuild>('workspace build', ['id']);
const parseBuildParameters = arrayOf<WorkspaceBuildParameter>('workspace build parameter', ['name']);

function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== '')) as T;
}

export function createWorkspacesApi(http: Http): WorkspacesApi {
  return {
    listWorkspaces(query = {}, opts) {
      const path = '/api/v2/workspaces' as const;
      const params = { query: definedOnly({ q: query.q, limit: query.limit, offset: query.offset }) };
      return http.request('GET', path, (init) => http.raw.GET(path, { ...init, params }), parseWorkspaces, opts);
    },
    listWorkspacesIndexed(query = {}, opts) {
      const path = '/api/v2/workspaces' as const;
      const params = { query: definedOnly({ q: query.q, limit: query.limit, offset: query.offset }) };
      return http.requestBytes('GET', path, (init) => http.raw.GET(path, { ...init, params }), WorkspaceListBody.from, opts);
    },
    getWorkspace(workspace, opts) {
      const path = '/api/v2/workspaces/{workspace}' as const;
      const params = { path: { workspace } };
      return http.request('GET', path, (init) => http.raw.GET(path, { ...init, params }), parseWorkspace, opts);
    },
    createWorkspaceBuild(workspace, body, opts) {
      const path = '/api/v2/workspaces/{workspace}/builds' as const;
      const params = { path: { workspace } };
      return http.request('POST', path, (init) => http.raw.POST(path, { ...init, params, body }), parseBuild, opts);
    },
    getWorkspaceBuild(workspacebuild, opts) {
      const path = '/api/v2/workspacebuilds/{workspacebuild}' as const;
      const params = { path: { workspacebuild } };
      return http.request('GET', path, (init) => http.raw.GET(path, { ...init, params }), parseBuild, opts);
    },
    createWorkspace(organization, user, body, opts) {
      const path = '/api/v2/organizations/{organization}/members/{user}/workspaces' as const;
      const params = { path: { organization, user } };
      return http.request('POST', path, (init) => http.raw.POST(path, { ...init, params, body }), parseWorkspace, opts);
    },
    getWorkspaceBuildParameters(workspacebuild, opts) {
      const path = '/api/v2/workspacebuilds/{workspacebuild}/parameters' as const;
      const params = { path: { workspacebuild } };
      return http.request('GET', path, (init) => http.raw.GET(path, { ...init, params }), parseBuildParameters, opts);
    },
  };
}
