/**
 * Which tools a server registers, from config. Order of rules:
 * 1. selection: tools in `--toolsets` (default: all toolsets) plus those named in `--tools`
 *    (only `--tools` given → exactly those);
 * 2. minus `--exclude-tools`;
 * 3. safety modes always win: `--read-only` keeps only readOnlyHint tools, `--disable-destructive`
 *    drops destructiveHint tools (both decided from the annotations, i.e. from `effect`).
 * An unknown tool name is a startup error listing the valid names.
 */
import type { Config } from '../config.js';
import { annotationsFor, type AnyTool } from '../define-tool.js';

export type ToolSelection = { ok: true; tools: AnyTool[] } | { ok: false; errors: string[] };

export function selectTools(
  config: Pick<Config, 'toolsets' | 'tools' | 'excludeTools' | 'readOnly' | 'disableDestructive'>,
  all: readonly AnyTool[],
): ToolSelection {
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

  const named = new Set(config.tools ?? []);
  const toolsets = config.toolsets ?? (config.tools ? [] : undefined);
  const excluded = new Set(config.excludeTools);
  const tools = all.filter((tool) => {
    const selected = (toolsets === undefined || toolsets.includes(tool.toolset)) || named.has(tool.name);
    if (!selected || excluded.has(tool.name)) return false;
    const hints = annotationsFor(tool);
    if (config.readOnly && hints.readOnlyHint !== true) return false;
    if (config.disableDestructive && hints.destructiveHint === true) return false;
    return true;
  });
  return { ok: true, tools };
}
