/**
 * Which tools a server registers, from config. Order of rules:
 * 1. selection: tools in `--toolsets` (default: all toolsets) plus those named in `--tools`
 *    (only `--tools` given → exactly those);
 * 2. minus `--exclude-tools`;
 * 3. safety modes always win: `--read-only` keeps only readOnlyHint tools, `--disable-destructive`
 *    drops destructiveHint tools (both decided from the annotations, i.e. from `effect`).
 * An unknown tool name is a startup error listing the valid names, and so is a selection that leaves no
 * tool (an MCP server without tools answers tools/list with -32601): the error names the flags that
 * cancelled each other.
 */
import type { Config } from '../config.js';
import { annotationsFor, type AnyTool } from '../define-tool.js';

export type ToolSelection = { ok: true; tools: AnyTool[] } | { ok: false; errors: string[] };
type SelectionConfig = Pick<Config, 'toolsets' | 'tools' | 'excludeTools' | 'readOnly' | 'disableDestructive'>;

/** The server's tools for this config; an error when a name is unknown or nothing is left. */
export function selectTools(config: SelectionConfig, all: readonly AnyTool[]): ToolSelection {
  const r = filterTools(config, all);
  if (!r.ok || r.tools.length > 0) return r;
  return { ok: false, errors: [emptySelectionMessage(config, all)] };
}

/** The rules alone: may return no tool (per-session narrowing words that case itself). */
export function filterTools(config: SelectionConfig, all: readonly AnyTool[]): ToolSelection {
  const valid = new Set(all.map((t) => t.name));
  const validList = [...valid].sort().join(', ');
  const errors: string[] = [];
  for (const [names, where] of [
    [config.tools ?? [], 'FLEET_MCP_TOOLS or --tools'],
    [config.excludeTools, 'FLEET_MCP_EXCLUDE_TOOLS or --exclude-tools'],
  ] as const) {
    for (const name of names) if (!valid.has(name)) errors.push(`Unknown tool '${name}' in ${where}. Valid names: ${validList}.`);
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, tools: applyRules(config, all).served };
}

/** Each rule's survivors, in order (the empty-selection message says which rule removed the rest). */
function applyRules(config: SelectionConfig, all: readonly AnyTool[]) {
  const named = new Set(config.tools ?? []);
  const toolsets = config.toolsets ?? (config.tools ? [] : undefined);
  const excluded = new Set(config.excludeTools);
  const selected = all.filter((tool) => toolsets === undefined || toolsets.includes(tool.toolset) || named.has(tool.name));
  const kept = selected.filter((tool) => !excluded.has(tool.name));
  const readable = config.readOnly ? kept.filter((tool) => annotationsFor(tool).readOnlyHint === true) : kept;
  const served = config.disableDestructive ? readable.filter((tool) => annotationsFor(tool).destructiveHint !== true) : readable;
  return { selected, kept, readable, served };
}

function emptySelectionMessage(config: SelectionConfig, all: readonly AnyTool[]): string {
  const { selected, kept, readable } = applyRules(config, all);
  const selection =
    [config.toolsets && `--toolsets ${config.toolsets.join(',') || '(empty)'}`, config.tools && `--tools ${config.tools.join(',') || '(empty)'}`].filter(Boolean).join(' + ') ||
    'the default (all toolsets)';
  const list = (tools: readonly AnyTool[]) => tools.map((t) => t.name).join(', ');
  const exclude = `--exclude-tools ${config.excludeTools.join(',')}`;
  const what =
    selected.length === 0
      ? `${selection} selects no tool`
      : kept.length === 0
        ? `${selection} selects ${list(selected)}, and ${exclude} removes all of them`
        : readable.length === 0
          ? `${selection} selects ${list(kept)}${kept.length < selected.length ? ` (after ${exclude})` : ''}, and --read-only removes all of them (none is read-only)`
          : `${selection} selects ${list(readable)}${readable.length < selected.length ? ' (after the other flags)' : ''}, and --disable-destructive removes all of them (all are destructive)`;
  return `No tool left to serve: ${what}. Widen --toolsets/--tools or drop the flag that removes them (flags or their FLEET_MCP_* env vars); a server without tools cannot answer tools/list.`;
}
