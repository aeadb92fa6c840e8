import { describe, expect, it } from 'vitest';
import { makeConfig, type ConfigInput } from '../config.js';
import { FAKE_TOOLS } from '../testing/fake-tools.js';
import { narrowForSession } from './session-narrowing.js';

const names = (overrides: Partial<ConfigInput>, headers: Record<string, string>) => {
  const r = narrowForSession(makeConfig({ coderUrl: 'http://x', sessionToken: 't', ...overrides }), FAKE_TOOLS, (n) => headers[n]);
  return r.ok ? r.tools.map((t) => t.name) : r.message;
};

describe('per-session narrowing headers', () => {
  it('narrows: read-only, disable-destructive, toolsets', () => {
    expect(names({}, {})).toEqual(FAKE_TOOLS.map((t) => t.name));
    expect(names({}, { 'x-fleet-read-only': 'true' })).toEqual(['fake_status', 'fake_list', 'fake_templates', 'fake_events']);
    expect(names({}, { 'x-fleet-disable-destructive': '1' })).not.toContain('fake_delete');
    expect(names({}, { 'x-fleet-toolsets': 'fleet, lifecycle' })).toEqual(['fake_status', 'fake_pause', 'fake_delete']);
    expect(names({}, { 'x-fleet-toolsets': 'lifecycle', 'x-fleet-read-only': 'yes' })).toMatch(/without any tool/);
  });

  it('never widens what the server flags allow', () => {
    expect(names({ readOnly: true }, { 'x-fleet-read-only': 'false' })).toEqual(['fake_status', 'fake_list', 'fake_templates', 'fake_events']);
    expect(names({ toolsets: ['fleet'] }, { 'x-fleet-toolsets': 'fleet,lifecycle' })).toEqual(['fake_status']);
    expect(names({ excludeTools: ['fake_delete'] }, { 'x-fleet-toolsets': 'lifecycle' })).toEqual(['fake_pause']);
    expect(names({ tools: ['fake_list'] }, { 'x-fleet-toolsets': 'fleet' })).toMatch(/without any tool/);
  });

  it('rejects unknown toolsets with the valid names', () => {
    expect(names({}, { 'x-fleet-toolsets': 'fleet,admin' })).toMatch(/Unknown toolset\(s\) in X-Fleet-Toolsets: admin\. Valid: fleet, agents/);
  });
});
