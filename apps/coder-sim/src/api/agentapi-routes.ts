/**
 * The AI app of a workspace as a client reaches it through Coder's path-based app proxy
 * (`/@{owner}/{workspace}.{agent}/apps/{slug}/…`, session token in the `Coder-Session-Token` header): a
 * simulated AgentAPI (github.com/coder/agentapi) in front of the workspace's agent.
 *
 * - `GET …/status` → `{status: "running" | "stable", agent_type}`: running while the agent works on a turn;
 * - `GET …/messages` → `{messages: [{id, role: "user" | "agent", content, time}]}`: the conversation;
 * - `POST …/message` `{content, type: "user" | "raw"}`: `user` is a new turn (refused while running),
 *   `raw` is keystrokes (ESC, `\u001b`, interrupts a running turn).
 *
 * Like Coder: with path apps disabled (`--disable-path-apps`) the proxy refuses with 403; a workspace the
 * caller cannot see is 404; a stopped workspace or a disconnected agent is 502. Fault rules match these
 * route templates like any other route.
 */
import { logContent } from '../model/content.js';
import type { Fleet } from '../model/fleet.js';
import type { SimTask, SimWorkspace } from '../model/types.js';
import { fail, json, readJson, requireUser, type Route, type RouteContext, type SimRequest, type SimResponse } from './http.js';
import { canSee } from './tasks-routes.js';

/** The AI app's slug (the Claude Code module's `ccw`); the workspace agent is named `main`. */
export const AI_APP_SLUG = 'ccw';
export const AGENT_NAME = 'main';
const ESC = '\u001b';
const PREFIX = '/@{owner}/{workspace}/apps/{slug}';

interface AppTarget {
  ws: SimWorkspace;
  task: SimTask;
}

/** The proxy's checks, in Coder's order: path apps enabled, workspace visible, agent and app exist, agent reachable. */
function target(req: SimRequest, fleet: Fleet): AppTarget {
  if (!fleet.pathApps) fail(403, 'Path-based applications are disabled on this Coder deployment by the administrator.', 'Use subdomain apps (a wildcard access URL), or ask an administrator to remove --disable-path-apps.');
  const caller = requireUser(req);
  const [workspaceName = '', agentName] = (req.params['workspace'] ?? '').toLowerCase().split('.');
  const owner = fleet.resolveUser(req.params['owner'] ?? '', caller);
  const ws = owner ? fleet.workspaces.find((w) => !w.deleted && w.ownerId === owner.id && w.name.toLowerCase() === workspaceName) : undefined;
  if (!ws || !canSee(caller, ws.ownerId)) fail(404, `Workspace "${workspaceName}" not found.`);
  if (agentName !== undefined && agentName !== AGENT_NAME) fail(404, `Agent "${agentName}" not found in workspace "${workspaceName}".`);
  const task = ws.taskId ? fleet.taskById(ws.taskId) : undefined;
  if (!task || !ws.appId || (req.params['slug'] ?? '').toLowerCase() !== AI_APP_SLUG) fail(404, `Application "${req.params['slug'] ?? ''}" not found.`);
  if (!ws.agent || ws.agent.status !== 'connected' || ws.agent.lifecycle !== 'ready') fail(502, 'The workspace agent is not connected.', `Workspace "${ws.name}" agent ${AGENT_NAME} is ${ws.agent?.status ?? 'not running'}.`);
  return { ws, task };
}

const running = (task: SimTask) => task.phase === 'working' || task.phase === 'queued' || task.phase === 'app_initializing';

function status(req: SimRequest, ctx: RouteContext): SimResponse {
  const { task } = target(req, ctx.fleet);
  return json({ status: running(task) ? 'running' : 'stable', agent_type: 'claude' });
}

function messages(req: SimRequest, ctx: RouteContext): SimResponse {
  const { task } = target(req, ctx.fleet);
  return json({
    messages: task.logs.map((entry) => ({ id: entry.id, role: entry.type === 'input' ? 'user' : 'agent', content: logContent(entry), time: new Date(entry.at).toISOString() })),
  });
}

function message(req: SimRequest, ctx: RouteContext): SimResponse {
  const { task } = target(req, ctx.fleet);
  const body = readJson(req);
  const content = body['content'];
  const type = body['type'];
  if (typeof content !== 'string' || content === '') fail(400, 'content is required.');
  if (type === 'raw') {
    // Keystrokes: ESC stops the running turn (the agent is idle again); anything else is typed and ignored.
    if (content.includes(ESC) && running(task)) ctx.fleet.setAgentState(task, 'idle', { message: 'Interrupted by the user' });
    return json({ ok: true });
  }
  if (type !== 'user') fail(400, 'type must be "user" or "raw".');
  if (running(task)) fail(409, 'The agent is running: a message can only be sent when the agent is waiting for user input.', 'Wait for status "stable", or interrupt it with a raw ESC.');
  ctx.fleet.sendInput(task, content);
  return json({ ok: true });
}

export function agentApiRoutes(): Route[] {
  return [
    { method: 'GET', template: `${PREFIX}/status`, auth: true, handler: status },
    { method: 'GET', template: `${PREFIX}/messages`, auth: true, handler: messages },
    { method: 'POST', template: `${PREFIX}/message`, auth: true, handler: message },
  ];
}
