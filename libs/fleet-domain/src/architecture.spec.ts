/**
 * The layering is mechanical (style.md habit 9): this test proves the ESLint config really stops
 * fleet-domain from calling the Coder client or pulling in I/O-ish packages, and still allows
 * `import type` from `@org/coder-api-client`. It lints snippets at a virtual path inside this lib.
 *
 * `@nx/enforce-module-boundaries` needs the Nx project graph, which it only READS from the cache
 * (`.nx/workspace-data`); without one it prints a warning and silently skips. Under `nx run
 * fleet-domain:test` the graph always exists (nx computed it to run the target). When vitest runs
 * alone on a fresh clone, the first probe detects the skip, builds the graph once with
 * `nx show projects` (a few seconds, no daemon) and lints again, so the test never passes vacuously.
 *
 * Node built-ins are not external nodes of the Nx graph, so `bannedExternalImports: ['node:*']` alone
 * never fires; the fleet-domain block of eslint.config.mjs bans them with `no-restricted-imports` for
 * non-spec files, and the case below proves it (this spec itself may use `node:child_process`).
 */
import { execFileSync } from 'node:child_process';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url).pathname.replace(/\/$/, '');
const probePath = `${root}/libs/fleet-domain/src/__architecture_probe__.ts`;

let eslint: ESLint;

async function ruleIds(code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: probePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? `fatal: ${m.message}`);
}

const ZOD = "import { z } from 'zod';\nexport const s = z.string();\n";

beforeAll(async () => {
  eslint = new ESLint({ cwd: root });
  if (!(await ruleIds(ZOD)).includes('@nx/enforce-module-boundaries')) {
    execFileSync('npx', ['nx', 'show', 'projects'], {
      cwd: root,
      stdio: 'ignore',
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    });
    eslint = new ESLint({ cwd: root });
  }
}, 120_000);

describe('fleet-domain import boundary (ESLint)', () => {
  it('rejects a value import from @org/coder-api-client', async () => {
    expect(await ruleIds("import { createCoderClient } from '@org/coder-api-client';\nexport const c = createCoderClient;\n")).toContain(
      '@typescript-eslint/no-restricted-imports',
    );
  });

  it('rejects zod (banned external import for type:domain)', async () => {
    expect(await ruleIds(ZOD)).toContain('@nx/enforce-module-boundaries');
  });

  it('rejects importing the MCP server app', async () => {
    expect(await ruleIds("import * as server from '@org/mcp-server';\nexport const s = server;\n")).toContain('@nx/enforce-module-boundaries');
  });

  it('rejects a Node built-in (no I/O, no clock in the domain)', async () => {
    expect(await ruleIds("import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n")).toContain(
      '@typescript-eslint/no-restricted-imports',
    );
  });

  it('allows `import type` from @org/coder-api-client', async () => {
    expect(await ruleIds("import type { AnyTask } from '@org/coder-api-client/types';\nexport type T = AnyTask;\n")).toEqual([]);
    expect(await ruleIds("import type { CoderApiError } from '@org/coder-api-client';\nexport type E = CoderApiError;\n")).toEqual([]);
  });
});
