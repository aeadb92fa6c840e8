/**
 * Installs packed tarballs into an empty folder the way a registry install would, but OFFLINE: CI has no
 * network beyond the package registry and tests make no outbound connections. The registry dependencies of
 * the tarballs are pinned to the versions the workspace's own `npm ci` installed (a lockfile cut from the
 * workspace's package-lock.json), so `npm ci --offline` finds every one of them in the npm cache by integrity.
 * Install scripts are skipped (they would download prebuilt binaries); a native package gets the binary the
 * workspace built instead (better-sqlite3's build/Release).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { WORKSPACE_ROOT } from './built-binary.js';

interface LockEntry {
  version: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  hasInstallScript?: boolean;
  [key: string]: unknown;
}
interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  bin?: Record<string, string>;
  license?: string;
  engines?: Record<string, string>;
}

/** `npm pack <folder>` into `into`; returns the tarball's absolute path. */
export function npmPack(folder: string, into: string): string {
  const out = execFileSync('npm', ['pack', folder, '--pack-destination', into, '--json', '--ignore-scripts'], { cwd: into, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const [packed] = JSON.parse(out) as { filename: string }[];
  if (!packed) throw new Error(`npm pack ${folder} produced nothing`);
  return join(into, packed.filename);
}

/** The manifest inside a tarball (what the registry would serve), read with tar. */
function manifestOf(tarball: string): Manifest {
  return JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' })) as Manifest;
}

/** Installs `tarballs` (as the folder's dependencies) and their registry dependencies into `dir`, offline. */
export function installOffline(dir: string, tarballs: readonly string[], extraPackageJson: Record<string, unknown> = {}): void {
  const workspace = (JSON.parse(readFileSync(join(WORKSPACE_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> }).packages;
  const local = tarballs.map((file) => ({ file, manifest: manifestOf(file), spec: `file:./${basename(file)}` }));
  for (const t of local) cpSync(t.file, join(dir, basename(t.file)));
  const provided = new Set(local.map((t) => t.manifest.name));

  const entries: Record<string, LockEntry> = {};
  /** Node's lookup: nearest node_modules/<name> walking up from `from` (a lock path). */
  const find = (from: string, name: string): string | undefined => {
    for (let base = from; ; ) {
      const path = `${base ? `${base}/` : ''}node_modules/${name}`;
      if (workspace[path]) return path;
      if (!base) return undefined;
      const i = base.lastIndexOf('/node_modules/');
      base = i < 0 ? '' : base.slice(0, i);
    }
  };
  const visit = (from: string, deps: Record<string, string> | undefined, optional: Record<string, string> | undefined) => {
    for (const name of Object.keys({ ...deps, ...optional })) {
      if (provided.has(name)) continue;
      const path = find(from, name);
      if (!path) {
        if (optional && name in optional) continue;
        throw new Error(`${name} (needed by ${from || 'the tarballs'}) is not in the workspace lock: it cannot be installed offline`);
      }
      if (entries[path]) continue;
      entries[path] = workspace[path] as LockEntry;
      visit(path, entries[path].dependencies, entries[path].optionalDependencies);
    }
  };
  for (const t of local) visit('', t.manifest.dependencies, undefined);

  const dependencies = Object.fromEntries(local.map((t) => [t.manifest.name, t.spec]));
  const packageJson = { name: 'consumer', version: '0.0.0', private: true, type: 'module', dependencies, ...extraPackageJson };
  const lock = {
    name: 'consumer',
    version: '0.0.0',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'consumer', version: '0.0.0', dependencies },
      ...Object.fromEntries(
        local.map((t) => [
          `node_modules/${t.manifest.name}`,
          {
            version: t.manifest.version,
            resolved: t.spec,
            ...(t.manifest.license ? { license: t.manifest.license } : {}),
            ...(t.manifest.dependencies ? { dependencies: t.manifest.dependencies } : {}),
            ...(t.manifest.bin ? { bin: t.manifest.bin } : {}),
            ...(t.manifest.engines ? { engines: t.manifest.engines } : {}),
          },
        ]),
      ),
      ...entries,
    },
  };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(packageJson, null, 2)}\n`);
  writeFileSync(join(dir, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
  execFileSync('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });

  // Native add-ons: the binary the workspace's install built (what the skipped install script would produce).
  for (const [path, entry] of Object.entries(entries)) {
    const built = join(WORKSPACE_ROOT, path, 'build', 'Release');
    if (entry.hasInstallScript && existsSync(built)) cpSync(built, join(dir, path, 'build', 'Release'), { recursive: true });
  }
}
