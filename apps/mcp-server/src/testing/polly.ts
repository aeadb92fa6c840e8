/**
 * Polly.js for the app's own Coder traffic (recordings/mcp-server/). Replay by default and never touch the
 * network (`recordIfMissing: false`); `POLLY_MODE=record` re-records against the simulator.
 * Scrubbing (toolchain gotchas 9–11): token header excluded from matching and persisted as REDACTED, fixed
 * host, volatile headers dropped, timings zeroed, agent environment variables redacted.
 */
import FetchAdapterModule from '@pollyjs/adapter-fetch';
import { Polly } from '@pollyjs/core';
import FSPersisterModule from '@pollyjs/persister-fs';
import { fileURLToPath } from 'node:url';

const FetchAdapter = FetchAdapterModule as unknown as typeof FetchAdapterModule.default;
const FSPersister = FSPersisterModule as unknown as typeof FSPersisterModule.default;
Polly.register(FetchAdapter);
Polly.register(FSPersister);

export const POLLY_MODE: 'record' | 'replay' = process.env['POLLY_MODE'] === 'record' ? 'record' : 'replay';
export const RECORDINGS_DIR = fileURLToPath(new URL('../../../../recordings/mcp-server', import.meta.url));
export const RECORDED_HOST = 'https://coder.invalid';
const SECRET_HEADERS = ['coder-session-token', 'cookie', 'set-cookie', 'authorization'];
const VOLATILE_HEADERS = ['date', 'x-coder-request-id', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'set-cookie', 'user-agent'];

interface HarEntry {
  startedDateTime: string;
  time: number;
  timings: Record<string, number>;
  request: { url: string; headers: { name: string; value: string }[]; cookies?: unknown[] };
  response: { headers: { name: string; value: string }[]; cookies?: unknown[]; content?: { text?: string } };
}

function redactEnv(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactEnv);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) =>
      k === 'environment_variables' && typeof v === 'object' && v !== null ? [k, Object.fromEntries(Object.keys(v).map((n) => [n, 'REDACTED']))] : [k, redactEnv(v)],
    ),
  );
}

function scrub(entry: HarEntry): void {
  const url = new URL(entry.request.url);
  entry.request.url = `${RECORDED_HOST}${url.pathname}${url.search}`;
  entry.request.headers = entry.request.headers
    .filter((h) => h.name.toLowerCase() !== 'host' && !VOLATILE_HEADERS.includes(h.name.toLowerCase()))
    .map((h) => (SECRET_HEADERS.includes(h.name.toLowerCase()) ? { name: h.name, value: 'REDACTED' } : h));
  entry.request.cookies = [];
  entry.response.headers = entry.response.headers.filter((h) => !VOLATILE_HEADERS.includes(h.name.toLowerCase()));
  entry.response.cookies = [];
  const content = entry.response.content;
  if (content?.text) content.text = content.text.split(url.origin).join(RECORDED_HOST);
  if (content?.text?.includes('environment_variables')) content.text = JSON.stringify(redactEnv(JSON.parse(content.text)));
  entry.startedDateTime = '1970-01-01T00:00:00.000Z';
  entry.time = 0;
  entry.timings = { blocked: -1, dns: -1, connect: -1, send: 0, wait: 0, receive: 0, ssl: -1 };
}

export function startPolly(name: string): Polly {
  const polly = new Polly(name, {
    mode: POLLY_MODE,
    adapters: ['fetch'],
    adapterOptions: { fetch: { context: globalThis } },
    persister: 'fs',
    persisterOptions: { fs: { recordingsDir: RECORDINGS_DIR }, keepUnusedRequests: false },
    recordIfMissing: false,
    recordFailedRequests: true,
    logLevel: 'silent',
    matchRequestsBy: {
      method: true,
      headers: { exclude: [...SECRET_HEADERS, ...VOLATILE_HEADERS] },
      body: true,
      order: false,
      url: { protocol: false, username: false, password: false, hostname: false, port: false, pathname: true, query: true, hash: false },
    },
  });
  polly.server.any().on('beforePersist', (_req, recording) => scrub(recording as HarEntry));
  return polly;
}
