/**
 * Coder version parsing and tasks-route selection.
 *
 *   < 2.27        no usable Tasks API (old `prompt` bodies)         → tasksApi 'none'
 *   2.27 – 2.28   `/api/experimental/tasks…`, experimental shape    → 'experimental'
 *   2.29 – 2.36   `/api/v2/tasks…` (GA)                             → 'v2'
 *   >= 2.37       Tasks removed (ESR builds keep it: `assumeTasksSupported`) → 'none'
 *   0.0.0-devel   development build: 'none', or 'v2' with `assumeTasksSupported`
 *
 * Chats: < 2.32 none; 2.32 – 2.36 `/api/experimental/chats…`; >= 2.37 `/api/v2/chats…` (see `chatsApiFor`).
 */
import type { Capabilities, ChatsApi, ServerInfo, TasksApi } from './types.js';

export interface CoderVersion {
  major: number;
  minor: number;
  patch: number;
  /** `"2.27.1"` */
  text: string;
  /** As reported, e.g. `"v2.27.1+230b55b"` or `"v2.36.0-devel"`. */
  raw: string;
}

export const TASKS_EXPERIMENTAL_SINCE = { major: 2, minor: 27 } as const;
export const TASKS_GA_SINCE = { major: 2, minor: 29 } as const;
export const TASKS_REMOVED_IN = { major: 2, minor: 37 } as const;
/** Heuristics (the exact releases are not documented); pause/resume calls try anyway and fall back. */
export const PAUSE_RESUME_SINCE = { major: 2, minor: 29 } as const;
export const V2_PAUSE_RESUME_SINCE = { major: 2, minor: 31 } as const;

/** Chats: `/api/experimental/chats` from 2.32 (Coder Agents), `/api/v2/chats` from 2.37 (GA). */
export const CHATS_EXPERIMENTAL_SINCE = { major: 2, minor: 32 } as const;
export const CHATS_V2_SINCE = { major: 2, minor: 37 } as const;

const VERSION_RE = /^v?(\d+)\.(\d+)\.(\d+)(?:[-+.][0-9A-Za-z.+-]*)?$/;

/** `v2.27.1+230b55b` → 2.27.1; `v2.36.0-devel` → 2.36.0; anything else → `undefined`. */
export function parseCoderVersion(raw: string): CoderVersion | undefined {
  const match = VERSION_RE.exec(raw.trim());
  if (!match) return undefined;
  const [major, minor, patch] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return { major, minor, patch, text: `${major}.${minor}.${patch}`, raw };
}

function atLeast(v: CoderVersion, min: { major: number; minor: number }): boolean {
  return v.major > min.major || (v.major === min.major && v.minor >= min.minor);
}

export function tasksApiFor(version: CoderVersion, assumeTasksSupported = false): TasksApi {
  // Development builds report v0.0.0-devel: only an explicit opt-in makes them tasks servers.
  if (version.major === 0 && assumeTasksSupported) return 'v2';
  if (!atLeast(version, TASKS_EXPERIMENTAL_SINCE)) return 'none';
  if (!atLeast(version, TASKS_GA_SINCE)) return 'experimental';
  if (atLeast(version, TASKS_REMOVED_IN) && !assumeTasksSupported) return 'none';
  return 'v2';
}

export function serverInfoFor(version: CoderVersion, assumeTasksSupported = false): ServerInfo {
  const tasksApi = tasksApiFor(version, assumeTasksSupported);
  const tasks = tasksApi !== 'none';
  return {
    version: version.text,
    raw: version.raw,
    tasksApi,
    features: {
      tasks,
      pauseResume: tasks && atLeast(version, PAUSE_RESUME_SINCE),
      v2PauseResume: tasksApi === 'v2' && atLeast(version, V2_PAUSE_RESUME_SINCE),
    },
  };
}

/** Development builds (v0.0.0-devel) are newest: chats under /api/v2. `override` wins when given. */
export function chatsApiFor(version: CoderVersion, override?: ChatsApi): ChatsApi {
  if (override) return override;
  if (version.major === 0) return 'v2';
  if (atLeast(version, CHATS_V2_SINCE)) return 'v2';
  if (atLeast(version, CHATS_EXPERIMENTAL_SINCE)) return 'experimental';
  return 'none';
}

export function capabilitiesFor(version: CoderVersion, options: { assumeTasksSupported?: boolean; chatsApi?: ChatsApi } = {}): Capabilities {
  const chats = chatsApiFor(version, options.chatsApi);
  const out: Capabilities = { version: version.text, raw: version.raw, tasks: tasksApiFor(version, options.assumeTasksSupported), chats };
  if (chats !== 'none') out.chatsBasePath = chats === 'v2' ? '/api/v2/chats' : '/api/experimental/chats';
  return out;
}
