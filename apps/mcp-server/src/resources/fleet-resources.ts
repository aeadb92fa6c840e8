/**
 * Fleet resources: `fleet://status` (the get_fleet_status view + watcher health), `fleet://agents/{id}` (one
 * agent: the `agent` block of get_agent_details; the list is bounded, attention first) and `fleet://events`
 * (the most recent events as get_fleet_events shows them, and the cursor). All JSON, in the same snake_case
 * views (views/) as the tools: one contract. Subscriptions and `notifications/resources/updated` are wired per session in
 * watch/session-delivery.ts. Failures are protocol errors: unknown URI or agent → InvalidParams,
 * Coder unreachable → InternalError with Coder's message.
 */
import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, McpError, type ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import { byAttention, computeFleetStatus, pageFleetEvents, resolveAgentRef, type Agent } from '@org/fleet-domain';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { fromDomainError } from '../failures.js';
import type { FleetRuntime } from '../runtime/fleet-runtime.js';
import { fleetStatusOptions } from '../runtime/fleet-options.js';
import { AGENT_VIEW_UNTRUSTED_FIELDS, toAgentView } from '../views/agent-details.js';
import { FLEET_EVENT_UNTRUSTED_FIELDS, toFleetEventView } from '../views/fleet-event.js';
import { toDeploymentView } from '../views/deployment.js';
import { toFleetStatusView } from '../views/fleet-status.js';
import { buildErrorsOfAttention } from '../runtime/build-errors.js';
import type { ViewContext } from '../views/parts.js';
import { CONTENT_TRUST } from '../views/untrusted.js';
import { durableCursor } from '../watch/durable-events.js';
import { toWatcherHealthView } from '../views/watcher-health.js';
import { AGENT_URI_PREFIX, FLEET_EVENTS_URI, FLEET_STATUS_URI } from '../watch/session-delivery.js';

export const MAX_LISTED_AGENTS = 100;
export const RECENT_EVENTS_IN_RESOURCE = 100;
export const MAX_OUTLIERS_IN_STATUS = 10;

export interface ResourceDeps {
  runtime: FleetRuntime;
  config: Config;
  clock: Clock;
  /** Tools registered in this session (views name only those). */
  offers(tool: string): boolean;
}

const viewContext = (deps: ResourceDeps): ViewContext => ({ now: deps.clock.now(), offers: deps.offers });

// U+2028/U+2029 are valid inside JSON strings but break lines in some renderers: escape them (D2).
const json = (uri: string, value: unknown): ReadResourceResult => ({
  contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(value, null, 2).replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`) }],
});

async function loadAgents(deps: ResourceDeps): Promise<readonly Agent[]> {
  const r = await deps.runtime.backend.list();
  if (!r.ok) throw new McpError(ErrorCode.InternalError, `${r.error.kind}: could not read the fleet from Coder: ${r.error.message}`);
  return r.value.agents;
}

/** The agent `ref` (task id, name or owner/name) names, resolved by fleet-domain like every tool; else a protocol error. */
function findAgent(agents: readonly Agent[], ref: string, uri: string): Agent {
  const found = resolveAgentRef(agents, ref, (a) => a);
  if (found.ok) return found.value;
  const f = fromDomainError(found.error);
  throw new McpError(ErrorCode.InvalidParams, `${f.message} (${uri}) ${f.hint}`);
}

export function registerFleetResources(server: McpServer, deps: ResourceDeps): void {
  server.registerResource(
    'fleet-status',
    FLEET_STATUS_URI,
    {
      title: 'Fleet status',
      description: 'Counts per status, utilization, capacity, health, agents needing attention, and the fleet watcher health (JSON). Subscribe to be told when it changes.',
      mimeType: 'application/json',
    },
    async (uri) => {
      const agents = await loadAgents(deps);
      const ctx = viewContext(deps);
      // Bounded like get_fleet_status: the 20 most urgent agents and the 10 most unusual outliers (totals kept).
      const status = computeFleetStatus(agents, ctx.now, {
        ...fleetStatusOptions(deps.config),
        maxAttention: 20,
        outliers: { maxOutliers: MAX_OUTLIERS_IN_STATUS },
      });
      // Failed agents carry their cause, as in get_fleet_status (bounded, cached lookups).
      const buildErrors = await buildErrorsOfAttention(deps.runtime.buildErrors, status.attention, agents);
      return json(uri.href, { ...toFleetStatusView(status, { socket: deps.runtime.watch.health().socket, ...(buildErrors ? { buildErrors } : {}) }, ctx), deployment: toDeploymentView(deps.config), watcher: toWatcherHealthView(deps.runtime.watch.health()), content_trust: CONTENT_TRUST });
    },
  );

  server.registerResource(
    'fleet-agent',
    new ResourceTemplate(`${AGENT_URI_PREFIX}{id}`, {
      list: async () => {
        const agents = await loadAgents(deps);
        const listed = [...agents].sort(byAttention).slice(0, MAX_LISTED_AGENTS);
        return {
          resources: listed.map((a) => ({
            uri: `${AGENT_URI_PREFIX}${encodeURIComponent(a.id)}`,
            name: `${a.owner}/${a.name}`,
            description: `${a.status}${a.needsAttention ? `, needs attention (${a.needsAttention.reason})` : ''}`,
            mimeType: 'application/json',
          })),
        };
      },
      complete: {
        id: async (value) => {
          const agents = await loadAgents(deps).catch(() => []);
          const v = value.toLowerCase();
          return agents
            .filter((a) => a.name.toLowerCase().startsWith(v) || a.id.startsWith(value))
            .slice(0, 50)
            .map((a) => a.name);
        },
      },
    }),
    {
      title: 'Fleet agent',
      description: `One agent by task id, name or owner/name (JSON); the list shows at most ${MAX_LISTED_AGENTS} agents, those needing attention first. Subscribe to be told when it changes.`,
      mimeType: 'application/json',
    },
    async (uri, variables) => {
      const raw = variables['id'];
      const ref = decodeURIComponent(Array.isArray(raw) ? (raw[0] ?? '') : (raw ?? ''));
      const agent = findAgent(await loadAgents(deps), ref, uri.href);
      return json(uri.href, {
        agent: toAgentView(agent, viewContext(deps)),
        content_trust: CONTENT_TRUST,
        untrusted_fields: AGENT_VIEW_UNTRUSTED_FIELDS.map((f) => `agent.${f}`),
      });
    },
  );

  server.registerResource(
    'fleet-events',
    FLEET_EVENTS_URI,
    {
      title: 'Fleet events',
      description: `The ${RECENT_EVENTS_IN_RESOURCE} most recent fleet events (alerts and changes; each agent's state reports folded into its newest) with the current cursor for get_fleet_events (JSON). Subscribe to be told when new events arrive.`,
      mimeType: 'application/json',
    },
    async (uri) => {
      const { watch, journal } = deps.runtime;
      // From the durable journal (on every replica, with durable cursors); this process's memory while the store is down.
      const stored = journal.durable ? await journal.read({ newest: true, limit: RECENT_EVENTS_IN_RESOURCE }) : undefined;
      const recent = stored?.ok ? stored.value.entries : watch.journal.recent(RECENT_EVENTS_IN_RESOURCE);
      // As get_fleet_events pages them: each agent's repeated state reports folded into its newest (details.collapsed).
      const page = pageFleetEvents(recent, { limit: RECENT_EVENTS_IN_RESOURCE });
      return json(uri.href, {
        cursor: stored?.ok ? durableCursor(stored.value.page.headSeq) : watch.journal.currentCursor(),
        events: page.events.map((e) => toFleetEventView(e.entry, watch.journal, e.collapsed)),
        watcher: toWatcherHealthView(watch.health()),
        content_trust: CONTENT_TRUST,
        untrusted_fields: FLEET_EVENT_UNTRUSTED_FIELDS.map((f) => `events[].${f}`),
      });
    },
  );
}
