/**
 * D3: the 64 KB ceiling holds for structuredContent as well as text. Paging tools shorten a page that would
 * be larger and continue with next_cursor right after it (nothing skipped); the server's net cuts anything
 * else with a marker, keeps it valid for the output schema, or refuses with answer_too_large.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fitPage, fitStructured, jsonBytes, STRUCTURED_MAX_BYTES } from '../answer-ceiling.js';
import { startFleetFixture, type FleetFixture } from '../testing/client-fixture.js';
import { textOf } from '../testing/in-process.js';
import { AGENT_ROW_FIELDS } from '../views/agent-row.js';

describe('fitStructured / fitPage (the answer ceiling)', () => {
  const schema = z.object({ items: z.array(z.object({ id: z.number(), text: z.string() })), total: z.number() });
  const big = { items: Array.from({ length: 400 }, (_, id) => ({ id, text: 'é'.repeat(300) })), total: 400 };

  it('leaves small answers alone', () => {
    expect(fitStructured({ items: [], total: 0 }, schema)).toEqual({ kind: 'fits', data: { items: [], total: 0 } });
  });

  it('cuts long strings and the largest list to fit, stays valid for the schema, and says so', () => {
    const r = fitStructured({ ...big, items: [{ id: -1, text: 'x'.repeat(100_000) }, ...big.items] }, schema);
    expect(r.kind).toBe('cut');
    if (r.kind !== 'cut') return;
    expect(r.bytes).toBeLessThanOrEqual(STRUCTURED_MAX_BYTES);
    expect(schema.safeParse(r.data).success).toBe(true);
    expect(r.note).toMatch(/structured answer cut from \d+ to \d+ bytes \(ceiling 65536\): \d+ list items left out/);
  });

  it('refuses what cannot be cut to fit (one huge scalar-only object)', () => {
    const wide = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, 'y'.repeat(1_999)]));
    expect(fitStructured(wide, undefined).kind).toBe('too_large');
  });

  it('fitPage shortens a page until it is within the budget (at least one item)', () => {
    const built: number[] = [];
    const r = fitPage(400, (n) => {
      built.push(n);
      const data = { items: big.items.slice(0, n), total: 400 };
      return { data, text: `${n} items` };
    });
    expect(jsonBytes(r.data)).toBeLessThanOrEqual(56 * 1024);
    expect(r.limit).toBeLessThan(400);
    expect(built.length).toBeLessThanOrEqual(4);
  });
});

describe('tools stay within the structured ceiling and page what is larger', () => {
  let fx: FleetFixture;
  beforeAll(async () => {
    fx = await startFleetFixture({ sim: { agents: 240, scenario: 'steady' } });
  });
  afterAll(async () => fx.close());

  it('list_agents with every field and limit 200: each page ≤ 64 KB, and the pages cover every agent once', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 20; i++) {
      const r = await fx.call('list_agents', { limit: 200, fields: AGENT_ROW_FIELDS, ...(cursor ? { cursor } : {}) });
      expect(r.isError, textOf(r)).not.toBe(true);
      const data = r.structuredContent as { agents: { id: string }[]; next_cursor?: string; total: number };
      expect(jsonBytes(data)).toBeLessThanOrEqual(STRUCTURED_MAX_BYTES);
      expect(textOf(r).length).toBeLessThanOrEqual(64 * 1024);
      seen.push(...data.agents.map((a) => a.id));
      if (i === 0) expect(data.agents.length).toBeLessThan(200); // 200 rows with every field are ~125 KB: the page was shortened
      cursor = data.next_cursor;
      if (!cursor) break;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(240);
  });
});
