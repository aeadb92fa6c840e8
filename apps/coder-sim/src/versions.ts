import type { TaskEra } from './api/serialize.js';

/** What each simulated Coder release serves (see docs: version timeline). */
export type CoderVersion = '2.27' | '2.29' | '2.36' | '2.37';
export const CODER_VERSIONS: readonly CoderVersion[] = ['2.27', '2.29', '2.36', '2.37'];

export interface VersionFeatures {
  /** buildinfo `version` and `X-Coder-Build-Version`. */
  full: string;
  v2Tasks: boolean;
  experimentalTasks: boolean;
  v2PauseResume: boolean;
  experimentalPauseResume: boolean;
  /** Shape of task JSON on every task route. */
  era: TaskEra;
  /** `{task}` may be a name (else a non-UUID is 400 "Invalid UUID"). */
  nameLookup: boolean;
  /** Logs of paused/pending/initializing tasks come from a snapshot. */
  logSnapshots: boolean;
}

export const VERSION_FEATURES: Record<CoderVersion, VersionFeatures> = {
  '2.27': { full: 'v2.27.1+sim', v2Tasks: false, experimentalTasks: true, v2PauseResume: false, experimentalPauseResume: false, era: 'experimental', nameLookup: false, logSnapshots: false },
  '2.29': { full: 'v2.29.0+sim', v2Tasks: true, experimentalTasks: true, v2PauseResume: false, experimentalPauseResume: true, era: 'ga', nameLookup: true, logSnapshots: true },
  '2.36': { full: 'v2.36.0+sim', v2Tasks: true, experimentalTasks: true, v2PauseResume: true, experimentalPauseResume: true, era: 'ga', nameLookup: true, logSnapshots: true },
  '2.37': { full: 'v2.37.0+sim', v2Tasks: false, experimentalTasks: false, v2PauseResume: false, experimentalPauseResume: false, era: 'ga', nameLookup: true, logSnapshots: true },
};

export function isCoderVersion(value: string): value is CoderVersion {
  return (CODER_VERSIONS as readonly string[]).includes(value);
}
