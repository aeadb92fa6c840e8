/**
 * Start-up probe: Coder reachable (buildinfo/server info), Tasks supported, token valid (users/me).
 * Never fatal: the server starts anyway and each tool reports the problem per call.
 */
import type { CoderClient } from './coder.js';
import type { Logger } from './log.js';

export interface StartupReport {
  reachable: boolean;
  authenticated: boolean;
  version?: string;
  tasksApi?: string;
  user?: string;
}

export async function checkCoder(coder: CoderClient, log: Logger, coderUrl: string, signal?: AbortSignal): Promise<StartupReport> {
  const [info, me] = await Promise.all([coder.getServerInfo({ signal }), coder.getMe({ signal })]);
  const unreachable = (kind: string) => kind === 'network' || kind === 'timeout';
  const report: StartupReport = { reachable: info.ok || me.ok || !unreachable(me.error.kind), authenticated: me.ok };
  if (info.ok) {
    report.version = info.value.version;
    report.tasksApi = info.value.tasksApi;
    if (!info.value.features.tasks)
      log.warn('Coder has no Tasks API: agent tools will fail until CODER_URL points at Coder v2.27–v2.36 (or the Tasks ESR)', { coderUrl, version: info.value.version });
  } else {
    log.error(`Coder is not reachable at CODER_URL (${info.error.kind}): tools will report this per call until it is`, { coderUrl, error: info.error.message });
  }
  if (me.ok) {
    report.user = me.value.username;
  } else if (me.error.kind === 'unauthorized') {
    log.error('Coder rejected the session token (401): set CODER_SESSION_TOKEN (or FLEET_MCP_CODER_TOKEN_FILE) to a valid token and restart', { coderUrl });
  } else if (info.ok) {
    log.error(`Could not verify the Coder token (${me.error.kind})`, { coderUrl, error: me.error.message });
  }
  if (info.ok && me.ok) log.info('connected to Coder', { coderUrl, version: report.version, tasksApi: report.tasksApi, user: report.user });
  return report;
}
