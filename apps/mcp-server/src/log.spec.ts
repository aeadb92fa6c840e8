import { describe, expect, it } from 'vitest';
import { createLogger, redact } from './log.js';

describe('logger', () => {
  it('writes one JSON line per record at or above the level', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', write: (l) => lines.push(l), now: () => new Date(0) });
    log.debug('hidden');
    log.info('hello', { n: 1 });
    log.child({ tool: 'x' }).error('bad');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0] ?? '')).toEqual({ time: '1970-01-01T00:00:00.000Z', level: 'info', msg: 'hello', n: 1 });
    expect(JSON.parse(lines[1] ?? '')).toMatchObject({ level: 'error', tool: 'x' });
  });

  it('redacts token-like keys, Coder tokens, bearer headers and configured secrets', () => {
    const lines: string[] = [];
    const log = createLogger({ write: (l) => lines.push(l), secrets: ['super-secret-value'] });
    log.info('calling Coder with abcdefghij-0123456789012345678901', {
      headers: { 'Coder-Session-Token': 'x', authorization: 'Bearer abc.def.ghi' },
      note: 'Bearer abcdefghijkl and super-secret-value and ghp_abcdefghijklmnop',
      error: new Error('token abcdefghij-0123456789012345678901 rejected'),
    });
    const out = lines.join('');
    for (const secret of ['abcdefghij-0123456789012345678901', 'abc.def.ghi', 'abcdefghijkl', 'super-secret-value', 'ghp_abcdefghijklmnop']) expect(out).not.toContain(secret);
    expect(out).toContain('[REDACTED]');
  });

  it('keeps booleans under secret-looking keys', () => {
    expect(redact({ tokenValid: true })).toEqual({ tokenValid: true });
  });
});
