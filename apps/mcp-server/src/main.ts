#!/usr/bin/env node
/**
 * coder-fleet-mcp entry point: parse flags/env → config → Coder client → createServer → transport.
 * MCP clients run `node apps/mcp-server/dist/main.js` (never `nx serve`: Nx writes banners to stdout).
 */
import { readFileSync } from 'node:fs';
import { createCoderClient } from '@org/coder-api-client';
import { systemClock } from './clock.js';
import { loadConfig } from './config.js';
import { createLogger } from './log.js';
import { createServer } from './server.js';
import { checkCoder } from './startup-check.js';
import { ALL_TOOLS, selectTools } from './tools/index.js';
import { serveStdio } from './transports/stdio.js';
import { VERSION } from './version.js';

async function main(): Promise<number> {
  const loaded = loadConfig({ argv: process.argv.slice(2), env: process.env, readFile: (p) => readFileSync(p, 'utf8') });
  if (loaded.kind === 'help') {
    console.error(loaded.text);
    return 0;
  }
  if (loaded.kind === 'error') {
    console.error(`coder-fleet-mcp: invalid configuration\n${loaded.errors.map((e) => `  - ${e}`).join('\n')}\nRun with --help for all options.`);
    return 2;
  }
  const config = loaded.config;
  const selection = selectTools(config, ALL_TOOLS);
  if (!selection.ok) {
    console.error(`coder-fleet-mcp: invalid tool selection\n${selection.errors.map((e) => `  - ${e}`).join('\n')}`);
    return 2;
  }
  if (config.transport !== 'stdio') {
    console.error(`coder-fleet-mcp: --transport ${config.transport} is not available yet; use --transport stdio (the default).`);
    return 2;
  }

  const log = createLogger({ level: config.logLevel, secrets: [config.sessionToken] });
  const coder = createCoderClient({
    baseUrl: config.coderUrl,
    sessionToken: config.sessionToken,
    timeoutMs: config.requestTimeoutMs,
    userAgent: `coder-fleet-mcp/${VERSION}`,
  });
  const fleet = createServer({ coder, clock: systemClock, config, log });
  const running = await serveStdio(fleet);
  log.info('coder-fleet-mcp started', { version: VERSION, transport: 'stdio', tools: fleet.toolNames });
  void checkCoder(coder, log, config.coderUrl, AbortSignal.timeout(config.requestTimeoutMs)).catch((error: unknown) => log.error('start-up check failed', { error }));

  const shutdown = (reason: string) => {
    log.info('shutting down', { reason });
    void running.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.stdin.once('end', () => shutdown('stdin closed'));
  process.on('uncaughtException', (error) => log.error('uncaught exception (kept running)', { error }));
  process.on('unhandledRejection', (error) => log.error('unhandled rejection (kept running)', { error }));
  return -1;
}

main().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    console.error('coder-fleet-mcp: failed to start:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
