#!/usr/bin/env node
// The cold-start floor for scenario 3: a bare MCP SDK server over stdio with one tool and nothing
// else (no config, no Coder client, no domain). Plain JS so it starts under `node` exactly like
// dist/main.js does (no tsx loader in either measurement).
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'floor', version: '0.0.0' });
server.registerTool(
  'echo',
  { title: 'Echo', description: 'Returns its input.', inputSchema: { text: z.string() }, annotations: { readOnlyHint: true } },
  async ({ text }) => ({ content: [{ type: 'text', text }] }),
);
await server.connect(new StdioServerTransport());
