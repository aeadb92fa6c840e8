import { describe, expect, it } from 'vitest';
import { andThen, assertNever, err, isErr, isOk, mapErr, mapResult, ok, type Result } from './result.js';

describe('Result', () => {
  const widen = (r: Result<number, string>): Result<number, string> => r;
  const good = widen(ok(2));
  const bad = widen(err('nope'));
  it('constructs and narrows', () => {
    expect(good).toEqual({ ok: true, value: 2 });
    expect(ok()).toEqual({ ok: true, value: undefined });
    expect(isOk(good) && isErr(bad)).toBe(true);
    expect(isOk(bad) || isErr(good)).toBe(false);
  });
  it('maps and chains', () => {
    expect(mapResult(good, (n) => n * 2)).toEqual(ok(4));
    expect(mapResult(bad, (n) => n * 2)).toBe(bad);
    expect(mapErr(bad, (e) => e.length)).toEqual(err(4));
    expect(mapErr(good, (e) => e.length)).toBe(good);
    expect(andThen(good, (n) => (n > 1 ? ok(n) : err('small')))).toEqual(ok(2));
    expect(andThen(bad, (n) => ok(n))).toBe(bad);
  });
  it('assertNever throws with context', () => {
    expect(() => assertNever('x' as never, 'status')).toThrow('status: "x"');
  });
});
