import { describe, expect, it } from 'vitest';
import { stripTerminalDecoration } from './terminal.js';

describe('stripTerminalDecoration', () => {
  it('removes box drawing, keeping the words inside the frame', () => {
    const screen = ['● Opened a pull request', '', '╭─ Claude Code ──────────╮', '│ >                      │', '│                        │', '╰────────────────────────╯'].join('\n');
    expect(stripTerminalDecoration(screen)).toBe(['● Opened a pull request', '', 'Claude Code', '>'].join('\n'));
  });

  it('removes ANSI colours, cursor moves and window titles', () => {
    expect(stripTerminalDecoration('\u001b[1;32m✓ passed\u001b[0m\u001b[2K\n\u001b]0;claude\u0007done')).toBe('✓ passed\ndone');
  });

  it('leaves plain text untouched (the same string)', () => {
    const plain = 'line one  \n\n\nline two';
    expect(stripTerminalDecoration(plain)).toBe(plain);
  });
});
