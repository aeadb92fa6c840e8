/**
 * A series as one line of text: eight block heights between the series' own min and max, and a distinct
 * character for a gap (a bucket without samples), so a gap never reads as a low value.
 */

export const SPARK_LEVELS = '▁▂▃▄▅▆▇█';
export const SPARK_GAP = '·';

export function sparkline(values: readonly (number | null)[]): string {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v === null || !Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const top = SPARK_LEVELS.length - 1;
  let line = '';
  for (const v of values) {
    if (v === null || !Number.isFinite(v)) line += SPARK_GAP;
    // A flat series sits in the middle: its level says nothing, the printed min/max do.
    else if (max === min) line += SPARK_LEVELS[top >> 1];
    else line += SPARK_LEVELS[Math.round(((v - min) / (max - min)) * top)];
  }
  return line;
}
