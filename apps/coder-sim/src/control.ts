import { createChatControl, type ChatControl } from './chat-control.js';
import type { FaultControl } from './faults.js';
import { deriveCurrentState, deriveTaskStatus } from './model/derive.js';
import { LOST_CONNECTION, type Connection, type Fleet, type UserInit } from './model/fleet.js';
import type { Persona, SimTask, Transition } from './model/types.js';
import type { SocketControl } from './socket-control.js';
import type { SimState } from './state.js';
import type { CoderVersion } from './versions.js';
import type { TemplateVersionParameter, WorkspaceAppStatusState } from './wire-types.js';

export interface TaskSummary {
  id: string;
  name: string;
  owner: string;
  status: string;
  state: string | null;
  workspaceId: string;
  persona: Persona;
  phase: string;
}

/** Drive the simulator from tests, benchmarks and the `/__sim` HTTP API. Task refs: id, name or "owner/name". */
export interface SimControl {
  /** Simulated now (epoch ms). */
  now(): number;
  /** Manual clock: move time forward and run every lifecycle event that falls due. */
  advance(ms: number): void;
  /** Requests per route template, e.g. `{ "GET /api/v2/tasks": 3 }`; unmatched paths count as "GET (unmatched)". */
  counters(): Record<string, number>;
  resetCounters(): void;
  faults: FaultControl;
  /** Every observable status/state/workspace_status/health change, in order (seq increases). */
  transitions(sinceSeq?: number): Transition[];
  coderVersion(): CoderVersion;
  setCoderVersion(version: CoderVersion): void;
  /** Serve path-based apps (the AgentAPI proxy) or refuse them like `--disable-path-apps` (403). */
  setPathApps(enabled: boolean): void;
  addUser(init: UserInit): { id: string; username: string; role: string; token: string };
  tasks(): TaskSummary[];
  task(ref: string): TaskSummary | undefined;
  createTask(init: { owner?: string; template?: string; input: string; name?: string; preset?: string; persona?: Persona }): TaskSummary;
  setAgentState(ref: string, state: WorkspaceAppStatusState, opts?: { message?: string; uri?: string; holdMs?: number }): void;
  failWorkspace(ref: string, error?: string): void;
  /**
   * `coder templates push`: a new version of the template (the active one's parameters minus
   * `removeParameters`, plus `addParameters`), made active unless `activate` is false.
   */
  pushTemplateVersion(template: string, init?: PushVersionInit): { id: string; name: string; templateId: string };
  /** Cancel the latest build: task status `unknown`. */
  cancelBuild(ref: string): void;
  /** The task's agent connects or loses its connection (`reason` defaults to "agent has lost connection"). */
  setConnection(ref: string, connected: boolean, reason?: string): void;
  /** setConnection(ref, false, reason). */
  disconnectAgent(ref: string, reason?: string): void;
  /** setConnection(ref, true). */
  reconnectAgent(ref: string): void;
  /** Coder Agents: chats (create, force states, errors, requires_action, PRs, limits). */
  readonly chats: ChatControl;
  /** Live chat WebSockets (watch and stream): list, drop, close, stall, resume. */
  readonly sockets: SocketControl;
  /** The underlying model (advanced use; shapes may change). */
  readonly fleet: Fleet;
}

export function summarize(fleet: Fleet, task: SimTask): TaskSummary {
  const ws = fleet.workspaceOf(task);
  const status = deriveTaskStatus(ws);
  return {
    id: task.id,
    name: task.name,
    owner: fleet.userById(task.ownerId).username,
    status,
    state: deriveCurrentState(ws, status, String)?.state ?? null,
    workspaceId: ws.id,
    persona: task.persona,
    phase: task.phase,
  };
}

export interface PushVersionInit {
  name?: string;
  removeParameters?: string[];
  addParameters?: TemplateVersionParameter[];
  activate?: boolean;
}

export class UnknownTaskError extends Error {}
export { TaskNotRunningError } from './model/fleet.js';

export function findTaskRef(fleet: Fleet, ref: string): SimTask {
  const slash = ref.indexOf('/');
  const admin = fleet.users[0];
  const owner = slash >= 0 ? fleet.users.find((u) => u.username === ref.slice(0, slash).toLowerCase()) : undefined;
  const name = slash >= 0 ? ref.slice(slash + 1) : ref;
  const task =
    fleet.findTask(name, owner) ??
    (slash < 0 && admin ? fleet.tasks.find((t) => !t.deleted && t.name === name.toLowerCase()) : undefined);
  if (!task) throw new UnknownTaskError(`unknown task "${ref}"`);
  return task;
}

/** The SimControl implementation over one fleet. */
export function createControl(fleet: Fleet, faults: FaultControl, state: SimState, sockets: SocketControl): SimControl {
  const clock = fleet.clock;
  const setConnection = (ref: string, connected: boolean, reason?: string) => {
    const connection: Connection = connected ? { connected: true } : { connected: false, reason: reason ?? LOST_CONNECTION };
    fleet.setConnection(findTaskRef(fleet, ref), connection);
  };
  return {
    fleet,
    chats: createChatControl(fleet),
    sockets,
    now: () => clock.now(),
    advance(ms: number) {
      clock.advance(ms);
      fleet.advanceTo(clock.now());
    },
    counters: () => Object.fromEntries([...state.counters.entries()].sort(([a], [b]) => a.localeCompare(b))),
    resetCounters: () => state.counters.clear(),
    faults,
    transitions: (since) => fleet.transitions(since),
    coderVersion: () => state.version,
    setCoderVersion(v) {
      state.version = v;
    },
    setPathApps(enabled) {
      fleet.pathApps = enabled;
    },
    addUser(init) {
      const user = fleet.addUser(init);
      return { id: user.id, username: user.username, role: user.role, token: user.token };
    },
    tasks: () => fleet.liveTasks().map((t) => summarize(fleet, t)),
    task(ref) {
      try {
        return summarize(fleet, findTaskRef(fleet, ref));
      } catch (error) {
        if (error instanceof UnknownTaskError) return undefined;
        throw error;
      }
    },
    createTask(init) {
      const owner = init.owner ? fleet.users.find((u) => u.username === init.owner?.toLowerCase()) : fleet.users[0];
      if (!owner) throw new UnknownTaskError(`unknown owner "${init.owner ?? ''}"`);
      const template = fleet.templateByName(init.template ?? 'python-dev');
      if (!template) throw new UnknownTaskError(`unknown template "${init.template ?? ''}"`);
      const version = fleet.versions.get(template.activeVersionId);
      const preset = init.preset ? version?.presets.find((p) => p.name.toLowerCase() === init.preset?.toLowerCase()) : undefined;
      if (init.name && fleet.nameTaken(owner.id, init.name.toLowerCase())) throw new UnknownTaskError(`task "${owner.username}/${init.name}" already exists`);
      const task = fleet.createTask({
        ownerId: owner.id,
        templateVersionId: template.activeVersionId,
        presetId: preset?.id ?? null,
        input: init.input,
        ...(init.name ? { name: init.name.toLowerCase() } : {}),
        ...(init.persona ? { persona: init.persona } : {}),
      });
      return summarize(fleet, task);
    },
    setAgentState: (ref, state, opts) => fleet.setAgentState(findTaskRef(fleet, ref), state, opts),
    failWorkspace: (ref, error) => fleet.failWorkspace(findTaskRef(fleet, ref), error),
    pushTemplateVersion(name, init = {}) {
      const template = fleet.templateByName(name);
      if (!template) throw new UnknownTaskError(`unknown template "${name}"`);
      const version = fleet.pushTemplateVersion(template, init, clock.now());
      return { id: version.id, name: version.name, templateId: template.id };
    },
    cancelBuild: (ref) => fleet.cancelBuild(findTaskRef(fleet, ref)),
    setConnection,
    disconnectAgent: (ref, reason) => setConnection(ref, false, reason),
    reconnectAgent: (ref) => setConnection(ref, true),
  };
}
