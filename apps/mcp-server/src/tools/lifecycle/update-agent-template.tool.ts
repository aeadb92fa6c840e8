import { defineTool } from '../../define-tool.js';
import { rebuildOutputSchema, runRebuild, updateTemplateInputSchema, DEFAULT_REBUILD_WAIT_MS } from './rebuild.js';

export const updateAgentTemplateTool = defineTool({
  name: 'update_agent_template',
  title: 'Update agent template',
  description:
    "Moves an agent to its template's active version (stop, start), reporting both builds; changes nothing if already current, a used parameter is gone, or a new required one has no value (see parameters). Next: get_agent_details.",
  toolset: 'lifecycle',
  effect: 'write',
  idempotent: true,
  inputSchema: updateTemplateInputSchema,
  outputSchema: rebuildOutputSchema,
  timeoutMs: (input, config) => (input.wait_timeout_ms ?? DEFAULT_REBUILD_WAIT_MS) + config.requestTimeoutMs,
  handle: (input, ctx) => runRebuild(ctx, input, 'update_template'),
});
