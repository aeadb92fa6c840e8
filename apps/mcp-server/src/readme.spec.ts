/** The READMEs document every registered tool and only flags that exist (a new tool without docs fails here). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OPTIONS, usage } from './config.js';
import { ALL_TOOLS } from './tools/index.js';

const appReadme = () => readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const rootReadme = () => readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

/** The `--flags` in the tables of a README's "## Configure" section. */
function configureFlags(readme: string): string[] {
  const section = readme.split(/^## /m).find((s) => s.startsWith('Configure')) ?? '';
  const rows = section.split('\n').filter((l) => l.startsWith('|'));
  return [...new Set(rows.flatMap((row) => [...row.matchAll(/`--([a-z][a-z0-9-]*)`/g)].map((m) => m[1] as string)))];
}

describe('README', () => {
  it('mentions every tool of the registry', () => {
    const readme = appReadme();
    for (const tool of ALL_TOOLS) expect(readme, tool.name).toContain(`\`${tool.name}\``);
  });

  it('lists only flags that exist, in the root and the app README "Configure" tables', () => {
    const known = new Set(Object.values(OPTIONS).map((o) => o.flag));
    for (const readme of [rootReadme(), appReadme()]) {
      const flags = configureFlags(readme);
      expect(flags.length).toBeGreaterThan(5);
      expect(flags.filter((f) => !known.has(f))).toEqual([]);
    }
  });

  it('--help lists every option with its env var', () => {
    const help = usage();
    for (const o of Object.values(OPTIONS)) expect(help).toMatch(new RegExp(`--${o.flag}\\s+${o.env}\\s`));
  });
});
