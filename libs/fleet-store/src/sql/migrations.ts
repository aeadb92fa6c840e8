/**
 * Versioned plain-SQL migrations: `migrations/<dialect>/NNNN_name.sql` beside `src/` (and `dist/`), applied
 * in order at start, all pending ones in ONE transaction, recorded in `schema_migrations`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SqlDriver } from './driver.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** Reads the migrations of a dialect from the package's `migrations/` folder (shipped in `files`). */
export function loadMigrations(dialect: SqlDriver['dialect']): Migration[] {
  const dir = fileURLToPath(new URL(`../../migrations/${dialect}/`, import.meta.url));
  const migrations = readdirSync(dir)
    .map((file) => ({ file, match: FILE.exec(file) }))
    .filter((entry): entry is { file: string; match: RegExpExecArray } => entry.match !== null)
    .map(({ file, match }) => ({ version: Number(match[1]), name: match[2] as string, sql: readFileSync(`${dir}${file}`, 'utf8') }))
    .sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`fleet-store: migrations/${dialect} must be numbered 0001, 0002, … without gaps (found ${m.version})`);
  });
  return migrations;
}

export type MigrationOutcome =
  | { kind: 'ok'; version: number; applied: number[] }
  | { kind: 'too_new'; found: number; known: number };

/** Applies pending migrations in one transaction; a store written by a newer release is refused. */
export async function migrate(driver: SqlDriver, migrations: readonly Migration[], now: number): Promise<MigrationOutcome> {
  return driver.transaction('write', async (tx) => {
    await driver.prepareMigrations(tx);
    await tx.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
    );
    const rows = await tx.all<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    const done = new Set(rows.map((r) => Number(r.version)));
    const found = Math.max(0, ...done);
    const known = migrations.length;
    if (found > known) return { kind: 'too_new', found, known };
    const applied: number[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await tx.exec(m.sql);
      await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [m.version, m.name, now]);
      applied.push(m.version);
    }
    return { kind: 'ok', version: known, applied };
  });
}
