/**
 * DNS-rebinding protection for the HTTP transport, as pure functions over header values.
 *
 * - Host: must name loopback (localhost, 127.0.0.1, [::1]), the bind address itself, or one of
 *   `--allowed-hosts` (hostnames, port-agnostic; `*` disables the check, e.g. behind a proxy that
 *   rewrites Host). A page on evil.example that rebinds its name to 127.0.0.1 sends `Host: evil.example`.
 * - Origin: absent for non-browser clients (allowed). When present it must be a loopback origin or one of
 *   `--allowed-origins` (exact `scheme://host[:port]`); `null` is refused.
 */

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'] as const;
const WILDCARD_BINDS = new Set(['0.0.0.0', '::', '[::]', '']);

export type HeaderCheck = { ok: true } | { ok: false; message: string };

/** Bracket IPv6 literals and lowercase, the way `new URL().hostname` reports them. */
export function normalizeHostname(host: string): string {
  const h = host.trim().toLowerCase();
  return h.includes(':') && !h.startsWith('[') ? `[${h}]` : h;
}

/** Whether a bind address (or hostname) is loopback: localhost, 127.0.0.0/8, ::1. */
export function isLoopbackHost(host: string): boolean {
  const h = normalizeHostname(host);
  if (h === 'localhost' || h === '[::1]') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

export interface HostPolicy {
  /** Accepted Host hostnames (normalized); undefined = any (`--allowed-hosts '*'`). */
  hosts: ReadonlySet<string> | undefined;
  /** Accepted non-loopback origins, exact `scheme://host[:port]` (lowercase). */
  origins: ReadonlySet<string>;
}

export function hostPolicy(bindHost: string, allowedHosts: readonly string[], allowedOrigins: readonly string[]): HostPolicy {
  const origins = new Set(allowedOrigins.map((o) => o.trim().toLowerCase().replace(/\/+$/, '')));
  if (allowedHosts.includes('*')) return { hosts: undefined, origins };
  const hosts = new Set<string>(LOOPBACK_NAMES);
  const bind = normalizeHostname(bindHost);
  if (!WILDCARD_BINDS.has(bind) && !WILDCARD_BINDS.has(bindHost)) hosts.add(bind);
  for (const h of allowedHosts) if (h.trim()) hosts.add(normalizeHostname(h));
  return { hosts, origins };
}

export function checkHost(hostHeader: string | undefined, policy: HostPolicy): HeaderCheck {
  if (policy.hosts === undefined) return { ok: true };
  if (!hostHeader) return { ok: false, message: 'Missing Host header.' };
  let hostname: string;
  try {
    hostname = new URL(`http://${hostHeader}`).hostname.toLowerCase();
  } catch {
    return { ok: false, message: 'Invalid Host header.' };
  }
  if (policy.hosts.has(hostname) || isLoopbackHost(hostname)) return { ok: true };
  return { ok: false, message: `Host '${hostname}' is not allowed (DNS-rebinding protection). The operator can add it with --allowed-hosts.` };
}

export function checkOrigin(originHeader: string | undefined, policy: HostPolicy): HeaderCheck {
  if (originHeader === undefined) return { ok: true };
  const origin = originHeader.trim().toLowerCase();
  if (policy.origins.has(origin)) return { ok: true };
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return { ok: false, message: 'Origin not allowed.' };
  }
  if ((url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackHost(url.hostname)) return { ok: true };
  return { ok: false, message: `Origin '${url.origin}' is not allowed. The operator can add it with --allowed-origins.` };
}
