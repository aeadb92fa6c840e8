/**
 * THE tool list. Every tool of the server appears here exactly once; server.ts registers the
 * config-filtered subset (select-tools.ts). Add a tool: import its file and append it to its group.
 */
import type { AnyTool } from '../define-tool.js';
import { getAgentDetailsTool } from './agents/get-agent-details.tool.js';
import { getAgentLogsTool } from './agents/get-agent-logs.tool.js';
import { listAgentsTool } from './agents/list-agents.tool.js';
import { getFleetEventsTool } from './events/get-fleet-events.tool.js';
import { getFleetStatusTool } from './fleet/get-fleet-status.tool.js';
import { getFleetTrendsTool } from './fleet/get-fleet-trends.tool.js';
import { createAgentTaskTool } from './lifecycle/create-agent-task.tool.js';
import { deleteAgentTool } from './lifecycle/delete-agent.tool.js';
import { interruptAgentTool } from './lifecycle/interrupt-agent.tool.js';
import { manageAgentQueueTool } from './lifecycle/manage-agent-queue.tool.js';
import { pauseAgentTool } from './lifecycle/pause-agent.tool.js';
import { restartAgentTool } from './lifecycle/restart-agent.tool.js';
import { resumeAgentTool } from './lifecycle/resume-agent.tool.js';
import { sendAgentInputTool } from './lifecycle/send-agent-input.tool.js';
import { updateAgentTaskTool } from './lifecycle/update-agent-task.tool.js';
import { updateAgentTemplateTool } from './lifecycle/update-agent-template.tool.js';
import { listTemplatesTool } from './templates/list-templates.tool.js';

export const ALL_TOOLS: readonly AnyTool[] = [
  // fleet
  getFleetStatusTool,
  getFleetTrendsTool,
  // agents
  listAgentsTool,
  getAgentDetailsTool,
  getAgentLogsTool,
  // templates
  listTemplatesTool,
  // lifecycle (src/tools/lifecycle/)
  createAgentTaskTool,
  sendAgentInputTool,
  pauseAgentTool,
  resumeAgentTool,
  restartAgentTool,
  updateAgentTemplateTool,
  interruptAgentTool,
  manageAgentQueueTool,
  updateAgentTaskTool,
  deleteAgentTool,
  // events (src/tools/events/)
  getFleetEventsTool,
];

export { selectTools, type ToolSelection } from './select-tools.js';
