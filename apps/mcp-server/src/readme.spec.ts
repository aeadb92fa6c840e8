/**
 * The READMEs document every registered tool and every flag, and only flags that exist (a new tool or flag
 * without docs fails here); the root README's bench tally is RESULTS.md's.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AGENT_STATUSES, FLEET_EVENT_KINDS, TREND_METRICS } from '@org/fleet-domain';
import { DATABASE_URL_ENV } from '@org/fleet-store';
import { AUTH_TOKEN_ENV, OPTIONS, TOKEN_ENV, TOOLSETS, usage } from './config.js';
import { ALL_TOOLS } from './tools/index.js';

const appReadme = () => readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const rootReadme = () => readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

const benchResults = () => readFileSync(new URL('../bench/RESULTS.md', import.meta.url), 'utf8');

/** The table rows of a README's `## <title>` section (its ### subsections included). */
function tableRows(readme: string, title: string): string[] {
  const section = readme.split(/^## /m).find((s) => s.startsWith(title)) ?? '';
  return section.split('\n').filter((l) => l.startsWith('|'));
}

/** The `--flags` in the tables of a README's "## Configure" section. */
function configureFlags(readme: string): string[] {
  const rows = tableRows(readme, 'Configure');
  return [...new Set(rows.flatMap((row) => [...row.matchAll(/`--([a-z][a-z0-9-]*)`/g)].map((m) => m[1] as string)))];
}

describe('README', () => {
  it('mentions every tool of the registry', () => {
    const readme = appReadme();
    for (const tool of ALL_TOOLS) expect(readme, tool.name).toContain(`\`${tool.name}\``);
  });

  it('has a row for every registered tool in the root README "Tools" table', () => {
    const firstCells = tableRows(rootReadme(), 'Tools').map((row) => row.split('|')[1] ?? '');
    for (const tool of ALL_TOOLS) expect(firstCells.some((cell) => cell.includes(`\`${tool.name}\``)), tool.name).toBe(true);
  });

  it('has every option of --help, with its env var in the same row, in the app README "Configure" table', () => {
    const rows = tableRows(appReadme(), 'Configure');
    for (const o of Object.values(OPTIONS)) {
      const row = rows.find((r) => (r.split('|')[1] ?? '').includes(`\`--${o.flag}\``)); // the flag column
      expect(row, `--${o.flag}`).toBeDefined();
      expect(row, `--${o.flag}`).toContain(`\`${o.env}\``);
    }
    // Secrets are env only: they have rows without a flag.
    for (const env of [TOKEN_ENV, AUTH_TOKEN_ENV, DATABASE_URL_ENV]) expect(rows.some((r) => r.includes(`\`${env}\``)), env).toBe(true);
  });

  it('names every agent status in the root README "Statuses" paragraph', () => {
    const paragraph = /\*\*Statuses\*\*:[^\n]*\n[^\n]*/.exec(rootReadme())?.[0] ?? '';
    for (const status of AGENT_STATUSES) expect(paragraph, status).toContain(`\`${status}\``);
  });

  it('has a row for every fleet event kind in the root README "Alerts" table', () => {
    const kindCells = tableRows(rootReadme(), 'Alerts').map((row) => row.split('|')[1] ?? '');
    for (const kind of FLEET_EVENT_KINDS) expect(kindCells.some((cell) => cell.includes(`\`${kind}\``)), kind).toBe(true);
  });

  it('explains every sampled trend metric in the app README "Trends" table', () => {
    const trends = appReadme().split(/^### /m).find((s) => s.startsWith('Trends')) ?? '';
    const metricCells = trends.split('\n').filter((l) => l.startsWith('|')).map((row) => row.split('|')[1] ?? '');
    for (const metric of TREND_METRICS) expect(metricCells.some((cell) => cell.includes(`\`${metric}\``)), metric).toBe(true);
  });

  it('names the toolsets as --toolsets takes them, in both READMEs', () => {
    for (const readme of [rootReadme(), appReadme()]) expect(readme).toContain(`\`${TOOLSETS.join(',')}\``);
  });

  it('quotes the bench tally of RESULTS.md in the root README', () => {
    const tally = /\*\*Targets: (\d+) PASS, (\d+) FAIL\.\*\*/.exec(benchResults());
    expect(tally).not.toBeNull();
    expect(rootReadme()).toContain(`**${tally?.[1]} PASS, ${tally?.[2]} FAIL**`);
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
