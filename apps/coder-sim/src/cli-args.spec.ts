import { describe, expect, it } from 'vitest';
import { parseCliArgs } from './cli-args.js';

describe('parseCliArgs', () => {
  it('uses demo defaults', () => {
    expect(parseCliArgs([])).toEqual({
      kind: 'run',
      verbose: false,
      options: { host: '127.0.0.1', port: 0, agents: 50, seed: 1, scenario: 'mixed', coderVersion: '2.36', clock: 'real' },
    });
  });

  it('reads every flag (and tolerates the `--` nx passes through)', () => {
    const parsed = parseCliArgs(['--', '--host', '0.0.0.0', '--port', '3000', '--agents', '200', '--seed', '9', '--scenario', 'busy', '--coder-version', '2.27', '--token', 't0k', '--clock', 'manual', '--tick-ms', '250', '--speed', '10', '--arrivals-per-hour', '5', '--start-time', '2026-01-01T00:00:00Z', '--external-url', 'https://coder.invalid', '--verbose']);
    expect(parsed).toEqual({
      kind: 'run',
      verbose: true,
      options: { host: '0.0.0.0', port: 3000, agents: 200, seed: 9, scenario: 'busy', coderVersion: '2.27', clock: 'manual', token: 't0k', tickMs: 250, speed: 10, arrivalsPerHour: 5, startTime: '2026-01-01T00:00:00Z', externalUrl: 'https://coder.invalid' },
    });
  });

  it('reads the chat flags', () => {
    const parsed = parseCliArgs(['--coder-version', '2.40', '--chats', '1000', '--chat-concurrency', '5', '--spend-limit-micros', '2000000']);
    expect(parsed).toMatchObject({ kind: 'run', options: { coderVersion: '2.40', chats: 1000, chatConcurrency: 5, spendLimitMicros: 2_000_000 } });
    expect(() => parseCliArgs(['--chats', '-3'])).toThrow(/--chats/);
  });

  it('rejects bad values with a readable message', () => {
    expect(() => parseCliArgs(['--agents', '-1'])).toThrow(/--agents/);
    expect(() => parseCliArgs(['--scenario', 'chaos'])).toThrow(/--scenario/);
    expect(() => parseCliArgs(['--coder-version', '3.0'])).toThrow(/--coder-version/);
    expect(() => parseCliArgs(['--bogus'])).toThrow();
    expect(() => parseCliArgs(['--speed', '0'])).toThrow(/--speed/);
    expect(() => parseCliArgs(['--start-time', 'yesterday'])).toThrow(/--start-time/);
    expect(parseCliArgs(['--help'])).toEqual({ kind: 'help' });
  });
});
