/**
 * The MiniSearch index over passages. Its options live in one constant because a serialized index
 * must be loaded with the options that built it.
 */
import MiniSearch, { type Options, type SearchOptions } from 'minisearch';
import type { Corpus, Passage } from '../corpus/types.ts';
import { tokenize } from './analyze.ts';
import { defined } from '../checked.ts';
import { collectPostingsAsArrays, packPostings } from './postings.ts';

/**
 * What MiniSearch indexes per passage: each field already analyzed into terms joined by spaces (the
 * engine tokenizes every sentence once and hands MiniSearch the same terms it scores with).
 */
export interface IndexedPassage {
  id: string;
  text: string;
  section: string;
  title: string;
}

/**
 * Query-time defaults. Queries arrive already analyzed (stemmed terms joined by spaces), so the
 * query side only splits on spaces. Section titles are a strong signal ("Shining Path"), document
 * titles a weak one (they matter when several reports are loaded).
 */
export const QUERY_OPTIONS: SearchOptions = {
  tokenize: (q: string) => q.split(' ').filter(Boolean),
  processTerm: (t: string) => t,
  boost: { text: 1, section: 1.5, title: 0.3 },
  combineWith: 'OR',
  // No fuzzy or prefix search here: the engine corrects typos against the vocabulary and expands
  // word families (produc/product) itself before querying, which costs a few map look-ups instead
  // of a walk of MiniSearch's term tree for every word.
  fuzzy: false,
  prefix: false,
  // Set per query (retrieve.ts). Every key a query passes is here too, so that MiniSearch's merging of
  // a query's options with these (`{ ...these, ...query's }`) only overrides keys: a spread that adds
  // keys leaves garbage that outlives the next minor collection (see withLeanQueries).
  fields: ['text'],
  boostTerm: () => 1,
};

/**
 * Index options: fields arrive as analyzed terms, so MiniSearch only splits them; the query-time
 * defaults are {@link QUERY_OPTIONS}.
 */
export const INDEX_OPTIONS: Options<IndexedPassage> = {
  idField: 'id',
  fields: ['text', 'section', 'title'],
  tokenize: (terms: string) => terms.split(' '),
  processTerm: (term: string) => term || null,
  searchOptions: QUERY_OPTIONS,
};

/** The parts of MiniSearch 7.2 that {@link withLeanQueries} reaches into (private in its types). */
interface QueryInternals {
  _options: { fields: string[]; searchOptions: SearchOptions };
  _index: { get(term: string): unknown };
  executeQuerySpec(query: QuerySpec, searchOptions: SearchOptions): unknown;
  termResults(sourceTerm: string, derivedTerm: string, termWeight: number, termBoost: number, fieldTermData: unknown, fieldBoosts: Record<string, number>, boostDocument: SearchOptions['boostDocument'], bm25: SearchOptions['bm25']): unknown;
}

/** One term of a query as MiniSearch's `executeQuery` hands it on. */
interface QuerySpec {
  term: string;
  fuzzy: boolean | number;
  prefix: boolean;
  termBoost: number;
}

/**
 * The index with MiniSearch's per-term query step (`executeQuerySpec`) done without object spreads,
 * for the exact-term queries the engine makes (prefix and fuzzy terms go to MiniSearch's own). The
 * step merged its options with `{ ...global, ...options }` and built the field boosts with
 * `{ ...boosts, [field]: … }` for every term: on Node 20 every such spread that adds a key leaves
 * objects that outlive the next minor collection (measured with `--trace-gc-nvp`: about 1 MB
 * promoted at each one, 2–3 ms pauses, the slowest percent of answers; without the spreads, none).
 * Same options read the same way, same scoring (MiniSearch's `termResults`): `test/search/index.test.ts`
 * checks the results equal stock MiniSearch's.
 */
export function withLeanQueries<T>(index: MiniSearch<T>): MiniSearch<T> {
  const inner = index as unknown as QueryInternals;
  const stock = inner.executeQuerySpec.bind(inner);
  inner.executeQuerySpec = (query, searchOptions) => {
    if (query.prefix || query.fuzzy) return stock(query, searchOptions);
    const global = inner._options.searchOptions;
    // `{ ...global, ...searchOptions }[key]`, without making the object.
    const option = <K extends keyof SearchOptions>(key: K): SearchOptions[K] => (Object.hasOwn(searchOptions, key) ? searchOptions[key] : global[key]);
    const boost = option('boost') ?? {};
    const boosts: Record<string, number> = {};
    for (const field of option('fields') ?? inner._options.fields) boosts[field] = (Object.hasOwn(boost, field) ? boost[field] : undefined) || 1;
    return inner.termResults(query.term, query.term, 1, query.termBoost, inner._index.get(query.term), boosts, option('boostDocument'), option('bm25'));
  };
  return index;
}

/** Terms of a text joined for {@link INDEX_OPTIONS}. */
export function analyzedField(text: string): string {
  return tokenize(text).map((t) => t.term).join(' ');
}

/**
 * Builds the passage index for a corpus. `passageTerms` are each passage's terms when the caller has
 * them already; otherwise they are computed here.
 */
export function buildIndex(corpus: Corpus, passageTerms?: ReadonlyArray<readonly string[]>): MiniSearch<IndexedPassage> {
  const builder = indexBuilder(corpus);
  corpus.passages.forEach((p, i) => builder.add(p, passageTerms ? defined(passageTerms[i]) : null));
  return builder.done();
}

/**
 * The passage index built one passage at a time, in corpus order (what {@link buildIndex} does in one
 * go): the engine adds each passage's terms as it tokenizes it, so no passage's text is held as terms
 * longer than its own turn. `terms` null: computed from the passage's text. The postings are kept as
 * arrays while passages are added and packed into integers by `done()` (`postings.ts`), which returns
 * the index, read-only and ready to search.
 */
export function indexBuilder(corpus: Corpus): { add(p: Passage, terms: readonly string[] | null): void; done(): MiniSearch<IndexedPassage> } {
  const index = withLeanQueries(new MiniSearch<IndexedPassage>(INDEX_OPTIONS));
  collectPostingsAsArrays(index);
  const sections = new Map<string, string>();
  const titles = new Map<string, string>();
  const cached = (map: Map<string, string>, key: string, text: string) => {
    let v = map.get(key);
    if (v === undefined) map.set(key, (v = analyzedField(text)));
    return v;
  };
  return {
    add(p, terms) {
      index.add({
        id: p.id,
        text: terms ? terms.join(' ') : analyzedField(p.text),
        section: cached(sections, `${p.documentId}/${p.sectionId}`, p.sectionTitle),
        title: cached(titles, p.documentId, corpus.documentsById.get(p.documentId)?.title ?? ''),
      });
    },
    // Read-only from here: the postings packed into integers (a quarter of MiniSearch's maps' memory).
    done() {
      packPostings(index);
      return index;
    },
  };
}

/**
 * Whether a passage's text field holds a term, read from MiniSearch's own postings (term → field →
 * document → count) without a search: a few map look-ups instead of scoring every passage that has
 * the term. It reads MiniSearch's internal maps (`_index`, `_fieldIds`, `_idToShortId`, as the index
 * cache does), so it is null when this MiniSearch keeps them differently: the caller then searches.
 */
export function textTermTest(index: MiniSearch<IndexedPassage>): ((passageId: string, term: string) => boolean) | null {
  const inner = index as unknown as { _index?: unknown; _fieldIds?: unknown; _idToShortId?: unknown };
  const postings = inner._index as { get?: unknown } | undefined;
  const ids = inner._idToShortId;
  const fieldId = (inner._fieldIds as Record<string, unknown> | undefined)?.text;
  if (!postings || typeof postings.get !== 'function' || !(ids instanceof Map) || typeof fieldId !== 'number') return null;
  const terms = postings as { get(term: string): Map<number, Map<number, number>> | undefined };
  return (passageId, term) => {
    const shortId = ids.get(passageId) as number | undefined;
    return shortId !== undefined && (terms.get(term)?.get(fieldId)?.has(shortId) ?? false);
  };
}
