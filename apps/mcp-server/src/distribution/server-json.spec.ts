/**
 * server.json for the MCP Registry (schema 2025-12-11): the shape the registry validates, and facts that must
 * agree with the package: name = the package's mcpName, versions, the npm identifier, the bin's transports
 * and real environment variables.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AUTH_TOKEN_ENV, OPTIONS, TOKEN_ENV } from '../config.js';
import { APP_DIR } from '../testing/built-binary.js';

const Input = z.object({
  description: z.string().min(1),
  isRequired: z.boolean().optional(),
  isSecret: z.boolean().optional(),
  format: z.enum(['string', 'number', 'boolean', 'filepath']).optional(),
  default: z.string().optional(),
});
const EnvironmentVariable = Input.extend({ name: z.string().regex(/^[A-Z][A-Z0-9_]*$/) }).strict();
const Argument = z
  .object({ type: z.literal('named'), name: z.string().startsWith('--'), value: z.string(), variables: z.record(z.string(), Input).optional() })
  .strict();
const Package = z
  .object({
    registryType: z.literal('npm'),
    registryBaseUrl: z.literal('https://registry.npmjs.org'),
    identifier: z.string(),
    version: z.string().regex(/^\d+\.\d+\.\d+$/),
    runtimeHint: z.literal('npx'),
    transport: z.discriminatedUnion('type', [z.object({ type: z.literal('stdio') }).strict(), z.object({ type: z.literal('streamable-http'), url: z.string() }).strict()]),
    packageArguments: z.array(Argument).optional(),
    environmentVariables: z.array(EnvironmentVariable),
  })
  .strict();
const ServerJson = z
  .object({
    $schema: z.literal('https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json'),
    name: z.string().regex(/^[a-zA-Z0-9.-]+\/[a-zA-Z0-9._-]+$/),
    title: z.string().max(100),
    description: z.string().min(1).max(100),
    version: z.string().regex(/^\d+\.\d+\.\d+$/),
    packages: z.array(Package).min(1),
  })
  .strict();

const read = (file: string) => JSON.parse(readFileSync(`${APP_DIR}${file}`, 'utf8')) as unknown;

describe('server.json (MCP Registry)', () => {
  const server = ServerJson.parse(read('server.json'));
  const app = read('package.json') as { version: string };

  it('describes this package: registry name, version, npm identifier', () => {
    expect(server.name).toMatch(/^io\.github\.[^/]+\/coder-fleet-mcp$/);
    expect(server.version).toBe(app.version);
    for (const p of server.packages) expect([p.identifier, p.version]).toEqual(['coder-fleet-mcp', app.version]);
  });

  it('offers the bin over stdio and over Streamable HTTP on the default port, with the flags that select it', () => {
    expect(server.packages.map((p) => p.transport.type)).toEqual(['stdio', 'streamable-http']);
    const http = server.packages[1];
    expect(http?.transport).toEqual({ type: 'streamable-http', url: 'http://127.0.0.1:{port}/mcp' });
    expect(http?.packageArguments?.map((a) => `${a.name}=${a.value}`)).toEqual([`--${OPTIONS.transport.flag}=http`, `--${OPTIONS.port.flag}={port}`]);
    expect(http?.packageArguments?.[1]?.variables?.['port']?.default).toBe('8717');
  });

  it('names only environment variables the server reads, the Coder ones required and the tokens secret', () => {
    const known = new Set<string>([...Object.values(OPTIONS).map((o) => o.env), TOKEN_ENV, AUTH_TOKEN_ENV]);
    for (const p of server.packages) {
      for (const v of p.environmentVariables) expect(known.has(v.name), v.name).toBe(true);
      const byName = new Map(p.environmentVariables.map((v) => [v.name, v]));
      expect(byName.get('CODER_URL')?.isRequired).toBe(true);
      expect(byName.get(TOKEN_ENV)).toMatchObject({ isRequired: true, isSecret: true });
    }
    const authToken = server.packages[1]?.environmentVariables.find((v) => v.name === AUTH_TOKEN_ENV);
    expect(authToken?.isSecret).toBe(true);
  });
});
