import { defineTool } from '../../define-tool.js';
import { rebuildInputSchema, rebuildOutputSchema, runRebuild, DEFAULT_REBUILD_WAIT_MS } from './rebuild.js';

export const updateAgentTemplateTool = defineTool({
  name: 'update_agent_template',
  title: 'Update agent template',
  description:
    "Moves an agent to its template's active version: a stop build, then a start build on that version, waiting (bounded, with progress) and reporting both. Refuses, changing nothing, when the agent already runs on it or the new version drops a parameter the agent uses (or requires one it lacks). Use it when get_agent_details says the template is outdated. Next: get_agent_details.",
  toolset: 'lifecycle',
  effect: 'write',
  idempotent: true,
  inputSchema: rebuildInputSchema,
  outputSchema: rebuildOutputSchema,
  timeoutMs: (input, config) => (input.wait_timeout_ms ?? DEFAULT_REBUILD_WAIT_MS) + config.requestTimeoutMs,
  handle: (input, ctx) => runRebuild(ctx, input, 'update_template'),
});
