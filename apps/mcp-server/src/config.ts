/**
 * Configuration: zod-validated once at start. Precedence: defaults < env < CLI flags.
 * Every server option has a kebab-case flag and an env var `FLEET_MCP_<FLAG>` (`--read-only` ↔
 * `FLEET_MCP_READ_ONLY`); the Coder connection uses Coder's own names (`CODER_URL`, `CODER_SESSION_TOKEN`).
 * The session token is never accepted as a flag (it would be visible in `ps`) and never echoed.
 */
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { formatDeclaredMapErrors, parseDeclaredCapabilitiesJson, type DeclaredCapabilities } from '@org/fleet-domain';
import { DATABASE_URL_ENV, resolveStoreConfig, type StoreConfigResult } from '@org/fleet-store';
import { LOG_LEVELS } from './log.js';
import { parseTrustedProxies } from './security/client-address.js';
import { VERSION } from './version.js';

export const TOOLSETS = ['fleet', 'agents', 'lifecycle', 'templates', 'events'] as const;
export type Toolset = (typeof TOOLSETS)[number];
export const TRANSPORTS = ['stdio', 'http'] as const;
/** HTTP authentication: none (loopback only), one static bearer token, or the caller's own Coder token. */
export const AUTH_MODES = ['none', 'bearer', 'coder-token'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];
/** Where agents live: detected (Tasks, Chats, else workspaces), or plain workspaces running an AI app. */
export const BACKENDS = ['auto', 'workspaces'] as const;
/** Secret: env only, never a flag (flags are visible in `ps`). */
export const AUTH_TOKEN_ENV = 'FLEET_MCP_AUTH_TOKEN';
/** The bearer token minimum, everywhere (validation, its message, the README). */
export const MIN_AUTH_TOKEN_CHARS = 32;

type Kind = 'string' | 'boolean';
interface OptionSpec {
  flag: string;
  env: string;
  kind: Kind;
  help: string;
}

const opt = (flag: string, kind: Kind, help: string, env = `FLEET_MCP_${flag.toUpperCase().replace(/-/g, '_')}`): OptionSpec => ({
  flag,
  env,
  kind,
  help,
});

/** The one table of options: drives parsing, env names, error messages and `--help`. */
export const OPTIONS = {
  coderUrl: opt('coder-url', 'string', 'Coder deployment URL, e.g. https://coder.example.com', 'CODER_URL'),
  coderTokenFile: opt('coder-token-file', 'string', 'File holding the Coder session token (alternative to CODER_SESSION_TOKEN)'),
  logLevel: opt('log-level', 'string', `Log level on stderr: ${LOG_LEVELS.join('|')} (default info)`),
  requestTimeoutMs: opt('request-timeout-ms', 'string', 'Per tool call and per Coder request timeout in ms (default 30000)'),
  cacheTtlMs: opt('cache-ttl-ms', 'string', 'How long a fetched fleet list (tasks, chats or workspaces) is reused, in ms (default 2000)'),
  templateCacheTtlMs: opt('template-cache-ttl-ms', 'string', 'How long template data is reused, in ms (default 60000)'),
  capacity: opt('capacity', 'string', 'Fleet capacity (max concurrent agents) for utilisation and capacity warnings'),
  idleAttentionMinutes: opt('idle-attention-minutes', 'string', 'An idle agent needs attention after this many minutes (default 15)'),
  stuckMinutes: opt('stuck-minutes', 'string', 'A working agent with no state change for this long is stuck (default 30)'),
  conflictWindowMs: opt('conflict-window-ms', 'string', 'Mutations on one agent from different sessions within this window get a conflict notice (default 60000)'),
  capabilitiesFile: opt('capabilities-file', 'string', 'JSON capability map: {"templates": {"<name>": {"capabilities": ["gpu"], "limits": {"cpu": 8, "memoryGb": 16}}}}'),
  transport: opt('transport', 'string', 'stdio|http (default stdio)'),
  host: opt('host', 'string', 'HTTP bind address (default 127.0.0.1)'),
  port: opt('port', 'string', 'HTTP port (default 8717)'),
  readOnly: opt('read-only', 'boolean', 'Register only read-only tools'),
  disableDestructive: opt('disable-destructive', 'boolean', 'Do not register destructive tools'),
  toolsets: opt('toolsets', 'string', `Comma list of toolsets: ${TOOLSETS.join(',')} (default all)`),
  tools: opt('tools', 'string', 'Comma list of tools to enable (added to --toolsets)'),
  excludeTools: opt('exclude-tools', 'string', 'Comma list of tools to disable'),
  owner: opt('owner', 'string', 'Comma list of owners (usernames): restrict the fleet to their agents'),
  authMode: opt('auth-mode', 'string', `HTTP auth: ${AUTH_MODES.join('|')} (default bearer when a token is set, else none)`),
  authTokenFile: opt('auth-token-file', 'string', `File holding the HTTP bearer token (alternative to ${AUTH_TOKEN_ENV}; mode 0600)`),
  allowedHosts: opt('allowed-hosts', 'string', 'Comma list of extra Host names accepted besides loopback (DNS-rebinding protection)'),
  allowedOrigins: opt('allowed-origins', 'string', 'Comma list of browser Origins accepted (default: loopback origins only)'),
  rateLimitPerMinute: opt('rate-limit-per-minute', 'string', 'HTTP JSON-RPC messages per minute per session, a batch counting each message (default 600; 0 = off)'),
  rateLimitBurst: opt('rate-limit-burst', 'string', 'HTTP JSON-RPC message burst per session; a larger batch is refused (default 60)'),
  trustedProxies: opt('trusted-proxies', 'string', 'Comma list of reverse-proxy IPs/CIDRs whose X-Forwarded-For names the client (rate limits before a session exists)'),
  maxBodyBytes: opt('max-body-bytes', 'string', 'Largest HTTP request body in bytes (default 1048576)'),
  maxSessions: opt('max-sessions', 'string', 'Most concurrent HTTP sessions (default 200)'),
  replaySessionBytes: opt('replay-session-bytes', 'string', 'Bytes of undelivered SSE events kept per HTTP session for resumption (default 1048576)'),
  replayTotalBytes: opt('replay-total-bytes', 'string', 'Bytes of undelivered SSE events kept for all HTTP sessions together (default 33554432)'),
  shutdownDrainMs: opt('shutdown-drain-ms', 'string', 'On SIGTERM, wait this long for in-flight calls (default 10000)'),
  watchIntervalMs: opt('watch-interval-ms', 'string', 'Fleet watcher poll interval in ms: one list request per kind (a page for workspaces) per cycle (default 2000)'),
  watchAlwaysOn: opt('watch-always-on', 'boolean', 'Keep the fleet watcher running even when no client waits or subscribes'),
  watchDebounceMs: opt('watch-debounce-ms', 'string', 'A status change must persist this long before it is reported; failures are immediate (default 2000)'),
  watchReconcileMs: opt('watch-reconcile-ms', 'string', "Poll interval while Coder's chat watch socket pushes every change (chats only); default 15 x --watch-interval-ms, at most 60000"),
  watchMaxBackoffMs: opt('watch-max-backoff-ms', 'string', 'Upper bound of the watcher back-off after Coder errors, in ms (default 60000)'),
  journalSize: opt('journal-size', 'string', 'Fleet events kept in memory for get_fleet_events cursors (default 1000)'),
  capacityWarningPercent: opt('capacity-warning-percent', 'string', 'Capacity warning at this percent of --capacity (default 90)'),
  store: opt('store', 'string', `Durable history: memory | sqlite:<path> | postgres://… (or ${DATABASE_URL_ENV}); default a SQLite file per Coder URL under $XDG_STATE_HOME/coder-fleet-mcp/`),
  retentionDays: opt('retention-days', 'string', 'Days of history kept in the store (default 30)'),
  sampleInterval: opt('sample-interval', 'string', 'Seconds between fleet metric samples stored for get_fleet_trends (default 60; 0 = off)'),
  backend: opt('backend', 'string', 'auto|workspaces: agents as Coder Tasks/Agents (auto), or as plain workspaces running an AI app (default auto: workspaces when Coder has neither)'),
  agentAppSlug: opt('agent-app-slug', 'string', 'Slug of the AI app (AgentAPI) that marks a workspace as an agent (default ccw)'),
} as const satisfies Record<string, OptionSpec>;
type OptionKey = keyof typeof OPTIONS;

export const TOKEN_ENV = 'CODER_SESSION_TOKEN';

const num = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const list = z.union([
  z.array(z.string()),
  z.string().transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean)),
]);
const bool = z.union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no', '']).transform((v) => ['true', '1', 'yes', ''].includes(v))]);

export const ConfigSchema = z.object({
  coderUrl: z
    .url({ protocol: /^https?$/, error: 'expected an http(s) URL such as https://coder.example.com' })
    .transform((u) => u.replace(/\/+$/, '')),
  sessionToken: z.string({ error: 'missing' }).min(1, 'missing'),
  logLevel: z.enum(LOG_LEVELS).default('info'),
  requestTimeoutMs: num(100, 600_000).default(30_000),
  cacheTtlMs: num(0, 600_000).default(2_000),
  templateCacheTtlMs: num(0, 86_400_000).default(60_000),
  capacity: num(1, 1_000_000).optional(),
  idleAttentionMinutes: num(1, 100_000).default(15),
  stuckMinutes: num(1, 100_000).default(30),
  conflictWindowMs: num(0, 86_400_000).default(60_000),
  /** Operator-declared capability map (FLEET_MCP_CAPABILITIES_FILE), parsed by fleet-domain. */
  declaredCapabilities: z.custom<DeclaredCapabilities>((v) => typeof v === 'object' && v !== null && 'templates' in v).optional(),
  transport: z.enum(TRANSPORTS).default('stdio'),
  host: z.string().min(1).default('127.0.0.1'),
  port: num(1, 65_535).default(8717),
  readOnly: bool.default(false),
  disableDestructive: bool.default(false),
  toolsets: list.pipe(z.array(z.enum(TOOLSETS))).optional(),
  tools: list.optional(),
  excludeTools: list.default([]),
  owners: list.default([]),
  authMode: z.enum(AUTH_MODES).optional(),
  authToken: z.string().min(MIN_AUTH_TOKEN_CHARS, `too short: use at least ${MIN_AUTH_TOKEN_CHARS} random characters (e.g. openssl rand -hex 32)`).optional(),
  authTokenFile: z.string().min(1).optional(),
  allowedHosts: list.default([]),
  allowedOrigins: list.default([]),
  rateLimitPerMinute: num(0, 1_000_000).default(600),
  rateLimitBurst: num(1, 100_000).default(60),
  trustedProxies: list.pipe(
    z.array(z.string()).superRefine((entries, ctx) => {
      const parsed = parseTrustedProxies(entries);
      if (!parsed.ok) for (const message of parsed.errors) ctx.addIssue({ code: 'custom', message });
    }),
  ).default([]),
  maxBodyBytes: num(1024, 64 * 1024 * 1024).default(1024 * 1024),
  maxSessions: num(1, 100_000).default(200),
  replaySessionBytes: num(1024, 1024 * 1024 * 1024).default(1024 * 1024),
  replayTotalBytes: num(1024, 16 * 1024 * 1024 * 1024).default(32 * 1024 * 1024),
  shutdownDrainMs: num(0, 600_000).default(10_000),
  watchIntervalMs: num(50, 3_600_000).default(2_000),
  watchAlwaysOn: bool.default(false),
  watchDebounceMs: num(0, 3_600_000).default(2_000),
  watchMaxBackoffMs: num(100, 3_600_000).default(60_000),
  watchReconcileMs: num(50, 3_600_000).optional(),
  journalSize: num(10, 1_000_000).default(1_000),
  capacityWarningPercent: num(1, 100).default(90),
  /** Raw --store / FLEET_MCP_STORE and FLEET_MCP_DATABASE_URL (env only: it may hold a password); see storeConfigOf. */
  store: z.string().optional(),
  databaseUrl: z.string().optional(),
  retentionDays: z.union([z.string(), z.number()]).optional(),
  /** Seconds between trend samples (0: no sampler). */
  sampleInterval: num(0, 86_400).default(60),
  /** `workspaces`: agents are plain workspaces running an AI app (issue #17); `auto`: so only when Coder has neither Tasks nor Chats. */
  backend: z.enum(BACKENDS).default('auto'),
  agentAppSlug: z
    .string()
    .regex(/^[a-z0-9](?:-?[a-z0-9])*$/, 'an app slug: lowercase letters, digits and single hyphens')
    .max(64)
    .default('ccw'),
  /**
   * Set only by the `nx serve` launcher when it serves its in-process Coder simulator (never a flag or env:
   * a real deployment can never claim to be simulated, nor hide that it is). Shown in serverInfo, the
   * instructions, the start-up log and get_fleet_status's `deployment` block.
   */
  simulated: z.boolean().default(false),
});
export type Config = z.output<typeof ConfigSchema>;
export type ConfigInput = z.input<typeof ConfigSchema>;

export type LoadConfigResult =
  /** `check`: `--check` was given: report on the deployment and exit instead of serving. */
  | { kind: 'ok'; config: Config; check: boolean }
  | { kind: 'help'; text: string }
  | { kind: 'version'; text: string }
  | { kind: 'error'; errors: string[] };

export interface LoadConfigOptions {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  readFile: (path: string) => string;
  /** For a relative `--store sqlite:<path>` (default: the process's working directory). */
  cwd?: string;
}

const FIELD_TO_OPTION: Partial<Record<keyof Config, OptionKey>> = {
  coderUrl: 'coderUrl',
  logLevel: 'logLevel',
  requestTimeoutMs: 'requestTimeoutMs',
  cacheTtlMs: 'cacheTtlMs',
  templateCacheTtlMs: 'templateCacheTtlMs',
  capacity: 'capacity',
  idleAttentionMinutes: 'idleAttentionMinutes',
  stuckMinutes: 'stuckMinutes',
  conflictWindowMs: 'conflictWindowMs',
  declaredCapabilities: 'capabilitiesFile',
  transport: 'transport',
  host: 'host',
  port: 'port',
  readOnly: 'readOnly',
  disableDestructive: 'disableDestructive',
  toolsets: 'toolsets',
  tools: 'tools',
  excludeTools: 'excludeTools',
  owners: 'owner',
  authMode: 'authMode',
  authTokenFile: 'authTokenFile',
  allowedHosts: 'allowedHosts',
  allowedOrigins: 'allowedOrigins',
  rateLimitPerMinute: 'rateLimitPerMinute',
  rateLimitBurst: 'rateLimitBurst',
  trustedProxies: 'trustedProxies',
  replaySessionBytes: 'replaySessionBytes',
  replayTotalBytes: 'replayTotalBytes',
  maxBodyBytes: 'maxBodyBytes',
  maxSessions: 'maxSessions',
  shutdownDrainMs: 'shutdownDrainMs',
  watchIntervalMs: 'watchIntervalMs',
  watchAlwaysOn: 'watchAlwaysOn',
  watchDebounceMs: 'watchDebounceMs',
  watchMaxBackoffMs: 'watchMaxBackoffMs',
  watchReconcileMs: 'watchReconcileMs',
  journalSize: 'journalSize',
  capacityWarningPercent: 'capacityWarningPercent',
  store: 'store',
  retentionDays: 'retentionDays',
  sampleInterval: 'sampleInterval',
  backend: 'backend',
  agentAppSlug: 'agentAppSlug',
};

const where = (key: OptionKey) => `${OPTIONS[key].env} or --${OPTIONS[key].flag}`;

export function usage(): string {
  const lines = Object.values(OPTIONS).map((o) => `  --${o.flag.padEnd(24)} ${o.env.padEnd(34)} ${o.help}`);
  return [
    'coder-fleet-mcp: an MCP server for a fleet of Coder AI agents (stdio by default).',
    '',
    'Required: CODER_URL (or --coder-url) and CODER_SESSION_TOKEN (or FLEET_MCP_CODER_TOKEN_FILE / --coder-token-file).',
    `HTTP (--transport http): bearer token in ${AUTH_TOKEN_ENV} (or --auth-token-file); required to bind a non-loopback --host.`,
    '',
    '  flag                       env                                description',
    ...lines,
    '  --check                    check the deployment (Coder reachable, token, version, APIs, store, tools) and exit: 0 when usable',
    '  --version                  print the version and exit',
    '  --help                     show this text',
  ].join('\n');
}

/** Parses flags + env into a validated Config. Pure apart from `readFile` (token and capabilities files). */
export function loadConfig({ argv, env, readFile, cwd = process.cwd() }: LoadConfigOptions): LoadConfigResult {
  let flags: Record<string, string | boolean | undefined>;
  try {
    const parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
        check: { type: 'boolean' },
        ...Object.fromEntries(Object.values(OPTIONS).map((o) => [o.flag, { type: o.kind }])),
      },
    });
    flags = parsed.values as Record<string, string | boolean | undefined>;
  } catch (e) {
    return { kind: 'error', errors: [`${(e as Error).message}. Run with --help for the list of options.`] };
  }
  if (flags['help']) return { kind: 'help', text: usage() };
  if (flags['version']) return { kind: 'version', text: VERSION };

  const raw = (key: OptionKey): string | boolean | undefined => {
    const spec = OPTIONS[key];
    const fromFlag = flags[spec.flag];
    if (fromFlag !== undefined) return fromFlag;
    const fromEnv = env[spec.env];
    return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
  };

  const errors: string[] = [];
  /** A secret from its env var, or from the file an option names (the file wins). */
  const secret = (envName: string, fileKey: 'coderTokenFile' | 'authTokenFile', what: string): string | undefined => {
    const file = raw(fileKey);
    if (typeof file !== 'string') return env[envName]?.trim() || undefined;
    try {
      const value = readFile(file).trim() || undefined;
      if (!value) errors.push(`The token file given by ${where(fileKey)} is empty: put the ${what} in it.`);
      return value;
    } catch (e) {
      errors.push(`Cannot read the token file given by ${where(fileKey)} (${(e as NodeJS.ErrnoException).code ?? 'error'}): fix the path.`);
      return undefined;
    }
  };
  const sessionToken = secret(TOKEN_ENV, 'coderTokenFile', 'Coder session token');

  let declaredCapabilities: DeclaredCapabilities | undefined;
  const capFile = raw('capabilitiesFile');
  if (typeof capFile === 'string') {
    let text: string | undefined;
    try {
      text = readFile(capFile);
    } catch (e) {
      errors.push(`Cannot read the file given by ${where('capabilitiesFile')} (${(e as NodeJS.ErrnoException).code ?? 'error'}): fix the path or unset it.`);
    }
    if (text !== undefined) {
      const parsed = parseDeclaredCapabilitiesJson(text);
      if (parsed.ok) declaredCapabilities = parsed.value;
      else errors.push(`Invalid capability map in ${where('capabilitiesFile')}: ${formatDeclaredMapErrors(parsed.error)}`);
    }
  }

  const authToken = secret(AUTH_TOKEN_ENV, 'authTokenFile', 'HTTP bearer token');

  const input: Record<string, unknown> = { sessionToken, declaredCapabilities, authToken, databaseUrl: env[DATABASE_URL_ENV] || undefined };
  for (const key of Object.keys(OPTIONS) as OptionKey[]) {
    if (key === 'coderTokenFile' || key === 'capabilitiesFile') continue;
    const field = key === 'owner' ? 'owners' : key;
    input[field] = raw(key);
  }
  const result = ConfigSchema.safeParse(input);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const field = issue.path[0] as keyof Config;
      if (field === 'authToken') {
        errors.push(`Invalid ${AUTH_TOKEN_ENV} (or the file given by ${where('authTokenFile')}): ${issue.message}.`);
        continue;
      }
      if (field === 'sessionToken') {
        errors.push(`No Coder session token: set ${TOKEN_ENV} (or FLEET_MCP_CODER_TOKEN_FILE / --coder-token-file pointing to a file holding it).`);
        continue;
      }
      const key = FIELD_TO_OPTION[field];
      const shown = key && key !== 'capabilitiesFile' ? raw(key) : undefined;
      const name = key ? where(key) : String(field);
      if (field === 'coderUrl' && shown === undefined) {
        errors.push(`No Coder URL: set ${name} to your deployment, e.g. https://coder.example.com.`);
        continue;
      }
      const path = issue.path.length > 1 ? ` at ${issue.path.slice(1).join('.')}` : '';
      errors.push(`Invalid ${name}${path}: ${issue.message}${shown !== undefined ? ` (got ${JSON.stringify(shown)})` : ''}.`);
    }
  }
  if (result.success && result.data.authMode === 'bearer' && !result.data.authToken)
    errors.push(`--auth-mode bearer needs a token: set ${AUTH_TOKEN_ENV} or ${where('authTokenFile')}.`);
  if (result.success) {
    const store = storeConfigOf(result.data, env, cwd);
    if (!store.ok) errors.push(`Invalid ${store.error.message}.`);
  }
  if (errors.length > 0 || !result.success) return { kind: 'error', errors: [...new Set(errors)] };
  return { kind: 'ok', config: result.data, check: flags['check'] === true };
}

/** Where the store lives (@org/fleet-store's pure resolver): --store, FLEET_MCP_DATABASE_URL, else a file per Coder URL. */
export function storeConfigOf(config: Config, env: Readonly<Record<string, string | undefined>>, cwd: string): StoreConfigResult {
  return resolveStoreConfig({
    store: config.store,
    databaseUrl: config.databaseUrl,
    retentionDays: config.retentionDays,
    coderUrl: config.coderUrl,
    cwd,
    // A client that starts the server with a bare environment (no HOME) still gets a durable default: the OS
    // account's home (#18 D6: history lost across a restart because it silently stayed in memory).
    env: { XDG_STATE_HOME: env['XDG_STATE_HOME'], HOME: env['HOME'] || accountHome() },
  });
}

function accountHome(): string | undefined {
  try {
    const home = userInfo().homedir;
    return home && home !== '/' ? home : undefined;
  } catch {
    return undefined;
  }
}

/** A complete config for tests and embedders: defaults plus the given overrides. */
export function makeConfig(overrides: Partial<ConfigInput> & Pick<ConfigInput, 'coderUrl' | 'sessionToken'>): Config {
  return ConfigSchema.parse(overrides);
}
