/**
 * Candidate retrieval, the third stage: the passages MiniSearch ranks highest for the question's
 * terms. Every term costs a postings walk, so the query holds the question's own terms, and the
 * strongest stand-ins (aliases, families, WordNet relations) at lower boosts; a word in most passages
 * is left to the features unless the question has nothing rarer.
 */
import type MiniSearch from 'minisearch';
import type { Corpus, Passage } from '../corpus/types.ts';
import type { IndexedPassage } from '../search/index.ts';
import type { PackedSearch } from '../search/score.ts';
import type { MatchType, Vocabulary } from '../search/vocabulary.ts';
import type { QueryTerm } from './query.ts';

/** Retrieval settings. */
export interface RetrievalOptions {
  /** Boost of a stand-in term, by how it stands in (the question's own words boost 1). */
  boosts: Record<Exclude<MatchType, 'exact'>, number>;
  /** Most stand-in terms added to one query, the rarest first. */
  maxStandIns: number;
  /** Words in more than this share of passages are dropped when rarer ones exist. */
  commonShare: number;
}

export interface Retrieved {
  passage: Passage;
  score: number;
}

/**
 * Ranked passages for the query terms, best first (ties by passage order). `packed` scores the query
 * from packed postings (the same scores as MiniSearch's, without its per-passage objects); without
 * it, MiniSearch's `search`.
 */
export function retrieve(index: MiniSearch<IndexedPassage>, corpus: Corpus, vocab: Vocabulary, qts: QueryTerm[], limit: number, options: RetrievalOptions, packed: PackedSearch | null = null): Retrieved[] {
  const boosts = new Map<string, number>();
  const add = (term: string, boost: number) => boosts.set(term, Math.max(boosts.get(term) ?? 0, boost));
  const common = Math.max(10, vocab.passageCount * options.commonShare);
  const df = (t: string) => vocab.df.get(t) ?? 0;
  const hasRare = qts.some((t) => df(t.term) > 0 && df(t.term) <= common);
  const standIns: Array<[string, number]> = [];
  for (const t of qts) {
    if (vocab.has(t.term) && (!hasRare || df(t.term) <= common)) add(t.term, 1);
    for (const [x, type] of t.credits) {
      if (type === 'exact' || !vocab.has(x) || df(x) > common) continue;
      standIns.push([x, options.boosts[type] * (vocab.has(t.term) ? 0.8 : 1)]);
    }
    for (const ph of t.phrases) for (const x of ph) if (vocab.has(x) && df(x) <= common) standIns.push([x, options.boosts.alias / ph.length]);
  }
  standIns.sort((a, b) => b[1] * vocab.idf(b[0]) - a[1] * vocab.idf(a[0]) || (a[0] < b[0] ? -1 : 1));
  for (const [x, boost] of standIns.slice(0, options.maxStandIns)) add(x, boost);
  if (boosts.size === 0) return [];
  // Section and document titles are features of their own (context, document): in retrieval they
  // would only cost time, the more so the more documents share a title's words. One report's
  // section titles still rank its passages.
  const fields = corpus.documents.length === 1 ? ['text', 'section'] : ['text'];
  const boostTerm = (term: string) => boosts.get(term) ?? 1;
  const out: Retrieved[] = [];
  if (packed) {
    // The first `limit` and any ties with the last of them (which passage order then breaks).
    for (const r of packed.top([...boosts.keys()], boostTerm, fields, limit)) {
      const passage = corpus.byId.get(r.id);
      if (passage) out.push({ passage, score: r.score });
    }
  } else {
    // Only keys the index's query defaults (QUERY_OPTIONS) have: MiniSearch merges the two per term.
    const results = index.search([...boosts.keys()].join(' '), { fields, boostTerm });
    // MiniSearch returns every match sorted by score: map only the first `limit` (and any ties with
    // the last of them, which passage order then breaks).
    let cut = Math.min(limit, results.length);
    const lastScore = results[cut - 1]?.score;
    while (lastScore !== undefined && results[cut]?.score === lastScore) cut++;
    for (const r of results.slice(0, cut)) {
      const passage = corpus.byId.get(String(r.id));
      if (passage) out.push({ passage, score: r.score });
    }
  }
  out.sort((a, b) => b.score - a.score || a.passage.order - b.passage.order);
  return out.slice(0, limit);
}
