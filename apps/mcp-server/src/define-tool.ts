/**
 * defineTool: the shape of every tool. Authors declare one semantic `effect`; the four MCP annotation
 * hints are derived from it here and nowhere else.
 *
 * openWorldHint is `false` for every tool (decided once for the project): the tools act only on the one
 * configured Coder deployment, a closed and enumerable domain (same choice as Coder's own MCP presets).
 * The real open-world risk, agent-written text, is handled explicitly by fencing it as untrusted data.
 */
import type { ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import type { Clock } from './clock.js';
import type { CoderClient } from './coder.js';
import type { Config, Toolset } from './config.js';
import type { Outcome, ToolFailure } from './failures.js';
import type { Logger } from './log.js';
import type { FleetRuntime } from './runtime/fleet-runtime.js';
import type { ViewContext } from './views/parts.js';

export type ToolEffect = 'read' | 'write' | 'destructive';
export const OPEN_WORLD_HINT = false;

/** What every tool may use. Shared across sessions (HTTP) except `session`. */
export interface ServerDeps {
  coder: CoderClient;
  clock: Clock;
  config: Config;
  log: Logger;
}

export interface SessionInfo {
  /** Stable for one MCP session (stdio: one per process; HTTP: the mcp-session-id). */
  id: string;
  /** Who, for the audit: the HTTP principal (Coder user in coder-token mode); absent: the local OS user (stdio). */
  principal?: string;
}

export type ConfirmOutcome = 'accepted' | 'declined' | 'cancelled' | 'unsupported';

export interface ToolContext {
  deps: ServerDeps;
  /** Shared caches, agent resolution and the mutation journal (one per Coder client). */
  runtime: FleetRuntime;
  session: SessionInfo;
  /** Aborted on client cancellation or the tool timeout: pass it to every Coder call. */
  signal: AbortSignal;
  /** Logger bound to { tool, requestId }. stderr only. */
  log: Logger;
  now(): Date;
  /** True when `tool` is registered in this session: answers name only tools the caller can call. */
  offers(tool: string): boolean;
  /** What views need: `now()` and `offers`, taken once for one answer. */
  view(): ViewContext;
  /** Sends notifications/progress when the client asked for it (a no-op otherwise). */
  progress(progress: number, total?: number, message?: string): Promise<void>;
  /**
   * Asks the user to confirm via elicitation; 'unsupported' when the client cannot elicit, 'cancelled'
   * when the user dismissed the prompt or the elicitation request itself failed (client error, timeout).
   */
  confirm(message: string): Promise<ConfirmOutcome>;
  /** Waits `ms` on the server clock (`sleepOn`: a manual test clock advances itself); resolves early on abort. */
  sleep(ms: number): Promise<void>;
}

export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/** A tool's answer: structured data (validated against outputSchema) plus its compact text rendering. */
export interface ToolAnswer<T> {
  data: T;
  text: string;
}
export type ToolOutcome<T> = Outcome<ToolAnswer<T>>;

/** A successful result: structured data plus its compact text rendering. */
export const success = <T>(data: T, text: string): ToolOutcome<T> => ({ ok: true, value: { data, text } });
/** An expected failure (rendered as an `isError` result starting with its code). */
export const failure = (f: ToolFailure): { ok: false; failure: ToolFailure } => ({ ok: false, failure: f });

export interface ToolDefinition<I extends z.ZodObject = z.ZodObject, O extends z.ZodObject = z.ZodObject> {
  /** snake_case, verb first; part of the public contract. */
  name: string;
  /** Plain sentence case. */
  title: string;
  /** What it returns, when to use it, what to call next (2–3 sentences). */
  description: string;
  toolset: Toolset;
  effect: ToolEffect;
  /** Repeating the call with the same arguments has no further effect (write/destructive only; read is always idempotent). */
  idempotent?: boolean;
  inputSchema: I;
  outputSchema: O;
  /** Overrides the configured per-call timeout (e.g. bounded waits). */
  timeoutMs?: (input: z.output<I>, config: Config) => number;
  handle(input: z.output<I>, ctx: ToolContext): Promise<ToolOutcome<z.output<O>>>;
}

/**
 * Every tool is defined here (Playwright MCP style: for type inference), and every tool's input is strict:
 * an unknown argument is refused (protocol-guard.ts names it and the accepted ones) instead of silently
 * ignored, and the advertised JSON schema says `additionalProperties: false`. Nested input objects are
 * declared with `z.strictObject` (tools.spec.ts checks every advertised input object).
 */
export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(tool: ToolDefinition<I, O>): ToolDefinition<I, O> {
  return { ...tool, inputSchema: strictInput(tool.inputSchema) };
}

/** `schema` refusing keys it does not declare (its fields, checks and description kept). */
export const strictInput = <I extends z.ZodObject>(schema: I): I => schema.strict() as unknown as I;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTool = ToolDefinition<any, any>;

/** The only place hints are decided. All four are always set. */
export function annotationsFor(tool: Pick<AnyTool, 'effect' | 'idempotent' | 'title'>): ToolAnnotations {
  switch (tool.effect) {
    case 'read':
      return { title: tool.title, readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: OPEN_WORLD_HINT };
    case 'write':
      return { title: tool.title, readOnlyHint: false, destructiveHint: false, idempotentHint: tool.idempotent ?? false, openWorldHint: OPEN_WORLD_HINT };
    case 'destructive':
      return { title: tool.title, readOnlyHint: false, destructiveHint: true, idempotentHint: tool.idempotent ?? false, openWorldHint: OPEN_WORLD_HINT };
  }
}
