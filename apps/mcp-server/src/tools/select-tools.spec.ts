import { describe, expect, it } from 'vitest';
import { makeConfig, type ConfigInput } from '../config.js';
import { FAKE_TOOLS } from '../testing/fake-tools.js';
import { selectTools } from './select-tools.js';

const names = (overrides: Partial<ConfigInput>) => {
  const r = selectTools(makeConfig({ coderUrl: 'http://x', sessionToken: 't', ...overrides }), FAKE_TOOLS);
  return r.ok ? r.tools.map((t) => t.name) : r.errors;
};

describe('selectTools', () => {
  it('enables everything by default', () => {
    expect(names({})).toEqual(FAKE_TOOLS.map((t) => t.name));
  });
  it('read-only keeps only readOnlyHint tools; disable-destructive drops destructive ones', () => {
    expect(names({ readOnly: true })).toEqual(['fake_status', 'fake_list', 'fake_templates', 'fake_events']);
    expect(names({ disableDestructive: true })).not.toContain('fake_delete');
    expect(names({ disableDestructive: true })).toContain('fake_pause');
  });
  it('toolsets, tools (additive) and exclude-tools', () => {
    expect(names({ toolsets: ['fleet', 'lifecycle'] })).toEqual(['fake_status', 'fake_pause', 'fake_delete']);
    expect(names({ tools: ['fake_list'] })).toEqual(['fake_list']);
    expect(names({ toolsets: ['fleet'], tools: ['fake_list'] })).toEqual(['fake_status', 'fake_list']);
    expect(names({ excludeTools: ['fake_delete', 'fake_events'] })).toEqual(['fake_status', 'fake_list', 'fake_templates', 'fake_pause']);
  });
  it('safety modes win over explicit selection', () => {
    expect(names({ tools: ['fake_delete', 'fake_list'], readOnly: true })).toEqual(['fake_list']);
  });
  it('refuses a selection that leaves no tool, naming the flags that cancelled each other', () => {
    const [readOnly, ...more] = names({ toolsets: ['lifecycle'], readOnly: true });
    expect(more).toEqual([]);
    expect(readOnly).toMatch(/^No tool left to serve: --toolsets lifecycle selects fake_pause, fake_delete, and --read-only removes all of them \(none is read-only\)\./);
    expect(readOnly).toContain('cannot answer tools/list');
    expect(names({ tools: ['fake_delete'], readOnly: true })).toEqual([expect.stringMatching(/--tools fake_delete selects fake_delete, and --read-only removes all of them/)]);
    expect(names({ toolsets: ['fleet'], excludeTools: ['fake_status'] })).toEqual([
      expect.stringMatching(/--toolsets fleet selects fake_status, and --exclude-tools fake_status removes all of them/),
    ]);
    expect(names({ toolsets: ['lifecycle'], excludeTools: ['fake_pause'], disableDestructive: true })).toEqual([
      expect.stringMatching(/--toolsets lifecycle selects fake_delete \(after the other flags\), and --disable-destructive removes all of them \(all are destructive\)/),
    ]);
    expect(names({ toolsets: [] })).toEqual([expect.stringMatching(/^No tool left to serve: --toolsets \(empty\) selects no tool/)]);
  });
  it('unknown names fail with the list of valid names', () => {
    const errors = names({ tools: ['nope'], excludeTools: ['nada'] });
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain("Unknown tool 'nope' in FLEET_MCP_TOOLS or --tools. Valid names: fake_delete, fake_events");
    expect(errors[1]).toContain('--exclude-tools');
  });
});
