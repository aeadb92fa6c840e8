import type { TaskEra } from './api/serialize.js';

/**
 * What each simulated Coder release serves (see ../shared/docs/coder-chats-api.md §1): Tasks from 2.27
 * (experimental) to 2.36 and the 2.34 ESR; Coder Agents (chats) under /api/experimental from 2.32 to 2.36,
 * double-mounted under /api/v2 and /api/experimental in 2.37.0, only /api/v2 afterwards (2.40). From 2.37
 * there are no task routes.
 */
export type CoderVersion = '2.27' | '2.29' | '2.34' | '2.35' | '2.36' | '2.37' | '2.40';
export const CODER_VERSIONS: readonly CoderVersion[] = ['2.27', '2.29', '2.34', '2.35', '2.36', '2.37', '2.40'];

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
  /** Chats (Coder Agents) under /api/v2 (2.37+). */
  v2Chats: boolean;
  /** Chats under /api/experimental (2.32–2.37.0). */
  experimentalChats: boolean;
}

const NO_CHATS = { v2Chats: false, experimentalChats: false } as const;
const GA_TASKS = { v2Tasks: true, experimentalTasks: true, v2PauseResume: true, experimentalPauseResume: true, era: 'ga', nameLookup: true, logSnapshots: true } as const;
const NO_TASKS = { v2Tasks: false, experimentalTasks: false, v2PauseResume: false, experimentalPauseResume: false, era: 'ga', nameLookup: true, logSnapshots: true } as const;

export const VERSION_FEATURES: Record<CoderVersion, VersionFeatures> = {
  '2.27': { full: 'v2.27.1+sim', v2Tasks: false, experimentalTasks: true, v2PauseResume: false, experimentalPauseResume: false, era: 'experimental', nameLookup: false, logSnapshots: false, ...NO_CHATS },
  '2.29': { full: 'v2.29.0+sim', v2Tasks: true, experimentalTasks: true, v2PauseResume: false, experimentalPauseResume: true, era: 'ga', nameLookup: true, logSnapshots: true, ...NO_CHATS },
  '2.34': { full: 'v2.34.5+sim', ...GA_TASKS, v2Chats: false, experimentalChats: true },
  '2.35': { full: 'v2.35.2+sim', ...GA_TASKS, v2Chats: false, experimentalChats: true },
  '2.36': { full: 'v2.36.0+sim', ...GA_TASKS, v2Chats: false, experimentalChats: true },
  '2.37': { full: 'v2.37.0+sim', ...NO_TASKS, v2Chats: true, experimentalChats: true },
  '2.40': { full: 'v2.40.0+sim', ...NO_TASKS, v2Chats: true, experimentalChats: false },
};

/** What the deployment serves: its version's features, without chats when Coder Agents is off. */
export function featuresOf(state: { version: CoderVersion; chatsApi?: boolean }): VersionFeatures {
  const features = VERSION_FEATURES[state.version];
  return state.chatsApi === false ? { ...features, ...NO_CHATS } : features;
}

export function isCoderVersion(value: string): value is CoderVersion {
  return (CODER_VERSIONS as readonly string[]).includes(value);
}
