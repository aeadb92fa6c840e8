/** Guards the committed recordings: no token, no cookies, no agent env values, stable metadata. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RECORDED_HOST, RECORDINGS_DIR, REDACTED, scrubEntry, SECRET_HEADERS, type HarEntry } from './__fixtures__/polly.js';

function harFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? harFiles(join(dir, d.name)) : d.name.endsWith('.har') ? [join(dir, d.name)] : [],
  );
}

function envValues(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(envValues);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) =>
    k === 'environment_variables' && typeof v === 'object' && v !== null ? Object.values(v).map(String) : envValues(v),
  );
}

const files = harFiles(RECORDINGS_DIR);

describe('recordings under recordings/coder-api-client', () => {
  it('exist (so the scan below is not vacuous)', () => {
    expect(files.length).toBeGreaterThanOrEqual(12);
  });

  it.each(files.map((f) => [f.slice(RECORDINGS_DIR.length + 1), f]))('%s holds no secrets', (_name, file) => {
    const har = JSON.parse(readFileSync(file, 'utf8')) as { log: { entries: HarEntry[] } };
    expect(har.log.entries.length).toBeGreaterThan(0);
    for (const entry of har.log.entries) {
      const tokenHeaders = entry.request.headers.filter((h) => h.name.toLowerCase() === 'coder-session-token');
      expect(tokenHeaders.length).toBe(1);
      for (const h of entry.request.headers) {
        if (SECRET_HEADERS.includes(h.name.toLowerCase())) expect(h.value).toBe(REDACTED);
      }
      expect(entry.response.headers.map((h) => h.name.toLowerCase())).not.toContain('set-cookie');
      expect(entry.request.url.startsWith(`${RECORDED_HOST}/`)).toBe(true);
      expect(entry.startedDateTime).toBe('1970-01-01T00:00:00.000Z');
      expect(entry.response.headers.map((h) => h.name.toLowerCase())).not.toContain('date');
      const text = entry.response.content?.text;
      if (text?.includes('environment_variables')) {
        expect(envValues(JSON.parse(text)).every((v) => v === REDACTED)).toBe(true);
      }
    }
  });
});

describe('scrubEntry', () => {
  const entry = (): HarEntry => ({
    startedDateTime: '2026-11-24T12:00:00.000Z',
    time: 12,
    timings: { wait: 12 },
    request: {
      url: 'http://127.0.0.1:4567/api/v2/workspaces/w?include_deleted=true',
      headers: [
        { name: 'Coder-Session-Token', value: 'abcdefghij-0123456789abcdefghijkl' },
        { name: 'cookie', value: 'coder_session_token=abc' },
        { name: 'host', value: '127.0.0.1:4567' },
        { name: 'accept', value: 'application/json' },
      ],
      cookies: [{ name: 'coder_session_token', value: 'abc' }],
    },
    response: {
      headers: [
        { name: 'Date', value: 'Tue, 24 Nov 2026 12:00:00 GMT' },
        { name: 'set-cookie', value: 'csrf_token=x' },
        { name: 'x-coder-request-id', value: 'r' },
        { name: 'content-type', value: 'application/json' },
      ],
      content: {
        text: JSON.stringify({ latest_build: { resources: [{ agents: [{ environment_variables: { GH_TOKEN: 'ghp_secret', HOME: '/home/coder' } }] }] } }),
      },
    },
  });

  it('redacts secrets, fixes the host, drops volatile headers and zeroes timings', () => {
    const e = entry();
    scrubEntry(e);
    expect(e.request.url).toBe(`${RECORDED_HOST}/api/v2/workspaces/w?include_deleted=true`);
    expect(e.request.headers).toEqual([
      { name: 'Coder-Session-Token', value: REDACTED },
      { name: 'cookie', value: REDACTED },
      { name: 'accept', value: 'application/json' },
    ]);
    expect(e.request.cookies).toEqual([]);
    expect(e.response.headers).toEqual([{ name: 'content-type', value: 'application/json' }]);
    expect(e.response.content!.text).not.toContain('ghp_secret');
    expect(envValues(JSON.parse(e.response.content!.text!))).toEqual([REDACTED, REDACTED]);
    expect([e.startedDateTime, e.time]).toEqual(['1970-01-01T00:00:00.000Z', 0]);
  });

  it('replaces a body that mentions environment_variables but is not JSON', () => {
    const e = entry();
    e.response.content = { text: 'environment_variables: GH_TOKEN=ghp_secret' };
    scrubEntry(e);
    expect(e.response.content.text).toBe(REDACTED);
  });
});
