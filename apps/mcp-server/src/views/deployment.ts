/**
 * Deployment: which Coder this server talks to, and whether it is the in-process simulator that
 * `nx serve` starts when no Coder is configured (so neither a person nor a model mistakes demo data for a fleet).
 */
import { z } from 'zod';
import type { Config } from '../config.js';

export const DeploymentViewSchema = z
  .object({
    simulated: z.boolean().describe('true: the bundled Coder simulator (demo data, not a real fleet)'),
    coder_url: z.string().describe('The Coder deployment this server reads and steers'),
  })
  .describe('The Coder deployment behind this server');
export type DeploymentView = z.output<typeof DeploymentViewSchema>;

export function toDeploymentView(config: Pick<Config, 'simulated' | 'coderUrl'>): DeploymentView {
  return { simulated: config.simulated, coder_url: config.coderUrl };
}

/** The one sentence every surface (log, serverInfo, instructions, tool text) uses for a simulated fleet. */
export const SIMULATED_NOTICE =
  'SIMULATED fleet: this server talks to the bundled Coder simulator (coder-sim), not a real Coder deployment; its agents and numbers are demo data. Set CODER_URL and CODER_SESSION_TOKEN to serve a real deployment.';

/** A line for the tool text when simulated; undefined for a real deployment (nothing to point out). */
export function renderDeploymentText(d: DeploymentView): string | undefined {
  return d.simulated ? SIMULATED_NOTICE : undefined;
}
