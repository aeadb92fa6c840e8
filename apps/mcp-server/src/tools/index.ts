/**
 * THE tool list. Every tool of the server appears here exactly once; server.ts registers the
 * config-filtered subset (select-tools.ts). Add a tool: import its file and append it to its group.
 */
import type { AnyTool } from '../define-tool.js';
import { getAgentDetailsTool } from './agents/get-agent-details.tool.js';
import { getAgentLogsTool } from './agents/get-agent-logs.tool.js';
import { listAgentsTool } from './agents/list-agents.tool.js';
import { getFleetStatusTool } from './fleet/get-fleet-status.tool.js';
import { listTemplatesTool } from './templates/list-templates.tool.js';

export const ALL_TOOLS: readonly AnyTool[] = [
  // fleet
  getFleetStatusTool,
  // agents
  listAgentsTool,
  getAgentDetailsTool,
  getAgentLogsTool,
  // templates
  listTemplatesTool,
  // lifecycle (src/tools/lifecycle/)
];

export { selectTools, type ToolSelection } from './select-tools.js';
