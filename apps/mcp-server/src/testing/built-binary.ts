/**
 * The BUILT server for the smoke specs (they spawn `node apps/mcp-server/dist/main.js` as clients and
 * operators do): its paths, and a build when a bare vitest run finds dist incomplete
 * (`nx run mcp-server:test` builds first anyway).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** apps/mcp-server/ (with a trailing slash). */
export const APP_DIR = fileURLToPath(new URL('../..', import.meta.url));
export const WORKSPACE_ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
export const MAIN_JS = `${APP_DIR}dist/main.js`;

/** Builds the app unless `dist/<marker>` exists. Call from a beforeAll with a long timeout. */
export function ensureBuilt(marker = 'main.js'): void {
  if (existsSync(`${APP_DIR}dist/${marker}`)) return;
  execFileSync('npx', ['nx', 'run', 'mcp-server:build', '--outputStyle=static'], {
    cwd: WORKSPACE_ROOT,
    stdio: 'ignore',
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
  });
}
