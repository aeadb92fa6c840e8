import { describe, expect, it } from 'vitest';
import { filterLogEntries, fitLogEntries, logSortKey, logTail, newestLogTime, truncateLogContent, type LogEntryLike } from './log-view.js';
import { parseTimestamp } from '../mapping/timestamps.js';

const entry = (id: number, type: 'input' | 'output', time: string, content: string): LogEntryLike => ({ id, type, time, content });
const LOG = [
  entry(1, 'input', '2026-03-10T08:00:00Z', 'Fix the login bug'),
  entry(2, 'output', '2026-03-10T08:01:00Z', 'Looking at auth.ts'),
  entry(3, 'output', '2026-03-10T08:02:00Z', 'Tests pass. Which branch?'),
  entry(4, 'input', '2026-03-10T08:02:00Z', 'main'),
];

describe('filterLogEntries', () => {
  it.each([
    [{}, [1, 2, 3, 4]],
    [{ type: 'output' as const }, [2, 3]],
    [{ sinceMs: parseTimestamp('2026-03-10T08:01:00Z') }, [2, 3, 4]],
    [{ search: 'BRANCH' }, [3]],
    [{ type: 'input' as const, search: 'fix' }, [1]],
  ])('%j -> %j', (filter, ids) => {
    expect(filterLogEntries(LOG, filter).map((e) => e.id)).toEqual(ids);
  });
});

describe('logSortKey', () => {
  it('newest first or oldest first, ties by id; unparsable times as 0', () => {
    const sort = (order: 'newest' | 'oldest') =>
      [...LOG, entry(5, 'output', 'garbage', 'x')]
        .sort((a, b) => {
          const [x, y] = [logSortKey(a, order), logSortKey(b, order)];
          return (x[0] as number) - (y[0] as number) || (x[1] as number) - (y[1] as number);
        })
        .map((e) => e.id);
    expect(sort('newest')).toEqual([4, 3, 2, 1, 5]);
    expect(sort('oldest')).toEqual([5, 1, 2, 3, 4]);
  });
});

describe('newestLogTime', () => {
  it('is the newest time, undefined when empty', () => {
    expect(newestLogTime(LOG)).toBe('2026-03-10T08:02:00Z');
    expect(newestLogTime([])).toBeUndefined();
  });
});

describe('truncation', () => {
  const long = 'a'.repeat(500) + 'END';
  it('keeps the end of output and the start of input', () => {
    expect(truncateLogContent(entry(1, 'output', '', long), 100).endsWith('END')).toBe(true);
    expect(truncateLogContent(entry(1, 'input', '', 'START' + long), 100).startsWith('START')).toBe(true);
  });

  it('fitLogEntries: cuts each entry, stops when the remaining budget is too small, always returns the first', () => {
    const page = [entry(1, 'output', 't1', long), entry(2, 'output', 't2', long), entry(3, 'output', 't3', long)];
    const fitted = fitLogEntries(page, { maxCharsPerEntry: 300, maxTotalChars: 700 });
    expect(fitted.map((e) => e.id)).toEqual([1, 2]);
    expect(fitted.every((e) => e.truncated && e.content.length <= 300 && e.originalChars === long.length)).toBe(true);
    const tiny = fitLogEntries(page, { maxCharsPerEntry: 300, maxTotalChars: 10 });
    expect(tiny).toHaveLength(1);
    expect(tiny[0]?.content).toContain('truncated');
    const short = fitLogEntries([entry(1, 'input', 't', 'hi'), entry(2, 'input', 't', 'yo')], { maxCharsPerEntry: 300, maxTotalChars: 3 });
    expect(short.map((e) => [e.content, e.truncated])).toEqual([['hi', false]]);
  });

  it('counts and cuts the text without terminal decoration (a frame alone is not a cut)', () => {
    const framed: LogEntryLike = { id: 1, type: 'output', time: '2026-01-01T00:00:00Z', content: '● done\n╭────╮\n│ >  │\n╰────╯' };
    expect(fitLogEntries([framed], { maxCharsPerEntry: 100, maxTotalChars: 100 })).toEqual([
      { id: 1, type: 'output', time: '2026-01-01T00:00:00Z', content: '● done\n\n>', truncated: false, originalChars: 9 },
    ]);
    expect(logTail([framed], 1, 100)[0]).toMatchObject({ content: '● done\n\n>', truncated: false });
  });

  it('logTail: the newest n in chronological order, cut', () => {
    expect(logTail(LOG, 2, 400).map((e) => e.id)).toEqual([3, 4]);
    expect(logTail(LOG, 0, 400)).toEqual([]);
    expect(logTail([entry(9, 'output', 't', long)], 3, 50)[0]).toMatchObject({ id: 9, truncated: true, originalChars: long.length });
  });
});
