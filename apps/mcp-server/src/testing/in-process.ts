/**
 * Connects an in-process MCP Client to a FleetServer over InMemoryTransport (no network, no stdio).
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult, ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';
import type { FleetServer } from '../server.js';

export interface InProcessClient {
  client: Client;
  /** callTool with the result typed as CallToolResult. */
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

export async function connectInProcess(fleet: FleetServer, capabilities: ClientCapabilities = {}): Promise<InProcessClient> {
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'fleet-test-client', version: '0.0.0' }, { capabilities });
  await fleet.server.connect(serverTransport);
  await client.connect(clientTransport);
  return {
    client,
    call: async (name, args = {}) => (await client.callTool({ name, arguments: args })) as CallToolResult,
    close: async () => {
      await client.close();
      await fleet.close();
    },
  };
}

/** The text of the first content block (tests match failure codes at its start). */
export function textOf(result: CallToolResult): string {
  const first = result.content[0];
  return first && first.type === 'text' ? first.text : '';
}

/**
 * Whether a call was rejected for invalid arguments. SDK 1.x answers with an `isError` result
 * ("Input validation error"); v2 throws JSON-RPC -32602. Accept both so tests survive the upgrade.
 */
export async function isSchemaRejection(call: Promise<CallToolResult>): Promise<boolean> {
  try {
    const result = await call;
    return result.isError === true && /validation|invalid/i.test(textOf(result));
  } catch (error) {
    return (error as { code?: number }).code === -32602;
  }
}
