import { defineTool } from '../../define-tool.js';
import { rebuildInputSchema, rebuildOutputSchema, runRebuild, DEFAULT_REBUILD_WAIT_MS } from './rebuild.js';

export const restartAgentTool = defineTool({
  name: 'restart_agent',
  title: 'Restart agent',
  description:
    'Restarts an agent offline, unhealthy or hung: stop, start on the same version, with progress; reports both builds (resume_agent continues paused ones). Next: get_agent_details.',
  toolset: 'lifecycle',
  effect: 'write',
  idempotent: false,
  inputSchema: rebuildInputSchema,
  outputSchema: rebuildOutputSchema,
  timeoutMs: (input, config) => (input.wait_timeout_ms ?? DEFAULT_REBUILD_WAIT_MS) + config.requestTimeoutMs,
  handle: (input, ctx) => runRebuild(ctx, input, 'restart'),
});
