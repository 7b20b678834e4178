/** The passage index: MiniSearch with its per-term query step done without object spreads. */
import MiniSearch from 'minisearch';
import { describe, expect, it } from 'vitest';
import { INDEX_OPTIONS, QUERY_OPTIONS, withLeanQueries, type IndexedPassage } from '../../src/search/index.ts';
import { RIVER_PASSAGES } from '../support/river.ts';

const DOCS = RIVER_PASSAGES;

function indexes(): [MiniSearch<IndexedPassage>, MiniSearch<IndexedPassage>] {
  const stock = new MiniSearch<IndexedPassage>(INDEX_OPTIONS);
  const lean = withLeanQueries(new MiniSearch<IndexedPassage>(INDEX_OPTIONS));
  stock.addAll(DOCS);
  lean.addAll(DOCS);
  return [stock, lean];
}

describe('withLeanQueries', () => {
  const [stock, lean] = indexes();
  const boosts = new Map([['ferri', 1], ['market', 0.4], ['timber', 0.7]]);
  const cases: Array<[string, Parameters<MiniSearch['search']>[1]]> = [
    ['ferri river', {}],
    ['ferri market timber', { fields: ['text', 'section'], boostTerm: (t: string) => boosts.get(t) ?? 1 }],
    ['market fee', { fields: ['text'] }],
    ['market fee', { fields: ['text', 'section', 'title'], boost: { section: 3 } }],
    ['border river', { combineWith: 'AND' }],
    ['council', { bm25: { k: 2, b: 0.2, d: 1 } }],
    ['river', { boostDocument: (id: unknown) => (id === 'e' ? 2 : 1) }],
    ['nothing here', {}],
  ];

  it.each(cases)('gives the same results as stock MiniSearch for %j', (query, options) => {
    expect(lean.search(query, options)).toEqual(stock.search(query, options));
  });

  it('leaves prefix and fuzzy terms to MiniSearch, with the same results', () => {
    expect(lean.search('ferr marke', { prefix: true })).toEqual(stock.search('ferr marke', { prefix: true }));
    expect(lean.search('timbr', { fuzzy: 0.3 })).toEqual(stock.search('timbr', { fuzzy: 0.3 }));
    expect(lean.search('ferr', { prefix: true }).length).toBeGreaterThan(0);
  });

  it('holds every key a query of the engine passes among the index query defaults (so merging only overrides)', () => {
    for (const key of ['fields', 'boostTerm', 'tokenize', 'processTerm', 'combineWith', 'fuzzy', 'prefix', 'boost']) expect(Object.hasOwn(QUERY_OPTIONS, key)).toBe(true);
  });
});
