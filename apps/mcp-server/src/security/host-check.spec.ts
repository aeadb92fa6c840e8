import { describe, expect, it } from 'vitest';
import { checkHost, checkOrigin, hostPolicy, isLoopbackHost } from './host-check.js';

describe('DNS-rebinding checks', () => {
  it('recognises loopback binds', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', 'LOCALHOST']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.1', 'fleet.example.com', '127.0.0.1.evil.example']) expect(isLoopbackHost(h), h).toBe(false);
  });

  it('accepts loopback Host headers, the bind address and --allowed-hosts; refuses the rest', () => {
    const p = hostPolicy('10.0.0.5', ['Fleet.Example.com'], []);
    for (const h of ['localhost:8717', '127.0.0.1', '[::1]:8717', '10.0.0.5:8717', 'fleet.example.com']) expect(checkHost(h, p), h).toEqual({ ok: true });
    expect(checkHost('evil.example', p)).toMatchObject({ ok: false, message: expect.stringContaining('--allowed-hosts') });
    expect(checkHost(undefined, p)).toMatchObject({ ok: false });
    expect(checkHost('bad host header', p)).toMatchObject({ ok: false });
    expect(checkHost('evil.example', hostPolicy('0.0.0.0', [], []))).toMatchObject({ ok: false });
    expect(checkHost('anything.example', hostPolicy('0.0.0.0', ['*'], []))).toEqual({ ok: true });
  });

  it('accepts no Origin (non-browser), loopback and listed origins; refuses foreign and null', () => {
    const p = hostPolicy('127.0.0.1', [], ['https://console.example.com/']);
    for (const o of [undefined, 'http://localhost:6274', 'https://127.0.0.1', 'https://console.example.com']) expect(checkOrigin(o, p), String(o)).toEqual({ ok: true });
    for (const o of ['https://evil.example', 'null', 'file://', 'https://console.example.com:8443']) expect(checkOrigin(o, p).ok, o).toBe(false);
  });
});
