/**
 * The engine's retrieval query — exact terms, OR — scored straight from packed postings
 * (`postings.ts`) into reused arrays, the way MiniSearch 7.2's `search` scores it: per term and field
 * its BM25 (`k`, `b`, `d` from the index's query defaults) times the term's and the field's boost,
 * summed over the fields, then over the terms in query order, times the number of query terms the
 * passage has. MiniSearch makes a result object, a terms array and a match object for every passage
 * a term is in, keeps them in maps and sorts them all; over 16,519 passages most of a retrieval was
 * that, and its garbage. Here nothing is made per passage but a number, and only the best are kept.
 * The scores are the same numbers, added in the same order (`test/search/score.test.ts` compares them
 * with MiniSearch's own for every query of the development sets).
 */
import type MiniSearch from 'minisearch';
import { DenseMap, FieldLengths, PackedPostings } from './postings.ts';

/** The parts of MiniSearch 7.2 read here (private in its types). */
interface ScoringInternals {
  _index: { get(term: string): Map<number, unknown> | undefined };
  _fieldIds: Record<string, number>;
  _fieldLength: ReadonlyMap<number, number[]>;
  _avgFieldLength: number[];
  _documentCount: number;
  _documentIds: ReadonlyMap<number, unknown>;
  _nextId: number;
  _options: { searchOptions: { boost?: Record<string, number>; bm25?: { k: number; b: number; d: number } } };
}

/** A `Map`, or the dense stand-in a built index keeps instead (`postings.ts`). */
function isMapLike(m: unknown): m is ReadonlyMap<number, unknown> {
  return m instanceof Map || m instanceof DenseMap;
}

/** A passage's MiniSearch id and its score. */
export interface ScoredId {
  id: string;
  score: number;
}

export class PackedSearch {
  private readonly inner: ScoringInternals;
  /** Short id → the passage's id; per field, short id → the field's length. */
  private readonly ids: string[];
  private readonly lengths = new Map<number, Float64Array>();
  // Scratch, one slot per short id: the query's score and term count, the current term's score, and
  // the query and term that last touched each slot (so nothing is cleared between queries).
  private readonly score: Float64Array;
  private readonly termScore: Float64Array;
  private readonly quality: Int32Array;
  private readonly seenBy: Int32Array;
  private readonly termSeenBy: Int32Array;
  private readonly touched: Int32Array;
  private readonly termTouched: Int32Array;
  private epoch = 0;
  private termEpoch = 0;

  private constructor(inner: ScoringInternals) {
    this.inner = inner;
    const n = inner._nextId;
    this.ids = new Array<string>(n).fill('');
    for (const [short, id] of inner._documentIds) this.ids[short] = String(id);
    this.score = new Float64Array(n);
    this.termScore = new Float64Array(n);
    this.quality = new Int32Array(n);
    this.seenBy = new Int32Array(n);
    this.termSeenBy = new Int32Array(n);
    this.touched = new Int32Array(n);
    this.termTouched = new Int32Array(n);
  }

  /**
   * The scorer for a built index whose postings are all packed, or null (another MiniSearch, postings
   * not packed): the caller then asks MiniSearch.
   */
  static of<T>(index: MiniSearch<T>): PackedSearch | null {
    const inner = index as unknown as Partial<ScoringInternals>;
    const map = inner._index as unknown as { get?: unknown; [Symbol.iterator]?: unknown } | undefined;
    if (!map || typeof map.get !== 'function' || typeof map[Symbol.iterator] !== 'function') return null;
    if (!isMapLike(inner._fieldLength) || !isMapLike(inner._documentIds) || !Array.isArray(inner._avgFieldLength)) return null;
    if (typeof inner._documentCount !== 'number' || typeof inner._nextId !== 'number' || !inner._fieldIds || !inner._options?.searchOptions?.bm25) return null;
    // Every short id is a key of _documentIds (nothing was discarded), and every postings list is packed.
    if (inner._documentIds.size !== inner._documentCount) return null;
    for (const [, fields] of map as unknown as Iterable<[string, Map<number, unknown>]>) for (const docs of fields.values()) if (!(docs instanceof PackedPostings)) return null;
    return new PackedSearch(inner as ScoringInternals);
  }

  private fieldLengths(fieldId: number): Float64Array {
    let out = this.lengths.get(fieldId);
    if (!out && this.inner._fieldLength instanceof FieldLengths) out = this.inner._fieldLength.field(fieldId);
    if (!out) {
      out = new Float64Array(this.ids.length);
      for (const [short, lengths] of this.inner._fieldLength) out[short] = lengths[fieldId] ?? 0;
      this.lengths.set(fieldId, out);
    }
    return out;
  }

  /**
   * The passages that score at least the `limit`-th best score (so ties with it too), unsorted,
   * for the `terms` in order, each boosted by `boostTerm`, over `fields` with the index's field boosts.
   */
  top(terms: readonly string[], boostTerm: (term: string, i: number, terms: string[]) => number, fields: readonly string[], limit: number): ScoredId[] {
    const { inner, score, termScore, quality, seenBy, termSeenBy, touched, termTouched } = this;
    const { boost = {}, bm25 } = inner._options.searchOptions;
    const { k, b, d } = bm25 ?? { k: 1.2, b: 0.7, d: 0.5 };
    const query = terms.filter(Boolean);
    const epoch = ++this.epoch;
    let count = 0;
    for (const [i, term] of query.entries()) {
      const data = inner._index.get(term);
      if (!data) continue;
      const termBoost = boostTerm(term, i, query);
      const termEpoch = ++this.termEpoch;
      let termCount = 0;
      for (const field of fields) {
        const fieldBoost = (Object.hasOwn(boost, field) ? boost[field] : undefined) || 1;
        const fieldId = inner._fieldIds[field];
        if (fieldId === undefined) continue;
        const postings = data.get(fieldId) as PackedPostings | undefined;
        if (!postings) continue;
        const matching = postings.size;
        const avgFieldLength = inner._avgFieldLength[fieldId] ?? 0;
        const lengths = this.fieldLengths(fieldId);
        const invDocFreq = Math.log(1 + (inner._documentCount - matching + 0.5) / (matching + 0.5));
        postings.forEach((termFreq, short) => {
          const fieldLength = lengths[short] ?? 0;
          const rawScore = invDocFreq * (d + (termFreq * (k + 1)) / (termFreq + k * (1 - b + (b * fieldLength) / avgFieldLength)));
          const weighted = 1 * termBoost * fieldBoost * 1 * rawScore;
          if (termSeenBy[short] !== termEpoch) {
            termSeenBy[short] = termEpoch;
            termScore[short] = weighted;
            termTouched[termCount++] = short;
          } else termScore[short] = (termScore[short] ?? 0) + weighted;
        });
      }
      for (let j = 0; j < termCount; j++) {
        const short = termTouched[j] ?? 0;
        if (seenBy[short] !== epoch) {
          seenBy[short] = epoch;
          score[short] = termScore[short] ?? 0;
          quality[short] = 1;
          touched[count++] = short;
        } else {
          score[short] = (score[short] ?? 0) + (termScore[short] ?? 0);
          quality[short] = (quality[short] ?? 0) + 1;
        }
      }
    }
    if (count === 0 || limit <= 0) return [];
    for (let j = 0; j < count; j++) {
      const short = touched[j] ?? 0;
      score[short] = (score[short] ?? 0) * (quality[short] ?? 1);
    }
    const floor = this.floor(count, limit);
    const out: ScoredId[] = [];
    for (let j = 0; j < count; j++) {
      const short = touched[j] ?? 0;
      const s = score[short] ?? 0;
      if (s >= floor) out.push({ id: this.ids[short] ?? '', score: s });
    }
    return out;
  }

  /** The `limit`-th best of the `count` touched passages' scores (-Infinity when there are no more). */
  private floor(count: number, limit: number): number {
    const { score, touched } = this;
    if (limit >= count) return -Infinity;
    if (limit > 32) {
      const all = new Float64Array(count);
      for (let j = 0; j < count; j++) all[j] = score[touched[j] ?? 0] ?? 0;
      all.sort();
      return all[count - limit] ?? -Infinity;
    }
    // The few best, best first, kept by insertion.
    const best = new Float64Array(limit).fill(-Infinity);
    for (let j = 0; j < count; j++) {
      const s = score[touched[j] ?? 0] ?? 0;
      if (s <= (best[limit - 1] ?? Infinity)) continue;
      let at = limit - 1;
      while (at > 0 && (best[at - 1] ?? 0) < s) {
        best[at] = best[at - 1] ?? 0;
        at--;
      }
      best[at] = s;
    }
    return best[limit - 1] ?? -Infinity;
  }
}
