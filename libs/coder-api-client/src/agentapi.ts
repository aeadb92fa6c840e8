/**
 * AgentAPI (github.com/coder/agentapi) of an AI app in a workspace, reached through Coder's path-based app
 * proxy `/@{owner}/{workspace}.{agent}/apps/{slug}/…` with the session token like any API call. These routes
 * are not in Coder's OpenAPI description: the path templates are typed here (AgentApiPaths) so the calls still
 * go through the one request funnel (timeout, classification, retries of GETs, redaction).
 */
import type { Client } from 'openapi-fetch';
import type { Http } from './http.js';
import { listIn, objectWith } from './parse.js';
import type { AgentApiMessageRequest, AgentApiMessages, AgentApiStatus, AgentApiTarget, CoderClient } from './types.js';

export type AgentApiApi = Pick<CoderClient, 'getAgentApiStatus' | 'getAgentApiMessages' | 'postAgentApiMessage'>;

type AppPath = { owner: string; workspace: string; agent: string; slug: string };
interface Get<T> {
  parameters: { query?: never; header?: never; path: AppPath; cookie?: never };
  requestBody?: never;
  responses: { 200: { headers: Record<string, unknown>; content: { 'application/json': T } } };
}
interface Post<B> {
  parameters: { query?: never; header?: never; path: AppPath; cookie?: never };
  requestBody: { content: { 'application/json': B } };
  responses: { 200: { headers: Record<string, unknown>; content: { 'application/json': { ok: boolean } } } };
}
interface AgentApiPaths {
  '/@{owner}/{workspace}.{agent}/apps/{slug}/status': { parameters: { path: AppPath }; get: Get<AgentApiStatus> };
  '/@{owner}/{workspace}.{agent}/apps/{slug}/messages': { parameters: { path: AppPath }; get: Get<AgentApiMessages> };
  '/@{owner}/{workspace}.{agent}/apps/{slug}/message': { parameters: { path: AppPath }; post: Post<AgentApiMessageRequest> };
}

const parseStatus = objectWith<AgentApiStatus>('AgentAPI status', ['status']);
const parseMessages = listIn<AgentApiMessages['messages'][number], 'messages'>('AgentAPI message', 'messages', ['role', 'content']);
const ignoreBody = objectWith<unknown>('AgentAPI message answer');

export function createAgentApi(http: Http): AgentApiApi {
  // The proxy routes share the API client's base URL, token middleware and fetch; only their paths are not Coder's.
  const raw = http.raw as unknown as Client<AgentApiPaths>;
  const path = (t: AgentApiTarget): AppPath => ({ owner: t.owner, workspace: t.workspace, agent: t.agent, slug: t.slug });
  return {
    getAgentApiStatus(target, opts) {
      const p = '/@{owner}/{workspace}.{agent}/apps/{slug}/status' as const;
      return http.request('GET', p, (init) => raw.GET(p, { ...init, params: { path: path(target) } }), parseStatus, opts);
    },
    async getAgentApiMessages(target, opts) {
      const p = '/@{owner}/{workspace}.{agent}/apps/{slug}/messages' as const;
      const r = await http.request('GET', p, (init) => raw.GET(p, { ...init, params: { path: path(target) } }), parseMessages, opts);
      return r.ok ? { ...r, value: { messages: r.value.messages } } : r;
    },
    async postAgentApiMessage(target, body, opts) {
      const p = '/@{owner}/{workspace}.{agent}/apps/{slug}/message' as const;
      const r = await http.request('POST', p, (init) => raw.POST(p, { ...init, params: { path: path(target) }, body }), ignoreBody, opts);
      return r.ok ? { ...r, value: undefined } : r;
    },
  };
}
