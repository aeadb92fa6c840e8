import { describe, expect, test } from 'vitest';
import { classifyPgError, classifySqliteError, redactSecrets } from './errors.js';

describe('driver errors become typed store errors', () => {
  test.each([
    ['SQLITE_BUSY', 'locked'],
    ['SQLITE_BUSY_SNAPSHOT', 'locked'],
    ['SQLITE_FULL', 'disk_full'],
    ['SQLITE_READONLY_DBMOVED', 'read_only'],
    ['SQLITE_CORRUPT', 'corrupt'],
    ['SQLITE_NOTADB', 'corrupt'],
    ['SQLITE_CANTOPEN', 'unavailable'],
    ['SQLITE_IOERR_WRITE', 'unavailable'],
    ['SQLITE_ERROR', 'failed'],
  ])('sqlite %s → %s', (code, kind) => {
    const error = classifySqliteError(Object.assign(new Error('boom'), { code }), 'events.append');
    expect(error).toMatchObject({ kind, code, operation: 'events.append' });
    expect(error.hint.length).toBeGreaterThan(20);
    expect(error.retryable).toBe(kind === 'locked' || kind === 'unavailable');
  });

  test.each([
    ['ECONNREFUSED', 'unavailable'],
    ['57P01', 'unavailable'],
    ['28P01', 'unavailable'],
    ['3D000', 'unavailable'],
    ['53100', 'disk_full'],
    ['40P01', 'locked'],
    ['55P03', 'locked'],
    ['25006', 'read_only'],
    ['XX001', 'corrupt'],
    ['42P01', 'failed'],
  ])('postgres %s → %s', (code, kind) => {
    expect(classifyPgError(Object.assign(new Error('boom'), { code }), 'queue.claim')).toMatchObject({ kind, code });
  });

  test('a thrown non-error still classifies', () => {
    expect(classifyPgError('weird', 'x')).toMatchObject({ kind: 'failed', message: 'x: weird' });
  });

  test('secret-looking keys are redacted at any depth, other values kept', () => {
    expect(
      redactSecrets({ input: 'hi', Authorization: 'Bearer x', list: [{ password: 'p', n: 1 }], nested: { coder_session_token: 't' } }),
    ).toEqual({ input: 'hi', Authorization: '[redacted]', list: [{ password: '[redacted]', n: 1 }], nested: { coder_session_token: '[redacted]' } });
  });
});
