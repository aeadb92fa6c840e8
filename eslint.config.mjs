// Flat ESLint config for every project. The layering (see docs in README "Architecture") is enforced here:
//   type:data-access (coder-api-client, fleet-store) → nothing internal
//   type:domain      (fleet-domain)     → type:data-access, and only `import type` from it; never a database driver
//   type:app         (mcp-server, sim)  → domain and data-access, e.g. @org/fleet-store (test code may also use the simulator)
// Import cycles inside a project fail the same lint target: each project's `lint` script runs
// `depcruise src` with .dependency-cruiser.cjs after eslint (it also counts `import type` edges, which
// eslint-plugin-import-x's no-cycle skips).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import nx from '@nx/eslint-plugin';

const moduleBoundaries = (allow = []) => [
  'error',
  {
    allow,
    enforceBuildableLibDependency: false,
    depConstraints: [
      { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: [] },
      {
        sourceTag: 'type:domain',
        onlyDependOnLibsWithTags: ['type:data-access'],
        bannedExternalImports: ['openapi-fetch', '@modelcontextprotocol/*', '@pollyjs/*', 'zod', 'node:*', 'better-sqlite3', 'pg'],
      },
      { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:data-access'] },
    ],
  },
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/out-tsc/**', '**/test-output/**', '**/generated/**', '**/node_modules/**', '**/coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': moduleBoundaries(),
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': ['error', { allow: ['error', 'warn'] }],
    },
  },
  {
    // The domain may read Coder's wire types but never call the client: type-only imports.
    files: ['libs/fleet-domain/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@org/coder-api-client', '@org/coder-api-client/*'],
              allowTypeImports: true,
              message: 'fleet-domain is pure: import only types from @org/coder-api-client (`import type`).',
            },
          ],
        },
      ],
    },
  },
  {
    // No I/O in the domain: Node built-ins are not "external packages" to the Nx rule, so ban them here.
    files: ['libs/fleet-domain/src/**/*.ts'],
    ignores: ['libs/fleet-domain/src/**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@org/coder-api-client', '@org/coder-api-client/*'],
              allowTypeImports: true,
              message: 'fleet-domain is pure: import only types from @org/coder-api-client (`import type`).',
            },
            { group: ['node:*'], message: 'fleet-domain is pure: no Node built-ins (no I/O, no clock).' },
          ],
        },
      ],
    },
  },
  {
    // Plain Node scripts (codegen, CI, recordings, bench floors).
    files: ['tools/**/*.mjs', 'apps/mcp-server/bench/**/*.mjs'],
    languageOptions: {
      globals: {
        process: 'readonly', console: 'readonly', URL: 'readonly', fetch: 'readonly', setTimeout: 'readonly',
        clearTimeout: 'readonly', structuredClone: 'readonly', AbortController: 'readonly',
      },
    },
    rules: { 'no-console': 'off' },
  },
  {
    // Tests and benchmarks of the server drive it against the simulator app; so does the `nx serve` launcher
    // (src/serve/) when no Coder is configured. The installable package never includes either.
    files: ['apps/mcp-server/src/**/*.spec.ts', 'apps/mcp-server/src/testing/**/*.ts', 'apps/mcp-server/src/serve/**/*.ts', 'apps/mcp-server/bench/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': moduleBoundaries(['@org/coder-sim']) },
  },
);
