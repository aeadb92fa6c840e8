import type { FaultRuleInit } from './faults.js';
import type { UserInit } from './model/fleet.js';
import type { ScenarioName } from './model/scenario.js';
import type { CoderVersion } from './versions.js';

export interface CoderSimOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (random free port). */
  port?: number;
  /** Seeded fleet size (default 0: only users and templates). */
  agents?: number;
  /** Seeded chats (Coder Agents; default 0). Served on versions with chats (2.34+). */
  chats?: number;
  /** Chats running at once (Community licence: 5); beyond it chats wait `queued_for_capacity`. Default: no limit. */
  chatConcurrency?: number | null;
  /** AI spend limit per user in micros; creating or sending at or over it answers 409. Default: none. */
  spendLimitMicros?: number | null;
  /** WebSocket ping interval in real milliseconds (default 15,000). */
  socketPingMs?: number;
  seed?: number;
  scenario?: ScenarioName;
  /**
   * 'workspaces': the seeded (and control-created) agents are plain workspaces running an AI app with a
   * simulated AgentAPI behind the path-based app proxy (`/@owner/workspace.main/apps/ccw/…`), never Coder
   * Tasks; works on any version. Default 'tasks'.
   */
  mode?: 'tasks' | 'workspaces';
  /** Path-based apps enabled (default true); false = a deployment started with `--disable-path-apps`. */
  pathApps?: boolean;
  /** Coder Agents served where the version has them (default true); false = the `agents` experiment is off: chat routes answer 404. */
  chatsApi?: boolean;
  /** Default '2.36' (Tasks and experimental chats); '2.37'/'2.40' have chats at /api/v2 and no Tasks. */
  coderVersion?: CoderVersion;
  /** Admin session token (default 'sim-admin-token'). */
  token?: string;
  adminUsername?: string;
  /** Extra users; members get token `sim-<username>-token` unless given. */
  users?: UserInit[];
  /** New tasks per simulated hour (default 20 for the `busy` scenario, else 0). */
  arrivalsPerHour?: number;
  /** Scenario members to create (alice, bob, carol, dave, erin; default 4). */
  members?: number;
  /** 'manual' (default; tests step time with control.advance) or 'real' (demos). */
  clock?: 'manual' | 'real';
  /** Manual clock start (default 2026-03-10T09:00:00Z). */
  startTime?: number | string | Date;
  /** Real clock: lifecycle tick interval (default 1000 ms). */
  tickMs?: number;
  /** Real clock: time acceleration for demos (default 1; 10 = ten simulated seconds per second). */
  speed?: number;
  /** Fault rules active from the start (same shape as control.faults.add). */
  faults?: FaultRuleInit[];
  /** Timestamp offsets in minutes, alternated (default [60, 0]: "+01:00" and "+00:00"). */
  utcOffsets?: number[];
  /** Enforce a per-token rate limit from the start. */
  rateLimit?: { limit: number; windowMs?: number };
  /** Added latency for every API request from the start. */
  latencyMs?: number;
  /** Pause/resume body shape: `{workspace_build}` (default) or the older SDK's `{workspace_build_id}`. */
  pauseResponse?: 'workspace_build' | 'workspace_build_id';
  /** buildinfo external_url/dashboard_url (default: the listening URL); fix it for stable recordings. */
  externalUrl?: string;
  /** One line per request (method, route template, status, ms) — never tokens. Default: silent. */
  log?: (line: string) => void;
}
