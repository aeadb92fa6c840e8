/**
 * DomainError: every failure fleet-domain returns as a value, discriminated by `kind` (style.md, error
 * flow step 2). The shell maps it exhaustively to a tool failure (apps/mcp-server/src/failures.ts,
 * `fromDomainError`), so a new kind here is a compile error there.
 *
 * | kind                    | returned by                         | meaning                                         |
 * | ----------------------- | ----------------------------------- | ----------------------------------------------- |
 * | invalid_agent_ref       | resolveAgentRef                     | empty reference                                 |
 * | agent_not_found         | resolveAgentRef                     | no agent by that id, name or owner/name         |
 * | agent_ambiguous         | resolveAgentRef                     | a bare name matches several agents              |
 * | agent_busy … invalid_state | checkAgentAction, explainCoderRefusal (ActionRefusal) | the agent is not in a state for the action |
 * | template_current, template_parameters_removed, template_parameters_required, template_parameters_unknown | checkTemplateUpdate (TemplateUpdateRefusal) | the agent cannot move to the active template version (or a supplied value names no parameter of it) |
 * | missing_capability, exceeds_limit, unverifiable, invalid_requirement | checkAssignment (AssignmentViolation) | FR-014 |
 * | invalid_declared_map    | parseDeclaredCapabilities           | the operator's capability map is malformed      |
 * | insufficient_samples    | requireSamples                      | too few values for a statistic                  |
 * | invalid_threshold       | validateThresholds                  | an attention threshold is not a positive number |
 */
import type { ActionRefusal } from './actions/agent-actions.js';
import type { TemplateUpdateRefusal } from './actions/rebuild.js';
import type { AssignmentViolation } from './capabilities/check-assignment.js';
import type { DeclaredMapError } from './capabilities/declared.js';

export type AgentRefError =
  | { readonly kind: 'invalid_agent_ref'; readonly ref: string }
  | { readonly kind: 'agent_not_found'; readonly ref: string }
  | { readonly kind: 'agent_ambiguous'; readonly ref: string; readonly matches: number; readonly candidates: readonly string[] };

export interface InsufficientSamples {
  readonly kind: 'insufficient_samples';
  /** What was to be computed, e.g. "time to complete (python-dev)". */
  readonly metric: string;
  readonly have: number;
  readonly need: number;
}

export interface InvalidThreshold {
  readonly kind: 'invalid_threshold';
  /** The option name, e.g. `idleWaitingMs`. */
  readonly name: string;
  readonly value: number;
}

export type DomainError = AgentRefError | ActionRefusal | TemplateUpdateRefusal | AssignmentViolation | DeclaredMapError | InsufficientSamples | InvalidThreshold;

export type DomainErrorKind = DomainError['kind'];
