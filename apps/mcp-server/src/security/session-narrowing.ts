/**
 * Per-session narrowing: a client may ask, on its initialize request, for FEWER tools than the server's
 * static flags allow, never more. Headers:
 *   X-Fleet-Read-Only: true            only readOnlyHint tools for this session
 *   X-Fleet-Disable-Destructive: true  no destructiveHint tools for this session
 *   X-Fleet-Toolsets: fleet,agents     only these toolsets (intersected with what the server enabled)
 * The result is the session's config plus its explicit tool list (already filtered by the server's rules).
 */
import { TOOLSETS, type Config, type Toolset } from '../config.js';
import type { AnyTool } from '../define-tool.js';
import { filterTools, selectTools } from '../tools/select-tools.js';

export const NARROWING_HEADERS = { readOnly: 'x-fleet-read-only', disableDestructive: 'x-fleet-disable-destructive', toolsets: 'x-fleet-toolsets' } as const;

export type Narrowed = { ok: true; config: Config; tools: AnyTool[]; narrowed: boolean } | { ok: false; message: string };

const truthy = (v: string | undefined) => v !== undefined && ['1', 'true', 'yes'].includes(v.trim().toLowerCase());

export function narrowForSession(config: Config, registry: readonly AnyTool[], header: (name: string) => string | undefined): Narrowed {
  const base = selectTools(config, registry);
  if (!base.ok) return { ok: false, message: base.errors.join(' ') };
  const readOnly = config.readOnly || truthy(header(NARROWING_HEADERS.readOnly));
  const disableDestructive = config.disableDestructive || truthy(header(NARROWING_HEADERS.disableDestructive));
  const rawToolsets = header(NARROWING_HEADERS.toolsets);
  let toolsets: Set<string> | undefined;
  if (rawToolsets !== undefined) {
    const names = rawToolsets.split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = names.filter((n) => !(TOOLSETS as readonly string[]).includes(n));
    if (unknown.length > 0) return { ok: false, message: `Unknown toolset(s) in X-Fleet-Toolsets: ${unknown.join(', ')}. Valid: ${TOOLSETS.join(', ')}.` };
    toolsets = new Set(names);
  }
  const narrowed = readOnly !== config.readOnly || disableDestructive !== config.disableDestructive || toolsets !== undefined;
  if (!narrowed) return { ok: true, config, tools: base.tools, narrowed: false };
  const tools = base.tools.filter((t) => toolsets === undefined || toolsets.has(t.toolset as Toolset));
  // The explicit list already applies --toolsets/--tools/--exclude-tools; the safety flags run again on it.
  const sessionConfig: Config = { ...config, readOnly, disableDestructive, toolsets: undefined, tools: undefined, excludeTools: [] };
  const final = filterTools(sessionConfig, tools);
  if (!final.ok) return { ok: false, message: final.errors.join(' ') };
  // An MCP server without tools answers tools/list with "method not found": refuse the session instead.
  if (final.tools.length === 0) return { ok: false, message: 'The X-Fleet-* headers leave this session without any tool: ask for a wider toolset.' };
  return { ok: true, config: sessionConfig, tools: final.tools, narrowed: true };
}
