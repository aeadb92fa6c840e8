/**
 * Answers name only tools the session offers: for every status the simulator produces, under each safety
 * mode (read-only, disable-destructive, a narrowed toolset, an exclude list), the read tools' answers
 * (structured and text), the lifecycle answers' next steps and a failure hint never name a tool that is
 * not registered in that session.
 */
import { AGENT_STATUSES } from '@org/fleet-domain';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../config.js';
import { silentLogger } from '../log.js';
import { createServer } from '../server.js';
import { startFleetFixture, type FleetFixture } from '../testing/client-fixture.js';
import { connectInProcess } from '../testing/in-process.js';
import { ALL_TOOLS } from '../tools/index.js';

const ALL_NAMES = ALL_TOOLS.map((t) => t.name);
const MODES: Record<string, Partial<Config>> = {
  'read-only': { readOnly: true },
  'disable-destructive': { disableDestructive: true },
  'agents toolset only': { toolsets: ['agents'] },
  'fleet and agents, no logs': { toolsets: ['fleet', 'agents'], excludeTools: ['get_agent_logs'] },
  // The lifecycle answers' own next steps (pause/resume name update_agent_task and send_agent_input).
  'lifecycle without update, send or logs': { excludeTools: ['update_agent_task', 'send_agent_input', 'get_agent_logs'] },
};

/** An audit line of the agent's journal ("- <time> pause_agent by alice (session): ok"): a record, not advice. */
const JOURNAL_LINE = /^- \d{4}-\d\d-\d\dT\S+ [a-z_]+ by .*$/gm;

/**
 * Tool names appearing anywhere in an answer (its text and its structured content), except the agent's
 * journal (`journal`), which records the tools other sessions used: history, not a suggestion.
 */
function toolsNamed(result: CallToolResult): string[] {
  const { journal: _journal, ...structured } = (result.structuredContent ?? {}) as Record<string, unknown>;
  const content = result.content.map((c) => (c.type === 'text' ? { ...c, text: c.text.replace(JOURNAL_LINE, '') } : c));
  const text = JSON.stringify(content) + JSON.stringify(structured);
  return ALL_NAMES.filter((name) => new RegExp(`\\b${name}\\b`).test(text));
}

describe('answers name only the tools of the session', () => {
  let fx: FleetFixture;
  beforeAll(async () => {
    fx = await startFleetFixture({ sim: { agents: 60, scenario: 'mixed' } });
  });
  afterAll(async () => fx.close());

  it('the simulated fleet covers most statuses', async () => {
    const r = await fx.call('list_agents', { limit: 200, fields: ['status'] });
    const statuses = new Set((r.structuredContent as { agents: { status: string }[] }).agents.map((a) => a.status));
    expect(statuses.size).toBeGreaterThanOrEqual(Math.min(5, AGENT_STATUSES.length));
  });

  it.each(Object.entries(MODES))('%s', async (_mode, overrides) => {
    const config: Config = { ...fx.config, ...overrides };
    const session = await connectInProcess(createServer({ coder: fx.coder, clock: fx.clock, config, log: silentLogger, runtime: fx.runtime }));
    try {
      const offered = new Set((await session.client.listTools()).tools.map((t) => t.name));
      const call = async (name: string, args: Record<string, unknown>) => (await session.client.callTool({ name, arguments: args })) as CallToolResult;
      const unoffered = (r: CallToolResult) => toolsNamed(r).filter((t) => !offered.has(t));

      const answers: [string, CallToolResult][] = [];
      if (offered.has('get_fleet_status')) answers.push(['get_fleet_status', await call('get_fleet_status', { max_attention: 200 })]);
      if (offered.has('list_agents')) {
        const all = await call('list_agents', { limit: 200, fields: ['name', 'owner', 'status', 'suggestion', 'attention'] });
        answers.push(['list_agents', all]);
        // One agent per status: its details, and a lookup that fails (the failure hint names tools too).
        const agents = (all.structuredContent as { agents: { id: string; status: string }[] }).agents;
        const onePerStatus = [...new Map(agents.map((a) => [a.status, a])).values()];
        expect(onePerStatus.length).toBeGreaterThan(3);
        for (const a of onePerStatus) answers.push([`get_agent_details ${a.status}`, await call('get_agent_details', { agent: a.id, log_tail: 1 })]);
        answers.push(['get_agent_details (unknown agent)', await call('get_agent_details', { agent: 'nobody/nothing' })]);
      }
      if (offered.has('list_templates')) answers.push(['list_templates', await call('list_templates', {})]);
      if (offered.has('pause_agent') && offered.has('resume_agent')) {
        const idle = (await fx.call('list_agents', { status: 'idle', limit: 1 })).structuredContent as { agents: { id: string }[] };
        const agent = idle.agents[0]?.id;
        expect(agent, 'an idle agent to pause').toBeDefined();
        answers.push(['pause_agent', await call('pause_agent', { agent })]);
        answers.push(['pause_agent (already paused)', await call('pause_agent', { agent })]);
        fx.advance(60_000);
        answers.push(['resume_agent', await call('resume_agent', { agent })]);
        answers.push(['resume_agent (already running)', await call('resume_agent', { agent })]);
      }
      expect(answers.length).toBeGreaterThan(0);
      for (const [what, r] of answers) expect(unoffered(r), `${what} names tools this session does not offer`).toEqual([]);
    } finally {
      await session.close();
    }
  });
});
