import { computeFleetStatus, matchesAgentQuery } from '@org/fleet-domain';
import { z } from 'zod';
import { OwnerFilterSchema, TemplateFilterSchema } from '../shared/schemas.js';
import { defineTool, failure, success } from '../../define-tool.js';
import { DeploymentViewSchema, renderDeploymentText, toDeploymentView } from '../../views/deployment.js';
import { FleetStatusViewSchema, renderFleetStatusText, toFleetStatusView } from '../../views/fleet-status.js';
import { fleetStatusOptions } from '../../runtime/fleet-options.js';
import { loadFleet } from '../../runtime/load-fleet.js';
import { buildErrorsOfAttention } from '../../runtime/build-errors.js';

const inputSchema = z.object({
  template: TemplateFilterSchema.optional().describe('Only this template'),
  owner: OwnerFilterSchema.optional().describe('Only this owner (username)'),
  max_attention: z.number().int().min(0).max(200).default(20).describe('Attention list size (most severe first)'),
  include_outliers: z.boolean().default(true).describe('Agents unusually slow for their template'),
  max_outliers: z.number().int().min(0).max(200).default(10).describe('Outlier list size'),
});

export const getFleetStatusTool = defineTool({
  name: 'get_fleet_status',
  title: 'Get fleet status',
  description:
    'The fleet at a glance: counts per status, capacity, health, durations, templates, outliers, chat cost, PRs, agents needing attention with next steps. Call it FIRST. Next: list_agents needs_attention=true.',
  toolset: 'fleet',
  effect: 'read',
  inputSchema,
  outputSchema: FleetStatusViewSchema.extend({ deployment: DeploymentViewSchema }),
  async handle(input, ctx) {
    const fleet = await loadFleet(ctx.runtime.backend, 'read the fleet status');
    if (!fleet.ok) return failure(fleet.failure);
    const scope = { template: input.template, owner: input.owner };
    const scoped = input.template || input.owner ? fleet.value.agents.filter((a) => matchesAgentQuery(a, scope)) : fleet.value.agents;
    const status = computeFleetStatus(scoped, ctx.now(), {
      ...fleetStatusOptions(ctx.deps.config),
      maxAttention: input.max_attention,
      outliers: { maxOutliers: input.include_outliers ? input.max_outliers : 0 },
    });
    // The failed agents shown get their cause (a bounded, cached build lookup), not just a pointer to it.
    const buildErrors = await buildErrorsOfAttention(ctx.runtime.buildErrors, status.attention, scoped, ctx.signal);
    const view = ctx.view();
    const options = { scope, includeOutliers: input.include_outliers, socket: ctx.runtime.watch.health().socket, ...(buildErrors ? { buildErrors } : {}) };
    const data = { ...toFleetStatusView(status, options, view), deployment: toDeploymentView(ctx.deps.config) };
    const simulated = renderDeploymentText(data.deployment);
    const text = renderFleetStatusText(data, view);
    return success(data, simulated ? `${simulated}\n${text}` : text);
  },
});
