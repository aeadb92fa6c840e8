import type { CoderVersion } from './versions.js';

/** What the control surface shares with the HTTP server and the sockets: the Coder version served and request counters. */
export interface SimState {
  version: CoderVersion;
  readonly counters: Map<string, number>;
}
