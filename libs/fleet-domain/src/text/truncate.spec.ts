import { describe, expect, it } from 'vitest';
import { formatAge, formatDuration, truncateText, truncationMarker } from './truncate.js';

describe('truncateText', () => {
  it('returns short text unchanged', () => expect(truncateText('hello', 5)).toBe('hello'));
  it('cuts long text with an explicit marker and never exceeds max', () => {
    const text = 'x'.repeat(1000);
    const out = truncateText(text, 100);
    expect(out.length).toBeLessThanOrEqual(100);
    expect(out).toMatch(/^x+…\[truncated \d+ chars\]$/);
    const kept = out.indexOf('…');
    expect(out).toContain(`[truncated ${1000 - kept} chars]`);
  });
  it('keeps the tail when asked', () => {
    const out = truncateText(`${'a'.repeat(500)}THE END`, 60, { keep: 'tail' });
    expect(out.startsWith('…[truncated ')).toBe(true);
    expect(out.endsWith('THE END')).toBe(true);
    expect(out.length).toBeLessThanOrEqual(60);
  });
  it('does not split surrogate pairs (head and tail)', () => {
    const text = '😀'.repeat(50);
    const head = truncateText(text, 31);
    expect(head.includes('\ud83d…')).toBe(false);
    const tail = truncateText(text, 32, { keep: 'tail' });
    expect(/\]\ude00/.test(tail)).toBe(false);
  });
  it('handles max smaller than the marker and max <= 0', () => {
    expect(truncateText('abcdefghijklmnopqrstuvwxyz'.repeat(3), 5)).toBe('…[tru');
    expect(truncateText('abc', 0)).toBe('');
    expect(truncateText('abc', -3)).toBe('');
  });
  it('marker format', () => expect(truncationMarker(12)).toBe('…[truncated 12 chars]'));
});

describe('formatDuration / formatAge', () => {
  it.each([
    [Number.NaN, 'an unknown time', '?'],
    [-5, '0 s', '0s'],
    [45_000, '45 s', '45s'],
    [12 * 60_000, '12 min', '12m'],
    [2 * 3_600_000, '2 h', '2h'],
    [125 * 60_000, '2 h 5 min', '2h5m'],
    [48 * 3_600_000, '2 d', '2d'],
    [76 * 3_600_000, '3 d 4 h', '3d4h'],
  ])('%d -> %s / %s', (ms, long, compact) => {
    expect(formatDuration(ms)).toBe(long);
    expect(formatAge(ms)).toBe(compact);
  });
});
