/**
 * Process-wide state shared by every MCP session that uses the same Coder client: the tasks-list cache,
 * the template catalog, agent resolution and the mutation journal (FR-015). Sessions get their own
 * McpServer (createServer) but share one runtime; per-client Coder tokens (HTTP) get one runtime each,
 * and then the HTTP server passes ONE process-wide mutation journal into all of them, so FR-015 conflict
 * notices work across callers with different Coder tokens.
 */
import { createAgentsBackend } from '../backends/agents-backend.js';
import { createFleetBackend, deliveryPortFor, type FleetBackend } from '../backends/fleet-backend.js';
import { createWorkspacesBackend } from '../backends/workspaces-backend.js';
import type { Clock } from '../clock.js';
import type { ChatSocketTuning, CoderClient } from '../coder.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { createFleetWatcherFromConfig, realScheduler, type FleetWatcher, type Scheduler } from '../watch/index.js';
import { createBuildErrors, type BuildErrors } from './build-errors.js';
import { createDurableJournal, type DurableJournal } from '../watch/durable-events.js';
import { createAgentResolver, type AgentResolver } from './agent-resolver.js';
import { createBackground, type Background } from './background.js';
import { createLeadership, type Leadership } from './leadership.js';
import { createStoreMutationJournal, type MutationJournal } from './mutation-journal.js';
import { memoryStoreHandle, type StoreHandle } from './store-handle.js';
import { attentionThresholds, fleetStatusOptions } from './fleet-options.js';
import { createRetentionJob, retentionDaysOf } from './retention.js';
import { createSampler, type Sampler } from './sampler.js';
import { createQueueDispatcher, taskDeliveryPort, type QueueDispatcher } from './queue-dispatcher.js';
import { toAgent } from '@org/fleet-domain';
import { createStoreTaskQueue, type StoreTaskQueue } from './store-task-queue.js';
import { createTaskListSource, type TaskListSource } from './task-list.js';
import { createTemplateCatalog, type TemplateCatalog } from './template-catalog.js';

export interface FleetRuntime {
  /** What tools call: the union of Coder Tasks and Coder Agents (chats) this deployment offers. */
  backend: FleetBackend;
  tasks: TaskListSource;
  agents: AgentResolver;
  templates: TemplateCatalog;
  mutations: MutationJournal;
  /** The fleet watcher + event journal (runs only while a session is interested; see watch/). */
  watch: FleetWatcher;
  /** The durable store (journal, samples, queue, leases); opens on first use, degrades instead of failing. */
  store: StoreHandle;
  /** The background lease among processes sharing the store (not started here: `start()` is idempotent). */
  leadership: Leadership;
  /** Jobs that run only in the lease holder (watcher journal writes, sampler, queue dispatcher). */
  background: Background;
  /** The trend sampler of this process (a background job; see runtime/sampler.ts). */
  sampler: Sampler;
  /** Queued input of task agents, held in `store` (chats use Coder's own queue, never this one). */
  taskQueue: StoreTaskQueue;
  /** Why failed task agents failed (their latest build's error), read on demand for the attention list. */
  buildErrors: BuildErrors;
  /** Delivers queued task input once the agent is idle (a background job; see runtime/queue-dispatcher.ts). */
  dispatcher: QueueDispatcher;
  /** The durable fleet journal (the store's events): reads, commit waits, the feed from other processes. */
  journal: DurableJournal;
}

export function createFleetRuntime(deps: {
  coder: CoderClient;
  clock: Clock;
  config: Config;
  log?: Logger;
  scheduler?: Scheduler;
  /** The process-wide FR-015 journal when several runtimes serve one process (created for this runtime when absent). */
  mutations?: MutationJournal;
  /** Queued input for task agents (chats use Coder's own queue); absent: one held in `store`. */
  taskQueue?: StoreTaskQueue;
  /** Back-off and heartbeat of the chat watch socket (tests shorten them). */
  chatSocketTuning?: ChatSocketTuning;
  /** The process's store (shared by per-token runtimes); an in-memory one when absent. */
  store?: StoreHandle;
  /** The process's background lease (shared by per-token runtimes); one on `store` when absent. */
  leadership?: Leadership;
  /** The process's background jobs (shared by per-token runtimes); one on `leadership` when absent. */
  background?: Background;
  /** The process's trend sampler (shared by per-token runtimes); one registered on `background` when absent. */
  sampler?: Sampler;
  /** The process's queue dispatcher (shared by per-token runtimes: it delivers with the first runtime's Coder client). */
  dispatcher?: QueueDispatcher;
  /**
   * false: this runtime's watcher neither polls under the lease nor commits to the store (HTTP per-token
   * runtimes: each sees only its caller's fleet; the shared runtime keeps the journal). Default true.
   */
  durableWatcher?: boolean;
}): FleetRuntime {
  const { coder, clock, config } = deps;
  const store = deps.store ?? memoryStoreHandle(clock, deps.log);
  const scheduler = deps.scheduler ?? realScheduler;
  const leadership = deps.leadership ?? createLeadership({ store, scheduler, ...(deps.log ? { log: deps.log } : {}) });
  const tasks = createTaskListSource({
    coder,
    clock,
    ttlMs: config.cacheTtlMs,
    loadTimeoutMs: config.requestTimeoutMs,
    owners: config.owners,
    thresholds: attentionThresholds(config),
  });
  const agents = createAgentResolver(tasks);
  const chats = createAgentsBackend({
    coder,
    clock,
    thresholds: attentionThresholds(config),
    chatsEra: async (signal) => {
      const caps = await coder.detectCapabilities({ signal });
      return caps.ok && caps.value.chats === 'experimental' ? 'experimental' : 'v2';
    },
    ttlMs: config.cacheTtlMs,
    loadTimeoutMs: config.requestTimeoutMs,
    ...(deps.chatSocketTuning ? { socketTuning: deps.chatSocketTuning } : {}),
  });
  const taskQueue = deps.taskQueue ?? createStoreTaskQueue({ store });
  const templates = createTemplateCatalog({
    coder,
    clock,
    ttlMs: config.templateCacheTtlMs,
    loadTimeoutMs: config.requestTimeoutMs,
    ...(config.declaredCapabilities ? { declared: config.declaredCapabilities } : {}),
  });
  const workspaces = createWorkspacesBackend({
    coder,
    clock,
    templates,
    thresholds: attentionThresholds(config),
    appSlug: config.agentAppSlug,
    ttlMs: config.cacheTtlMs,
    loadTimeoutMs: config.requestTimeoutMs,
    owners: config.owners,
  });
  const backend = createFleetBackend({ coder, tasks, taskResolver: agents, chats, workspaces, workspacesOnly: config.backend === 'workspaces', taskQueue });
  const background = deps.background ?? createBackground({ leadership, ...(deps.log ? { log: deps.log } : {}) });
  const durable = deps.durableWatcher !== false;
  const journal = createDurableJournal({ store, background, watch: () => watch, clock, scheduler, durable, ...(deps.log ? { log: deps.log.child({ component: 'journal' }) } : {}) });
  const watch = createFleetWatcherFromConfig({
    tasks: backend,
    push: backend,
    clock,
    config,
    coder,
    scheduler,
    ...(deps.log ? { log: deps.log } : {}),
    ...(durable ? { durable: journal.watcher } : {}),
  });
  // Only the lease holder polls Coder; the others serve fleet events from the store (their feed).
  if (durable) background.register({ name: 'fleet-watcher', start: () => watch.pollingChanged(), stop: () => watch.pollingChanged() });
  // #18: a store that goes down (or comes back) is a fleet event and a warning notification, like Coder's.
  store.onStatus((status) => {
    if (status.state === 'degraded') watch.reportStoreHealth({ ok: false, kind: status.error?.kind ?? 'failed' });
    else if (status.state === 'ok') watch.reportStoreHealth({ ok: true });
    // A store that is down proves no lease: every process polls (and buffers) until it is back.
    if (durable) watch.pollingChanged();
  });
  let sampler = deps.sampler;
  if (!sampler) {
    sampler = createSampler({ fleet: backend, store, clock, scheduler, intervalMs: config.sampleInterval * 1000, statusOptions: fleetStatusOptions(config), ...(deps.log ? { log: deps.log } : {}) });
    if (config.sampleInterval > 0) background.register(sampler);
  }
  // The runtime that owns the process's background also owns its store retention (per-token runtimes share both).
  if (!deps.background) background.register(createRetentionJob({ store, scheduler, retentionDays: retentionDaysOf(config), ...(deps.log ? { log: deps.log } : {}) }));
  let dispatcher = deps.dispatcher;
  if (!dispatcher) {
    const thresholds = attentionThresholds(config);
    dispatcher = createQueueDispatcher({
      store,
      coder,
      port: deliveryPortFor(backend, taskDeliveryPort(coder, (task) => toAgent(task, clock.now(), thresholds)), workspaces.deliveryPort),
      workspaceCreates: workspaces.heldCreates,
      fleet: backend,
      clock,
      scheduler,
      holder: () => leadership.holder,
      thresholds: attentionThresholds(config),
      alert: (event) => watch.report([event]),
      ...(config.capacity !== undefined ? { capacity: config.capacity } : {}),
      ...(deps.log ? { log: deps.log } : {}),
    });
    background.register(dispatcher);
  }
  return {
    backend,
    tasks,
    agents,
    templates,
    mutations: deps.mutations ?? createStoreMutationJournal({ store, clock, windowMs: config.conflictWindowMs }),
    watch,
    store,
    leadership,
    background,
    sampler,
    taskQueue,
    buildErrors: createBuildErrors(coder),
    dispatcher,
    journal,
  };
}

/** Shutdown: stops background jobs and releases the lease (another process takes over at once), stops the
 * watcher and flushes the journal. The store itself is closed by its owner afterwards. */
export async function stopRuntime(runtime: FleetRuntime): Promise<void> {
  await runtime.background.stop();
  runtime.watch.shutdown();
  await runtime.journal.close();
}
