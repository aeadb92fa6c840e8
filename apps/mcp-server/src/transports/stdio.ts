/** stdio transport: only connects. stdout carries protocol only; logs go to stderr. */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { FleetServer } from '../server.js';

export async function serveStdio(fleet: FleetServer): Promise<{ close(): Promise<void> }> {
  const transport = new StdioServerTransport();
  await fleet.server.connect(transport);
  return { close: () => fleet.close() };
}
