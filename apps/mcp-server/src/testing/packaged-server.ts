/**
 * The installable package for the distribution specs: apps/mcp-server/dist-package, as `nx run mcp-server:package`
 * writes it (`nx run mcp-server:test` runs that first); a bare vitest run packages here when it is missing.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { APP_DIR, WORKSPACE_ROOT } from './built-binary.js';

export const PACKAGE_DIR = `${APP_DIR}dist-package`;

export function ensurePackaged(): void {
  if (existsSync(`${PACKAGE_DIR}/package.json`)) return;
  execFileSync(process.execPath, ['tools/package/package-server.mjs'], { cwd: WORKSPACE_ROOT, stdio: 'ignore' });
}
