/**
 * The MiniSearch index over passages. Its options live in one constant because a serialized index
 * must be loaded with the options that built it.
 */
import MiniSearch, { type Options, type SearchOptions } from 'minisearch';
import type { Corpus, Passage } from '../corpus/types.ts';
import { tokenize } from './analyze.ts';
import { defined } from '../checked.ts';
import { collectPostings, compactDocumentTables, packPostings } from './postings.ts';

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
  // Set per query (retrieve.ts, when it asks MiniSearch rather than the packed postings).
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
 * longer than its own turn. `terms` null: computed from the passage's text. The postings are collected
 * compactly while passages are added and packed by `done()` (`postings.ts`), which returns the index,
 * read-only and ready to search.
 */
export function indexBuilder(corpus: Corpus): { add(p: Passage, terms: readonly string[] | null): void; done(): MiniSearch<IndexedPassage> } {
  const index = new MiniSearch<IndexedPassage>(INDEX_OPTIONS);
  collectPostings(index);
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
    // Read-only from here: the postings packed into integers (a sixth of MiniSearch's maps' memory),
    // the per-passage tables made dense.
    done() {
      packPostings(index);
      compactDocumentTables(index);
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
