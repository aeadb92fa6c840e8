#!/usr/bin/env node
/**
 * coder-fleet-mcp entry point: parse flags/env → validated config → runServer (tool selection check, then stdio or HTTP).
 * MCP clients run `node apps/mcp-server/dist/main.js` (never `nx serve`: Nx writes banners to stdout).
 */
import { readFileSync } from 'node:fs';
import { loadConfig } from './config.js';
import { runServer } from './run.js';
import { capYoungGeneration } from './young-generation.js';

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
  // After the modules have loaded (start-up allocates freely), before the first fleet read.
  capYoungGeneration();
  return runServer(loaded.config);
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
