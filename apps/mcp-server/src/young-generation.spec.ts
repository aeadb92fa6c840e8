import { describe, expect, it } from 'vitest';
import { choseYoungGeneration } from './young-generation.js';

describe('young generation cap', () => {
  it('respects an operator who chose a semi-space size, on the command line or in NODE_OPTIONS', () => {
    expect(choseYoungGeneration(['--max-semi-space-size=32'], undefined)).toBe(true);
    expect(choseYoungGeneration([], '--max-old-space-size=512 --min-semi-space-size=4')).toBe(true);
    expect(choseYoungGeneration(['--semi-space-growth-factor=2'], '')).toBe(true);
    expect(choseYoungGeneration(['--max_semi_space_size=8'], undefined)).toBe(true);
  });

  it('sees no operator choice otherwise, so the cap applies (other flags do not count)', () => {
    expect(choseYoungGeneration([], undefined)).toBe(false);
    expect(choseYoungGeneration(['--enable-source-maps'], '--max-old-space-size=512')).toBe(false);
  });
});
