/** Keeps the README's status table identical to STATUS_TABLE (the documentation is generated, not copied). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderStatusTableMarkdown } from './status/status-table.js';

describe('README', () => {
  it('status truth section equals renderStatusTableMarkdown()', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const section = /<!-- status-table:start -->\n([\s\S]*?)\n<!-- status-table:end -->/.exec(readme)?.[1];
    expect(section).toBe(renderStatusTableMarkdown());
  });
});
