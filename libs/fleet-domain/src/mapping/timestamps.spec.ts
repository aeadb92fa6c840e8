import { describe, expect, it } from 'vitest';
import { formatUtcIso, isoFromMs, normalizeTimestamp, parseTimestamp, utcIso } from './timestamps.js';

const pad = (x: number, w: number) => String(x).padStart(w, '0');

describe('parseTimestamp (fast RFC 3339 path) agrees with Date.parse', () => {
  // A deterministic grid over dates, fractions and zones Coder sends.
  const cases: string[] = [];
  let k = 0;
  for (const y of [1970, 1999, 2000, 2024, 2025, 2100]) {
    for (const [mo, d] of [[1, 1], [2, 28], [2, 29], [3, 1], [4, 30], [12, 31]] as const) {
      const frac = ['', '.1', '.12', '.123', '.422391', '.813325134'][k % 6];
      const zone = ['Z', '+01:00', '-07:30', '+00:00', '+14:00', '-12:00'][(k * 5) % 6];
      cases.push(`${y}-${pad(mo, 2)}-${pad(d, 2)}T${pad((k * 7) % 24, 2)}:${pad((k * 13) % 60, 2)}:${pad((k * 17) % 60, 2)}${frac}${zone}`);
      k++;
    }
  }
  it.each(cases)('%s', (raw) => expect(parseTimestamp(raw)).toBe(Date.parse(raw)));

  it.each([
    ['2025-10-27T10:27:44.Z'],
    ['2025-13-01T00:00:00Z'],
    ['2025-10-27T24:00:00Z'],
    ['2025-10-27T10:27:44+01'],
    ['2025-10-27T10:27:44+25:00'],
    ['2025-10-27T10:27:44Zjunk'],
    ['20x5-10-27T10:27:44Z'],
    ['2025-1x-27T10:27:44Z'],
    ['2025-10-27T10:27:44+0x:00'],
  ])('falls back to Date.parse for %s', (raw) => {
    const a = parseTimestamp(raw);
    const b = Date.parse(raw);
    expect(Number.isNaN(a) ? Number.isNaN(b) : a === b).toBe(true);
  });

  it('reads a timestamp without zone as UTC (never the host zone)', () =>
    expect(parseTimestamp('2025-10-27T10:27:44.5')).toBe(Date.UTC(2025, 9, 27, 10, 27, 44, 500)));

  it('lets Date.parse decide impossible days', () => expect(parseTimestamp('2025-02-30T00:00:00Z')).toBe(Date.parse('2025-02-30T00:00:00Z')));
});

describe('formatUtcIso', () => {
  it('equals toISOString across four centuries', () => {
    for (let ms = -2_208_988_800_000; ms < 10_000_000_000_000; ms += 86_400_000 * 37 + 3_723_456) {
      if (formatUtcIso(ms) !== new Date(ms).toISOString()) expect(formatUtcIso(ms)).toBe(new Date(ms).toISOString());
    }
  });
  it('handles the year range edges and odd input', () => {
    expect(formatUtcIso(Date.UTC(10, 0, 1) - 1)).toBe(new Date(Date.UTC(10, 0, 1) - 1).toISOString());
    expect(formatUtcIso(Date.UTC(-1, 0, 1))).toBe(new Date(Date.UTC(-1, 0, 1)).toISOString());
    expect(formatUtcIso(Date.UTC(2025, 0, 1) + 0.7)).toBe('2025-01-01T00:00:00.000Z');
    expect(formatUtcIso(Number.NaN)).toBe('');
    expect(isoFromMs(Infinity)).toBe('');
  });
});

describe('utcIso', () => {
  it.each([
    ['2025-10-27T09:28:51.813Z', '2025-10-27T09:28:51.813Z'],
    ['2025-10-27T09:28:51.813325134Z', '2025-10-27T09:28:51.813Z'],
    ['2025-10-27T10:27:44.422391+01:00', '2025-10-27T09:27:44.422Z'],
  ])('%s -> %s', (raw, iso) => expect(utcIso(raw, parseTimestamp(raw))).toBe(iso));
  it('keeps unparsable input and maps missing to empty', () => {
    expect(utcIso('soon', Number.NaN)).toBe('soon');
    expect(utcIso(undefined, 0)).toBe('');
    expect(normalizeTimestamp(null)).toBe('');
  });
});
