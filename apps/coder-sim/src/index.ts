export { startCoderSim, type CoderSim } from './server.js';
export type { CoderSimOptions } from './options.js';
export type { SimControl, TaskSummary } from './control.js';
export type { FaultControl, FaultKind, FaultRule, FaultRuleInit, RateLimitConfig } from './faults.js';
export type { Transition, Persona, UserRole } from './model/types.js';
export type { UserInit } from './model/fleet.js';
export { SCENARIOS, SCENARIO_MEMBERS, type ScenarioName } from './model/scenario.js';
export { CODER_VERSIONS, VERSION_FEATURES, type CoderVersion } from './versions.js';
