/**
 * restart_agent and update_agent_template, as decisions. Coder has no single "restart" or "update and
 * restart" endpoint (coder-api.md): both are a stop build, then a start build (for an update, on the
 * template's active version). What the agent's latest build allows now is `planRebuild`; whether the active
 * version can take over the agent's parameters is `checkTemplateUpdate`. Both are pure: the shell reads
 * Coder, asks here, then calls Coder.
 */
import type { NextActionTool } from './next-actions.js';
import type { ActionSubject } from './agent-actions.js';
import { agentRef } from '../query/agent-query.js';
import { err, ok, type Result } from '../result.js';

export type RebuildAction = 'restart' | 'update_template';

/** The latest workspace build, as far as a plan needs it (Coder's `transition` and `job.status`). */
export interface LatestBuildFacts {
  readonly transition?: string;
  readonly jobStatus?: string;
}

/**
 * - `wait`: a build is queued or running; Coder refuses another (409) until it ends: wait for it, then plan again.
 * - `stop_then_start`: the workspace runs (or a start or stop failed): stop it, then start it.
 * - `start`: already stopped: only the start is left (also how a restart interrupted after its stop goes on).
 * - `gone`: the workspace is being deleted or is deleted: nothing to restart.
 */
export type RebuildPlan = 'wait' | 'stop_then_start' | 'start' | 'gone';

const ACTIVE_JOB = ['pending', 'running', 'canceling'];

export function planRebuild(build: LatestBuildFacts): RebuildPlan {
  if (build.transition === 'delete') return 'gone';
  if (ACTIVE_JOB.includes(build.jobStatus ?? '')) return 'wait';
  if (build.transition === 'stop' && build.jobStatus === 'succeeded') return 'start';
  return 'stop_then_start';
}

/** Whether a build's job has ended (succeeded, failed, canceled): the next build may start. */
export const buildSettled = (jobStatus: string | undefined): boolean => !ACTIVE_JOB.includes(jobStatus ?? '');

// ---- update_agent_template -------------------------------------------------------------------------

export interface ParameterValueFacts {
  readonly name: string;
  readonly value: string;
}

export interface ParameterDeclaration {
  readonly name?: string;
  readonly required?: boolean;
  readonly default_value?: string;
}

export interface TemplateUpdateFacts {
  /** The template version of the agent's latest build. */
  readonly currentVersionId: string;
  readonly activeVersionId: string;
  readonly activeVersionName?: string;
  /** The values the latest build ran with. */
  readonly used: readonly ParameterValueFacts[];
  /** The active version's parameters. */
  readonly offered: readonly ParameterDeclaration[];
  /** Values the caller supplies for the move (a parameter the new version requires). */
  readonly supplied?: readonly ParameterValueFacts[];
}

export interface TemplateUpdateRefusal {
  readonly kind: 'template_current' | 'template_parameters_removed' | 'template_parameters_required' | 'template_parameters_unknown';
  readonly action: 'update_template';
  /** Parameter names at fault (empty for template_current). */
  readonly names: readonly string[];
  readonly message: string;
  readonly hint: string;
  readonly nextTools: readonly NextActionTool[];
}

export interface TemplateUpdatePlan {
  /** Parameters of the new version the agent had no value for (they take their defaults). */
  readonly added: readonly string[];
}

/**
 * Whether the agent can move to the template's active version: not when it is already on it, not when the
 * new version drops a parameter the agent sets (Coder would silently lose the value: the agent would run
 * differently), and not when the new version requires a parameter with no default (Coder's builder answers
 * 400). Parameters with an empty value count as unused.
 */
export function checkTemplateUpdate(agent: ActionSubject, f: TemplateUpdateFacts): Result<TemplateUpdatePlan, TemplateUpdateRefusal> {
  const ref = agentRef(agent);
  const version = f.activeVersionName ? `version ${f.activeVersionName}` : `version ${f.activeVersionId}`;
  const refusal = (kind: TemplateUpdateRefusal['kind'], names: readonly string[], message: string, hint: string, nextTools: readonly NextActionTool[]) =>
    err<TemplateUpdateRefusal>({ kind, action: 'update_template', names, message, hint, nextTools });
  if (f.currentVersionId === f.activeVersionId) {
    return refusal('template_current', [], `Agent '${ref}' already runs on its template's active ${version}; nothing was changed.`, 'To restart it on the same version call restart_agent.', ['restart_agent']);
  }
  const offered = new Set(f.offered.map((p) => p.name ?? ''));
  const removed = f.used.filter((p) => p.value !== '' && !offered.has(p.name)).map((p) => p.name);
  if (removed.length > 0) {
    return refusal(
      'template_parameters_removed',
      removed,
      `The template's active ${version} no longer has the parameter${removed.length === 1 ? '' : 's'} ${removed.map((n) => `"${n}"`).join(', ')} that agent '${ref}' runs with; updating would silently drop ${removed.length === 1 ? 'its value' : 'their values'}. Nothing was changed.`,
      'Keep the agent on its version (restart_agent restarts it there), or start a new agent on the new version with create_agent_task.',
      ['restart_agent', 'create_agent_task'],
    );
  }
  const supplied = (f.supplied ?? []).filter((p) => p.value !== '');
  const unknown = supplied.filter((p) => !offered.has(p.name)).map((p) => p.name);
  if (unknown.length > 0) {
    return refusal(
      'template_parameters_unknown',
      unknown,
      `The template's active ${version} has no parameter${unknown.length === 1 ? '' : 's'} ${unknown.map((n) => `"${n}"`).join(', ')}; it has ${[...offered].filter(Boolean).map((n) => `"${n}"`).join(', ') || 'none'}. Nothing was changed.`,
      'Call update_agent_template again with parameters naming only the parameters of the new version.',
      ['update_agent_template'],
    );
  }
  const used = new Set([...f.used, ...supplied].filter((p) => p.value !== '').map((p) => p.name));
  const required = f.offered.filter((p) => p.required && (p.default_value ?? '') === '' && !used.has(p.name ?? '')).map((p) => p.name ?? '');
  if (required.length > 0) {
    const example = JSON.stringify(Object.fromEntries(required.map((n) => [n, '<value>'])));
    return refusal(
      'template_parameters_required',
      required,
      `The template's active ${version} requires the parameter${required.length === 1 ? '' : 's'} ${required.map((n) => `"${n}"`).join(', ')}, which agent '${ref}' has no value for and which ${required.length === 1 ? 'has' : 'have'} no default; Coder would refuse the start. Nothing was changed.`,
      `Ask the user for the value and call update_agent_template again with parameters ${example}; or keep the agent on its version (restart_agent).`,
      ['update_agent_template', 'restart_agent'],
    );
  }
  const had = new Set([...f.used, ...supplied].map((p) => p.name));
  return ok({ added: f.offered.map((p) => p.name ?? '').filter((n) => n !== '' && !had.has(n)) });
}
