import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { excerptAround, windowAround } from '../../src/answer/excerpt.ts';
import { closestQuote, CLOSEST_EXCERPT_CHARS } from '../../commands/ask.ts';
import type { RankedPassage, Span } from '../../src/answer/types.ts';

/** Offsets of every occurrence of `word` in `text`, as highlights. */
function spansOf(text: string, word: string): Span[] {
  return [...text.matchAll(new RegExp(`\\b${word}\\b`, 'g'))].map((m) => ({ start: m.index, end: m.index + word.length }));
}

const filler = (n: number, word = 'lorem') => Array.from({ length: n }, () => word).join(' ');

describe('windowAround, the one excerpt windowing rule', () => {
  it('returns a text that fits whole', () => {
    expect(windowAround('Coca grew.', [], 40)).toEqual([0, 10]);
  });

  it('centres a long text on its highlights and cuts at word boundaries', () => {
    const text = `${filler(60)} coca hectares grew ${filler(60)}`;
    const [a, b] = windowAround(text, spansOf(text, 'hectares'), 60);
    const window = text.slice(a, b);
    expect(window.length).toBeLessThanOrEqual(60);
    expect(window).toContain('coca hectares grew');
    expect(text[a - 1]).toBe(' ');
    expect(text[b]).toBe(' ');
  });

  it('starts at the beginning when there are no highlights', () => {
    const text = filler(50);
    const [a, b] = windowAround(text, [], 30);
    expect(a).toBe(0);
    expect(text[b]).toBe(' ');
  });

  it('cuts hard inside one enormous token rather than return nothing', () => {
    const text = 'x'.repeat(500);
    const [a, b] = windowAround(text, [{ start: 250, end: 251 }], 100);
    expect(b - a).toBe(100);
  });

  it('always gives a non-empty range within the text and no longer than the limit', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.integer({ min: 1, max: 200 }), fc.array(fc.nat(400), { maxLength: 6 }), (text, max, points) => {
        const inText = points.map((p) => Math.min(p, text.length)).sort((x, y) => x - y);
        const hits = inText.map((p) => ({ start: p, end: Math.min(text.length, p + 3) }));
        const [a, b] = windowAround(text, hits, max);
        expect(a).toBeGreaterThanOrEqual(0);
        expect(b).toBeLessThanOrEqual(text.length);
        expect(b - a).toBeLessThanOrEqual(Math.max(max, 1));
        if (text.length > 0) expect(b).toBeGreaterThan(a);
        if (text.length <= max) expect([a, b]).toEqual([0, text.length]);
      }),
    );
  });
});

describe('excerptAround', () => {
  it('keeps a short text and its highlights as they are', () => {
    const highlights = [{ start: 4, end: 8 }];
    expect(excerptAround('The coca crop.', highlights, 300)).toEqual({ text: 'The coca crop.', highlights });
  });

  it('quotes an exact slice and shifts the highlights inside it', () => {
    const text = `${filler(80)} the coca crop ${filler(80)}`;
    const cut = excerptAround(text, spansOf(text, 'coca'), 80);
    expect(text).toContain(cut.text);
    expect(cut.highlights).toHaveLength(1);
    const [h] = cut.highlights;
    expect(h && cut.text.slice(h.start, h.end)).toBe('coca');
  });
});

describe('closestQuote', () => {
  it('windows a long closest passage with the same rule, within the closest-excerpt limit', () => {
    const text = `${filler(100)} hectares of coca ${filler(100)}`;
    const highlights = spansOf(text, 'coca');
    const citation = { documentId: 'd', document: 'Doc', author: 'A B', date: '2020-01-01', section: 'S', sectionId: 's', paragraph: 1, passageId: 'd/s/1', label: 'B 2020 · S ¶1' };
    const p: RankedPassage = { passageId: 'd/s/1', section: 'S', text, score: 1, citation, highlights };
    const quote = closestQuote(p);
    expect(quote).toMatchObject(excerptAround(text, highlights, CLOSEST_EXCERPT_CHARS));
    expect(quote.text.length).toBeLessThanOrEqual(CLOSEST_EXCERPT_CHARS);
    expect(quote.text).toContain('hectares of coca');
  });
});
