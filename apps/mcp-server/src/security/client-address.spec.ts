import { describe, expect, it } from 'vitest';
import { clientAddress, normalizeAddress, parseTrustedProxies, type TrustedProxies } from './client-address.js';

const proxies = (entries: string[]): TrustedProxies => {
  const parsed = parseTrustedProxies(entries);
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return parsed.proxies;
};

describe('trusted proxies and the client address (D7)', () => {
  it('parses IPs and CIDR ranges, IPv4 and IPv6, and refuses anything else', () => {
    const p = proxies(['127.0.0.1', '10.0.0.0/8', 'fd00::/8']);
    expect(p.has('::ffff:127.0.0.1')).toBe(true);
    expect(p.has('10.200.3.4')).toBe(true);
    expect(p.has('11.0.0.1')).toBe(false);
    expect(p.has('fd12::1')).toBe(true);
    expect(p.has('not-an-ip')).toBe(false);
    const bad = parseTrustedProxies(['10.0.0.0/33', 'proxy.local', '1.2.3.4/8/1', '::1/x']);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors).toHaveLength(4);
  });

  it('ignores X-Forwarded-For unless the socket peer is a trusted proxy', () => {
    const none = proxies([]);
    expect(clientAddress('127.0.0.1', '203.0.113.9', none)).toBe('127.0.0.1');
    const local = proxies(['127.0.0.1']);
    expect(clientAddress('198.51.100.7', '203.0.113.9', local)).toBe('198.51.100.7');
    expect(clientAddress('::ffff:127.0.0.1', '203.0.113.9', local)).toBe('203.0.113.9');
  });

  it('takes the right-most hop that is not a trusted proxy, so a client cannot pick its own bucket', () => {
    const chain = proxies(['127.0.0.1', '10.0.0.0/8']);
    // The client wrote "1.1.1.1" itself; the proxies appended the real address, then their own.
    expect(clientAddress('127.0.0.1', '1.1.1.1, 203.0.113.9, 10.0.0.2', chain)).toBe('203.0.113.9');
    expect(clientAddress('127.0.0.1', 'garbage, 203.0.113.9', chain)).toBe('203.0.113.9');
    expect(clientAddress('127.0.0.1', '203.0.113.9, garbage', chain)).toBe('127.0.0.1');
    expect(clientAddress('127.0.0.1', '10.0.0.3', chain)).toBe('10.0.0.3');
    expect(normalizeAddress('[::1]')).toBe('::1');
  });
});
