/** MiniSearch's postings packed into integers: the same answers as its maps, in the same order. */
import MiniSearch from 'minisearch';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/answer/engine.ts';
import { buildCorpus, parseDocument } from '../../src/corpus/load.ts';
import { INDEX_OPTIONS, textTermTest, type IndexedPassage } from '../../src/search/index.ts';
import { DenseMap, FieldLengths, PackedPostings, PostingsStore, collectPostings, compactDocumentTables, packPostings, termIndex } from '../../src/search/postings.ts';
import { RIVER_PASSAGES, RIVER_TEXT } from '../support/river.ts';

// One more passage with a term twice (a count of 2).
const DOCS: IndexedPassage[] = [...RIVER_PASSAGES, { id: 'f', text: 'stall market market fee', section: 'market fee', title: 'council note' }];

/**
 * The index with MiniSearch's maps, packed after adding, collected as arrays while adding and packed,
 * or packed with its per-passage tables made dense too (as the engine's index is).
 */
function index(how: 'maps' | 'packed' | 'collected' | 'compacted', docs: IndexedPassage[] = DOCS): MiniSearch<IndexedPassage> {
  const ms = new MiniSearch<IndexedPassage>(INDEX_OPTIONS);
  if (how === 'collected') expect(collectPostings(ms)).toBe(true);
  ms.addAll(docs);
  if (how !== 'maps') packPostings(ms);
  if (how === 'compacted') expect(compactDocumentTables(ms)).toBe(true);
  return ms;
}

const internals = (ms: MiniSearch<IndexedPassage>) => ms as unknown as { _documentIds: ReadonlyMap<number, string>; _fieldLength: ReadonlyMap<number, number[]> };

describe('PackedPostings', () => {
  // Postings (id, count) for ids 2, 5, 9 after an unrelated one: a view into a shared store.
  const postings = new PackedPostings(PostingsStore.fromPairs([7, 7, 2, 1, 5, 3, 9, 2]), 1, 3);

  it('reads like the map it replaces', () => {
    const map = new Map([[2, 1], [5, 3], [9, 2]]);
    expect(postings.size).toBe(3);
    expect([...postings]).toEqual([...map]);
    expect([...postings.keys()]).toEqual([...map.keys()]);
    expect([...postings.values()]).toEqual([...map.values()]);
    expect([...postings.entries()]).toEqual([...map.entries()]);
    for (const id of [2, 5, 9]) expect(postings.get(id)).toBe(map.get(id));
    const seen: Array<[number, number]> = [];
    postings.forEach((count, id) => seen.push([id, count]));
    expect(seen).toEqual([...map]);
  });

  it('says undefined and false for an id it does not hold, also while iterating', () => {
    for (const id of [0, 3, 7, 10, -1]) {
      expect(postings.get(id)).toBeUndefined();
      expect(postings.has(id)).toBe(false);
    }
    // The count of the id just yielded, and of any other, whatever the iteration's position.
    for (const id of postings.keys()) {
      expect(postings.get(id)).toBe(new Map([[2, 1], [5, 3], [9, 2]]).get(id));
      expect(postings.get(9)).toBe(2);
      expect(postings.get(4)).toBeUndefined();
    }
  });

  it('holds nothing when empty', () => {
    const empty = new PackedPostings(new PostingsStore(0), 0, 0);
    expect([...empty]).toEqual([]);
    expect(empty.get(0)).toBeUndefined();
  });

  it('keeps a count too large for its byte exactly', () => {
    const large = new PackedPostings(PostingsStore.fromPairs([1, 254, 4, 255, 6, 70000]), 0, 3);
    expect([...large]).toEqual([[1, 254], [4, 255], [6, 70000]]);
    expect(large.get(6)).toBe(70000);
    expect([...large.values()]).toEqual([254, 255, 70000]);
  });
});

describe.each(['packed', 'collected', 'compacted'] as const)('packPostings (%s)', (how) => {
  const maps = index('maps');
  const packed = index(how);

  it('replaces every postings map, holding the same pairs', () => {
    const before = [...(termIndex(maps) ?? [])].map(([t, fields]) => [t, [...fields].map(([f, docs]) => [f, [...docs]])]);
    const after = [...(termIndex(packed) ?? [])];
    for (const [, fields] of after) for (const docs of fields.values()) expect(docs).toBeInstanceOf(PackedPostings);
    expect(after.map(([t, fields]) => [t, [...fields].map(([f, docs]) => [f, [...docs]])])).toEqual(before);
    const fresh = index('maps');
    expect(packPostings(fresh)).toBe(before.reduce((n, [, fields]) => n + (fields as Array<[number, unknown[]]>).reduce((m, [, docs]) => m + docs.length, 0), 0));
    // Packing again finds nothing left to pack.
    expect(packPostings(fresh)).toBe(0);
  });

  it.each([
    ['ferri river', {}],
    ['market fee', { fields: ['text', 'section', 'title'], boost: { section: 3 } }],
    ['border river', { combineWith: 'AND' as const }],
    ['ferr marke', { prefix: true }],
    ['timbr', { fuzzy: 0.3 }],
    ['nothing here', {}],
  ])('gives the same results as the maps for %j', (query, options) => {
    expect(packed.search(query, options)).toEqual(maps.search(query, options));
  });

  it('gives the same term test and the same JSON', () => {
    const [a, b] = [textTermTest(maps), textTermTest(packed)];
    for (const id of ['a', 'd', 'f', 'zz']) for (const term of ['market', 'ferri', 'boat', 'none']) expect(b?.(id, term)).toBe(a?.(id, term));
    expect(JSON.stringify(packed.toJSON())).toBe(JSON.stringify(maps.toJSON()));
  });

  it('leaves a map whose ids are not increasing as it is', () => {
    const ms = index('maps');
    const [, fields] = [...(termIndex(ms) ?? [])][0] ?? [];
    const [fieldId] = [...(fields?.keys() ?? [])];
    fields?.set(fieldId ?? 0, new Map([[3, 1], [1, 2]]));
    packPostings(ms);
    expect(fields?.get(fieldId ?? 0)).toBeInstanceOf(Map);
  });
});

describe('collectPostings', () => {
  // A term 300 times in one passage: its count is more than a byte holds.
  const docs: IndexedPassage[] = [...DOCS, { id: 'toll', text: `${'toll '.repeat(300)}ferri`, section: 'toll', title: 'river town' }];

  it('collects while passages are added and packs the same postings as MiniSearch\'s maps, counts above a byte included', () => {
    const maps = index('maps', docs);
    const collected = index('collected', docs);
    const pairsOf = (ms: MiniSearch<IndexedPassage>) => [...(termIndex(ms) ?? [])].map(([t, fields]) => [t, [...fields].map(([f, d]) => [f, [...d]])]);
    expect(pairsOf(collected)).toEqual(pairsOf(maps));
    expect(collected.search('toll ferri')).toEqual(maps.search('toll ferri'));
  });

  it('gives MiniSearch its own addTerm back once packed, so nothing keeps what was collected', () => {
    const ms = new MiniSearch<IndexedPassage>(INDEX_OPTIONS);
    expect(collectPostings(ms)).toBe(true);
    expect(Object.hasOwn(ms, 'addTerm')).toBe(true);
    ms.addAll(DOCS);
    packPostings(ms);
    expect(Object.hasOwn(ms, 'addTerm')).toBe(false);
  });
});

describe('compactDocumentTables', () => {
  const maps = index('maps');
  const dense = index('compacted');

  it('keeps short id → passage id and each field\'s length per passage as dense arrays that read like the maps', () => {
    const [before, after] = [internals(maps), internals(dense)];
    expect(after._documentIds).toBeInstanceOf(DenseMap);
    expect(after._fieldLength).toBeInstanceOf(FieldLengths);
    for (const key of ['_documentIds', '_fieldLength'] as const) {
      expect(after[key].size).toBe(before[key].size);
      expect([...after[key]]).toEqual([...before[key]]);
      expect([...after[key].keys()]).toEqual([...before[key].keys()]);
      expect([...after[key].values()]).toEqual([...before[key].values()]);
      for (const id of [0, 3, DOCS.length - 1, DOCS.length, -1, 1.5]) {
        expect(after[key].get(id)).toEqual(before[key].get(id));
        expect(after[key].has(id)).toBe(before[key].has(id));
      }
    }
    const lengths = after._fieldLength as FieldLengths;
    expect(Array.from(lengths.field(0) ?? [])).toEqual([...before._fieldLength.values()].map((l) => l[0]));
  });

  it('leaves an index whose passages lack a field as it is', () => {
    const ms = index('packed', [...DOCS, { id: 'x', text: 'ferri', section: 'boat' } as IndexedPassage]);
    expect(compactDocumentTables(ms)).toBe(false);
    expect(internals(ms)._fieldLength).toBeInstanceOf(Map);
  });
});

describe('the engine', () => {
  const corpus = buildCorpus([parseDocument('/f/river.md', RIVER_TEXT)]);
  const postingsOf = (engine: Engine) => [...(termIndex((engine as unknown as { index: MiniSearch<IndexedPassage> }).index) ?? [])].flatMap(([, fields]) => [...fields.values()]);
  const questions = ['How many passengers does the ferry carry?', 'why was timber moved downstream', 'when were stall fees raised?', 'who is the captain', 'what about volcanoes?'];
  const observe = (engine: Engine) => JSON.stringify([questions.map((q) => engine.answer(q)), questions.map((q) => engine.search(q, { limit: 3 }))]);

  it('keeps a built and a cached index packed, answering as with MiniSearch\'s maps', () => {
    const built = Engine.fromCorpus(corpus);
    const restored = Engine.fromSnapshot(built.toSnapshot());
    for (const engine of [built, restored]) {
      expect(postingsOf(engine).length).toBeGreaterThan(10);
      expect(internals((engine as unknown as { index: MiniSearch<IndexedPassage> }).index)._fieldLength).toBeInstanceOf(FieldLengths);
      for (const docs of postingsOf(engine)) expect(docs).toBeInstanceOf(PackedPostings);
    }
    // The same engine with every postings list put back into a Map.
    const unpacked = Engine.fromCorpus(corpus);
    for (const [, fields] of termIndex((unpacked as unknown as { index: MiniSearch<IndexedPassage> }).index) ?? []) for (const [f, docs] of fields) fields.set(f, new Map(docs));
    expect(observe(built)).toBe(observe(unpacked));
    expect(observe(restored)).toBe(observe(unpacked));
  });
});
