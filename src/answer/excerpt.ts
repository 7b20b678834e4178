/**
 * Excerpts, the sixth stage: a candidate window as an exact slice of its document's source, cut to
 * the clause window around its matches when one sentence alone is over the limit, with the matched
 * words marked for bold rendering.
 */
import type { Corpus, Passage } from '../corpus/types.ts';
import { citationFor } from './citation.ts';
import type { IndexedSentence } from './sentence-index.ts';
import type { QueryTerm } from './query.ts';
import type { Excerpt, Span } from './types.ts';
import { defined } from '../checked.ts';

/**
 * Every term that matches a query term in some way (for highlighting). Made again for each excerpt: a
 * WeakMap keeping it per question made every minor garbage collection three times as slow (its
 * entries are young keys in an old table).
 */
function highlighted(qts: QueryTerm[]): Set<string> {
  const out = new Set<string>();
  for (const t of qts) {
    out.add(t.term);
    for (const x of t.credits.keys()) out.add(x);
    for (const ph of t.phrases) for (const x of ph) out.add(x);
  }
  return out;
}

/** Offsets (relative to `start`) of the words in [start, end) of a passage that match the query. */
export function highlightsIn(sentences: IndexedSentence[], start: number, end: number, qts: QueryTerm[]): Span[] {
  const spans: Span[] = [];
  const marked = highlighted(qts);
  for (const s of sentences) {
    if (s.sentence.end <= start || s.sentence.start >= end) continue;
    const { terms, offsets } = s.tokens;
    for (let j = 0; j < terms.length; j++) {
      const absStart = s.sentence.start + defined(offsets[2 * j]);
      const absEnd = s.sentence.start + defined(offsets[2 * j + 1]);
      if (absStart < start || absEnd > end || !marked.has(defined(terms[j]))) continue;
      const last = spans[spans.length - 1];
      if (!last || last.end < absStart - start) spans.push({ start: absStart - start, end: absEnd - start });
      else if (last.end < absEnd - start) last.end = absEnd - start;
    }
  }
  return spans;
}

/**
 * The one excerpt windowing rule: the range of `text` to quote when it is longer than `max`, centred
 * on its highlighted spans (offsets into `text`; the start when there are none) and snapped inward to
 * word boundaries. A text that fits is returned whole. The range is never empty.
 */
export function windowAround(text: string, hits: readonly Span[], max: number): [number, number] {
  if (text.length <= max) return [0, text.length];
  const first = hits[0];
  const last = hits.at(-1);
  const center = first && last ? (first.start + last.end) / 2 : 0;
  let a = Math.max(0, Math.round(center - max / 2));
  let b = Math.min(text.length, a + max);
  a = Math.max(0, b - max);
  // Snap inward to word boundaries so no word is cut — unless the window holds no space at all
  // (one enormous token), where a hard cut is the only verbatim slice there is.
  const a2 = a > 0 ? text.indexOf(' ', a) + 1 : 0;
  const b2 = b < text.length ? text.lastIndexOf(' ', b) : b;
  if (a2 > 0 && a2 < b) a = a2;
  if (b2 > a) b = b2;
  return [a, Math.max(a + 1, b)];
}

/** Cuts a range of a document longer than `max` to the window around its matches (see {@link windowAround}). */
export function clip(source: string, sentences: IndexedSentence[], start: number, end: number, qts: QueryTerm[], max: number): [number, number] {
  if (end - start <= max) return [start, end];
  const [a, b] = windowAround(source.slice(start, end), highlightsIn(sentences, start, end, qts), max);
  return [start + a, start + b];
}

/**
 * A verbatim window of a passage's text around its highlights, by {@link windowAround}. The text stays
 * an exact slice (never rewritten); the highlights inside the window are shifted into it.
 */
export function excerptAround(text: string, highlights: Span[], max: number): { text: string; highlights: Span[] } {
  if (text.length <= max) return { text, highlights };
  const [start, end] = windowAround(text, highlights, max);
  const shifted = highlights
    .filter((h) => h.start >= start && h.end <= end)
    .map((h) => ({ start: h.start - start, end: h.end - start }));
  return { text: text.slice(start, end), highlights: shifted };
}

/**
 * The excerpt of [start, end) of a passage — or, with `through` (the passage after `p`), of the stretch
 * from `p` on into `through`, cited to both paragraphs.
 */
export function excerptOf(corpus: Corpus, p: Passage, sentences: IndexedSentence[], start: number, end: number, qts: QueryTerm[], through?: Passage): Excerpt {
  const doc = corpus.documentsById.get(p.documentId);
  if (!doc) throw new Error(`passage ${p.id} belongs to no document of this corpus`);
  const runsOn = through !== undefined && end > p.end;
  const excerpt: Excerpt = {
    text: doc.source.slice(start, end),
    passageId: p.id,
    documentId: p.documentId,
    start,
    end,
    highlights: highlightsIn(sentences, start, end, qts),
    citation: citationFor(corpus, p, runsOn ? through : undefined),
  };
  if (runsOn) excerpt.endPassageId = through.id;
  return excerpt;
}
