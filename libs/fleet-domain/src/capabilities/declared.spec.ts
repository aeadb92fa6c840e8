import { describe, expect, it } from 'vitest';
import { declaredFor, formatDeclaredMapErrors, parseDeclaredCapabilities, parseDeclaredCapabilitiesJson } from './declared.js';

describe('parseDeclaredCapabilities', () => {
  it('accepts the documented format', () => {
    const r = parseDeclaredCapabilitiesJson(
      '{ "templates": { "python-dev": { "capabilities": ["python", "docker"], "limits": { "cpu": 8, "memoryGb": 16, "diskGb": 100 } }, "bare": {} } }',
    );
    expect(r).toEqual({
      ok: true,
      value: {
        templates: {
          'python-dev': { capabilities: ['python', 'docker'], limits: { cpu: 8, memoryGb: 16, diskGb: 100 } },
          bare: { capabilities: [], limits: {} },
        },
      },
    });
  });

  it.each([
    ['not JSON', '{templates:', '$', /^not valid JSON: /],
    ['array root', '[]', '$', /^expected an object like \{"templates": \{\.\.\.\}\}, got an array$/],
    ['missing templates', '{}', 'templates', /got undefined$/],
    ['extra root key', '{"templates": {}, "version": 2}', 'version', /^unknown key "version"/],
    ['templates is a string', '{"templates": "x"}', 'templates', /got "x"$/],
    ['entry is a number', '{"templates": {"a": 3}}', 'templates["a"]', /got 3$/],
    ['empty template name', '{"templates": {" ": {}}}', 'templates[" "]', /must not be empty/],
    ['unknown entry key', '{"templates": {"a": {"caps": []}}}', 'templates["a"].caps', /allowed: capabilities, limits/],
    ['capabilities not array', '{"templates": {"a": {"capabilities": "python"}}}', 'templates["a"].capabilities', /expected an array of strings, got "python"/],
    ['capability not string', '{"templates": {"a": {"capabilities": ["ok", 5, ""]}}}', 'templates["a"].capabilities[1]', /got 5/],
    ['limits not object', '{"templates": {"a": {"limits": [1]}}}', 'templates["a"].limits', /got an array/],
    ['limit typo with hint', '{"templates": {"a": {"limits": {"memory": 16}}}}', 'templates["a"].limits.memory', /did you mean "memoryGb"\?/],
    ['unknown limit without hint', '{"templates": {"a": {"limits": {"gpus": 1}}}}', 'templates["a"].limits.gpus', /^unknown limit "gpus" \(allowed/],
    ['limit not positive', '{"templates": {"a": {"limits": {"cpu": 0}}}}', 'templates["a"].limits.cpu', /expected a positive number, got 0/],
    ['limit is a string', '{"templates": {"a": {"limits": {"cpu": "eight"}}}}', 'templates["a"].limits.cpu', /got "eight"/],
    ['limit is null', '{"templates": {"a": {"limits": {"diskGb": null}}}}', 'templates["a"].limits.diskGb', /got null/],
    ['limit is an object', '{"templates": {"a": {"limits": {"diskGb": {}}}}}', 'templates["a"].limits.diskGb', /got an object/],
  ])('%s', (_name, text, path, message) => {
    const r = parseDeclaredCapabilitiesJson(text);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      const e = r.error.find((x) => x.path === path);
      expect(e, formatDeclaredMapErrors(r.error)).toBeDefined();
      expect(e?.message).toMatch(message);
      expect(e?.kind).toBe('invalid_declared_map');
    }
  });

  it('collects several errors and formats them one per line', () => {
    const r = parseDeclaredCapabilities({ templates: { a: { limits: { cpu: -1, memoryGb: 'x' } } } });
    expect(!r.ok && formatDeclaredMapErrors(r.error)).toBe(
      'templates["a"].limits.cpu: expected a positive number, got -1\ntemplates["a"].limits.memoryGb: expected a positive number, got "x"',
    );
  });

  it('shortens long string values in messages', () => {
    const r = parseDeclaredCapabilities({ templates: 'y'.repeat(100) });
    expect(!r.ok && r.error[0]?.message).toContain(`"${'y'.repeat(40)}…"`);
  });

  it('declaredFor: exact, then case-insensitive, else undefined', () => {
    const map = { templates: { 'Python-Dev': { capabilities: ['a'], limits: {} }, 'python-dev': { capabilities: ['b'], limits: {} } } };
    expect(declaredFor(map, 'python-dev')?.capabilities).toEqual(['b']);
    expect(declaredFor(map, 'PYTHON-DEV')?.capabilities).toEqual(['a']);
    expect(declaredFor(map, 'nope')).toBeUndefined();
    expect(declaredFor(undefined, 'x')).toBeUndefined();
  });
});
