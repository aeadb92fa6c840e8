import { describe, expect, it } from 'vitest';
import { placeholder } from './index.js';

describe('placeholder', () => {
  it('loads', () => expect(placeholder).toBe(1));
});
