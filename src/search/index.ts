/**
 * The MiniSearch index over passages. Its options live in one constant because a serialized index
 * must be loaded with the options that built it.
 */
import MiniSearch, { type Options, type SearchOptions } from 'minisearch';
import type { Corpus, Passage } from '../corpus/types.ts';
import { indexProcessTerm, indexTokenize } from './analyze.ts';

/** What MiniSearch stores per passage. */
export interface IndexedPassage {
  id: string;
  text: string;
  section: string;
  title: string;
}

/** Index options: our analyzer for every field. */
export const INDEX_OPTIONS: Options<IndexedPassage> = {
  idField: 'id',
  fields: ['text', 'section', 'title'],
  tokenize: indexTokenize,
  processTerm: indexProcessTerm,
};

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
};

/** Builds the passage index for a corpus. */
export function buildIndex(corpus: Corpus): MiniSearch<IndexedPassage> {
  const index = new MiniSearch<IndexedPassage>(INDEX_OPTIONS);
  index.addAll(corpus.passages.map((p: Passage) => ({
    id: p.id,
    text: p.text,
    section: p.sectionTitle,
    title: corpus.documentsById.get(p.documentId)?.title ?? '',
  })));
  return index;
}
