/** The app README documents every registered tool (a new tool without docs fails here). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALL_TOOLS } from './tools/index.js';

describe('README', () => {
  it('mentions every tool of the registry', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const tool of ALL_TOOLS) expect(readme, tool.name).toContain(`\`${tool.name}\``);
  });
});
