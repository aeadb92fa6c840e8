/**
 * Keeps the README's status tables identical to the status tables (generated, not copied), and every runtime
 * export of the package named in the README (a new export without docs fails here).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderStatusTableMarkdown } from './status/status-table.js';
import { renderChatStatusTableMarkdown } from './status/chat-status-table.js';
import { renderWorkspaceStatusTableMarkdown } from './status/workspace-status-table.js';
import * as api from './index.js';

const section = (readme: string, name: string) => new RegExp(`<!-- ${name}:start -->\\n([\\s\\S]*?)\\n<!-- ${name}:end -->`).exec(readme)?.[1];

describe('README', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  it('status truth section equals renderStatusTableMarkdown()', () => {
    expect(section(readme, 'status-table')).toBe(renderStatusTableMarkdown());
  });
  it('chat status section equals renderChatStatusTableMarkdown()', () => {
    expect(section(readme, 'chat-status-table')).toBe(renderChatStatusTableMarkdown());
  });
  it('workspace status section equals renderWorkspaceStatusTableMarkdown()', () => {
    expect(section(readme, 'workspace-status-table')).toBe(renderWorkspaceStatusTableMarkdown());
  });
  it('names every runtime export of the package', () => {
    const undocumented = Object.keys(api).filter((name) => !readme.includes(`\`${name}`));
    expect(undocumented).toEqual([]);
  });
});
