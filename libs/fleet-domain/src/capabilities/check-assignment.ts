/**
 * Assignment validation before dispatch (FR-014, SC-010) and template selection ("where can this run?").
 * Violations are precise sentences; a requirement that cannot be checked is an `unverifiable` violation,
 * never a silent pass.
 */
import { err, ok, type Result } from '../result.js';
import type { LimitKind } from './declared.js';
import { formatNumber, normalizeCapability, type TemplateFacts } from './template-facts.js';

export interface AssignmentRequirements {
  /** Capability names the work needs (normalised like template capabilities). */
  readonly capabilities?: readonly string[];
  /** CPU cores. */
  readonly cpu?: number;
  readonly memoryGb?: number;
  readonly diskGb?: number;
}

export type AssignmentViolationKind = 'missing_capability' | 'exceeds_limit' | 'unverifiable' | 'invalid_requirement';

export interface AssignmentViolation {
  readonly kind: AssignmentViolationKind;
  /** `capability:<name>` or the limit key (`cpu`, `memoryGb`, `diskGb`). */
  readonly requirement: string;
  readonly template: string;
  readonly message: string;
  readonly required?: number;
  readonly allowed?: number;
}

const OFFERS_SHOWN = 30;

const UNIT: Readonly<Record<LimitKind, (n: number) => string>> = {
  cpu: (n) => `${formatNumber(n)} CPU${n === 1 ? '' : 's'}`,
  memoryGb: (n) => `${formatNumber(n)} GB`,
  diskGb: (n) => `${formatNumber(n)} GB`,
};
const WHAT: Readonly<Record<LimitKind, string>> = { cpu: 'CPU', memoryGb: 'memory', diskGb: 'disk' };
const required = (kind: LimitKind, n: number) => (kind === 'cpu' ? UNIT.cpu(n) : `${UNIT[kind](n)} ${WHAT[kind]}`);

function offers(facts: TemplateFacts): string {
  const caps = facts.capabilities;
  if (caps.length === 0) return 'nothing';
  const shown = caps.slice(0, OFFERS_SHOWN).join(', ');
  return caps.length > OFFERS_SHOWN ? `${shown}, … ${caps.length - OFFERS_SHOWN} more` : shown;
}

/** All violations of `requirements` against one template (empty = fits). */
export function assignmentViolations(requirements: AssignmentRequirements, facts: TemplateFacts): AssignmentViolation[] {
  const out: AssignmentViolation[] = [];
  const template = facts.name;
  const have = new Set(facts.capabilities);
  for (const cap of requirements.capabilities ?? []) {
    const n = normalizeCapability(cap);
    if (n === '') {
      out.push({ kind: 'invalid_requirement', requirement: 'capability:', template, message: 'empty capability name in requirements' });
    } else if (!have.has(n)) {
      out.push({
        kind: 'missing_capability',
        requirement: `capability:${n}`,
        template,
        message: `missing capability "${cap}" (template "${template}" offers: ${offers(facts)})`,
      });
    }
  }
  for (const kind of ['cpu', 'memoryGb', 'diskGb'] as const) {
    const need = requirements[kind];
    if (need === undefined) continue;
    if (!Number.isFinite(need) || need <= 0) {
      out.push({ kind: 'invalid_requirement', requirement: kind, template, message: `invalid ${kind} requirement ${String(need)}: expected a positive number` });
      continue;
    }
    const limit = facts.limits[kind];
    if (!limit) {
      out.push({
        kind: 'unverifiable',
        requirement: kind,
        template,
        required: need,
        message: `cannot verify ${required(kind, need)}: template "${template}" has no ${WHAT[kind]} parameter and no declared ${WHAT[kind]} limit`,
      });
    } else if (limit.max === undefined) {
      out.push({
        kind: 'unverifiable',
        requirement: kind,
        template,
        required: need,
        message: `cannot verify ${required(kind, need)}: template "${template}" ${limit.origin}`,
      });
    } else if (need > limit.max) {
      out.push({
        kind: 'exceeds_limit',
        requirement: kind,
        template,
        required: need,
        allowed: limit.max,
        message: `requires ${required(kind, need)} but template "${template}" allows at most ${UNIT[kind](limit.max)} (${limit.origin})`,
      });
    }
  }
  return out;
}

/** `ok` when the template satisfies every requirement, else every violation (including `unverifiable` ones). */
export function checkAssignment(requirements: AssignmentRequirements, facts: TemplateFacts): Result<void, AssignmentViolation[]> {
  const violations = assignmentViolations(requirements, facts);
  return violations.length === 0 ? ok() : err(violations);
}

/** True when every violation is only `unverifiable` (the caller may choose to proceed with a warning). */
export function onlyUnverifiable(violations: readonly AssignmentViolation[]): boolean {
  return violations.length > 0 && violations.every((v) => v.kind === 'unverifiable');
}

export interface RankedTemplate {
  readonly facts: TemplateFacts;
  readonly rank: number;
  /** Lower is a tighter fit: mean of limit / required over the requested resources (1 = exact fit). */
  readonly slack: number | null;
  readonly why: string;
}

export interface TemplateRanking {
  /** Templates that satisfy every requirement, best first. */
  readonly candidates: readonly RankedTemplate[];
  /** Templates whose only problems are unverifiable requirements (may fit; no data to tell). */
  readonly uncertain: readonly { readonly facts: TemplateFacts; readonly violations: readonly AssignmentViolation[] }[];
  /** Templates that definitely do not fit. */
  readonly rejected: readonly { readonly facts: TemplateFacts; readonly violations: readonly AssignmentViolation[] }[];
}

/**
 * Rank the templates that satisfy `requirements`. Order: not deprecated first; AI-task support known
 * before unknown; tightest resource fit (least over-provisioning); fewest capabilities beyond those
 * required (most specific); then name.
 */
export function rankTemplates(requirements: AssignmentRequirements, candidates: readonly TemplateFacts[]): TemplateRanking {
  const fits: { facts: TemplateFacts; slack: number | null }[] = [];
  const uncertain: TemplateRanking['uncertain'][number][] = [];
  const rejected: TemplateRanking['rejected'][number][] = [];
  for (const facts of candidates) {
    const violations = assignmentViolations(requirements, facts);
    if (violations.length === 0) fits.push({ facts, slack: slackOf(requirements, facts) });
    else if (onlyUnverifiable(violations)) uncertain.push({ facts, violations });
    else rejected.push({ facts, violations });
  }
  const aiRank = (f: TemplateFacts) => (f.hasAiTask === true ? 0 : f.hasAiTask === null ? 1 : 2);
  fits.sort(
    (a, b) =>
      Number(a.facts.deprecated) - Number(b.facts.deprecated) ||
      aiRank(a.facts) - aiRank(b.facts) ||
      (a.slack ?? 1) - (b.slack ?? 1) ||
      a.facts.capabilities.length - b.facts.capabilities.length ||
      a.facts.name.localeCompare(b.facts.name),
  );
  return {
    candidates: fits.map((f, i) => ({ facts: f.facts, rank: i + 1, slack: f.slack, why: whyText(f.facts, f.slack) })),
    uncertain,
    rejected,
  };
}

function slackOf(requirements: AssignmentRequirements, facts: TemplateFacts): number | null {
  let sum = 0;
  let n = 0;
  for (const kind of ['cpu', 'memoryGb', 'diskGb'] as const) {
    const need = requirements[kind];
    const max = facts.limits[kind]?.max;
    if (need !== undefined && max !== undefined) {
      sum += max / need;
      n++;
    }
  }
  return n === 0 ? null : sum / n;
}

function whyText(facts: TemplateFacts, slack: number | null): string {
  const parts = [`template "${facts.name}" satisfies every requirement`];
  if (slack !== null) parts.push(slack <= 1.0001 ? 'exact resource fit' : `resources ${slack.toFixed(1)}x the requirement`);
  if (facts.hasAiTask === null) parts.push('AI-task support unknown');
  if (facts.hasAiTask === false) parts.push('no AI-task support');
  if (facts.deprecated) parts.push('deprecated');
  return parts.join('; ');
}
