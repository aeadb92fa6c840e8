/**
 * One guard around every JSON-RPC request handler of a session's server (D9): the SDK parses a request's
 * params with zod before the handler runs and answers a failure with -32603 and the raw zod dump, and some
 * of its errors repeat the caller's input in full (a 1 MiB tool name or URI came back in the error).
 *
 * - tools/call: arguments that are not an object, or that fail the tool's input schema, are answered like
 *   every other tool error: an `isError` result "invalid_argument: what. Next: how" (no zod dump, no -32603);
 *   unknown arguments (every input is strict, define-tool.ts) are named with the ones the tool accepts;
 * - any other method: a params parse failure is -32602 with a one-line summary of the fields;
 * - a resource URI longer than MAX_URI_CHARS is -32602 before any handler parses it;
 * - every error message is clipped (ERROR_MESSAGE_MAX_CHARS) with a marker, so an error never echoes input in bulk;
 * - tools/list answers with compacted schemas (tool-list.ts: the context budget).
 *
 * The SDK keeps its handlers in the private `_requestHandlers` map; the SDK version is pinned exactly and
 * guardRequests throws at start-up if that map ever disappears (a test covers it).
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import type { AnyTool } from './define-tool.js';
import { renderFailure, toolFailure } from './failures.js';
import { compactToolList } from './tool-list.js';

export const ERROR_MESSAGE_MAX_CHARS = 500;
/** Longest resource URI accepted (fleet:// URIs are short; the SDK answered a 1 MiB one with -32603). */
export const MAX_URI_CHARS = 2_048;
const INVALID_PARAMS = -32602;
const INTERNAL_ERROR = -32603;

type Handler = (request: { method: string; params?: Record<string, unknown> }, extra: unknown) => Promise<unknown>;
interface Issue {
  path: readonly PropertyKey[];
  message: string;
}

/** `text` cut to `max` characters with a visible marker. */
export function clip(text: string, max = ERROR_MESSAGE_MAX_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max)}… [truncated, ${text.length - max} more characters]`;
}

const issuesOf = (error: unknown): readonly Issue[] | undefined => {
  const issues = (error as { issues?: unknown } | null)?.issues;
  return Array.isArray(issues) ? (issues as Issue[]) : undefined;
};

/** "`limit`: Invalid input: expected number, received string; …" — field names and rules, never values. */
export function describeIssues(issues: readonly Issue[], max = 5): string {
  const parts = issues.slice(0, max).map((i) => {
    const path = i.path.map(String).join('.');
    return `${path ? `\`${clip(path, 80)}\`` : 'the value'}: ${clip(i.message, 160)}`;
  });
  const more = issues.length > max ? `; and ${issues.length - max} more` : '';
  return `${parts.join('; ')}${more}`;
}

const rpcError = (code: number, message: string, data?: unknown) => Object.assign(new Error(clip(message)), { code, ...(data !== undefined ? { data } : {}) });

function invalidArguments(toolName: string, why: string, schemaHint: string): CallToolResult {
  return renderFailure(
    toolFailure('invalid_argument', `Invalid arguments for ${clip(toolName, 64)}: ${why}.`, `Fix the arguments to match the tool's input schema (${schemaHint}) and call it again.`),
  );
}

const fieldList = (schema: z.ZodObject) => {
  const keys = Object.keys(schema.shape);
  return keys.length === 0 ? 'it takes no arguments' : `fields: ${keys.join(', ')}`;
};

/** The object schema at `path` inside `schema` (through optional/default/nullable wrappers), if any. */
function objectAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodObject | undefined {
  const unwrap = (s: z.ZodType | undefined): z.ZodType | undefined => {
    let cur = s;
    for (let i = 0; i < 5 && cur; i++) {
      const inner = (cur._zod.def as { innerType?: z.ZodType }).innerType;
      if (!inner) break;
      cur = inner;
    }
    return cur;
  };
  let cur = unwrap(schema);
  for (const key of path) {
    const shape = (cur as z.ZodObject | undefined)?.shape as Record<PropertyKey, z.ZodType> | undefined;
    cur = unwrap(shape?.[key]);
  }
  return cur && 'shape' in cur ? (cur as z.ZodObject) : undefined;
}

const MAX_NAMED_KEYS = 10;
const nameKeys = (keys: readonly string[]) =>
  `${keys.slice(0, MAX_NAMED_KEYS).map((k) => `\`${clip(k, 64)}\``).join(', ')}${keys.length > MAX_NAMED_KEYS ? ` and ${keys.length - MAX_NAMED_KEYS} more` : ''}`;

/**
 * Unknown arguments (zod `unrecognized_keys`, every input object is strict): refused by name, with the
 * arguments the tool (or that nested object) accepts, so a model never believes an ignored argument counted.
 */
function unknownArguments(tool: AnyTool, issues: readonly (Issue & { keys?: readonly string[] })[]): CallToolResult {
  const parts = issues.map((i) => {
    const at = i.path.map(String).join('.');
    const keys = (i.keys ?? []).map((k) => (at ? `${at}.${k}` : k));
    const accepted = Object.keys(objectAt(tool.inputSchema, i.path)?.shape ?? {});
    return { keys, where: at ? `in \`${clip(at, 64)}\`` : '', accepted };
  });
  const unknown = parts.flatMap((p) => p.keys);
  const accepted = parts
    .map((p) => `${p.where ? `${p.where}: ` : ''}${p.accepted.length > 0 ? p.accepted.join(', ') : 'none'}`)
    .join('; ');
  return renderFailure(
    toolFailure(
      'invalid_argument',
      `${clip(tool.name, 64)} does not take ${unknown.length === 1 ? 'the argument' : 'the arguments'} ${nameKeys(unknown)}; nothing was done. It accepts: ${accepted}.`,
      `Call ${clip(tool.name, 64)} again with only the accepted arguments; what the others were meant to do may need another tool (tools/list describes them).`,
    ),
  );
}

/** Wraps every registered request handler of `server` (call after all tools and resources are registered). */
export function guardRequests(server: McpServer, tools: readonly AnyTool[]): void {
  const handlers = (server.server as unknown as { _requestHandlers?: Map<string, Handler> })._requestHandlers;
  if (!(handlers instanceof Map)) throw new Error('guardRequests: the MCP SDK no longer exposes its request handlers; update protocol-guard.ts for this SDK version.');
  const byName = new Map(tools.map((t) => [t.name, t]));
  for (const [method, handler] of handlers) {
    handlers.set(method, async (request, extra) => {
      if (method === 'tools/call') {
        const name = request.params?.['name'];
        const tool = typeof name === 'string' ? byName.get(name) : undefined;
        if (typeof name === 'string' && !tool)
          return renderFailure(toolFailure('unknown_tool', `No tool named ${JSON.stringify(clip(name, 64))} on this server (or it is disabled for this session).`, 'Call tools/list for the tools this session offers.'));
        const args = request.params?.['arguments'];
        if (tool && args !== undefined && (typeof args !== 'object' || args === null || Array.isArray(args)))
          return invalidArguments(tool.name, `\`arguments\` must be a JSON object, got ${Array.isArray(args) ? 'an array' : args === null ? 'null' : `a ${typeof args}`}`, fieldList(tool.inputSchema));
        if (tool) {
          const parsed = (tool.inputSchema as z.ZodObject).safeParse(args ?? {});
          if (!parsed.success) {
            const unknown = parsed.error.issues.filter((i) => i.code === 'unrecognized_keys');
            if (unknown.length > 0) return unknownArguments(tool, unknown);
            return invalidArguments(tool.name, describeIssues(parsed.error.issues), fieldList(tool.inputSchema));
          }
        }
      }
      const uri = request.params?.['uri'];
      if (typeof uri === 'string' && uri.length > MAX_URI_CHARS)
        throw rpcError(INVALID_PARAMS, `Invalid params for ${clip(method, 64)}: \`uri\` is ${uri.length} characters; resource URIs of this server are at most ${MAX_URI_CHARS}.`);
      try {
        const result = await handler(request, extra);
        // What every session pays in context: compact schemas for every tool (tool-list.ts).
        return method === 'tools/list' ? compactToolList(result) : result;
      } catch (error) {
        const issues = issuesOf(error);
        if (issues) throw rpcError(INVALID_PARAMS, `Invalid params for ${clip(method, 64)}: ${describeIssues(issues)}.`);
        const e = error as { code?: unknown; message?: unknown; data?: unknown };
        const code = typeof e.code === 'number' && Number.isSafeInteger(e.code) ? e.code : INTERNAL_ERROR;
        throw rpcError(code, typeof e.message === 'string' ? e.message : 'Internal error', e.data);
      }
    });
  }
}
