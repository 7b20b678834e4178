/**
 * A passage's sentences, kept packed. Each document has one sentence table, an `Int32Array` of three
 * integers per sentence (start, end, complete), shared by its passages; a passage knows where its
 * sentences begin there and how many it has. That is 12 bytes a sentence, against about 130 for a
 * {@link Sentence} object with its own text and id strings — once the largest part of a large corpus's
 * objects. The objects are made when asked for; the engine keeps the ones it reads often in its
 * sentence cache.
 */
import type { Corpus, Passage, Sentence } from './types.ts';

/** The table of a passage made before its document's table is (see {@link SentenceTable}). */
export const NO_SENTENCES = new Int32Array(0);

/** Collects a document's sentences, passage by passage, into its sentence table. */
export class SentenceTable {
  private readonly ints: number[] = [];
  private readonly passages: Passage[] = [];

  /**
   * Adds a passage's sentences, in order, as (start, end, complete) triples — what {@link spansOf}
   * gives — and sets its `firstSentence` and `sentenceCount`.
   */
  add(p: Passage, spans: readonly number[]): void {
    p.firstSentence = this.ints.length / 3;
    p.sentenceCount = Math.floor(spans.length / 3);
    for (let i = 0; i + 2 < spans.length; i += 3) this.ints.push(spans[i] ?? 0, spans[i + 1] ?? 0, spans[i + 2] ?? 0);
    this.passages.push(p);
  }

  /** Makes the table and gives it to every passage added. */
  done(): Int32Array {
    const table = Int32Array.from(this.ints);
    for (const p of this.passages) p.sentenceTable = table;
    return table;
  }
}

/** A passage's sentences as (start, end, complete) triples, a copy of its part of the table. */
export function spansOf(p: Passage): number[] {
  return Array.from(p.sentenceTable.subarray(3 * p.firstSentence, 3 * (p.firstSentence + p.sentenceCount)));
}

/**
 * A passage's sentences, made afresh: slices of its text, so of the document's source. `from` and
 * `to` pick sentences `from..to-1` (by their index in the passage) without making the others.
 */
export function sentencesOf(p: Passage, from = 0, to = p.sentenceCount): Sentence[] {
  const table = p.sentenceTable;
  const out: Sentence[] = [];
  for (let k = Math.max(0, from); k < Math.min(to, p.sentenceCount); k++) {
    const at = 3 * (p.firstSentence + k);
    const start = table[at] ?? 0;
    const end = table[at + 1] ?? 0;
    out.push({ passageId: p.id, index: k, start, end, text: p.text.slice(start - p.start, end - p.start), complete: table[at + 2] === 1 });
  }
  return out;
}

/** Whether passage `b` follows `a` in `source` with nothing but white space between them: one stretch of text. */
export function adjoins(source: string, a: Pick<Passage, 'end'>, b: Pick<Passage, 'start'>): boolean {
  return b.start >= a.end && /^\s*$/.test(source.slice(a.end, b.start));
}

/**
 * The passage an excerpt of `p` may run on into: the next one in its section, on the same page (a
 * citation names one page), with nothing but white space between them in the source; null when none.
 */
export function runsOnInto(corpus: Pick<Corpus, 'passages' | 'documentsById'>, p: Passage): Passage | null {
  const next = neighbourInSection(corpus.passages, p, 1);
  const source = corpus.documentsById.get(p.documentId)?.source;
  return next && source !== undefined && (p.page ?? null) === (next.page ?? null) && adjoins(source, p, next) ? next : null;
}

/**
 * The passage next to `p` in its section (`step` 1: the one after, -1: the one before), or null at
 * the section's edge. Passages are in corpus order (`passage.order` is the position in `passages`).
 */
export function neighbourInSection(passages: readonly Passage[], p: Passage, step: 1 | -1): Passage | null {
  const n = passages[p.order + step];
  return n && n.order === p.order + step && n.documentId === p.documentId && n.sectionId === p.sectionId ? n : null;
}
