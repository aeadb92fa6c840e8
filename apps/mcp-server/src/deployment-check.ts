/**
 * `coder-fleet-mcp --check`: is this deployment usable with these flags? One line per question (Coder
 * reachable, token accepted and as whom, version, what it offers, the store, the tools that will be
 * registered), each `ok`, `warn` or `fail`; the process exits 1 when any is `fail`. It reads only: no agent
 * is touched, the store is opened (and migrated, as the server would) and closed. No secret is printed.
 */
import { assertNever } from '@org/fleet-domain';
import { describeStoreTarget, type FleetStore, type StoreResult, type StoreTarget } from '@org/fleet-store';
import { agentApiTargetOf, proxyFailure } from './backends/workspaces-backend.js';
import type { CoderClient } from './coder.js';
import { storeConfigOf, type Config } from './config.js';
import { ALL_TOOLS, selectTools } from './tools/index.js';
import { VERSION } from './version.js';

export type CheckVerdict = 'ok' | 'warn' | 'fail';
export interface CheckLine {
  what: 'coder' | 'token' | 'version' | 'offers' | 'apps' | 'store' | 'tools';
  verdict: CheckVerdict;
  detail: string;
}
export interface DeploymentCheck {
  ok: boolean;
  lines: CheckLine[];
}

export interface DeploymentCheckDeps {
  config: Config;
  coder: Pick<CoderClient, 'getServerInfo' | 'getMe' | 'detectCapabilities' | 'listWorkspaces' | 'getAgentApiStatus'>;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  openStore: (target: StoreTarget) => Promise<StoreResult<Pick<FleetStore, 'close'>>>;
  signal?: AbortSignal;
}

export async function checkDeployment(deps: DeploymentCheckDeps): Promise<DeploymentCheck> {
  const { config, coder, signal } = deps;
  const lines: CheckLine[] = [];
  const add = (what: CheckLine['what'], verdict: CheckVerdict, detail: string) => lines.push({ what, verdict, detail });

  const [info, me, caps] = await Promise.all([coder.getServerInfo({ signal }), coder.getMe({ signal }), coder.detectCapabilities({ signal })]);
  const unreachable = !info.ok && (info.error.kind === 'network' || info.error.kind === 'timeout');
  if (info.ok) add('coder', 'ok', `reachable at ${config.coderUrl}${config.simulated ? ' (the bundled simulator, not a real deployment)' : ''}`);
  else add('coder', 'fail', `${unreachable ? 'not reachable' : 'answered with an error'} at ${config.coderUrl} (${info.error.kind}): ${sentence(info.error.message)} Check CODER_URL and the network.`);

  if (me.ok) add('token', 'ok', `accepted: signed in as ${me.value.username}${rolesOf(me.value)}`);
  else if (me.error.kind === 'unauthorized')
    add('token', 'fail', 'rejected by Coder (401): set CODER_SESSION_TOKEN (or FLEET_MCP_CODER_TOKEN_FILE) to a valid session token (`coder tokens create`).');
  else add('token', 'fail', `could not be verified (${me.error.kind}): ${sentence(me.error.message)}`);

  if (info.ok) add('version', 'ok', `Coder ${info.value.version} (${info.value.raw})`);
  else add('version', 'fail', 'unknown (Coder not reachable)');

  if (caps.ok) {
    const tasks = caps.value.tasks;
    const chats = caps.value.chats;
    const offers = [describeTasks(tasks), describeChats(chats)];
    // Neither (or --backend workspaces): agents are plain workspaces running an AI app (backends/workspaces-backend.ts).
    const workspaces = config.backend === 'workspaces' || (tasks === 'none' && chats === 'none');
    const asWorkspaces = `agents are plain workspaces running the AI app '${config.agentAppSlug}', steered through Coder's path-based apps (they must be enabled)`;
    add('offers', 'ok', workspaces ? `${config.backend === 'workspaces' ? '--backend workspaces' : offers.join('; ')}: ${asWorkspaces}` : offers.join('; '));
    if (workspaces) {
      const probe = await probePathApps(deps);
      add('apps', probe.verdict, probe.detail);
    }
  } else add('offers', 'fail', `unknown (${caps.error.kind}: ${caps.error.message})`);

  const store = storeConfigOf(config, deps.env, deps.cwd);
  if (!store.ok) add('store', 'fail', `invalid: ${store.error.message}`);
  else if (store.value.target.kind === 'memory') add('store', 'warn', `${describeStoreTarget(store.value.target)}: event cursors and history are lost on restart`);
  else {
    const opened = await deps.openStore(store.value.target);
    if (opened.ok) {
      await opened.value.close();
      add('store', 'ok', `${describeStoreTarget(store.value.target)} (opened and up to date; history kept ${store.value.retentionDays} days)`);
    } else add('store', 'fail', `${describeStoreTarget(store.value.target)} cannot be opened (${opened.error.kind}): ${sentence(opened.error.message)}`);
  }

  const selection = selectTools(config, ALL_TOOLS);
  if (selection.ok) add('tools', 'ok', `${selection.tools.length} registered with these flags: ${selection.tools.map((t) => t.name).join(', ')}`);
  else add('tools', 'fail', selection.errors.join(' '));

  return { ok: lines.every((l) => l.verdict !== 'fail'), lines };
}

/** Most workspaces read to find one whose AI app can be probed. */
const PROBE_PAGE = 100;

/**
 * Workspace agents are steered through Coder's path-based app proxy: one GET status on the AI app of one
 * running agent workspace says whether it works for this token (a 403 names the setting). Nothing is sent.
 */
async function probePathApps({ config, coder, signal }: DeploymentCheckDeps): Promise<Pick<CheckLine, 'verdict' | 'detail'>> {
  const q = config.owners.length === 1 ? `owner:${config.owners[0] ?? ''}` : undefined;
  const listed = await coder.listWorkspaces({ limit: PROBE_PAGE, ...(q ? { q } : {}) }, { signal });
  if (!listed.ok) return { verdict: 'warn', detail: `path-based apps not checked: the workspaces could not be listed (${listed.error.kind}): ${sentence(listed.error.message)}` };
  const running = listed.value.workspaces.filter((ws) => ws.latest_build?.status === 'running');
  const ws = running.find((w) => agentApiTargetOf(w, config.agentAppSlug) !== undefined);
  const app = ws && agentApiTargetOf(ws, config.agentAppSlug);
  if (!ws || !app) return { verdict: 'warn', detail: `path-based apps not checked: no running workspace with the AI app '${config.agentAppSlug}' yet (run --check again once one runs).` };
  const ref = `${app.owner}/${app.workspace}`;
  const status = await coder.getAgentApiStatus(app, { signal });
  if (status.ok) return { verdict: 'ok', detail: `path-based apps work: the AI app of ${ref} answered through the app proxy (AgentAPI status: ${status.value.status})` };
  const failure = proxyFailure(status.error, { ref, app }, 'reach');
  // Without the proxy nothing can be steered; a read-only server still reads the fleet.
  const verdict: CheckVerdict = status.error.kind === 'forbidden' && !config.readOnly ? 'fail' : 'warn';
  return { verdict, detail: `${failure.message} ${failure.hint}` };
}

/** One sentence ending in exactly one full stop (Coder's messages sometimes bring their own). */
const sentence = (message: string) => `${message.replace(/[.\s]+$/, '')}.`;

function rolesOf(user: { roles?: { name?: string }[] }): string {
  const names = (user.roles ?? []).flatMap((r) => (r.name ? [r.name] : []));
  return names.length > 0 ? ` (roles: ${names.join(', ')})` : '';
}

function describeTasks(api: 'v2' | 'experimental' | 'none'): string {
  switch (api) {
    case 'v2':
      return 'Coder Tasks (/api/v2/tasks)';
    case 'experimental':
      return 'Coder Tasks (experimental API, 2.27–2.28)';
    case 'none':
      return 'no Coder Tasks';
    default:
      return assertNever(api);
  }
}

function describeChats(api: 'v2' | 'experimental' | 'none'): string {
  switch (api) {
    case 'v2':
      return 'Coder Agents chats (/api/v2/chats)';
    case 'experimental':
      return 'Coder Agents chats (/api/experimental/chats)';
    case 'none':
      return 'no Coder Agents chats';
    default:
      return assertNever(api);
  }
}

export function renderDeploymentCheck(check: DeploymentCheck): string {
  const mark: Record<CheckVerdict, string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' };
  return [
    `coder-fleet-mcp ${VERSION} --check`,
    ...check.lines.map((l) => `  ${mark[l.verdict]}  ${l.what.padEnd(8)} ${l.detail}`),
    check.ok ? 'Result: usable.' : 'Result: NOT usable: fix the FAIL lines above.',
  ].join('\n');
}
