import { defineConfig, mergeConfig, type ViteUserConfig } from 'vitest/config';
import { basename, relative } from 'node:path';

/**
 * One vitest setup for every project. Tests resolve sibling packages from source through the
 * `@org/source` export condition, so no `^build` is needed before `test` (see toolchain gotcha 3),
 * and every run writes a JSON report that tools/ci/test-summary.mjs sums into the CI closing line.
 */
export function projectVitestConfig(projectDir: string, overrides: ViteUserConfig = {}) {
  const name = basename(projectDir);
  const fromRoot = relative(`${projectDir}/../..`, projectDir);
  const base = defineConfig({
    root: projectDir,
    cacheDir: `../../node_modules/.vite/${fromRoot}`,
    resolve: { conditions: ['@org/source'] },
    ssr: { resolve: { conditions: ['@org/source'] } },
    test: {
      name,
      watch: false,
      globals: false,
      environment: 'node',
      // Timeouts are a hang guard, never a speed check: on a busy 2-core machine in-process HTTP/stdio
      // round trips can take seconds, and vitest's 5 s default turned load into false failures.
      testTimeout: 30_000,
      hookTimeout: 30_000,
      include: ['src/**/*.spec.ts'],
      reporters: ['default', 'json'],
      outputFile: { json: './test-output/vitest/results.json' },
      coverage: {
        provider: 'v8',
        reportsDirectory: `../../coverage/${fromRoot}`,
        include: ['src/**/*.ts'],
        exclude: ['src/**/*.spec.ts', 'src/generated/**', 'src/**/__fixtures__/**', 'src/main.ts'],
        reporter: ['text-summary', 'json-summary'],
      },
    },
  });
  return mergeConfig(base, overrides);
}
