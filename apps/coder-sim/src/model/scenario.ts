import { chance, createRng, deriveSeed, int, pick, weighted, type Rng } from '../util/prng.js';
import { TEMPLATE_SPECS } from './catalog.js';
import { COMPLETE_MESSAGES, FAILURE_MESSAGES, IDLE_MESSAGES, PROMPTS, WORKING_MESSAGES, pullRequestUri } from './content.js';
import type { Fleet } from './fleet.js';
import type { Persona, Phase, SimTask, SimWorkspace } from './types.js';

export type ScenarioName = 'steady' | 'busy' | 'failing' | 'mixed';
export const SCENARIOS: readonly ScenarioName[] = ['steady', 'busy', 'failing', 'mixed'];

export const SCENARIO_MEMBERS = ['alice', 'bob', 'carol', 'dave', 'erin'] as const;

type SeedPhase = Extract<Phase, 'queued' | 'provisioning' | 'agent_starting' | 'working' | 'idle' | 'complete' | 'failure' | 'stopped' | 'build_failed'>;

interface Mix {
  phases: Record<SeedPhase, number>;
  personas: Record<Persona, number>;
  disconnected: number;
}

const MIXES: Record<ScenarioName, Mix> = {
  steady: {
    phases: { queued: 1, provisioning: 2, agent_starting: 2, working: 40, idle: 25, complete: 18, failure: 4, stopped: 6, build_failed: 2 },
    personas: { normal: 95, stuck: 1, awaiting: 2, flaky: 1, buildfail: 0, unstable: 1 },
    disconnected: 0.01,
  },
  busy: {
    phases: { queued: 4, provisioning: 5, agent_starting: 4, working: 70, idle: 8, complete: 5, failure: 2, stopped: 1, build_failed: 1 },
    personas: { normal: 90, stuck: 4, awaiting: 2, flaky: 2, buildfail: 0, unstable: 2 },
    disconnected: 0.02,
  },
  failing: {
    phases: { queued: 2, provisioning: 3, agent_starting: 2, working: 25, idle: 10, complete: 5, failure: 20, stopped: 3, build_failed: 30 },
    personas: { normal: 45, stuck: 5, awaiting: 10, flaky: 15, buildfail: 15, unstable: 10 },
    disconnected: 0.1,
  },
  mixed: {
    phases: { queued: 2, provisioning: 3, agent_starting: 3, working: 40, idle: 18, complete: 14, failure: 8, stopped: 7, build_failed: 5 },
    personas: { normal: 75, stuck: 6, awaiting: 7, flaky: 5, buildfail: 3, unstable: 4 },
    disconnected: 0.04,
  },
};

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export interface ScenarioOptions {
  agents: number;
  scenario: ScenarioName;
  seed: number;
  /** Members to create (default 4, the scenario names alice..dave). */
  members?: number;
  /** New tasks per simulated hour (default: 20 for `busy`, else 0). */
  arrivalsPerHour?: number;
}

const DEFAULT_ARRIVALS: Record<ScenarioName, number> = { steady: 0, busy: 20, failing: 0, mixed: 0 };

/** Populate a fleet with `agents` tasks in realistic, seeded variety (plus a few outliers and plain workspaces). */
export function populateScenario(fleet: Fleet, options: ScenarioOptions): void {
  const rng = createRng(deriveSeed(options.seed, 0xfee7));
  const memberCount = Math.max(0, Math.min(options.members ?? 4, SCENARIO_MEMBERS.length));
  for (const name of SCENARIO_MEMBERS.slice(0, memberCount)) {
    if (!fleet.users.some((u) => u.username === name)) fleet.addUser({ username: name, role: 'member' });
  }
  const owners = fleet.users;
  const aiTemplates = TEMPLATE_SPECS.filter((t) => t.hasAiTask);
  const templateWeights = Object.fromEntries(aiTemplates.map((t) => [t.name, t.weight])) as Record<string, number>;
  const mix = MIXES[options.scenario];
  const now = fleet.clock.now();
  let bigAssigned = false;

  for (let i = 0; i < options.agents; i++) {
    const owner = pick(rng, owners);
    const template = fleet.templateByName(weighted(rng, templateWeights));
    if (!template) throw new Error('template missing');
    // Members cannot use templates of orgs they are not in: fall back to a default-org template.
    const usable = owner.organizationIds.includes(template.organizationId) ? template : fleet.templateByName('python-dev');
    if (!usable) throw new Error('python-dev missing');
    // A few workspaces stay on an older template version (outdated).
    const versionId = usable.versionIds.length > 1 && chance(rng, 0.2) ? (usable.versionIds[0] ?? usable.activeVersionId) : usable.activeVersionId;
    const version = fleet.versions.get(versionId);
    const preset = version && version.presets.length > 0 ? pick(rng, version.presets) : undefined;
    const persona = outlierPersona(i, options.agents) ?? weighted(rng, mix.personas);
    const phase = seedPhase(rng, persona, mix);
    // At least one agent (the first with logs) carries an ~80 KB terminal screen, like the recording.
    const hasLogs = phase === 'working' || phase === 'idle' || phase === 'complete' || phase === 'failure' || phase === 'stopped';
    const big: boolean = hasLogs && (!bigAssigned || chance(rng, 0.01));
    bigAssigned ||= big;
    seedTask(fleet, {
      rng: createRng(deriveSeed(options.seed, i + 1)),
      ownerId: owner.id,
      versionId,
      presetId: preset?.id ?? null,
      persona,
      phase,
      now,
      disconnected: persona === 'unstable' ? chance(rng, 0.5) : chance(rng, mix.disconnected),
      big,
    });
  }

  fleet.sortTasksByCreation();

  const arrivalRng = createRng(deriveSeed(options.seed, 0xa77));
  fleet.setArrivals(options.arrivalsPerHour ?? DEFAULT_ARRIVALS[options.scenario], arrivalRng, (at) => {
    const owner = pick(arrivalRng, fleet.users);
    const spec = pick(arrivalRng, aiTemplates.filter((t) => t.organization === 'default' || owner.role === 'admin'));
    const template = fleet.templateByName(spec.name);
    if (!template) return;
    const version = fleet.versions.get(template.activeVersionId);
    const preset = version && version.presets.length > 0 ? pick(arrivalRng, version.presets) : undefined;
    fleet.createTask(
      { ownerId: owner.id, templateVersionId: template.activeVersionId, presetId: preset?.id ?? null, input: pick(arrivalRng, PROMPTS), persona: weighted(arrivalRng, mix.personas) },
      at,
    );
  });

  // Two plain workspaces without tasks (a template without an AI task).
  const docs = fleet.templateByName('docs-site');
  const admin = fleet.users[0];
  if (docs && admin && options.agents > 0) {
    fleet.createPlainWorkspace(admin.id, docs.activeVersionId, 'docs-preview', now - 3 * HOUR);
    const member = fleet.users[1];
    if (member) fleet.createPlainWorkspace(member.id, docs.activeVersionId, 'docs-review', now - 26 * HOUR);
  }
}

/** The first agents of every fleet are guaranteed outliers so small fleets show them too. */
function outlierPersona(index: number, total: number): Persona | undefined {
  if (total < 8) return undefined;
  return (['stuck', 'awaiting', 'flaky', 'buildfail'] as const)[index - 1];
}

function seedPhase(rng: Rng, persona: Persona, mix: Mix): SeedPhase {
  switch (persona) {
    case 'stuck':
      return 'working';
    case 'awaiting':
      return chance(rng, 0.5) ? 'idle' : 'failure';
    case 'flaky':
      return 'failure';
    case 'buildfail':
      return 'build_failed';
    default:
      return weighted(rng, mix.phases);
  }
}

interface SeedSpec {
  rng: Rng;
  ownerId: string;
  versionId: string;
  presetId: string | null;
  persona: Persona;
  phase: SeedPhase;
  now: number;
  disconnected: boolean;
  big: boolean;
}

/** Build one task with a plausible history ending in `phase` at `now`, then hand it to the engine. */
function seedTask(fleet: Fleet, spec: SeedSpec): SimTask {
  const { rng, now, persona, phase } = spec;
  // How long ago it was created, and how long it has been in its current state.
  const inState =
    persona === 'stuck' ? int(rng, 3, 9) * HOUR
    : persona === 'awaiting' ? int(rng, 2, 7) * HOUR
    : phase === 'queued' || phase === 'provisioning' || phase === 'agent_starting' ? int(rng, 1, 8) * 1000
    : phase === 'working' ? int(rng, 10, 300) * 1000
    : int(rng, 2, 240) * MINUTE;
  const initializing = phase === 'queued' || phase === 'provisioning' || phase === 'agent_starting';
  const age = initializing ? inState : inState + int(rng, 2, 60) * MINUTE;
  const createdAt = now - age;
  const prompt = pick(rng, PROMPTS);
  const task = fleet.createTask(
    { ownerId: spec.ownerId, templateVersionId: spec.versionId, presetId: spec.presetId, input: prompt, persona, turns: int(rng, 1, 4) },
    createdAt,
  );
  task.rng = rng;
  const ws = fleet.workspaceOf(task);
  const build = ws.builds[0];
  if (!build) throw new Error('seed task without build');
  ws.lastUsedAt = now - inState;

  const stateSince = now - inState;
  if (phase === 'queued') {
    task.nextAt = now + int(rng, 500, 3000);
    finish(fleet, task);
    return task;
  }
  build.jobStatus = 'running';
  build.startedAt = createdAt + 1000;
  if (phase === 'provisioning') {
    task.phase = 'provisioning';
    task.nextAt = now + int(rng, 2000, 15_000);
    finish(fleet, task);
    return task;
  }
  build.completedAt = createdAt + int(rng, 12_000, 30_000);
  build.updatedAt = build.completedAt;
  if (phase === 'build_failed') {
    build.jobStatus = 'failed';
    build.jobError = 'terraform apply: exit status 1: failed to pull image "registry.example.com/dev:latest"';
    task.phase = 'build_failed';
    task.nextAt = persona === 'buildfail' ? now + int(rng, 1, 10) * MINUTE : Infinity;
    finish(fleet, task);
    return task;
  }
  build.jobStatus = 'succeeded';
  const connectedAt = build.completedAt + int(rng, 1000, 4000);
  ws.agent = {
    id: fleet.newId(),
    status: 'connected',
    lifecycle: phase === 'agent_starting' ? 'starting' : 'ready',
    healthy: true,
    healthReason: null,
    createdAt: build.completedAt,
    updatedAt: now - Math.min(inState, 30_000),
    firstConnectedAt: connectedAt,
    lastConnectedAt: now - int(rng, 1, 30) * 1000,
    disconnectedAt: null,
    startedAt: connectedAt,
    readyAt: phase === 'agent_starting' ? null : connectedAt + int(rng, 5000, 15_000),
  };
  if (phase === 'agent_starting') {
    task.phase = 'agent_starting';
    task.nextAt = now + int(rng, 1000, 10_000);
    finish(fleet, task);
    return task;
  }
  ws.appHealth = 'healthy';
  const activeAt = (ws.agent.readyAt ?? connectedAt) + 3000;
  seedLogs(fleet, task, ws, activeAt, stateSince, spec.big);

  switch (phase) {
    case 'working':
      status(ws, fleet, 'working', pick(rng, WORKING_MESSAGES), '', stateSince);
      task.phase = 'working';
      task.nextAt = persona === 'stuck' ? Infinity : now + int(rng, 20, 300) * 1000;
      break;
    case 'idle':
      status(ws, fleet, 'idle', pick(rng, IDLE_MESSAGES), chance(rng, 0.3) ? pullRequestUri(rng) : '', stateSince);
      task.phase = 'idle';
      task.nextAt = persona === 'awaiting' ? Infinity : now + int(rng, 2, 30) * MINUTE;
      break;
    case 'complete':
      status(ws, fleet, 'complete', pick(rng, COMPLETE_MESSAGES), pullRequestUri(rng), stateSince);
      task.phase = 'complete';
      task.nextAt = Infinity;
      break;
    case 'failure':
      status(ws, fleet, 'failure', pick(rng, FAILURE_MESSAGES), '', stateSince);
      task.phase = 'failure';
      task.nextAt = persona === 'awaiting' ? Infinity : now + int(rng, 2, 20) * MINUTE;
      break;
    case 'stopped': {
      status(ws, fleet, 'idle', pick(rng, IDLE_MESSAGES), '', stateSince - 60_000);
      const stop = fleet.startBuildAt(ws, 'stop', chance(rng, 0.5) ? 'task_manual_pause' : 'task_auto_pause', spec.ownerId, stateSince);
      stop.jobStatus = 'succeeded';
      stop.startedAt = stateSince + 500;
      stop.completedAt = stateSince + int(rng, 2000, 8000);
      stop.updatedAt = stop.completedAt;
      fleet.takeSnapshot(task, stateSince);
      ws.agent = null;
      task.phase = 'stopped';
      task.nextAt = Infinity;
      break;
    }
  }
  if (spec.disconnected && ws.agent && phase !== 'stopped') {
    Object.assign(ws.agent, { status: 'disconnected', healthy: false, healthReason: 'agent has lost connection', disconnectedAt: now - int(rng, 1, 20) * MINUTE });
  }
  if (persona === 'unstable') task.healthAt = now + int(rng, 1, 20) * MINUTE;
  ws.updatedAt = Math.max(ws.updatedAt, stateSince);
  finish(fleet, task);
  return task;
}

function status(ws: SimWorkspace, fleet: Fleet, state: 'working' | 'idle' | 'complete' | 'failure', message: string, uri: string, at: number): void {
  fleet.pushAppStatus(ws, state, message, uri, at);
}

function seedLogs(fleet: Fleet, task: SimTask, ws: SimWorkspace, from: number, to: number, big: boolean): void {
  const rng = task.rng;
  fleet.appendLog(task, { type: 'input', at: from, content: task.prompt });
  fleet.appendLog(task, { type: 'output', at: from + 1500, gen: { kind: 'welcome', seed: int(rng, 1, 2 ** 30) } });
  const turns = int(rng, 1, 5);
  const span = Math.max(to - from, turns * 2000);
  for (let t = 0; t < turns; t++) {
    const at = from + Math.floor(((t + 1) / (turns + 1)) * span);
    if (t > 0 && chance(rng, 0.4)) fleet.appendLog(task, { type: 'input', at: at - 1000, content: 'Please continue, and run the tests.' });
    fleet.appendLog(task, { type: 'output', at, gen: { kind: big && t === 0 ? 'big' : 'turn', seed: int(rng, 1, 2 ** 30) } });
    fleet.pushAppStatus(ws, 'working', pick(rng, WORKING_MESSAGES), '', at - 500);
  }
}

function finish(fleet: Fleet, task: SimTask): void {
  fleet.resetObserved(task);
}
