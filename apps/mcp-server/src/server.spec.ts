import { afterEach, describe, expect, it } from 'vitest';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { makeConfig, type ConfigInput } from './config.js';
import { createLogger } from './log.js';
import { createServer } from './server.js';
import { FAKE_TOOLS } from './testing/fake-tools.js';
import { connectInProcess, isSchemaRejection, textOf, type InProcessClient } from './testing/in-process.js';
import { manualClock } from './testing/manual-clock.js';
import { stubCoder } from './testing/stub-coder.js';

let open: InProcessClient | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

async function start(overrides: Partial<ConfigInput> = {}, capabilities = {}) {
  const lines: string[] = [];
  const fleet = createServer({
    coder: stubCoder(),
    clock: manualClock(),
    config: makeConfig({ coderUrl: 'http://coder.test', sessionToken: 'abcdefghij-0123456789012345678901', ...overrides }),
    log: createLogger({ level: 'debug', write: (l) => lines.push(l) }),
    tools: FAKE_TOOLS,
  });
  open = await connectInProcess(fleet, capabilities);
  return { ...open, lines, fleet };
}

describe('createServer', () => {
  it('registers tools with title, description and all four annotation hints from effect', async () => {
    const { client } = await start();
    const { tools } = await client.listTools();
    const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
    // The title is the tool's own (`title`); annotations carry the four hints only (tool-list.ts).
    expect(byName['fake_list']?.title).toBe('Fake fake_list');
    expect(byName['fake_list']?.annotations).toEqual({ readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false });
    expect(byName['fake_pause']?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false });
    expect(byName['fake_delete']?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false });
    for (const t of tools) {
      expect(t.title).toBeTruthy();
      expect(t.outputSchema).toBeTruthy();
    }
  });

  it('gives instructions that start with get_fleet_status then list_agents needs_attention', async () => {
    const { client } = await start();
    const instructions = client.getInstructions() ?? '';
    expect(instructions.indexOf('get_fleet_status')).toBeGreaterThan(-1);
    expect(instructions.indexOf('get_fleet_status')).toBeLessThan(instructions.indexOf('needs_attention'));
  });

  it('returns structuredContent plus text on success', async () => {
    const { call } = await start();
    const r = await call('fake_list', { mode: 'ok' });
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent).toEqual({ echoed: 'ok' });
    expect(textOf(r)).toBe('fine');
  });

  it('renders expected failures as isError text starting with the code', async () => {
    const { call } = await start();
    const r = await call('fake_list', { mode: 'fail' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/^agent_not_found: /);
  });

  it('turns an unexpected throw into internal_error with a report id, logged (redacted) to the log', async () => {
    const { call, lines } = await start();
    const r = await call('fake_list', { mode: 'throw' });
    expect(r.isError).toBe(true);
    const id = /report id (\w+)/.exec(textOf(r))?.[1];
    expect(textOf(r)).toMatch(/^internal_error: /);
    expect(textOf(r)).not.toContain('kaboom');
    const logged = lines.find((l) => l.includes(String(id)));
    expect(logged).toContain('kaboom');
    expect(logged).not.toContain('abcdefghij-0123456789012345678901');
    expect((await call('fake_list', { mode: 'ok' })).isError).toBeFalsy();
  });

  it('enforces the timeout', async () => {
    const { call } = await start({ requestTimeoutMs: 100 });
    const r = await call('fake_list', { mode: 'hang' });
    expect(textOf(r)).toMatch(/^timeout: /);
  });

  it('answers invalid arguments with the schema problem', async () => {
    const { call } = await start();
    expect(await isSchemaRejection(call('fake_list', { mode: 'dance' }))).toBe(true);
  });

  it('filters tools by the safety modes', async () => {
    const { client } = await start({ readOnly: true });
    const { tools } = await client.listTools();
    expect(tools.every((t) => t.annotations?.readOnlyHint === true)).toBe(true);
    expect(tools.map((t) => t.name)).not.toContain('fake_pause');
  });

  it('fails fast on unknown tool names', () => {
    expect(() =>
      createServer({ coder: stubCoder(), clock: manualClock(), config: makeConfig({ coderUrl: 'http://x', sessionToken: 't', tools: ['nope'] }), log: createLogger({ level: 'silent' }), tools: FAKE_TOOLS }),
    ).toThrow(/Unknown tool 'nope'/);
  });

  it('confirms through elicitation when the client supports it', async () => {
    const { client, call } = await start({}, { elicitation: {} });
    client.setRequestHandler(ElicitRequestSchema, async () => ({ action: 'accept', content: { confirm: true } }));
    expect((await call('fake_delete', { mode: 'confirm' })).structuredContent).toMatchObject({ confirmed: 'accepted' });
    client.setRequestHandler(ElicitRequestSchema, async () => ({ action: 'decline' }));
    expect((await call('fake_delete', { mode: 'confirm' })).structuredContent).toMatchObject({ confirmed: 'declined' });
  });

  it('treats a failed elicitation request (client error) as cancelled, logged at warn, not as internal_error', async () => {
    const { client, call, lines } = await start({}, { elicitation: {} });
    client.setRequestHandler(ElicitRequestSchema, async () => {
      throw new Error('the client could not render the form');
    });
    const r = await call('fake_delete', { mode: 'confirm' });
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ confirmed: 'cancelled' });
    const logged = lines.map((l) => JSON.parse(l) as { level: string; msg: string; tool?: string; error?: string }).find((l) => l.msg.startsWith('confirmation by elicitation failed'));
    expect(logged).toMatchObject({ level: 'warn', tool: 'fake_delete' });
    expect(logged?.error).toContain('could not render the form');
    expect(lines.some((l) => l.includes('unexpected error in tool'))).toBe(false);
  });

  it('reports unsupported confirmation when the client cannot elicit', async () => {
    const { call } = await start();
    expect((await call('fake_delete', { mode: 'confirm' })).structuredContent).toMatchObject({ confirmed: 'unsupported' });
  });

  it('sends progress notifications when asked', async () => {
    const { client } = await start();
    const seen: string[] = [];
    await client.callTool({ name: 'fake_list', arguments: { mode: 'progress' } }, undefined, { onprogress: (p) => seen.push(`${p.progress}/${p.total}`) });
    expect(seen).toEqual(['1/2', '2/2']);
  });
});

describe('sleepOn', () => {
  it('resolves after the delay, or at once when aborted, and uses the clock\'s own sleep', async () => {
    const { sleepOn, systemClock } = await import('./clock.js');
    const controller = new AbortController();
    const pending = sleepOn(systemClock, 60_000, controller.signal);
    controller.abort();
    await expect(pending).resolves.toBeUndefined();
    await expect(sleepOn(systemClock, 1)).resolves.toBeUndefined();
    const slept: number[] = [];
    await sleepOn({ now: () => new Date(0), sleep: async (ms) => void slept.push(ms) }, 5);
    expect(slept).toEqual([5]);
  });
});
