#!/usr/bin/env node
/**
 * `nx run mcp-server:package`: the installable `coder-fleet-mcp` npm package, in apps/mcp-server/dist-package/.
 *
 * The server and every workspace library (@org/*), the MCP SDK, zod and openapi-fetch are bundled by esbuild
 * into ONE ESM file, read from source through the `@org/source` export condition (no tsc build needed). Only
 * the packages that cannot be bundled stay dependencies, read from the bundle's own imports: better-sqlite3
 * (native), pg (optional native driver) and ws (optional native add-ons); each is pinned to the workspace's
 * exact version, and loaded only when first used (see lazyExternals). So the package names nothing private and
 * installs from the public registry alone. Minified: less to parse at every start (cold start is measured in the bench).
 *
 * Layout: dist/bin/coder-fleet-mcp.js and migrations/ side by side as in @org/fleet-store, whose code finds
 * its SQL at `../../migrations/<dialect>/` from its module: from the bundle that is the package's migrations/.
 *
 *   node tools/package/package-server.mjs       then: cd apps/mcp-server/dist-package && npm pack
 */
import { copyFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const app = join(root, 'apps/mcp-server');
const out = join(app, 'dist-package');
const BIN = 'dist/bin/coder-fleet-mcp.js';
/** Not bundleable (native code, or optional native add-ons loaded by name): installed from the registry. */
const EXTERNAL = ['better-sqlite3', 'pg', 'ws'];
/** Optional add-ons the externals try to load; never required. */
const OPTIONAL_PEERS = ['pg-native', 'bufferutil', 'utf-8-validate'];

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
const rootPkg = readJson(join(root, 'package.json'));
const appPkg = readJson(join(app, 'package.json'));

/**
 * The externals are needed only on some paths (a durable store, chat sockets), so they load when first used:
 * each `import x from '<external>'` becomes a proxy that require()s the package on first touch. A plain
 * external import would be hoisted to the top of the one-file bundle and load pg, ws and the native SQLite
 * binding at every start, out of the lazy `import()` the sources use for them.
 */
const usedExternals = new Set();
const lazyExternals = {
  name: 'lazy-externals',
  setup(b) {
    b.onResolve({ filter: new RegExp(`^(${EXTERNAL.join('|')})$`) }, (args) => ({ path: args.path, namespace: 'lazy-external' }));
    b.onLoad({ filter: /.*/, namespace: 'lazy-external' }, (args) => {
      usedExternals.add(args.path);
      return {
        loader: 'js',
        contents: `import { createRequire } from 'node:module';
const name = ${JSON.stringify(args.path)};
let loaded;
const load = () => (loaded ??= createRequire(import.meta.url)(name));
export default new Proxy(function () {}, {
  construct: (_target, args, newTarget) => Reflect.construct(load(), args),
  apply: (_target, self, args) => Reflect.apply(load(), self, args),
  get: (_target, key) => load()[key],
  has: (_target, key) => key in load(),
});
`,
      };
    });
  },
};

rmSync(out, { recursive: true, force: true });
const result = await build({
  entryPoints: [join(app, 'src/main.ts')],
  outfile: join(out, BIN),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  conditions: ['@org/source'],
  external: OPTIONAL_PEERS,
  plugins: [lazyExternals],
  // CommonJS dependencies bundled into ESM (ajv in the MCP SDK) call require() for Node built-ins.
  banner: { js: "import { createRequire as __bundleCreateRequire } from 'node:module';\nconst require = __bundleCreateRequire(import.meta.url);" },
  legalComments: 'linked',
  metafile: true,
  minify: true,
  logLevel: 'warning',
});

/** Bare package names the bundle still imports: must be exactly registry packages we declare. */
const builtins = new Set(builtinModules);
const imported = new Set();
for (const output of Object.values(result.metafile.outputs))
  for (const i of output.imports)
    if (i.external && !i.path.startsWith('node:') && !builtins.has(i.path)) imported.add(i.path.split('/').slice(0, i.path.startsWith('@') ? 2 : 1).join('/'));
const unexpected = [...imported].filter((name) => !EXTERNAL.includes(name) && !OPTIONAL_PEERS.includes(name));
if (unexpected.length > 0) throw new Error(`the bundle imports packages it does not declare: ${unexpected.join(', ')}`);
const dependencies = {};
for (const name of EXTERNAL.filter((n) => imported.has(n) || usedExternals.has(n))) {
  const version = rootPkg.devDependencies[name] ?? rootPkg.dependencies?.[name];
  if (!/^\d+\.\d+\.\d+$/.test(version ?? '')) throw new Error(`${name} must be pinned exactly in the root package.json (found ${version})`);
  dependencies[name] = version;
}

const pkg = {
  name: 'coder-fleet-mcp',
  version: appPkg.version,
  description: appPkg.description,
  license: appPkg.license,
  // The MCP Registry's ownership check for npm packages (server.json "name").
  mcpName: readJson(join(app, 'server.json')).name,
  keywords: ['mcp', 'model-context-protocol', 'coder', 'ai-agents', 'fleet'],
  type: 'module',
  bin: { 'coder-fleet-mcp': BIN },
  files: ['dist', 'migrations', 'README.md'],
  engines: rootPkg.engines,
  dependencies,
};
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
cpSync(join(root, 'libs/fleet-store/migrations'), join(out, 'migrations'), { recursive: true });
copyFileSync(join(app, 'PACKAGE.md'), join(out, 'README.md'));
// The MCP Registry description travels with the package (mcp-publisher reads it beside package.json).
const serverJson = readJson(join(app, 'server.json'));
if (serverJson.name !== pkg.mcpName || serverJson.version !== pkg.version) throw new Error('apps/mcp-server/server.json: name must equal mcpName and version the package version');
copyFileSync(join(app, 'server.json'), join(out, 'server.json'));
console.error(`coder-fleet-mcp ${pkg.version}: ${join(out, BIN)} (dependencies: ${Object.keys(dependencies).join(', ') || 'none'})`);
