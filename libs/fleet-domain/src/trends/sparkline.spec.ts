import { describe, expect, it } from 'vitest';
import { SPARK_GAP, sparkline } from './sparkline.js';

describe('sparkline', () => {
  it.each([
    ['empty', [], ''],
    ['rising', [0, 1, 2, 3, 4, 5, 6, 7], '▁▂▃▄▅▆▇█'],
    ['scaled to its own range', [10, 20], '▁█'],
    ['flat sits mid-height', [5, 5, 5], '▄▄▄'],
    ['gaps are a distinct char, not the lowest bar', [0, null, 7], `▁${SPARK_GAP}█`],
    ['a real zero is a bar', [0, 0, null], `▄▄${SPARK_GAP}`],
    ['only gaps', [null, null], `${SPARK_GAP}${SPARK_GAP}`],
    ['NaN is a gap', [Number.NaN, 1, 2], `${SPARK_GAP}▁█`],
  ])('%s', (_name, values, expected) => expect(sparkline(values)).toBe(expected));

  it('one character per bucket', () => {
    const values = Array.from({ length: 60 }, (_, i) => (i % 7 === 0 ? null : Math.sin(i)));
    expect([...sparkline(values)]).toHaveLength(60);
  });
});
