/**
 * Suggestions are proven: for every agent status and attention reason the simulator produces, in every era
 * (2.27: experimental Tasks routes, no pause/resume endpoints; current Tasks; 2.36: tasks and chats side by
 * side; 2.37+: Coder Agents chats only; 2.40 workspace agents: plain workspaces running an AI app), every next step an answer suggests is called with the arguments it
 * implies, on an agent in that very situation:
 * - get_agent_details next_actions and attention next_tools, get_fleet_status attention next_tools, and the
 *   tools a list_agents row's suggestion names;
 * - then, one level on, what the followed answer suggests: a lifecycle answer's next_actions (after pause,
 *   resume, restart, send, …) and the tools named in a failure's next step (an isError answer's "Next:").
 * A followed suggestion may not fail for a reason the server could have known from what it had just read
 * (the agent's state: busy, paused, not paused, error, a kind that cannot do it, a template that cannot run AI).
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleetFixture, type FleetFixture } from '../testing/client-fixture.js';
import { textOf } from '../testing/in-process.js';
import { TOOL_NAME } from '../views/parts.js';

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
  suggestion?: string;
  kind?: string;
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
/** The tools a text names (a row's suggestion, a failure's next step). */
const toolsNamedIn = (text: string | undefined): string[] => [...new Set(text?.match(TOOL_NAME) ?? [])];
/** The next steps an answer gives: its next_actions, else (a failure) the tools its "Next:" line names. */
function nextStepsOf(r: CallToolResult): string[] {
  if (r.isError) return toolsNamedIn(textOf(r).split('\nNext: ')[1]);
  const next = (r.structuredContent as { next_actions?: { tool: string }[] } | undefined)?.next_actions ?? [];
  return next.map((n) => n.tool);
}
/** Reads first (they change nothing), then writes, delete last. */
const ordered = (tools: readonly string[]) => [...tools.filter((t) => READS.has(t)), ...tools.filter((t) => !READS.has(t) && t !== 'delete_agent'), ...tools.filter((t) => t === 'delete_agent')];

const ERAS = [
  { label: 'Coder 2.27 (experimental Tasks routes)', sim: { agents: 120, scenario: 'mixed', coderVersion: '2.27' }, minStatuses: 7 },
  { label: 'current Coder Tasks', sim: { agents: 120, scenario: 'mixed' }, minStatuses: 7 },
  { label: 'Coder 2.36 (Tasks and chats)', sim: { agents: 80, chats: 60, scenario: 'mixed', coderVersion: '2.36' }, minStatuses: 7 },
  { label: 'Coder 2.37 (Coder Agents chats only)', sim: { agents: 0, chats: 120, coderVersion: '2.37' }, minStatuses: 4 },
  { label: 'Coder 2.40 workspace agents (no Tasks, no Chats)', sim: { agents: 120, scenario: 'mixed', coderVersion: '2.40', mode: 'workspaces', chatsApi: false }, minStatuses: 6 },
] as const;

for (const era of ERAS) {
  describe(`suggestion walk, ${era.label}`, () => {
    let fx: FleetFixture;
    beforeAll(async () => {
      fx = await startFleetFixture({ sim: era.sim as never });
    });
    afterAll(async () => fx.close());

    // Before the walk (which deletes some failed agents). Eras with tasks only: a chat's cause is its own last error.
    if (era.sim.agents > 0)
      it('says why an agent failed: the build error in get_agent_details and in the attention list (quoted, untrusted)', async () => {
      const rows = (await fx.call('list_agents', { status: 'error', limit: 50, fields: ['status', 'kind', 'build_error'] })).structuredContent as { agents: (Row & { build_error?: string })[]; untrusted_fields: string[] };
      const failedTasks = rows.agents.filter((a) => a.kind !== 'chat');
      expect(failedTasks.length).toBeGreaterThan(0);
      const withBuildError = failedTasks.find((a) => a.build_error);
      expect(withBuildError, 'a failed build among the simulated failures').toBeDefined();
      const failed = withBuildError as Row & { build_error: string };
      expect(rows.untrusted_fields).toContain('build_error');
      const details = await fx.call('get_agent_details', { agent: failed.id });
      const build = (details.structuredContent as { workspace?: { build?: { job_error?: string } } }).workspace?.build;
      expect(build?.job_error).toBe(failed.build_error);
      expect(textOf(details)).toContain(`Build error: ${JSON.stringify(failed.build_error).slice(0, 40)}`);

      const status = await fx.call('get_fleet_status', { max_attention: 200 });
      const data = status.structuredContent as { attention: { agent_id: string; build_error?: string }[]; untrusted_fields: string[] };
      expect(data.attention.find((a) => a.agent_id === failed.id)?.build_error).toBe(failed.build_error);
      expect(data.untrusted_fields).toContain('attention[].build_error');
      // In text: the cause itself, JSON-escaped, next to the agent it belongs to.
      expect(textOf(status)).toContain(`build error: ${JSON.stringify(failed.build_error).slice(0, 40)}`);
      expect(textOf(status)).not.toMatch(/\.\./);
      const listed = textOf(await fx.call('list_agents', { needs_attention: true, status: 'error', limit: 50 }));
      expect(listed).toContain(`build_error=${JSON.stringify(failed.build_error).slice(0, 40)}`);
    });

    it('every suggested next tool works when followed, and so does what its answer suggests next, for every status and attention reason', async () => {
      const rows = (await fx.call('list_agents', { limit: 200, fields: ['status', 'template', 'attention', 'suggestion', 'kind'] })).structuredContent as { agents: Row[] };
      // One situation = kind + status + attention reason; a pool of agents per situation, so each followed
      // suggestion meets an agent still in it (a mutation moves its agent on).
      const pools = new Map<string, Row[]>();
      for (const a of rows.agents) {
        const key = `${a.kind ?? 'task'}/${a.status}/${a.attention ?? '-'}`;
        pools.set(key, [...(pools.get(key) ?? []), a]);
      }
      const statuses = new Set(rows.agents.map((a) => a.status));
      expect(statuses.size, [...statuses].join(', ')).toBeGreaterThanOrEqual(era.minStatuses);

      const fleet = (await fx.call('get_fleet_status', { max_attention: 200 })).structuredContent as { attention: { agent_id: string; next_tools: string[] }[] };
      const fleetSuggests = new Map(fleet.attention.map((a) => [a.agent_id, a.next_tools]));

      const statusOf = async (id: string) => ((await fx.call('get_agent_details', { agent: id, log_tail: 0 })).structuredContent as { agent?: { status: string } } | undefined)?.agent?.status;
      const failures: string[] = [];
      const seen = { first: 0, second: 0 };
      const follow = async (situation: string, trail: string, tool: string, agent: Row): Promise<CallToolResult> => {
        const r = (await fx.call(tool, impliedArguments(tool, agent))) as CallToolResult;
        const code = codeOf(r);
        if (code && KNOWABLE.has(code)) failures.push(`${situation}: ${trail}${tool} → ${textOf(r).slice(0, 300)}`);
        return r;
      };
      for (const [situation, pool] of pools) {
        const first = pool[0] as Row;
        const details = (await fx.call('get_agent_details', { agent: first.id, log_tail: 0 })).structuredContent as unknown as Details;
        const template = details.agent.template.name || undefined;
        const suggested = [
          ...new Set([...details.next_actions.map((n) => n.tool), ...(details.agent.needs_attention?.next_tools ?? []), ...(fleetSuggests.get(first.id) ?? []), ...toolsNamedIn(first.suggestion)]),
        ];
        // Writes each on the next unused agent of the situation; what their answers suggest, on that same agent.
        let next = 0;
        for (const tool of ordered(suggested)) {
          const base = READS.has(tool) ? first : (pool[Math.min(next++, pool.length - 1)] as Row);
          // Suggestions are alternatives: a write on an agent an earlier write already moved out of the situation is not this suggestion.
          if (!READS.has(tool) && next > pool.length && (await statusOf(base.id)) !== base.status) continue;
          const agent = { ...base, template: base.template ?? template };
          const r = await follow(situation, '', tool, agent);
          seen.first++;
          if (READS.has(tool) && !r.isError) continue;
          // What the answer suggests is about the agent it answered for (create_agent_task: the new one).
          const created = tool === 'create_agent_task' && !r.isError ? (r.structuredContent as { agent: { id: string; status: string } }).agent : undefined;
          const subject = created ? { ...agent, id: created.id, status: created.status } : agent;
          for (const then of ordered(nextStepsOf(r)).filter((t) => t !== 'create_agent_task')) {
            await follow(situation, `${tool} ${r.isError ? '(refused) ' : ''}→ `, then, subject);
            seen.second++;
          }
        }
      }
      expect(seen.first).toBeGreaterThan(10);
      expect(seen.second).toBeGreaterThan(5);
      expect(failures).toEqual([]);
    });

  });
}
