import { describe, expect, it } from 'vitest';
import { looksSpanish, spanishCognates, undouble } from '../../src/search/cognates.ts';

describe('spanishCognates', () => {
  it.each([
    ['politicamente', 'politically'],
    ['comites', 'comite'],
    ['armado', 'armed'],
    ['organizaciones', 'organizations'],
    ['actividades', 'activities'],
  ])('offers %s → %s', (spanish, english) => {
    expect(spanishCognates(spanish)).toContain(english);
  });

  it('never offers the word itself or a stub under four letters', () => {
    for (const w of ['ley', 'comites', 'de']) {
      const out = spanishCognates(w);
      expect(out).not.toContain(w);
      expect(out.every((c) => c.length >= 4)).toBe(true);
    }
  });
});

describe('undouble', () => {
  it('writes doubled letters once, as Spanish spells the cognate', () => {
    expect(undouble('committee')).toBe('comite');
  });
});

describe('looksSpanish', () => {
  it('recognizes inverted marks or two Spanish function words', () => {
    expect(looksSpanish('¿Qué es el VRAEM?', ['que', 'es', 'el', 'vraem'])).toBe(true);
    expect(looksSpanish('por que preocupa la ley', ['por', 'que', 'preocupa', 'la', 'ley'])).toBe(true);
  });

  it('does not take Spanish place names in an English question for Spanish', () => {
    expect(looksSpanish('What happened in San Miguel de Ene?', ['what', 'happened', 'in', 'san', 'miguel', 'de', 'ene'])).toBe(false);
  });

  it('ignores short words English shares with Spanish ("el", "son", "al")', () => {
    expect(looksSpanish('Is El Nino the son of Al?', ['is', 'el', 'nino', 'the', 'son', 'of', 'al'])).toBe(false);
  });
});
