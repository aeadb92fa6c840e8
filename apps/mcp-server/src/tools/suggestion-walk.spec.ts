/**
 * Suggestions are proven: for every agent status and attention reason the simulator produces, in both
 * Tasks eras (2.27: experimental routes, no pause/resume endpoints; the current one), every next step an
 * answer suggests (get_agent_details next_actions, the attention next_tools of get_agent_details and
 * get_fleet_status) is called with the arguments it implies, on an agent in that very situation. A followed
 * suggestion may not fail for a reason the server could have known from what it had just read (the
 * agent's state: busy, paused, not paused, error, a kind that cannot do it, a template that cannot run AI).
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleetFixture, type FleetFixture } from '../testing/client-fixture.js';
import { textOf } from '../testing/in-process.js';

/** Failure codes that mean "the server could have known": the suggestion itself was wrong. */
const KNOWABLE = new Set([
  'conflict',
  'agent_busy',
  'agent_paused',
  'agent_starting',
  'agent_offline',
  'agent_error',
  'agent_not_paused',
  'invalid_state',
  'not_supported',
  'template_not_ai',
  'invalid_argument',
  'unknown_tool',
]);

interface Row {
  id: string;
  status: string;
  template?: string;
  attention?: string;
}
interface Details {
  agent: { needs_attention?: { reason: string; next_tools: string[] }; template: { name: string } };
  next_actions: { tool: string }[];
}

/** The arguments a suggestion of `tool` for agent `a` implies. */
function impliedArguments(tool: string, a: Row): Record<string, unknown> {
  switch (tool) {
    case 'send_agent_input':
      return { agent: a.id, input: 'Please continue with the next step.' };
    case 'update_agent_task':
      return { agent: a.id, input: 'Narrow the task to the failing test only.' };
    case 'delete_agent':
      return { agent: a.id, confirm: true };
    case 'create_agent_task':
      return { input: 'Retry the task of the failed agent.', ...(a.template ? { template: a.template } : {}) };
    case 'list_agents':
    case 'get_fleet_status':
    case 'get_fleet_events':
      return {};
    default:
      return { agent: a.id };
  }
}

const READS = new Set(['get_agent_details', 'get_agent_logs', 'list_agents', 'get_fleet_status', 'get_fleet_events', 'list_templates']);
const codeOf = (r: CallToolResult) => (r.isError ? textOf(r).split(':')[0] : undefined);

for (const era of [
  { label: 'Coder 2.27 (experimental Tasks routes)', coderVersion: '2.27' as const },
  { label: 'current Coder Tasks', coderVersion: undefined },
]) {
  describe(`suggestion walk, ${era.label}`, () => {
    let fx: FleetFixture;
    beforeAll(async () => {
      fx = await startFleetFixture({ sim: { agents: 120, scenario: 'mixed', ...(era.coderVersion ? { coderVersion: era.coderVersion } : {}) } });
    });
    afterAll(async () => fx.close());

    it('every suggested next tool works when followed, for every status and attention reason', async () => {
      const rows = (await fx.call('list_agents', { limit: 200, fields: ['status', 'template', 'attention'] })).structuredContent as { agents: Row[] };
      // One situation = status + attention reason; a pool of agents per situation, so each followed
      // suggestion meets an agent still in it (a mutation moves its agent on).
      const pools = new Map<string, Row[]>();
      for (const a of rows.agents) {
        const key = `${a.status}/${a.attention ?? '-'}`;
        pools.set(key, [...(pools.get(key) ?? []), a]);
      }
      const statuses = new Set(rows.agents.map((a) => a.status));
      expect(statuses.size, [...statuses].join(', ')).toBeGreaterThanOrEqual(7);

      const fleet = (await fx.call('get_fleet_status', { max_attention: 200 })).structuredContent as { attention: { agent_id: string; next_tools: string[] }[] };
      const fleetSuggests = new Map(fleet.attention.map((a) => [a.agent_id, a.next_tools]));

      const failures: string[] = [];
      let followed = 0;
      for (const [situation, pool] of pools) {
        const first = pool[0] as Row;
        const details = (await fx.call('get_agent_details', { agent: first.id, log_tail: 0 })).structuredContent as unknown as Details;
        const suggested = [...new Set([...details.next_actions.map((n) => n.tool), ...(details.agent.needs_attention?.next_tools ?? []), ...(fleetSuggests.get(first.id) ?? [])])];
        // Reads first (they change nothing), then writes, each on the next unused agent of the situation.
        const ordered = [...suggested.filter((t) => READS.has(t)), ...suggested.filter((t) => !READS.has(t) && t !== 'delete_agent'), ...suggested.filter((t) => t === 'delete_agent')];
        let next = 0;
        for (const tool of ordered) {
          const agent = READS.has(tool) ? first : (pool[Math.min(next++, pool.length - 1)] as Row);
          const r = (await fx.call(tool, impliedArguments(tool, { ...agent, template: agent.template ?? details.agent.template.name }))) as CallToolResult;
          followed++;
          const code = codeOf(r);
          if (code && KNOWABLE.has(code)) failures.push(`${situation}: ${tool} → ${textOf(r).slice(0, 300)}`);
        }
      }
      expect(followed).toBeGreaterThan(10);
      expect(failures).toEqual([]);
    });

    it('says why an agent failed: the build error in get_agent_details, and where to find it in the attention list', async () => {
      const rows = (await fx.call('list_agents', { status: 'error', limit: 5, fields: ['status'] })).structuredContent as { agents: Row[] };
      expect(rows.agents.length).toBeGreaterThan(0);
      const failed = rows.agents[0] as Row;
      const details = await fx.call('get_agent_details', { agent: failed.id });
      const build = (details.structuredContent as { workspace?: { build?: { job_error?: string } } }).workspace?.build;
      if (build?.job_error) expect(textOf(details)).toContain(`Build error: "${build.job_error.slice(0, 40)}`);
      const status = textOf(await fx.call('get_fleet_status', { max_attention: 200 }));
      expect(status).toMatch(/Agent failed: .*get_agent_details shows the cause \(the workspace build error\)/);
      expect(status).not.toMatch(/\.\./);
    });
  });
}
