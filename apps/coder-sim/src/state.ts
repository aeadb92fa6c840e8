import type { CoderVersion } from './versions.js';

/** What the control surface shares with the HTTP server and the sockets: the Coder version served and request counters. */
export interface SimState {
  version: CoderVersion;
  /** false: Coder Agents is off on this deployment (the `agents` experiment not enabled): chat routes answer 404. */
  readonly chatsApi?: boolean;
  readonly counters: Map<string, number>;
}
