/**
 * MiniSearch's postings packed into integers once the index is built. MiniSearch keeps, for every
 * term and field, a `Map` from a passage's short id to the term's count there: about 32 bytes per
 * posting, most of a large corpus's index (4 of the 4.7 bytes of heap per byte of a 50 MB report).
 * {@link PackedPostings} holds the same pairs as two 32-bit integers in one shared array (8 bytes)
 * and answers the part of `Map` that MiniSearch's queries, the index cache and the engine read:
 * `size`, `get`, `has`, `keys`, `entries`, iteration and `forEach`, in the same order.
 *
 * The engine never adds to or removes from a built index (a changed corpus is a new engine), so the
 * packed form is read-only; MiniSearch's `add`, `remove` and `discard` are not for a packed index.
 */
import type MiniSearch from 'minisearch';

/**
 * One term's postings in one field: `size` pairs (short id, count) at `data[start]`, `data[start + 1]`,
 * … in increasing short id — the order MiniSearch adds passages in, so iteration order is the `Map`'s.
 */
export class PackedPostings implements ReadonlyMap<number, number> {
  /** The pair `keys()` last yielded: MiniSearch reads each id's count right after it is yielded. */
  private cursor = 0;

  constructor(
    private readonly data: Int32Array,
    private readonly start: number,
    readonly size: number,
  ) {}

  /** Where `id`'s pair is, or -1: the pair just yielded first, else a binary search. */
  private find(id: number): number {
    const { data, start } = this;
    if (data[start + 2 * this.cursor] === id && this.cursor < this.size) return this.cursor;
    let lo = 0;
    let hi = this.size - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = data[start + 2 * mid] ?? 0;
      if (v === id) return mid;
      if (v < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  get(id: number): number | undefined {
    const i = this.find(id);
    return i < 0 ? undefined : this.data[this.start + 2 * i + 1];
  }

  has(id: number): boolean {
    return this.find(id) >= 0;
  }

  *keys(): MapIterator<number> {
    for (let i = 0; i < this.size; i++) {
      this.cursor = i;
      yield this.data[this.start + 2 * i] ?? 0;
    }
  }

  *values(): MapIterator<number> {
    for (let i = 0; i < this.size; i++) yield this.data[this.start + 2 * i + 1] ?? 0;
  }

  *entries(): MapIterator<[number, number]> {
    for (let i = 0; i < this.size; i++) yield [this.data[this.start + 2 * i] ?? 0, this.data[this.start + 2 * i + 1] ?? 0];
  }

  [Symbol.iterator](): MapIterator<[number, number]> {
    return this.entries();
  }

  forEach(fn: (count: number, id: number, map: ReadonlyMap<number, number>) => void): void {
    for (let i = 0; i < this.size; i++) fn(this.data[this.start + 2 * i + 1] ?? 0, this.data[this.start + 2 * i] ?? 0, this);
  }
}

/**
 * While an index is built: MiniSearch's `addTerm` keeping each term's postings in a field as a plain
 * array of (short id, count) pairs instead of a `Map` (16 bytes a posting instead of about 32, and no
 * hash table to grow), for {@link packPostings} to pack when the build is done. Passages are added in
 * order and MiniSearch gives them increasing short ids, so a term seen again in the passage being
 * added is the list's last pair. The index must not be searched before it is packed. Returns false,
 * changing nothing, for a MiniSearch that keeps its index differently.
 */
export function collectPostingsAsArrays<T>(index: MiniSearch<T>): boolean {
  const inner = index as unknown as { _index?: { fetch?: unknown }; addTerm?: unknown };
  const terms = inner._index;
  if (!terms || typeof terms.fetch !== 'function' || typeof inner.addTerm !== 'function') return false;
  const fetch = (terms.fetch as (term: string, make: () => Map<number, unknown>) => Map<number, unknown>).bind(terms);
  const newFields = (): Map<number, unknown> => new Map();
  inner.addTerm = (fieldId: number, id: number, term: string): void => {
    const fields = fetch(term, newFields);
    const list = fields.get(fieldId) as number[] | undefined;
    if (!list) fields.set(fieldId, [id, 1]);
    else if (list[list.length - 2] === id) list[list.length - 1] = (list[list.length - 1] ?? 0) + 1;
    else list.push(id, 1);
  };
  return true;
}

/** MiniSearch's term map: term → field id → postings. */
type TermIndex = Iterable<[string, Map<number, ReadonlyMap<number, number>>]>;

/** MiniSearch 7.2's term map (`_index`, private in its types), or null when it keeps it differently. */
export function termIndex<T>(index: MiniSearch<T>): TermIndex | null {
  const map = (index as unknown as { _index?: unknown })._index as { [Symbol.iterator]?: unknown } | undefined;
  return map && typeof map[Symbol.iterator] === 'function' ? (map as TermIndex) : null;
}

/**
 * Replaces every postings `Map` of a built index with {@link PackedPostings} over one shared array.
 * Answers and scores are the same (`test/search/postings.test.ts`). A postings map whose ids are not
 * increasing (not made by adding passages in order) is left as it is; so is a MiniSearch that keeps
 * its index differently. Returns how many postings were packed.
 */
export function packPostings<T>(index: MiniSearch<T>): number {
  const terms = termIndex(index) as Iterable<[string, Map<number, ReadonlyMap<number, number> | number[]>]> | null;
  if (!terms) return 0;
  // A map, or the pairs collectPostingsAsArrays left: null when its ids are not increasing.
  const pairs = (docs: ReadonlyMap<number, number> | number[]): { size: number; entries: Iterable<[number, number]> | number[] } | null => {
    if (Array.isArray(docs)) return { size: docs.length / 2, entries: docs };
    if (docs instanceof PackedPostings) return null;
    let last = -1;
    for (const id of docs.keys()) {
      if (id <= last) return null;
      last = id;
    }
    return { size: docs.size, entries: docs };
  };
  let total = 0;
  for (const [, fields] of terms) for (const docs of fields.values()) total += pairs(docs)?.size ?? 0;
  const data = new Int32Array(2 * total);
  let at = 0;
  for (const [, fields] of terms) {
    for (const [fieldId, docs] of fields) {
      const packable = pairs(docs);
      if (!packable) continue;
      const start = at;
      if (Array.isArray(packable.entries)) {
        data.set(packable.entries, at);
        at += packable.entries.length;
      } else {
        for (const [id, count] of packable.entries) {
          data[at++] = id;
          data[at++] = count;
        }
      }
      fields.set(fieldId, new PackedPostings(data, start, packable.size));
    }
  }
  return total;
}
