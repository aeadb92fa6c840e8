#!/usr/bin/env node
/**
 * coder-fleet-mcp entry point: parse flags/env → validated config → runServer (tool selection check, then stdio or HTTP),
 * or `--check` (report on the deployment, exit 0 when usable) or `--version`.
 * MCP clients run `node apps/mcp-server/dist/main.js` or the installed `coder-fleet-mcp` (never `nx serve`: that serves HTTP).
 */
import { readFileSync } from 'node:fs';
import { assertNever } from '@org/fleet-domain';
import { loadConfig } from './config.js';
import { runCheck, runServer } from './run.js';
import { capYoungGeneration } from './young-generation.js';

async function main(): Promise<number> {
  const loaded = loadConfig({ argv: process.argv.slice(2), env: process.env, readFile: (p) => readFileSync(p, 'utf8') });
  switch (loaded.kind) {
    case 'help':
      console.error(loaded.text);
      return 0;
    case 'version':
      process.stdout.write(`${loaded.text}\n`);
      return 0;
    case 'error':
      console.error(`coder-fleet-mcp: invalid configuration\n${loaded.errors.map((e) => `  - ${e}`).join('\n')}\nRun with --help for all options.`);
      return 2;
    case 'ok':
      if (loaded.check) return runCheck(loaded.config);
      // After the modules have loaded (start-up allocates freely), before the first fleet read.
      capYoungGeneration();
      return runServer(loaded.config);
    default:
      return assertNever(loaded);
  }
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
