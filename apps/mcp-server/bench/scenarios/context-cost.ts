/**
 * Scenario 2: context cost. Bytes (and tokens ≈ chars/4) of what the tools put in the superagent's
 * context, divided by Coder's raw JSON for the same data (what Coder's own MCP tools hand over).
 *
 * A tool result carries two renderings of the same answer: the text block and `structuredContent`.
 * A client passes one of them to the model, but both travel, so the ratio counts BOTH (the stricter
 * reading, as in the list_agents spec); each rendering is also shown on its own.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { CoderSim } from '@org/coder-sim';
import { expectOk, fetchOnceRetried, fmtCount, rawTasksList, startInProcessServer, startSim } from '../lib/harness.js';
import { verdict, type BenchRow, type ScenarioResult } from '../lib/report.js';
import { fmtBytes } from '../lib/stats.js';
import { TOOL_LIST_BUDGET_CHARS } from '../../src/tool-list.js';
import { ANSWER_TEXT_MAX_CHARS, STRUCTURED_MAX_BYTES } from '../../src/answer-ceiling.js';

const LIST_RATIO_TARGET = 0.25;
const LOGS_MAX_BYTES = 8 * 1024;
const BIG_ENTRY_CHARS = 60_000;

interface Sizes {
  text: number;
  structured: number;
  both: number;
}

function sizes(result: CallToolResult): Sizes {
  const text = result.content.reduce((n, c) => n + (c.type === 'text' ? Buffer.byteLength(c.text) : 0), 0);
  const structured = result.structuredContent ? Buffer.byteLength(JSON.stringify(result.structuredContent)) : 0;
  return { text, structured, both: text + structured };
}

const tokens = (bytes: number) => Math.round(bytes / 4);
const describe = (s: Sizes) => `${fmtBytes(s.both)} ≈ ${fmtCount(tokens(s.both))} tok (text ${fmtBytes(s.text)}, structured ${fmtBytes(s.structured)})`;

export async function contextCostScenario(): Promise<ScenarioResult> {
  const rows: BenchRow[] = [];
  const notes: string[] = [
    'Bytes count both renderings of a result (text block + structuredContent); tokens ≈ bytes / 4. Raw = Coder\'s JSON for exactly the same agents / log entries.',
  ];
  const sim = await startSim(100);
  const server = await startInProcessServer(sim);
  try {
    const raw = await rawTasksList(sim);
    const rawTasks = (JSON.parse(raw.text) as { tasks: { id: string }[] }).tasks;

    // The default call (first page, default fields and limit) vs the raw JSON of the whole fleet it summarises.
    const page = expectOk('list_agents', await server.call('list_agents', {}));
    const pageSizes = sizes(page);
    rows.push({
      case: 'list_agents default call, 100-agent fleet',
      value: describe(pageSizes),
      baseline: `${fmtBytes(raw.bytes)} raw`,
      ratio: pageSizes.both / raw.bytes,
      target: `<= ${LIST_RATIO_TARGET}`,
      verdict: verdict(pageSizes.both / raw.bytes <= LIST_RATIO_TARGET),
      data: { agents: 100, ...pageSizes, rawBytes: raw.bytes, tokens: tokens(pageSizes.both), rawTokens: tokens(raw.bytes) },
    });

    // All 100 agents in one page (default fields) vs the whole raw list: the same agents on both sides.
    const all = expectOk('list_agents', await server.call('list_agents', { limit: 100 }));
    const allSizes = sizes(all);
    rows.push({
      case: 'list_agents default fields, limit 100 (all 100 agents)',
      value: describe(allSizes),
      baseline: `${fmtBytes(raw.bytes)} raw`,
      ratio: allSizes.both / raw.bytes,
      target: `<= ${LIST_RATIO_TARGET}`,
      verdict: verdict(allSizes.both / raw.bytes <= LIST_RATIO_TARGET),
      data: { agents: 100, ...allSizes, rawBytes: raw.bytes, tokens: tokens(allSizes.both), rawTokens: tokens(raw.bytes) },
    });

    // Per page: the default page vs the raw JSON of exactly the agents it returns (fixed overhead included).
    const ids = new Set(((page.structuredContent as { agents: { id: string }[] }).agents ?? []).map((a) => a.id));
    const rawPage = rawTasks.filter((t) => ids.has(t.id));
    const rawPageBytes = Buffer.byteLength(JSON.stringify({ tasks: rawPage, count: rawPage.length }));
    rows.push({
      case: `  per page: default page vs raw JSON of its ${ids.size} agents`,
      value: fmtBytes(pageSizes.both),
      baseline: `${fmtBytes(rawPageBytes)} raw`,
      ratio: pageSizes.both / rawPageBytes,
      verdict: 'INFO',
      data: { agents: ids.size, ...pageSizes, rawBytes: rawPageBytes },
    });
    const perAgent = (allSizes.both - pageSizes.both) / (100 - ids.size);
    notes.push(
      `list_agents costs ~${perAgent.toFixed(0)} B per agent (both renderings) vs ~${(raw.bytes / 100).toFixed(0)} B of raw JSON; a page adds ~${fmtBytes(pageSizes.both - perAgent * ids.size)} of fixed header, cursor and notices.`,
    );

    const logs = await biggestLogAgent(sim);
    if (!logs) {
      notes.push(`No agent with a log entry of >= ${fmtCount(BIG_ENTRY_CHARS)} chars in this fleet: get_agent_logs not measured.`);
    } else {
      const result = expectOk('get_agent_logs', await server.call('get_agent_logs', { agent: logs.id }));
      const s = sizes(result);
      const largest = Math.max(s.text, s.structured);
      rows.push({
        case: `get_agent_logs default (agent with a ${fmtBytes(logs.biggestEntryChars)} entry, ${logs.entries} entries)`,
        value: describe(s),
        baseline: `${fmtBytes(logs.rawBytes)} raw`,
        ratio: s.both / logs.rawBytes,
        target: `each rendering <= ${fmtBytes(LOGS_MAX_BYTES)}`,
        verdict: verdict(largest <= LOGS_MAX_BYTES),
        data: { ...s, rawBytes: logs.rawBytes, biggestEntryChars: logs.biggestEntryChars, entries: logs.entries, tokens: tokens(s.both), rawTokens: tokens(logs.rawBytes) },
      });
      if (s.both > LOGS_MAX_BYTES)
        notes.push(
          `get_agent_logs: each rendering stays within ${fmtBytes(LOGS_MAX_BYTES)} (the content budget is 8,000 chars), but text + structuredContent together are ${fmtBytes(s.both)} because the content is carried twice.`,
        );
    }
    rows.push(...(await issue15Rows(server)), ...(await answerSizeRows(server, sim)));
  } finally {
    await server.close();
    await sim.stop();
  }

  // Fleet summary size as the fleet grows (informational: a "glance" should not grow with the fleet).
  for (const n of [100, 1000, 10_000]) {
    const big = await startSim(n);
    const s = await startInProcessServer(big);
    try {
      const status = sizes(expectOk('get_fleet_status', await s.call('get_fleet_status', {})));
      const list = sizes(expectOk('list_agents', await s.call('list_agents', {})));
      const outliers = ((await s.call('get_fleet_status', {})).structuredContent as { outliers?: unknown[] } | undefined)?.outliers?.length ?? 0;
      rows.push({
        case: `get_fleet_status default @ ${fmtCount(n)} agents`,
        value: describe(status),
        verdict: 'INFO',
        data: { agents: n, ...status, outliers, tokens: tokens(status.both) },
      });
      rows.push({ case: `list_agents default @ ${fmtCount(n)} agents`, value: describe(list), verdict: 'INFO', data: { agents: n, ...list, tokens: tokens(list.both) } });
      if (n === 10_000 && status.both > 64 * 1024)
        notes.push(
          `get_fleet_status grows with the fleet: ${fmtBytes(status.both)} at ${fmtCount(n)} agents, mostly the ${fmtCount(outliers)} outliers in structuredContent (the text shows 10). Fix: cap outliers like attention (max_outliers, default 10, plus outliers_total) in apps/mcp-server/src/tools/fleet/get-fleet-status.tool.ts.`,
        );
    } finally {
      await s.close();
      await big.stop();
    }
  }
  return { id: '2', title: 'Context cost (tool output vs Coder raw JSON)', rows, notes };
}

/** Both renderings of an answer within the 64 KB ceiling (answer-ceiling.ts) each. */
const withinCeiling = (s: Sizes) => s.text <= ANSWER_TEXT_MAX_CHARS && s.structured <= STRUCTURED_MAX_BYTES;

/**
 * #15 item 4: what the answers a model loops on cost, as rows: the attention list (get_fleet_status and
 * list_agents needs_attention=true, both with the failed tasks' build errors) and one get_fleet_events page
 * after a burst of changes (limit 50, state reports folded per agent).
 */
export async function answerSizeRows(server: Awaited<ReturnType<typeof startInProcessServer>>, sim: CoderSim): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const status = expectOk('get_fleet_status', await server.call('get_fleet_status', {}));
  const statusSizes = sizes(status);
  const attention = (status.structuredContent as { attention: { build_error?: string }[]; attention_total: number }).attention;
  rows.push({
    case: `attention list: get_fleet_status default (${attention.length} of ${(status.structuredContent as { attention_total: number }).attention_total} entries, ${attention.filter((a) => a.build_error).length} with a build error)`,
    value: describe(statusSizes),
    target: 'each rendering <= 64 KB',
    verdict: verdict(withinCeiling(statusSizes)),
    data: { entries: attention.length, ...statusSizes, tokens: tokens(statusSizes.both) },
  });
  const listed = expectOk('list_agents', await server.call('list_agents', { needs_attention: true }));
  const listedSizes = sizes(listed);
  const rowsShown = (listed.structuredContent as { agents: { build_error?: string }[] }).agents;
  rows.push({
    case: `attention list: list_agents needs_attention=true (${rowsShown.length} rows, ${rowsShown.filter((a) => a.build_error).length} with a build error)`,
    value: describe(listedSizes),
    target: 'each rendering <= 64 KB',
    verdict: verdict(withinCeiling(listedSizes)),
    data: { rows: rowsShown.length, ...listedSizes, tokens: tokens(listedSizes.both) },
  });

  // A burst: 20 running agents report a new state in three rounds, each picked up by a poll (a waiting read
  // ends on it), then one page from before the burst is read, folded and not.
  const cursorOf = (r: CallToolResult) => (r.structuredContent as { next_cursor: string }).next_cursor;
  const cursor = cursorOf(expectOk('get_fleet_events', await server.call('get_fleet_events', {})));
  let round = cursor;
  const reported = new Set<string>();
  const burst = sim.control.tasks().filter((x) => x.status === 'active').slice(0, 20);
  for (const state of ['working', 'idle', 'working'] as const) {
    for (const t of burst) {
      try {
        sim.control.setAgentState(t.id, state, { message: `bench burst ${state}` });
        reported.add(t.id);
      } catch {
        // an agent that stopped meanwhile cannot report
      }
    }
    round = cursorOf(expectOk('get_fleet_events', await server.call('get_fleet_events', { since: round, wait_ms: 10_000, min_severity: 'info', kinds: ['state_changed'] })));
  }
  const changed = reported.size;
  const read = async (args: Record<string, unknown>) => expectOk('get_fleet_events', await server.call('get_fleet_events', { since: cursor, wait_ms: 10_000, min_severity: 'info', ...args }));
  const folded = await read({});
  const foldedSizes = sizes(folded);
  const page = folded.structuredContent as { events: { details: Record<string, unknown> }[]; left_out?: { count: number } };
  // Reports a page covers: each event plus the earlier reports folded into it.
  const covered = page.events.reduce((n, e) => n + 1 + (typeof e.details['collapsed'] === 'number' ? e.details['collapsed'] : 0), 0);
  const unfolded = await read({ fold_state_reports: false });
  const unfoldedSizes = sizes(unfolded);
  const unfoldedEvents = (unfolded.structuredContent as { events: unknown[] }).events.length;
  rows.push({
    case: `get_fleet_events page after ${changed} agents reported 3 times (limit 50, folded): ${page.events.length} events covering ${covered} reports, ${page.left_out?.count ?? 0} left out`,
    value: describe(foldedSizes),
    baseline: `unfolded: ${fmtBytes(unfoldedSizes.both)} for ${unfoldedEvents} reports`,
    ratio: foldedSizes.both / Math.max(1, unfoldedSizes.both),
    target: 'each rendering <= 64 KB',
    verdict: verdict(withinCeiling(foldedSizes)),
    data: { changed, events: page.events.length, covered, leftOut: page.left_out?.count ?? 0, ...foldedSizes, unfolded: unfoldedSizes.both, unfoldedEvents, tokens: tokens(foldedSizes.both) },
  });
  return rows;
}

// eslint-disable-next-line no-control-regex -- ESC starts every ANSI escape.
const DECORATION = /[\u001b\u2500-\u259f]/g;
const GENERIC_CAPABILITIES = new Set(['full', 'stack', 'dev', 'site', 'node-full-stack']);

/**
 * What every session pays before its first call (tools/list), and the waste issue #15 removed from answers:
 * a suggestion repeated per attention line, terminal decoration in log text, junk words among capabilities.
 */
export async function issue15Rows(server: Awaited<ReturnType<typeof startInProcessServer>>): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const list = await server.client.listTools();
  const listChars = JSON.stringify(list).length;
  const largest = [...list.tools].sort((a, b) => JSON.stringify(b).length - JSON.stringify(a).length)[0];
  rows.push({
    case: `tools/list (${list.tools.length} tools, every one documented)`,
    value: `${fmtCount(listChars)} chars ≈ ${fmtCount(tokens(listChars))} tok`,
    target: `<= ${fmtCount(TOOL_LIST_BUDGET_CHARS)} chars`,
    verdict: verdict(listChars <= TOOL_LIST_BUDGET_CHARS),
    data: { chars: listChars, tools: list.tools.length, largest: largest?.name, largestChars: largest ? JSON.stringify(largest).length : 0 },
  });

  const status = expectOk('get_fleet_status', await server.call('get_fleet_status', { max_attention: 200 }));
  const text = status.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
  const attention = (status.structuredContent as { attention: { suggestion: string }[] }).attention;
  const distinct = [...new Set(attention.map((a) => a.suggestion))];
  const mostSaid = Math.max(0, ...distinct.map((sug) => text.split(sug).length - 1));
  rows.push({
    case: `get_fleet_status text, max_attention 200: ${attention.length} attention entries, ${distinct.length} distinct suggestions`,
    value: `${fmtBytes(Buffer.byteLength(text))} text; a suggestion said at most ${mostSaid}x`,
    target: 'each suggestion once',
    verdict: verdict(mostSaid <= 1),
    data: { entries: attention.length, suggestions: distinct.length, mostSaid, textBytes: Buffer.byteLength(text) },
  });

  const busiest = (await server.call('list_agents', { limit: 200, sort: 'last_activity', fields: ['status'] })).structuredContent as { agents: { id: string }[] };
  let decorated = 0;
  let entries = 0;
  for (const a of busiest.agents.slice(0, 20)) {
    const logs = await server.call('get_agent_logs', { agent: a.id, limit: 50, max_total_chars: 60_000 });
    if (logs.isError) continue;
    for (const e of (logs.structuredContent as { entries: { content: string }[] }).entries) {
      entries++;
      decorated += (e.content.match(DECORATION) ?? []).length;
    }
  }
  rows.push({
    case: `get_agent_logs entries of 20 agents (${entries} entries): terminal decoration left`,
    value: `${fmtCount(decorated)} box-drawing/ANSI chars`,
    target: '0',
    verdict: verdict(decorated === 0),
    data: { entries, decorated },
  });

  const templates = (await server.call('list_templates', { include_non_ai: true, include_deprecated: true })).structuredContent as { templates: { capabilities: string[] }[] };
  const capabilities = templates.templates.flatMap((t) => t.capabilities);
  const junk = capabilities.filter((c) => GENERIC_CAPABILITIES.has(c));
  rows.push({
    case: `list_templates capabilities (${capabilities.length} over ${templates.templates.length} templates): generic words`,
    value: junk.length === 0 ? 'none' : junk.join(', '),
    target: 'none',
    verdict: verdict(junk.length === 0),
    data: { capabilities: capabilities.length, junk },
  });
  return rows;
}

/** The agent whose log has the largest entry (the simulator seeds ~80 KB terminal screens), with its raw logs size. */
async function biggestLogAgent(sim: CoderSim): Promise<{ id: string; rawBytes: number; biggestEntryChars: number; entries: number } | undefined> {
  let best: { id: string; rawBytes: number; biggestEntryChars: number; entries: number } | undefined;
  for (const t of sim.control.tasks()) {
    const res = await fetchOnceRetried(`${sim.url}/api/v2/tasks/${encodeURIComponent(t.owner)}/${t.id}/logs`, { headers: { 'Coder-Session-Token': sim.token } });
    if (!res.ok) {
      await res.body?.cancel();
      continue;
    }
    const text = await res.text();
    const logs = (JSON.parse(text) as { logs: { content: string }[] }).logs;
    const biggest = Math.max(0, ...logs.map((l) => l.content.length));
    if (biggest >= BIG_ENTRY_CHARS && (!best || biggest > best.biggestEntryChars))
      best = { id: t.id, rawBytes: Buffer.byteLength(text), biggestEntryChars: biggest, entries: logs.length };
  }
  return best;
}
