/**
 * Raw stdio lines against a real session server (fake tools, stub Coder): the cases of
 * ../shared/repro/stdio-proto.mjs and fuzz.mjs (D9) that used to get no answer, a -32603 with a raw zod
 * dump, an echo of a 1 MiB input, or a silent exit.
 */
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { makeConfig } from '../config.js';
import { createLogger } from '../log.js';
import { ERROR_MESSAGE_MAX_CHARS } from '../protocol-guard.js';
import { createServer } from '../server.js';
import { FAKE_TOOLS } from '../testing/fake-tools.js';
import { manualClock } from '../testing/manual-clock.js';
import { stubCoder } from '../testing/stub-coder.js';
import { serveStdio } from './stdio.js';

type Reply = { id?: unknown; result?: { isError?: boolean; content?: { text: string }[] }; error?: { code: number; message: string } };

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

async function start(maxLineBytes = 64 * 1024) {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const logs: string[] = [];
  const log = createLogger({ level: 'debug', write: (l) => void logs.push(l) });
  const fleet = createServer({
    coder: stubCoder(),
    clock: manualClock(),
    config: makeConfig({ coderUrl: 'http://coder.test', sessionToken: 'abcdefghij-0123456789012345678901' }),
    log,
    tools: FAKE_TOOLS,
  });
  const running = await serveStdio(fleet, { stdin, stdout, log, maxLineBytes });
  stop = () => running.close();
  const replies: Reply[] = [];
  let buffer = '';
  stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let at: number;
    while ((at = buffer.indexOf('\n')) >= 0) {
      replies.push(JSON.parse(buffer.slice(0, at)) as Reply);
      buffer = buffer.slice(at + 1);
    }
  });
  const next = async (): Promise<Reply> => {
    for (let i = 0; i < 200 && replies.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    const reply = replies.shift();
    if (!reply) throw new Error('no reply');
    return reply;
  };
  const send = async (line: string): Promise<Reply> => {
    stdin.write(`${line}\n`);
    return next();
  };
  const rpc = (id: number, method: string, params: unknown) => JSON.stringify({ jsonrpc: '2.0', id, method, params });
  await send(rpc(0, 'initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '0' } }));
  stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
  return { send, rpc, logs, stdin };
}

describe('stdio: every line gets an answer (D9)', () => {
  it('answers invalid JSON with -32700 and a batch or a non-JSON-RPC value with -32600', async () => {
    const s = await start();
    expect(await s.send('{not json')).toMatchObject({ id: null, error: { code: -32700 } });
    // Where the id can still be read, the error carries it (stdio-proto.mjs matches answers by id).
    expect(await s.send('{"jsonrpc":"2.0","id":"raw-1","method":"ping"')).toMatchObject({ id: 'raw-1', error: { code: -32700 } });
    const batch = await s.send(JSON.stringify([{ jsonrpc: '2.0', id: 1, method: 'ping' }]));
    expect(batch).toMatchObject({ id: 1, error: { code: -32600 } });
    expect(batch.error?.message).toMatch(/batches are not supported/);
    expect(await s.send(JSON.stringify([{ jsonrpc: '2.0', method: 'notifications/initialized' }]))).toMatchObject({ id: null, error: { code: -32600 } });
    expect(await s.send(JSON.stringify({ jsonrpc: '1.0', id: 7, method: 'ping' }))).toMatchObject({ id: 7, error: { code: -32600 } });
    expect(await s.send('42')).toMatchObject({ id: null, error: { code: -32600 } });
    // Still serving.
    expect(await s.send(s.rpc(8, 'ping', {}))).toMatchObject({ id: 8, result: {} });
  });

  it('refuses and logs an oversized line, then keeps serving', async () => {
    const s = await start(1024);
    const reply = await s.send(s.rpc(1, 'tools/call', { name: 'fake_status', arguments: { mode: 'x'.repeat(5000) } }));
    expect(reply).toMatchObject({ id: 1, error: { code: -32600 } });
    expect(reply.error?.message).toMatch(/exceeds the 1024-byte limit/);
    // The SDK writes the id last: it is read from the end of the discarded line (fuzz.mjs waited 70 s before).
    const sdkOrder = JSON.stringify({ method: 'tools/call', params: { name: 'fake_status', arguments: { mode: 'x'.repeat(5000) } }, jsonrpc: '2.0', id: 42 });
    expect(await s.send(sdkOrder)).toMatchObject({ id: 42, error: { code: -32600 } });
    expect(s.logs.join('')).toMatch(/refused a message longer than the line limit/);
    expect(await s.send(s.rpc(2, 'ping', {}))).toMatchObject({ id: 2, result: {} });
  });

  it('answers argument type errors like other tool errors: isError, what/why/next, no zod dump, no -32603', async () => {
    const s = await start();
    for (const args of ['"a string"', '[1,2]', '42', '{"mode": 5}', '{"mode": "nope"}']) {
      const reply = await s.send(`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"fake_status","arguments":${args}}}`);
      expect(reply.error, args).toBeUndefined();
      expect(reply.result?.isError, args).toBe(true);
      const text = reply.result?.content?.[0]?.text ?? '';
      expect(text, args).toMatch(/^invalid_argument: Invalid arguments for fake_status: .+\nNext: Fix the arguments/);
      expect(text, args).not.toMatch(/"code":|"expected"|\[\s*\{/);
    }
  });

  it('answers bad params of other methods with a short -32602, and never echoes input in bulk', async () => {
    const s = await start(4 * 1024 * 1024);
    const level = await s.send(s.rpc(4, 'logging/setLevel', { level: 'loudest' }));
    expect(level.error?.code).toBe(-32602);
    expect(level.error?.message).toMatch(/^Invalid params for logging\/setLevel: `params.level`/);
    const huge = 'fleet://agents/' + 'a'.repeat(1024 * 1024);
    for (const reply of [
      await s.send(s.rpc(5, 'resources/subscribe', { uri: huge })),
      await s.send(s.rpc(6, 'resources/read', { uri: huge })),
      await s.send(s.rpc(7, 'tools/call', { name: huge, arguments: {} })),
    ]) {
      const text = reply.error?.message ?? reply.result?.content?.[0]?.text ?? '';
      expect(text.length).toBeGreaterThan(0);
      expect(text.length).toBeLessThan(ERROR_MESSAGE_MAX_CHARS + 200);
    }
    // An oversized resource URI is bad params (-32602), not an internal error (stdio-proto.mjs: -32603 before).
    const read = await s.send(s.rpc(9, 'resources/read', { uri: huge }));
    expect(read.error?.code).toBe(-32602);
    expect(read.error?.message).toMatch(/`uri` is \d+ characters; resource URIs of this server are at most 2048/);
  });
});
