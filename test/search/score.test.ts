/** Retrieval scored from packed postings: MiniSearch's own scores, for the passages it would keep. */
import MiniSearch from 'minisearch';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/answer/engine.ts';
import { buildCorpus, parseDocument } from '../../src/corpus/load.ts';
import { INDEX_OPTIONS, type IndexedPassage } from '../../src/search/index.ts';
import { compactDocumentTables, packPostings } from '../../src/search/postings.ts';
import { PackedSearch } from '../../src/search/score.ts';
import { RIVER_PASSAGES, RIVER_TEXT } from '../support/river.ts';

const DOCS: IndexedPassage[] = [
  ...RIVER_PASSAGES,
  { id: 'f', text: 'stall market market fee', section: 'market fee', title: 'council note' },
  // Two passages alike: a tie.
  { id: 'g', text: 'ferri timber', section: 'boat', title: 'river town' },
  { id: 'h', text: 'ferri timber', section: 'boat', title: 'river town' },
];

function index(packed: boolean): MiniSearch<IndexedPassage> {
  const ms = new MiniSearch<IndexedPassage>({ ...INDEX_OPTIONS, searchOptions: { ...INDEX_OPTIONS.searchOptions, boost: { text: 1, section: 1.5, title: 0.3 } } });
  ms.addAll(DOCS);
  if (packed) {
    packPostings(ms);
    compactDocumentTables(ms);
  }
  return ms;
}

/** What retrieval keeps of MiniSearch's results: the first `limit` and every tie with the last. */
function stockTop(ms: MiniSearch<IndexedPassage>, terms: string[], boosts: Map<string, number>, fields: string[], limit: number) {
  const results = ms.search(terms.join(' '), { fields, boostTerm: (t: string) => boosts.get(t) ?? 1 });
  let cut = Math.min(limit, results.length);
  const last = results[cut - 1]?.score;
  while (last !== undefined && results[cut]?.score === last) cut++;
  return results.slice(0, cut).map((r) => ({ id: String(r.id), score: r.score }));
}

const byId = (xs: Array<{ id: string; score: number }>) => [...xs].sort((a, b) => (a.id < b.id ? -1 : 1));

describe('PackedSearch', () => {
  const stock = index(false);
  const scorer = PackedSearch.of(index(true));

  it('is made only for an index whose postings are packed', () => {
    expect(PackedSearch.of(stock)).toBeNull();
    expect(scorer).not.toBeNull();
  });

  it.each([
    [['ferri', 'river'], new Map(), ['text'], 8],
    [['ferri', 'market', 'timber'], new Map([['market', 0.4], ['timber', 0.7]]), ['text', 'section'], 8],
    [['market', 'fee'], new Map(), ['text', 'section', 'title'], 2],
    [['timber'], new Map(), ['text'], 1],
    [['ferri', 'timber'], new Map(), ['text'], 2],
    [['ferri', 'timber'], new Map(), ['text'], 3],
    [['river', 'border', 'council', 'boat'], new Map([['boat', 2]]), ['text', 'section', 'title'], 40],
    [['nothing', 'market'], new Map(), ['text'], 8],
    [['nothing'], new Map(), ['text'], 8],
  ] as const)('keeps the same passages with the same scores for %j', (terms, boosts, fields, limit) => {
    expect(byId(scorer?.top([...terms], (t) => boosts.get(t) ?? 1, [...fields], limit) ?? [])).toEqual(byId(stockTop(stock, [...terms], boosts, [...fields], limit)));
  });

  it('keeps every passage tied with the last one kept', () => {
    // g and h score alike: asking for the best one keeps both.
    const top = scorer?.top(['ferri', 'timber'], () => 1, ['text'], 1) ?? [];
    expect(top.map((r) => r.id).sort()).toEqual(['g', 'h']);
  });

  it('keeps nothing for no terms or no room, and forgets the previous query', () => {
    expect(scorer?.top([], () => 1, ['text'], 8)).toEqual([]);
    expect(scorer?.top(['ferri'], () => 1, ['text'], 0)).toEqual([]);
    const once = scorer?.top(['market'], () => 1, ['text'], 8);
    scorer?.top(['ferri', 'market', 'river'], () => 2, ['text', 'section'], 8);
    expect(scorer?.top(['market'], () => 1, ['text'], 8)).toEqual(once);
  });
});

describe('the engine', () => {
  const questions = ['How many passengers does the ferry carry?', 'why was timber moved downstream', 'when were stall fees raised?', 'what is sold at the market', 'what about volcanoes?'];

  it('retrieves from the packed postings, answering and searching as with MiniSearch\'s search', () => {
    const packed = Engine.fromCorpus(buildCorpus([parseDocument('/f/river.md', RIVER_TEXT)]));
    const stockEngine = Engine.fromCorpus(buildCorpus([parseDocument('/f/river.md', RIVER_TEXT)]));
    // The same engine made to ask MiniSearch (as it does when its index is not packed).
    (stockEngine as unknown as { packed: PackedSearch | null }).packed = null;
    const observe = (e: Engine) => JSON.stringify(questions.map((q) => [e.answer(q), e.search(q, { limit: 3 }), e.analyze(q).candidates.map((c) => [c.passage.id, c.first, c.last, [...c.features]])]));
    expect(observe(packed)).toBe(observe(stockEngine));
    expect((packed as unknown as { packed: PackedSearch | null }).packed).toBeInstanceOf(PackedSearch);
  });
});
