/**
 * Process-wide state shared by every MCP session that uses the same Coder client: the tasks-list cache,
 * the template catalog, agent resolution and the mutation journal (FR-015). Sessions get their own
 * McpServer (createServer) but share one runtime; per-client Coder tokens (HTTP) get one runtime each,
 * and then the HTTP server passes ONE process-wide mutation journal into all of them, so FR-015 conflict
 * notices work across callers with different Coder tokens.
 */
import { createAgentsBackend } from '../backends/agents-backend.js';
import type { AgentQueue } from '../backends/agent-queue.js';
import { createFleetBackend, type FleetBackend } from '../backends/fleet-backend.js';
import type { Clock } from '../clock.js';
import type { ChatSocketTuning, CoderClient } from '../coder.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { createFleetWatcherFromConfig, type FleetWatcher, type Scheduler } from '../watch/index.js';
import { createAgentResolver, type AgentResolver } from './agent-resolver.js';
import { createMutationJournal, type MutationJournal } from './mutation-journal.js';
import { attentionThresholds } from './fleet-options.js';
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
}

export function createFleetRuntime(deps: {
  coder: CoderClient;
  clock: Clock;
  config: Config;
  log?: Logger;
  scheduler?: Scheduler;
  /** The process-wide FR-015 journal when several runtimes serve one process (created for this runtime when absent). */
  mutations?: MutationJournal;
  /** Queued input for task agents held by the fleet store (chats use Coder's own queue); absent: none. */
  taskQueue?: AgentQueue;
  /** Back-off and heartbeat of the chat watch socket (tests shorten them). */
  chatSocketTuning?: ChatSocketTuning;
}): FleetRuntime {
  const { coder, clock, config } = deps;
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
  const backend = createFleetBackend({ coder, tasks, taskResolver: agents, chats, ...(deps.taskQueue ? { taskQueue: deps.taskQueue } : {}) });
  return {
    backend,
    tasks,
    agents,
    templates: createTemplateCatalog({
      coder,
      clock,
      ttlMs: config.templateCacheTtlMs,
      loadTimeoutMs: config.requestTimeoutMs,
      ...(config.declaredCapabilities ? { declared: config.declaredCapabilities } : {}),
    }),
    mutations: deps.mutations ?? createMutationJournal({ clock, windowMs: config.conflictWindowMs }),
    watch: createFleetWatcherFromConfig({ tasks: backend, push: backend, clock, config, coder, ...(deps.log ? { log: deps.log } : {}), ...(deps.scheduler ? { scheduler: deps.scheduler } : {}) }),
  };
}
