/**
 * A tiny structured logger: one JSON object per line on stderr (stdout carries only MCP protocol).
 * Everything token-like is redacted before it is written, whatever the caller passes in.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(bindings: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Where lines go; defaults to process.stderr. */
  write?: (line: string) => void;
  now?: () => Date;
  /** Exact secret values (e.g. the configured Coder token) to scrub wherever they appear. */
  secrets?: readonly string[];
  bindings?: Record<string, unknown>;
}

const SECRET_KEY = /token|secret|password|passwd|authorization|cookie|api[-_]?key|credential|private[-_]?key/i;
// Coder session tokens look like `<10 chars>-<22 chars>`; also catch bearer headers and long hex/base64 keys.
const SECRET_PATTERNS: RegExp[] = [
  /\b[A-Za-z0-9]{10}-[A-Za-z0-9]{22}\b/g,
  /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /\b(?:gh[pousr]_|github_pat_|sk-|xox[abpr]-)[A-Za-z0-9_-]{10,}/g,
];
export const REDACTED = '[REDACTED]';

export function redactString(value: string, secrets: readonly string[] = []): string {
  let out = value;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join(REDACTED);
  for (const p of SECRET_PATTERNS) out = out.replace(p, REDACTED);
  return out;
}

/** Deep-copies `value` with secret-looking keys and token-like strings replaced. */
export function redact(value: unknown, secrets: readonly string[] = [], depth = 0): unknown {
  if (typeof value === 'string') return redactString(value, secrets);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8) return '[…]';
  if (value instanceof Error) {
    return { name: value.name, message: redactString(value.message, secrets), stack: value.stack && redactString(value.stack, secrets) };
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEY.test(k) && v !== undefined && typeof v !== 'boolean' ? REDACTED : redact(v, secrets, depth + 1);
  }
  return out;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  const now = options.now ?? (() => new Date());
  const secrets = options.secrets ?? [];
  const bindings = options.bindings ?? {};
  const emit = (lvl: Exclude<LogLevel, 'silent'>, msg: string, fields?: Record<string, unknown>) => {
    if (RANK[lvl] < RANK[level]) return;
    const record = redact({ time: now().toISOString(), level: lvl, msg, ...bindings, ...fields }, secrets);
    write(`${JSON.stringify(record)}\n`);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (extra) => createLogger({ ...options, bindings: { ...bindings, ...extra } }),
  };
}

/** A logger that drops everything (tests that do not care about logs). */
export const silentLogger: Logger = createLogger({ level: 'silent' });
