import { describe, expect, it } from 'vitest';
import { fold } from '../../src/search/fold.ts';

describe('fold', () => {
  it('removes diacritics and case: Apurímac = apurimac', () => {
    expect(fold('Apurímac')).toBe('apurimac');
    expect(fold('Apurímac')).toBe(fold('APURIMAC'));
    expect(fold('Vizcatán, Perú')).toBe('vizcatan, peru');
  });

  it('straightens curly quotes and unifies dashes', () => {
    expect(fold('Peru’s “no man’s land”')).toBe(`peru's "no man's land"`);
    expect(fold('Peru‐Colombia–Brazil — frontier')).toBe('peru-colombia-brazil - frontier');
  });

  it('collapses runs of white space', () => {
    expect(fold('coca \n\t  hectares')).toBe('coca hectares');
  });
});
