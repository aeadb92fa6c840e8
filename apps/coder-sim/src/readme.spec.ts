/** The README's flag table lists every flag of `--help` (a new flag without docs fails here). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { USAGE } from './cli-args.js';

describe('README', () => {
  it('has a row for every flag of the CLI usage', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const rows = readme.split('\n').filter((line) => line.startsWith('| `--'));
    const flags = [...USAGE.matchAll(/^\s+--([a-z][a-z0-9-]*)/gm)].map((m) => m[1] as string);
    expect(flags.length).toBeGreaterThan(10);
    expect(flags.filter((flag) => !rows.some((row) => row.startsWith(`| \`--${flag}\``)))).toEqual([]);
  });
});
