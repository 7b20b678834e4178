/**
 * MiniSearch's postings packed into integers once the index is built. MiniSearch keeps, for every
 * term and field, a `Map` from a passage's short id to the term's count there: about 32 bytes per
 * posting, most of a large corpus's index (4 of the 4.7 bytes of heap per byte of a 50 MB report).
 * {@link PackedPostings} holds the same pairs as a 32-bit id and an 8-bit count in a store shared by
 * the whole index ({@link PostingsStore}, 5 bytes a posting) and answers the part of `Map` that MiniSearch's queries, the index cache and the engine read:
 * `size`, `get`, `has`, `keys`, `entries`, iteration and `forEach`, in the same order.
 *
 * The engine never adds to or removes from a built index (a changed corpus is a new engine), so the
 * packed form is read-only; MiniSearch's `add`, `remove` and `discard` are not for a packed index.
 */
import type MiniSearch from 'minisearch';

/**
 * The postings of a whole index: per posting a short id (32 bits) and the term's count there (8 bits;
 * the rare count above 254 is kept in `large`, by position) — 5 bytes a posting. Each term's postings
 * in a field are one run of positions, in increasing short id.
 */
export class PostingsStore {
  readonly ids: Int32Array;
  readonly counts: Uint8Array;
  /** Position → count, for the counts that do not fit a byte (their byte says {@link PostingsStore.LARGE}). */
  readonly large = new Map<number, number>();
  static readonly LARGE = 255;

  constructor(size: number) {
    this.ids = new Int32Array(size);
    this.counts = new Uint8Array(size);
  }

  /** A store holding the (short id, count) pairs given flat, in order (for tests and small indexes). */
  static fromPairs(pairs: readonly number[]): PostingsStore {
    const store = new PostingsStore(pairs.length >>> 1);
    for (let i = 0; 2 * i + 1 < pairs.length; i++) store.set(i, pairs[2 * i] ?? 0, pairs[2 * i + 1] ?? 0);
    return store;
  }

  set(at: number, id: number, count: number): void {
    this.ids[at] = id;
    if (count < PostingsStore.LARGE) this.counts[at] = count;
    else {
      this.counts[at] = PostingsStore.LARGE;
      this.large.set(at, count);
    }
  }

  count(at: number): number {
    const c = this.counts[at] ?? 0;
    return c === PostingsStore.LARGE ? (this.large.get(at) ?? c) : c;
  }
}

/**
 * One term's postings in one field: `size` postings of a {@link PostingsStore} from position `start`,
 * in increasing short id — the order MiniSearch adds passages in, so iteration order is the `Map`'s.
 */
export class PackedPostings implements ReadonlyMap<number, number> {
  /** The posting `keys()` last yielded: MiniSearch reads each id's count right after it is yielded. */
  private cursor = 0;

  constructor(
    private readonly store: PostingsStore,
    private readonly start: number,
    readonly size: number,
  ) {}

  /** Where `id`'s posting is (0-based within this list), or -1: the one just yielded first, else a binary search. */
  private find(id: number): number {
    const { start } = this;
    const ids = this.store.ids;
    if (this.cursor < this.size && ids[start + this.cursor] === id) return this.cursor;
    let lo = 0;
    let hi = this.size - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = ids[start + mid] ?? 0;
      if (v === id) return mid;
      if (v < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  get(id: number): number | undefined {
    const i = this.find(id);
    return i < 0 ? undefined : this.store.count(this.start + i);
  }

  has(id: number): boolean {
    return this.find(id) >= 0;
  }

  *keys(): MapIterator<number> {
    for (let i = 0; i < this.size; i++) {
      this.cursor = i;
      yield this.store.ids[this.start + i] ?? 0;
    }
  }

  *values(): MapIterator<number> {
    for (let i = 0; i < this.size; i++) yield this.store.count(this.start + i);
  }

  *entries(): MapIterator<[number, number]> {
    for (let i = 0; i < this.size; i++) yield [this.store.ids[this.start + i] ?? 0, this.store.count(this.start + i)];
  }

  [Symbol.iterator](): MapIterator<[number, number]> {
    return this.entries();
  }

  forEach(fn: (count: number, id: number, map: ReadonlyMap<number, number>) => void): void {
    const { store, start } = this;
    for (let i = 0; i < this.size; i++) fn(store.count(start + i), store.ids[start + i] ?? 0, this);
  }
}

/** Integers in fixed-size chunks: appended without ever copying what is there (a growing array copies). */
class ChunkedInts {
  private static readonly CHUNK = 1 << 20;
  private readonly chunks: Int32Array[] = [];
  length = 0;

  push(v: number): void {
    const at = this.length % ChunkedInts.CHUNK;
    if (at === 0) this.chunks.push(new Int32Array(ChunkedInts.CHUNK));
    (this.chunks[this.chunks.length - 1] as Int32Array)[at] = v;
    this.length++;
  }

  get(i: number): number {
    return this.chunks[Math.floor(i / ChunkedInts.CHUNK)]?.[i % ChunkedInts.CHUNK] ?? 0;
  }

  set(i: number, v: number): void {
    const chunk = this.chunks[Math.floor(i / ChunkedInts.CHUNK)];
    if (chunk) chunk[i % ChunkedInts.CHUNK] = v;
  }
}

/** A growable `Int32Array` (for the per-slot counts: one slot per term and field, far fewer than postings). */
function grown(a: Int32Array<ArrayBuffer>, size: number): Int32Array<ArrayBuffer> {
  if (size <= a.length) return a;
  const b = new Int32Array(Math.max(size, 2 * a.length));
  b.set(a);
  return b;
}

/**
 * What {@link collectPostings} keeps while an index is built: every posting as a triple (slot, short
 * id, count) in the order added, a slot standing for one term in one field (MiniSearch's term map holds
 * the slot's number where a postings map would be, until {@link packPostings}). 12 bytes a posting,
 * in chunks, instead of a growing array per term and field (16 bytes a posting and their slack).
 */
class PostingsCollector {
  readonly postings = new ChunkedInts();
  /** Per slot: how many postings it has, the last short id added and where that posting's count is. */
  sizes: Int32Array<ArrayBuffer> = new Int32Array(1024);
  lastIds: Int32Array<ArrayBuffer> = new Int32Array(1024).fill(-1);
  lastAt: Int32Array<ArrayBuffer> = new Int32Array(1024);
  slots = 0;

  newSlot(): number {
    const slot = this.slots++;
    if (slot >= this.sizes.length) {
      this.sizes = grown(this.sizes, slot + 1);
      const ids = grown(this.lastIds, slot + 1);
      ids.fill(-1, this.lastIds.length);
      this.lastIds = ids;
      this.lastAt = grown(this.lastAt, slot + 1);
    }
    return slot;
  }

  add(slot: number, id: number): void {
    if (this.lastIds[slot] === id) {
      const at = this.lastAt[slot] ?? 0;
      this.postings.set(at, this.postings.get(at) + 1);
      return;
    }
    this.postings.push(slot);
    this.postings.push(id);
    this.lastAt[slot] = this.postings.length;
    this.postings.push(1);
    this.lastIds[slot] = id;
    this.sizes[slot] = (this.sizes[slot] ?? 0) + 1;
  }

  /** The store of every posting, each slot's run starting at `starts[slot]` (a counting sort by slot). */
  pack(): { store: PostingsStore; starts: Int32Array } {
    const starts = new Int32Array(this.slots + 1);
    for (let s = 0; s < this.slots; s++) starts[s + 1] = (starts[s] ?? 0) + (this.sizes[s] ?? 0);
    const store = new PostingsStore(starts[this.slots] ?? 0);
    const next = starts.slice(0, this.slots);
    const { postings } = this;
    for (let i = 0; i + 2 < postings.length; i += 3) {
      const slot = postings.get(i);
      const at = next[slot] ?? 0;
      next[slot] = at + 1;
      store.set(at, postings.get(i + 1), postings.get(i + 2));
    }
    return { store, starts };
  }
}

/** The collectors of indexes being built (see {@link collectPostings}). */
const collectors = new WeakMap<object, PostingsCollector>();

/**
 * While an index is built: MiniSearch's `addTerm` keeping its postings in a {@link PostingsCollector}
 * instead of a `Map` per term and field (about 32 bytes a posting and a hash table to grow), for
 * {@link packPostings} to pack when the build is done. Passages are added in order and MiniSearch
 * gives them increasing short ids, so a term seen again in the passage being added is its slot's last
 * posting. The index must not be searched before it is packed. Returns false, changing nothing, for a
 * MiniSearch that keeps its index differently.
 */
export function collectPostings<T>(index: MiniSearch<T>): boolean {
  const inner = index as unknown as { _index?: { fetch?: unknown }; addTerm?: unknown };
  const terms = inner._index;
  if (!terms || typeof terms.fetch !== 'function' || typeof inner.addTerm !== 'function') return false;
  const fetch = (terms.fetch as (term: string, make: () => Map<number, unknown>) => Map<number, unknown>).bind(terms);
  const newFields = (): Map<number, unknown> => new Map();
  const collector = new PostingsCollector();
  collectors.set(index, collector);
  inner.addTerm = (fieldId: number, id: number, term: string): void => {
    const fields = fetch(term, newFields);
    let slot = fields.get(fieldId) as number | undefined;
    if (slot === undefined) fields.set(fieldId, (slot = collector.newSlot()));
    collector.add(slot, id);
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
 * Replaces every postings `Map` of a built index — or, for one built with {@link collectPostings},
 * every slot it collected — with {@link PackedPostings} over one shared store.
 * Answers and scores are the same (`test/search/postings.test.ts`). A postings map whose ids are not
 * increasing (not made by adding passages in order) is left as it is; so is a MiniSearch that keeps
 * its index differently. Returns how many postings were packed.
 */
export function packPostings<T>(index: MiniSearch<T>): number {
  const collector = collectors.get(index);
  if (collector) {
    // MiniSearch's own addTerm again: the collector's chunks are let go once packed.
    collectors.delete(index);
    delete (index as unknown as { addTerm?: unknown }).addTerm;
    return packCollected(index, collector);
  }
  const terms = termIndex(index) as Iterable<[string, Map<number, ReadonlyMap<number, number>>]> | null;
  if (!terms) return 0;
  // Not a map already packed, nor one whose ids are not increasing.
  const packable = (docs: ReadonlyMap<number, number>): boolean => {
    if (docs instanceof PackedPostings) return false;
    let last = -1;
    for (const id of docs.keys()) {
      if (id <= last) return false;
      last = id;
    }
    return true;
  };
  let total = 0;
  for (const [, fields] of terms) for (const docs of fields.values()) if (packable(docs)) total += docs.size;
  const store = new PostingsStore(total);
  let at = 0;
  for (const [, fields] of terms) {
    for (const [fieldId, docs] of fields) {
      if (!packable(docs)) continue;
      const start = at;
      for (const [id, count] of docs) store.set(at++, id, count);
      fields.set(fieldId, new PackedPostings(store, start, docs.size));
    }
  }
  return total;
}

/** {@link packPostings} for an index built with {@link collectPostings}: each slot becomes its postings. */
function packCollected<T>(index: MiniSearch<T>, collector: PostingsCollector): number {
  const terms = termIndex(index) as Iterable<[string, Map<number, unknown>]> | null;
  if (!terms) return 0;
  const { store, starts } = collector.pack();
  for (const [, fields] of terms) {
    for (const [fieldId, slot] of fields) {
      if (typeof slot !== 'number') continue;
      fields.set(fieldId, new PackedPostings(store, starts[slot] ?? 0, (starts[slot + 1] ?? 0) - (starts[slot] ?? 0)));
    }
  }
  return store.ids.length;
}

/**
 * A read-only `Map` from short ids 0…n-1 to values, kept as one array slot per id (8 bytes instead of
 * a hash-table entry's ~33): what MiniSearch's `_documentIds` (short id → passage id) becomes once
 * the index is built. Missing ids hold `undefined`.
 */
export class DenseMap<V> implements ReadonlyMap<number, V> {
  constructor(
    private readonly slots: ReadonlyArray<V | undefined>,
    readonly size: number,
  ) {}

  get(id: number): V | undefined {
    return Number.isInteger(id) && id >= 0 ? this.slots[id] : undefined;
  }

  has(id: number): boolean {
    return this.get(id) !== undefined;
  }

  *entries(): MapIterator<[number, V]> {
    for (let i = 0; i < this.slots.length; i++) {
      const v = this.slots[i];
      if (v !== undefined) yield [i, v];
    }
  }

  *keys(): MapIterator<number> {
    for (const [id] of this.entries()) yield id;
  }

  *values(): MapIterator<V> {
    for (const [, v] of this.entries()) yield v;
  }

  [Symbol.iterator](): MapIterator<[number, V]> {
    return this.entries();
  }

  forEach(fn: (value: V, id: number, map: ReadonlyMap<number, V>) => void): void {
    for (const [id, v] of this.entries()) fn(v, id, this);
  }
}

/**
 * MiniSearch's `_fieldLength` (short id → each field's length in terms) once the index is built: one
 * `Float64Array` per field instead of an array per passage in a hash table (24 bytes a passage for
 * three fields instead of about 100). `get` makes the per-passage array MiniSearch's own search and
 * `toJSON` read; the engine's scorer reads {@link FieldLengths.field} directly.
 */
export class FieldLengths extends DenseMap<number[]> {
  constructor(
    private readonly fields: readonly Float64Array[],
    private readonly present: Uint8Array,
    size: number,
  ) {
    super([], size);
  }

  /** Every passage's length in one field (0 for a short id not in the index). */
  field(fieldId: number): Float64Array | undefined {
    return this.fields[fieldId];
  }

  override get(id: number): number[] | undefined {
    if (!Number.isInteger(id) || id < 0 || this.present[id] !== 1) return undefined;
    return this.fields.map((lengths) => lengths[id] ?? 0);
  }

  override *entries(): MapIterator<[number, number[]]> {
    for (let i = 0; i < this.present.length; i++) {
      const v = this.get(i);
      if (v !== undefined) yield [i, v];
    }
  }
}

/**
 * Replaces a built index's `_documentIds` and `_fieldLength` maps with {@link DenseMap} and
 * {@link FieldLengths}, which read the same. Like the packed postings, for a read-only index (nothing
 * is added or removed after). Returns false, changing nothing, for a MiniSearch that keeps them
 * differently or whose lengths are not one number per field of every passage.
 */
export function compactDocumentTables<T>(index: MiniSearch<T>): boolean {
  const inner = index as unknown as { _documentIds?: unknown; _fieldLength?: unknown; _fieldIds?: unknown; _nextId?: unknown };
  const { _documentIds: ids, _fieldLength: lengths, _fieldIds: fieldIds, _nextId: n } = inner;
  if (!(ids instanceof Map) || !(lengths instanceof Map) || typeof n !== 'number' || !fieldIds || typeof fieldIds !== 'object') return false;
  const fieldCount = Object.keys(fieldIds).length;
  const slots = new Array<unknown>(n).fill(undefined);
  for (const [short, id] of ids as Map<unknown, unknown>) {
    if (typeof short !== 'number' || !Number.isInteger(short) || short < 0 || short >= n || id === undefined) return false;
    slots[short] = id;
  }
  const fields = Array.from({ length: fieldCount }, () => new Float64Array(n));
  const present = new Uint8Array(n);
  for (const [short, list] of lengths as Map<unknown, unknown>) {
    if (typeof short !== 'number' || !Number.isInteger(short) || short < 0 || short >= n || !Array.isArray(list) || list.length > fieldCount) return false;
    // A field a passage never had stays undefined in MiniSearch's array: only a full array is dense.
    if (list.length !== fieldCount) return false;
    for (let f = 0; f < fieldCount; f++) {
      const v: unknown = list[f];
      if (typeof v !== 'number') return false;
      (fields[f] as Float64Array)[short] = v;
    }
    present[short] = 1;
  }
  inner._documentIds = new DenseMap(slots, ids.size);
  inner._fieldLength = new FieldLengths(fields, present, lengths.size);
  return true;
}
