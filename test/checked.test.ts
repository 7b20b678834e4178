import { describe, expect, it } from 'vitest';
import { at } from '../src/checked.ts';

describe('at, the checked index read', () => {
  it('reads an element of an array, a typed array or a match', () => {
    expect(at(['a', 'b'], 1)).toBe('b');
    expect(at(new Float64Array([0, 2.5]), 1)).toBe(2.5);
    expect(at(/(\d+)/.exec('no 42') ?? [], 1)).toBe('42');
  });

  it('keeps falsy elements: 0 and the empty string are values', () => {
    expect(at(new Uint8Array([0]), 0)).toBe(0);
    expect(at([''], 0)).toBe('');
  });

  it('throws an internal error naming the index when the read is out of range', () => {
    expect(() => at([1, 2], 2)).toThrow(/internal error: index 2 read out of range \(length 2\)/);
    expect(() => at(new Int16Array(3), -1)).toThrow(RangeError);
  });
});
