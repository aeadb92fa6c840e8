/**
 * Who is the client, for rate limiting requests that have no session yet. The socket address, unless the
 * socket peer is one of the operator's `--trusted-proxies` (IPs or CIDR ranges): then the right-most
 * `X-Forwarded-For` entry that is not itself a trusted proxy. An X-Forwarded-For from anyone else is
 * ignored (a client could write any address in it).
 */
import { BlockList, isIP } from 'node:net';

export interface TrustedProxies {
  /** True when `address` (socket form, IPv4-mapped IPv6 accepted) is a trusted proxy. */
  has(address: string): boolean;
  readonly size: number;
}

export type TrustedProxiesParse = { ok: true; proxies: TrustedProxies } | { ok: false; errors: string[] };

/** `::ffff:10.0.0.1` → `10.0.0.1`; brackets and zone ids removed. */
export function normalizeAddress(address: string): string {
  const bare = address.trim().replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  return mapped ? (mapped[1] as string) : bare;
}

/** Parses a list of IPs and CIDR ranges (`10.0.0.0/8`, `::1`, `fd00::/8`). */
export function parseTrustedProxies(entries: readonly string[]): TrustedProxiesParse {
  const list = new BlockList();
  const errors: string[] = [];
  for (const entry of entries) {
    const [rawIp = '', rawPrefix, extra] = entry.trim().split('/');
    const ip = normalizeAddress(rawIp);
    const family = isIP(ip);
    const type = family === 6 ? 'ipv6' : 'ipv4';
    const prefix = rawPrefix === undefined ? undefined : Number(rawPrefix);
    const maxPrefix = family === 6 ? 128 : 32;
    if (family === 0 || extra !== undefined || (prefix !== undefined && (!/^\d{1,3}$/.test(rawPrefix ?? '') || prefix > maxPrefix))) {
      errors.push(`${JSON.stringify(entry.slice(0, 60))} is not an IP address or CIDR range (e.g. 10.0.0.0/8, ::1)`);
      continue;
    }
    if (prefix === undefined) list.addAddress(ip, type);
    else list.addSubnet(ip, prefix, type);
  }
  if (errors.length > 0) return { ok: false, errors };
  const has = (address: string) => {
    const ip = normalizeAddress(address);
    const family = isIP(ip);
    return family !== 0 && list.check(ip, family === 6 ? 'ipv6' : 'ipv4');
  };
  return { ok: true, proxies: { has, size: entries.length } };
}

/**
 * The client address for rate limiting. `forwardedFor` is the raw X-Forwarded-For header (all values
 * joined); it is used only when the socket peer is a trusted proxy.
 */
export function clientAddress(socketAddress: string | undefined, forwardedFor: string | undefined, proxies: TrustedProxies): string {
  const peer = normalizeAddress(socketAddress ?? '?');
  if (proxies.size === 0 || !forwardedFor || !proxies.has(peer)) return peer;
  const hops = forwardedFor
    .split(',')
    .map((h) => normalizeAddress(h))
    .filter((h) => h.length > 0);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] as string;
    if (isIP(hop) === 0) return peer; // garbage in the chain: do not trust anything left of it
    if (!proxies.has(hop)) return hop;
  }
  return hops[0] ?? peer;
}
