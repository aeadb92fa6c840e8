/**
 * Fault injection: rules matched against each request's route template (`GET /api/v2/tasks`) or path.
 * `latency` rules add up; the first matching terminal rule (status, drop, hang, malformed) applies.
 * `times` limits a rule to N matching requests; without it the rule stays until cleared.
 * WebSocket routes (chat watch and stream) are matched at the upgrade: `drop` destroys the connection,
 * `hang` never answers, `status` refuses the upgrade, `malformed` accepts and sends a broken frame,
 * `stall` accepts and then sends nothing (no frames, no pings), `close` accepts and closes with
 * `closeCode` (default 1011). On plain HTTP routes `stall` behaves like `hang` and `close` like `drop`.
 */
export type FaultKind = 'latency' | 'status' | 'drop' | 'hang' | 'malformed' | 'stall' | 'close';

export interface FaultRuleInit {
  kind: FaultKind;
  /**
   * Which requests: a glob (`*` = any characters) over "METHOD /template" or "METHOD /path",
   * or without a method over the template or path. Absent = every API request.
   */
  route?: string;
  /** status: the HTTP status (429, 500, 502, 503...). */
  status?: number;
  /** status 429: Retry-After seconds (default 1). */
  retryAfterSeconds?: number;
  /** status: the error message (default per status). */
  message?: string;
  /** latency: added milliseconds. */
  latencyMs?: number;
  /** Apply to this many matching requests, then expire. */
  times?: number;
  /** close: the WebSocket close code (default 1011). */
  closeCode?: number;
}

export interface FaultRule extends FaultRuleInit {
  id: string;
  /** Matching requests so far. */
  hits: number;
}

export interface RateLimitConfig {
  /** Requests allowed per token (or per IP when unauthenticated) per window. */
  limit: number;
  windowMs: number;
}

export interface FaultMatch {
  latencyMs: number;
  terminal?: FaultRule;
}

export interface FaultControl {
  add(rule: FaultRuleInit): string;
  latency(ms: number, opts?: Omit<FaultRuleInit, 'kind' | 'latencyMs'>): string;
  status(status: number, opts?: Omit<FaultRuleInit, 'kind' | 'status'>): string;
  drop(opts?: Omit<FaultRuleInit, 'kind'>): string;
  hang(opts?: Omit<FaultRuleInit, 'kind'>): string;
  malformed(opts?: Omit<FaultRuleInit, 'kind'>): string;
  /** Enforce a per-token rate limit (429 + Retry-After once exceeded). */
  rateLimit(limit: number, windowMs?: number): void;
  clearRateLimit(): void;
  /** Remove one rule by id, or every rule and the rate limit. */
  clear(id?: string): void;
  list(): FaultRule[];
  readonly rateLimitConfig: RateLimitConfig | null;
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`, 'i');
}

const METHODS = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|\*) /i;

export class Faults implements FaultControl {
  private rules: FaultRule[] = [];
  private seq = 0;
  rateLimitConfig: RateLimitConfig | null = null;

  add(init: FaultRuleInit): string {
    validateRule(init);
    const id = `fault-${++this.seq}`;
    this.rules.push({ ...init, id, hits: 0 });
    return id;
  }

  latency(ms: number, opts: Omit<FaultRuleInit, 'kind' | 'latencyMs'> = {}): string {
    return this.add({ ...opts, kind: 'latency', latencyMs: ms });
  }

  status(status: number, opts: Omit<FaultRuleInit, 'kind' | 'status'> = {}): string {
    return this.add({ ...opts, kind: 'status', status });
  }

  drop(opts: Omit<FaultRuleInit, 'kind'> = {}): string {
    return this.add({ ...opts, kind: 'drop' });
  }

  hang(opts: Omit<FaultRuleInit, 'kind'> = {}): string {
    return this.add({ ...opts, kind: 'hang' });
  }

  malformed(opts: Omit<FaultRuleInit, 'kind'> = {}): string {
    return this.add({ ...opts, kind: 'malformed' });
  }

  rateLimit(limit: number, windowMs = 60_000): void {
    if (!Number.isInteger(limit) || limit < 1 || !(windowMs > 0)) throw new RangeError('rateLimit(limit >= 1, windowMs > 0)');
    this.rateLimitConfig = { limit, windowMs };
  }

  clearRateLimit(): void {
    this.rateLimitConfig = null;
  }

  clear(id?: string): void {
    if (id === undefined) {
      this.rules = [];
      this.rateLimitConfig = null;
    } else this.rules = this.rules.filter((r) => r.id !== id);
  }

  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  /** Match a request and consume `times` budgets of the rules that apply. */
  match(method: string, template: string, path: string): FaultMatch {
    let latencyMs = 0;
    let terminal: FaultRule | undefined;
    for (const rule of this.rules) {
      if (!ruleMatches(rule, method, template, path)) continue;
      if (rule.kind === 'latency') {
        latencyMs += rule.latencyMs ?? 0;
        rule.hits++;
      } else if (!terminal) {
        terminal = rule;
        rule.hits++;
      }
    }
    this.rules = this.rules.filter((r) => r.times === undefined || r.hits < r.times);
    return terminal ? { latencyMs, terminal } : { latencyMs };
  }
}

function ruleMatches(rule: FaultRule, method: string, template: string, path: string): boolean {
  if (rule.route === undefined || rule.route === '' || rule.route === '*') return true;
  const re = globToRegExp(rule.route);
  if (METHODS.test(rule.route)) return re.test(`${method} ${template}`) || re.test(`${method} ${path}`);
  return re.test(template) || re.test(path);
}

function validateRule(init: FaultRuleInit): void {
  const kinds: FaultKind[] = ['latency', 'status', 'drop', 'hang', 'malformed', 'stall', 'close'];
  if (!kinds.includes(init.kind)) throw new RangeError(`unknown fault kind "${String(init.kind)}"`);
  if (init.kind === 'status' && !(Number.isInteger(init.status) && (init.status ?? 0) >= 400 && (init.status ?? 0) <= 599)) {
    throw new RangeError('status fault needs status 400..599');
  }
  if (init.kind === 'latency' && !((init.latencyMs ?? -1) >= 0)) throw new RangeError('latency fault needs latencyMs >= 0');
  if (init.times !== undefined && !(Number.isInteger(init.times) && init.times > 0)) throw new RangeError('times must be a positive integer');
}

export const DEFAULT_STATUS_MESSAGES: Record<number, string> = {
  429: 'You have been rate limited.',
  500: 'An internal server error occurred.',
  502: 'Bad gateway.',
  503: 'Service unavailable.',
  504: 'Gateway timeout.',
};
