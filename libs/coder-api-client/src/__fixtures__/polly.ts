/**
 * Polly.js set-up for the recorded contract tests (toolchain gotchas 7–11).
 *
 * - `POLLY_MODE=record|replay` (default replay); replay never touches the network (`recordIfMissing: false`).
 * - The session-token header is excluded from matching and persisted as `REDACTED`; cookies too.
 * - Stable re-recording: fixed host in URLs, no `date`/request-id/rate-limit headers, zeroed timings.
 * - Agent `environment_variables` in response bodies are redacted (secrets on a live Coder).
 */
import FetchAdapterModule from '@pollyjs/adapter-fetch';
import { Polly, type PollyConfig } from '@pollyjs/core';
import FSPersisterModule from '@pollyjs/persister-fs';
import { resolve } from 'node:path';

const FetchAdapter = FetchAdapterModule as unknown as typeof FetchAdapterModule.default;
const FSPersister = FSPersisterModule as unknown as typeof FSPersisterModule.default;
Polly.register(FetchAdapter);
Polly.register(FSPersister);

export const POLLY_MODE: 'record' | 'replay' = process.env['POLLY_MODE'] === 'record' ? 'record' : 'replay';
export const RECORDINGS_DIR = resolve(import.meta.dirname, '../../../../recordings/coder-api-client');
export const RECORDED_HOST = 'https://coder.invalid';
export const REDACTED = 'REDACTED';
export const SECRET_HEADERS = ['coder-session-token', 'cookie', 'set-cookie', 'authorization'];
const VOLATILE_RESPONSE_HEADERS = ['date', 'x-coder-request-id', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'set-cookie'];
const ZERO_TIME = '1970-01-01T00:00:00.000Z';

interface HarHeader {
  name: string;
  value: string;
}
/** The parts of a HAR entry that `beforePersist` rewrites. */
export interface HarEntry {
  startedDateTime: string;
  time: number;
  timings: Record<string, number>;
  request: { url: string; headers: HarHeader[]; cookies?: unknown[] };
  response: { headers: HarHeader[]; cookies?: unknown[]; content?: { text?: string; mimeType?: string } };
}

export function scrubEntry(entry: HarEntry): void {
  const url = new URL(entry.request.url);
  entry.request.url = `${RECORDED_HOST}${url.pathname}${url.search}`;
  // The recorded server's own origin (e.g. buildinfo external_url, random ports) becomes the fixed host.
  const withFixedHost = (text: string): string => text.split(url.origin).join(RECORDED_HOST);
  entry.request.headers = entry.request.headers
    .filter((h) => h.name.toLowerCase() !== 'host')
    .map((h) => (SECRET_HEADERS.includes(h.name.toLowerCase()) ? { name: h.name, value: REDACTED } : h));
  entry.request.cookies = [];
  entry.response.headers = entry.response.headers
    .filter((h) => !VOLATILE_RESPONSE_HEADERS.includes(h.name.toLowerCase()))
    .map((h) => ({ name: h.name, value: withFixedHost(h.value) }));
  entry.response.cookies = [];
  const content = entry.response.content;
  if (content?.text) content.text = withFixedHost(content.text);
  if (content?.text && content.text.includes('environment_variables')) {
    try {
      content.text = JSON.stringify(redactEnvironment(JSON.parse(content.text)));
    } catch {
      content.text = REDACTED;
    }
  }
  entry.startedDateTime = ZERO_TIME;
  entry.time = 0;
  entry.timings = { blocked: -1, dns: -1, connect: -1, send: 0, wait: 0, receive: 0, ssl: -1 };
}

function redactEnvironment(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactEnvironment);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => {
      if (k === 'environment_variables' && typeof v === 'object' && v !== null) {
        return [k, Object.fromEntries(Object.keys(v).map((name) => [name, REDACTED]))];
      }
      return [k, redactEnvironment(v)];
    }),
  );
}

export function startPolly(recordingName: string): Polly {
  const config: PollyConfig = {
    mode: POLLY_MODE,
    adapters: ['fetch'],
    adapterOptions: { fetch: { context: globalThis } },
    persister: 'fs',
    persisterOptions: { fs: { recordingsDir: RECORDINGS_DIR }, keepUnusedRequests: false },
    recordIfMissing: false,
    recordFailedRequests: true,
    flushRequestsOnStop: true,
    logLevel: 'silent',
    matchRequestsBy: {
      method: true,
      headers: { exclude: SECRET_HEADERS },
      body: true,
      order: false,
      url: { protocol: false, username: false, password: false, hostname: false, port: false, pathname: true, query: true, hash: false },
    },
  };
  const polly = new Polly(recordingName, config);
  polly.server.any().on('beforePersist', (_req, recording) => scrubEntry(recording as HarEntry));
  return polly;
}
