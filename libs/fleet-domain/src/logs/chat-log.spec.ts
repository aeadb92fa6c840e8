import { describe, expect, it } from 'vitest';
import { chatLogPage, chatMessageToLogEntry, summarisePart } from './chat-log.js';
import type { ChatMessagePart } from '../mapping/coder-types.js';
import { MINUTE } from '../testing/builders.js';
import { buildChatMessage, textPart } from '../testing/chat-builders.js';

const part = (p: Partial<ChatMessagePart> & { type: ChatMessagePart['type'] }) => p as ChatMessagePart;

describe('summarisePart', () => {
  it.each([
    [part({ type: 'text', text: 'hello' }), 'hello'],
    [part({ type: 'hook-notice', text: 'hook ran' }), 'hook ran'],
    [part({ type: 'reasoning', text: 'secret thoughts' }), ''],
    [part({ type: 'tool-call', tool_name: 'bash', args: { command: 'npm   test' } }), '→ bash({"command":"npm test"})'],
    [part({ type: 'tool-call', args: 'raw' }), '→ tool(raw)'],
    [part({ type: 'tool-call', tool_name: 'x' }), '→ x()'],
    [part({ type: 'tool-result', tool_name: 'bash', result: { out: 'ok' } }), '← bash returned (12 chars)'],
    [part({ type: 'tool-result', is_error: true }), '← tool failed (0 chars)'],
    [part({ type: 'source', url: 'https://x', title: 'X' }), '[source: X https://x]'],
    [part({ type: 'source', url: 'https://x' }), '[source: https://x]'],
    [part({ type: 'file', name: 'a.png', media_type: 'image/png' }), '[file: a.png image/png]'],
    [part({ type: 'file', file_id: 'f1' }), '[file: f1]'],
    [part({ type: 'file-reference', file_name: 'a.ts', start_line: 1, end_line: 9 }), '[file reference: a.ts:1-9]'],
    [part({ type: 'context-file', context_file_path: 'AGENTS.md' }), '[context file: AGENTS.md]'],
    [part({ type: 'skill', skill_name: 'review' }), '[skill: review]'],
    [part({ type: 'workspace-file-reference', workspace_file_path: '/w/a' }), '[workspace file: /w/a]'],
    [part({ type: 'brand-new' }), '[brand-new]'],
  ])('%j -> %s', (p, text) => expect(summarisePart(p)).toBe(text));

  it('cuts long tool arguments and survives unserialisable ones', () => {
    expect(summarisePart(part({ type: 'tool-call', tool_name: 't', args: 'a'.repeat(500) }))).toContain('…[truncated');
    const loop: Record<string, unknown> = {};
    loop['self'] = loop;
    expect(summarisePart(part({ type: 'tool-call', tool_name: 't', args: loop }))).toBe('→ t([object Object])');
    expect(summarisePart(part({ type: 'tool-call', tool_name: 't', args: () => 1 }))).toBe('→ t()');
  });
});

describe('chatMessageToLogEntry', () => {
  it('user messages are input, the others output; system and empty messages are left out', () => {
    expect(chatMessageToLogEntry(buildChatMessage(1, 'user', [textPart('Fix it')]))).toMatchObject({ id: 1, type: 'input', content: 'Fix it', role: 'user' });
    expect(chatMessageToLogEntry(buildChatMessage(2, 'assistant', [textPart('On it'), part({ type: 'tool-call', tool_name: 'bash', args: { c: 'ls' } })]))?.content).toBe('On it\n→ bash({"c":"ls"})');
    expect(chatMessageToLogEntry(buildChatMessage(3, 'tool', [part({ type: 'tool-result', tool_name: 'bash', result: 'x' })]))?.type).toBe('output');
    expect(chatMessageToLogEntry(buildChatMessage(4, 'system', [textPart('You are…')]))).toBeUndefined();
    expect(chatMessageToLogEntry(buildChatMessage(5, 'assistant', [part({ type: 'reasoning', text: 'hmm' })]))).toBeUndefined();
    expect(chatMessageToLogEntry({ ...buildChatMessage(6, 'assistant', []), content: undefined })).toBeUndefined();
  });
});

describe('chatLogPage', () => {
  const messages = [
    buildChatMessage(1, 'system', [textPart('sys')], 10 * MINUTE),
    buildChatMessage(2, 'user', [textPart('Fix the login bug')], 9 * MINUTE),
    buildChatMessage(3, 'assistant', [textPart('Looking')], 8 * MINUTE),
    buildChatMessage(4, 'assistant', [textPart('x'.repeat(5000))], 7 * MINUTE),
    buildChatMessage(5, 'user', [textPart('status?')], 6 * MINUTE),
  ];

  it('newest first, bounded, with the cursor for older messages', () => {
    const page = chatLogPage(messages, false);
    expect(page.entries.map((e) => [e.id, e.role])).toEqual([
      [5, 'user'],
      [4, 'assistant'],
      [3, 'assistant'],
      [2, 'user'],
    ]);
    expect(page.entries[1]?.truncated).toBe(true);
    expect(page.entries[1]?.content.length).toBeLessThanOrEqual(2000);
    expect(page.entries.reduce((n, e) => n + e.content.length, 0)).toBeLessThanOrEqual(8000);
    // The system message was read (and left out): nothing older remains.
    expect(page.nextBeforeId).toBeUndefined();
  });

  it('limit and budget cut the page and point at the next one; nothing older -> no cursor', () => {
    expect(chatLogPage(messages, false, { limit: 2 })).toMatchObject({ nextBeforeId: 4 });
    const budget = chatLogPage(messages, false, { maxTotalChars: 2010 });
    expect(budget.entries.map((e) => e.id)).toEqual([5, 4]);
    expect(budget.nextBeforeId).toBe(4);
    expect(chatLogPage(messages.slice(1), false).nextBeforeId).toBeUndefined();
    expect(chatLogPage(messages.slice(1), true).nextBeforeId).toBe(2);
    expect(chatLogPage([], true)).toEqual({ entries: [], nextBeforeId: undefined });
    expect(chatLogPage([messages[0] as never], true)).toEqual({ entries: [], nextBeforeId: 1 });
  });
});
