/**
 * THE tool list. Every tool of the server appears here exactly once; server.ts registers the
 * config-filtered subset (select-tools.ts). Add a tool: import its file and append it to its group.
 */
import type { AnyTool } from '../define-tool.js';

export const ALL_TOOLS: readonly AnyTool[] = [
  // fleet
  // agents
  // templates
  // lifecycle (src/tools/lifecycle/)
];

export { selectTools, type ToolSelection } from './select-tools.js';
