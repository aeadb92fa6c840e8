import { defineTool } from '../../define-tool.js';
import { rebuildInputSchema, rebuildOutputSchema, runRebuild, DEFAULT_REBUILD_WAIT_MS } from './rebuild.js';

export const restartAgentTool = defineTool({
  name: 'restart_agent',
  title: 'Restart agent',
  description:
    "Restarts an agent's workspace: a stop build, then a start build on the same template version, waiting (bounded, with progress) and reporting both builds; a stopped workspace is just started, a running build is waited for first. Use it for an agent that is offline, unhealthy or hung while its workspace runs (resume_agent only continues paused agents). Next: get_agent_details.",
  toolset: 'lifecycle',
  effect: 'write',
  idempotent: false,
  inputSchema: rebuildInputSchema,
  outputSchema: rebuildOutputSchema,
  timeoutMs: (input, config) => (input.wait_timeout_ms ?? DEFAULT_REBUILD_WAIT_MS) + config.requestTimeoutMs,
  handle: (input, ctx) => runRebuild(ctx, input, 'restart'),
});
