/**
 * Test harness for the HTTP transport: a coder-sim (manual clock), the real Coder client, startHttpServer
 * on an ephemeral loopback port, SDK Streamable HTTP clients, and raw-fetch helpers for header-level checks.
 */
import { request as httpRequest } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { CallToolResult, ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';
import { createCoderClient } from '@org/coder-api-client';
import { startCoderSim } from '@org/coder-sim';
import type { Clock } from '../clock.js';
import { makeConfig, type Config, type ConfigInput } from '../config.js';
import { silentLogger } from '../log.js';
import { startHttpServer, type HttpServerHandle, type HttpServerOptions } from '../transports/http.js';

export type Sim = Awaited<ReturnType<typeof startCoderSim>>;
export const AUTH_TOKEN = 'test-bearer-token-0123456789abcdef';

export interface HttpFixture {
  sim: Sim;
  http: HttpServerHandle;
  config: Config;
  close(): Promise<void>;
}

export async function startHttpFixture(
  options: { sim?: NonNullable<Parameters<typeof startCoderSim>[0]>; config?: Partial<ConfigInput>; server?: Partial<HttpServerOptions>; serverToken?: string } = {},
): Promise<HttpFixture> {
  const sim = await startCoderSim({ clock: 'manual', seed: 7, agents: 12, ...options.sim });
  const clock: Clock = { now: () => new Date(sim.control.now()) };
  const token = options.serverToken ?? sim.token;
  // Port 0 (ephemeral) is below the schema's minimum for operators; tests set it after validation.
  const config: Config = { ...makeConfig({ coderUrl: sim.url, sessionToken: token, transport: 'http', authToken: AUTH_TOKEN, sampleInterval: 0, ...options.config }), port: 0 };
  const coder = createCoderClient({ baseUrl: sim.url, sessionToken: token, timeoutMs: 5000, retry: { retries: 0 } });
  const coderClientFor = (t: string) => createCoderClient({ baseUrl: sim.url, sessionToken: t, timeoutMs: 5000, retry: { retries: 0 } });
  const http = await startHttpServer({ config, coder, log: silentLogger, clock, coderClientFor, ...options.server });
  return {
    sim,
    http,
    config,
    close: async () => {
      await http.close({ drainMs: 0 });
      await sim.stop();
    },
  };
}

export interface HttpClient {
  client: Client;
  transport: StreamableHTTPClientTransport;
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

export async function connectHttpClient(
  mcpUrl: string,
  options: { token?: string | null; capabilities?: ClientCapabilities; name?: string; headers?: Record<string, string>; fetch?: FetchLike } = {},
): Promise<HttpClient> {
  const token = options.token === undefined ? AUTH_TOKEN : options.token;
  const headers: Record<string, string> = { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...options.headers };
  const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), {
    requestInit: { headers },
    ...(options.fetch ? { fetch: options.fetch } : {}),
    reconnectionOptions: { initialReconnectionDelay: 20, maxReconnectionDelay: 200, reconnectionDelayGrowFactor: 1.5, maxRetries: 5 },
  });
  const client = new Client({ name: options.name ?? 'http-test-client', version: '0.0.0' }, { capabilities: options.capabilities ?? {} });
  await client.connect(transport);
  return {
    client,
    transport,
    call: async (name, args = {}) => (await client.callTool({ name, arguments: args })) as CallToolResult,
    close: async () => {
      await transport.terminateSession().catch(() => undefined);
      await client.close();
    },
  };
}

export const MCP_HEADERS = { Accept: 'application/json, text/event-stream', 'Content-Type': 'application/json' } as const;
export const PROTOCOL_VERSION = '2025-11-25';

export const initializeBody = (id = 1) => ({
  jsonrpc: '2.0',
  id,
  method: 'initialize',
  params: { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'raw-client', version: '0.0.0' } },
});

/** POSTs a JSON-RPC body with MCP headers. */
export function post(mcpUrl: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(mcpUrl, { method: 'POST', headers: { ...MCP_HEADERS, ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

/** Opens a session with raw HTTP (initialize + initialized); returns its id. */
export async function rawSession(mcpUrl: string, headers: Record<string, string> = {}): Promise<string> {
  const init = await post(mcpUrl, initializeBody(), headers);
  if (init.status !== 200) throw new Error(`initialize failed: ${init.status} ${await init.text()}`);
  const sessionId = init.headers.get('mcp-session-id');
  await init.text();
  if (!sessionId) throw new Error('no session id');
  const sessionHeaders = { ...headers, 'mcp-session-id': sessionId, 'mcp-protocol-version': PROTOCOL_VERSION };
  const ack = await post(mcpUrl, { jsonrpc: '2.0', method: 'notifications/initialized' }, sessionHeaders);
  await ack.text();
  return sessionId;
}

export interface SseEvent {
  id?: string;
  data: string;
}

/** Reads SSE events from a streaming response until `count` events with data arrived. */
export async function readSseEvents(response: Response, count: number): Promise<{ events: SseEvent[]; cancel: () => Promise<void> }> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const events: SseEvent[] = [];
  let buffer = '';
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let at: number;
    while ((at = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, at);
      buffer = buffer.slice(at + 2);
      const event: SseEvent = { data: '' };
      for (const line of block.split('\n')) {
        if (line.startsWith('id:')) event.id = line.slice(3).trim();
        else if (line.startsWith('data:')) event.data += line.slice(5).trim();
      }
      if (event.data) events.push(event);
    }
  }
  return { events, cancel: () => reader.cancel().catch(() => undefined) };
}

/** Polls until `check` is true (bounded number of attempts, no wall-clock assertion). */
export async function eventually(check: () => boolean | Promise<boolean>, attempts = 200, stepMs = 10): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  throw new Error('condition not reached');
}

/** A request through node:http, which (unlike fetch) lets a test set the Host header. */
export function nodeRequest(url: string, options: { method?: string; headers?: Record<string, string>; body?: unknown } = {}): Promise<{ status: number; text: string }> {
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'POST', headers: { ...MCP_HEADERS, ...options.headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
