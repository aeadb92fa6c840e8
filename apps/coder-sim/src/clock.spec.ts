import { describe, expect, it } from 'vitest';
import { createManualClock, createRealClock, DEFAULT_START_TIME } from './clock.js';
import { formatCoderTime, formatLogTime } from './util/time.js';
import { createRng, deriveSeed, int, uuid, UUID_PATTERN } from './util/prng.js';

describe('clocks', () => {
  it('manual clocks only move when advanced', () => {
    const clock = createManualClock();
    expect(clock.now()).toBe(DEFAULT_START_TIME);
    clock.advance(1_500);
    expect(clock.now()).toBe(DEFAULT_START_TIME + 1_500);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.advance(Number.NaN)).toThrow(RangeError);
  });

  it('real clocks follow (optionally accelerated) wall time and refuse advance()', () => {
    const fast = createRealClock(1_000);
    const first = fast.now();
    expect(fast.now()).toBeGreaterThanOrEqual(first);
    expect(() => fast.advance(1)).toThrow(/manual/);
    expect(() => createRealClock(0)).toThrow(RangeError);
  });
});

describe('Coder time formats', () => {
  it('prints microseconds with a +01:00 or +00:00 offset, stable per instant', () => {
    const a = formatCoderTime(Date.parse('2025-10-27T09:27:44.422Z'));
    expect(a).toMatch(/^2025-10-27T(10:27:44\.422\d{3}\+01:00|09:27:44\.422\d{3}\+00:00)$/);
    expect(formatCoderTime(Date.parse('2025-10-27T09:27:44.422Z'))).toBe(a);
    const offsets = new Set([0, 1000].map((d) => formatCoderTime(Date.parse('2025-10-27T09:27:44Z') + d).slice(-6)));
    expect(offsets).toEqual(new Set(['+01:00', '+00:00']));
    expect(Date.parse(a)).toBe(Date.parse('2025-10-27T09:27:44.422Z'));
  });

  it('prints log times in UTC with nanoseconds', () => {
    expect(formatLogTime(Date.parse('2025-10-27T09:28:51.813Z'))).toMatch(/^2025-10-27T09:28:51\.813\d{6}Z$/);
  });
});

describe('seeded PRNG', () => {
  it('is deterministic and makes v4 UUIDs', () => {
    const a = createRng(5);
    const b = createRng(5);
    expect([int(a, 0, 1000), uuid(a)]).toEqual([int(b, 0, 1000), uuid(b)]);
    expect(uuid(createRng(9))).toMatch(UUID_PATTERN);
    expect(uuid(createRng(9)).charAt(14)).toBe('4');
    expect(deriveSeed(1, 1)).not.toBe(deriveSeed(1, 2));
  });
});
