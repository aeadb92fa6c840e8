/** Live chat WebSockets as the control surface sees them (implemented by SocketHub in sockets.ts). */
export interface SocketInfo {
  id: string;
  kind: 'watch' | 'stream';
  user: string;
  chatId?: string;
  stalled: boolean;
  framesSent: number;
}

export interface SocketFilter {
  kind?: 'watch' | 'stream';
  chatId?: string;
  user?: string;
}

/** Drive live WebSockets from tests: drop, close or stall the connections that match. */
export interface SocketControl {
  list(): SocketInfo[];
  /** Destroy the TCP connection without a close frame (a network drop). Returns how many. */
  drop(filter?: SocketFilter): number;
  /** Send a close frame with `code` (default 1011) and end the connection. */
  close(filter?: SocketFilter, code?: number): number;
  /** Stop sending frames, pings and pongs (frames are lost) until resume(), or for `ms` real milliseconds. */
  stall(filter?: SocketFilter, ms?: number): number;
  resume(filter?: SocketFilter): number;
}
