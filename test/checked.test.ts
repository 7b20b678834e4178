import { describe, expect, it } from 'vitest';
import { defined } from '../src/checked.ts';

describe('defined, the checked read', () => {
  it('passes on what an array, a typed array or a match holds', () => {
    expect(defined(['a', 'b'][1])).toBe('b');
    expect(defined(new Float64Array([0, 2.5])[1])).toBe(2.5);
    expect(defined(/(\d+)/.exec('no 42')?.[1])).toBe('42');
  });

  it('keeps falsy values: 0, the empty string and null are values', () => {
    expect(defined(new Uint8Array([0])[0])).toBe(0);
    expect(defined([''][0])).toBe('');
    expect(defined([null][0])).toBe(null);
  });

  it('throws an internal error when the read is out of range', () => {
    expect(() => defined([1, 2][2])).toThrow(/internal error: read out of range/);
    expect(() => defined(new Int16Array(3)[-1])).toThrow(RangeError);
  });
});
