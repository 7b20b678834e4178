/**
 * Query terms, the second stage: the question's content words as weighted terms of the corpus, each
 * with the corpus terms that may stand for it and how (an alias, a word of the same family, a WordNet
 * synonym …). A word the corpus never writes is corrected only when it is not an English word ("joke"
 * is a word, not a typo of a name); a word of a Spanish question is looked up in the Spanish lexicon
 * and by its cognate endings first.
 */
import { STOP_WORDS, normalizeToken, stem, words } from '../search/analyze.ts';
import type { AliasTable } from '../search/aliases.ts';
import { english } from '../language/index.ts';
import { MATCH_STRENGTH, editDistance, type MatchType, type Vocabulary } from '../search/vocabulary.ts';
import type { QuestionAnalysis } from './question.ts';

/** One content word of a question, as matched against sentences. */
export interface QueryTerm {
  term: string;
  /** The folded word as the question wrote it. */
  surface: string;
  /** Rarity weight (idf); an unknown word weighs as a rare one. */
  weight: number;
  /** Single corpus terms that stand in for this one, each with the strongest way it does. */
  credits: Map<string, MatchType>;
  /** Phrases (all terms required) that stand in for it: multi-word aliases. */
  phrases: string[][];
  /** False when neither the word nor anything standing in for it occurs in the corpus. */
  known: boolean;
  /** A name (capitalized in the question, or written as a name by the corpus) an answer must mention. */
  entity: boolean;
  /** Part of what the question asks about (see {@link QuestionAnalysis.focus}). */
  focus: boolean;
  /** The question's word was not in the corpus and was replaced (typo, cognate, translation). */
  corrected: boolean;
  /**
   * Written in lower case by a question that capitalizes its names: a common word, which a
   * capitalized word inside a sentence (part of a name: "First Capital Command") does not match.
   */
  common: boolean;
}

/** Options of query-term building. */
export interface QueryOptions {
  /** Weight of a word the corpus does not know, as a share of the rarest term's weight. */
  unknownWeight: number;
}

/** Stop words a misspelled question word may be a slip of ("mutch"). */
const LONG_STOP_WORDS = [...STOP_WORDS].filter((w) => w.length >= 4);


function credit(t: QueryTerm, term: string, type: MatchType): void {
  if (term === t.term) return;
  const had = t.credits.get(term);
  if (had === undefined || MATCH_STRENGTH[type] < MATCH_STRENGTH[had]) t.credits.set(term, type);
}

/** Builds the query terms of a question. */
export function queryTerms(q: QuestionAnalysis, vocab: Vocabulary, aliases: AliasTable, options: QueryOptions): QueryTerm[] {
  const out: QueryTerm[] = [];
  const byWord = new Map<string, QueryTerm[]>();
  const lang = q.language;
  const focusWords = new Set(q.focus);
  // Chat abbreviations stand for their words ("govt" → government): language data, looked up as asked.
  const asked = q.words.flatMap((w) => {
    const full = english.abbreviations.get(w);
    return full && !vocab.writes(w) ? words(full) : [w];
  });
  for (const word of asked) {
    if ((STOP_WORDS.has(word) && !q.acronyms.includes(word)) || byWord.has(word)) continue;
    const list: QueryTerm[] = [];
    for (const surface of normalizeToken(word)) {
      if (STOP_WORDS.has(surface) && !q.acronyms.includes(surface)) continue;
      let term = stem(surface);
      let known = vocab.has(term);
      let corrected = false;
      const translations: string[] = [];
      if (lang !== english && !vocab.writes(surface)) translations.push(...vocab.translate(surface, lang));
      const translation = translations[0];
      if (translation !== undefined) {
        term = translation;
        known = true;
        corrected = true;
      } else if (!known && /^\p{L}{3,}$/u.test(surface)) {
        // "mutch" is a misspelled question word, not content.
        if (surface.length >= 4 && LONG_STOP_WORDS.some((s) => Math.abs(s.length - surface.length) <= 1 && s[0] === surface[0] && editDistance(s, surface, 1) <= 1)) continue;
        const fixed = (lang !== english ? vocab.cognate(surface, lang) : null) ?? (vocab.isEnglishWord(surface) ? null : vocab.correct(surface));
        if (fixed) {
          term = fixed;
          known = true;
          corrected = true;
        }
      }
      if (out.some((t) => t.term === term)) continue;
      const entity = (q.capitalized.includes(surface) || vocab.properNouns.has(surface)) && !/^\d/.test(surface);
      const qt: QueryTerm = {
        term,
        surface,
        weight: vocab.idf(term),
        credits: new Map(),
        phrases: [],
        known,
        entity,
        focus: focusWords.has(word) || focusWords.has(surface),
        corrected,
        common: q.capitalized.length > 0 && !entity && !q.acronyms.includes(surface),
      };
      for (const extra of translations.slice(1)) credit(qt, extra, 'alias');
      list.push(qt);
      out.push(qt);
    }
    byWord.set(word, list);
  }
  for (const { matched, terms } of aliases.expand(q.words)) {
    for (const t of matched.flatMap((w) => byWord.get(w) ?? [])) {
      const [only] = terms;
      if (only !== undefined && terms.length === 1) {
        if (only !== t.term && vocab.has(only)) {
          credit(t, only, 'alias');
          t.known = true;
        }
      } else if (terms.every((x) => vocab.has(x))) {
        t.phrases.push(terms);
        t.known = true;
      }
    }
  }
  for (const t of out) {
    for (const [x, type] of vocab.family(t.term, t.entity)) credit(t, x, type);
    for (const [x, relation] of vocab.related(t.surface)) credit(t, x, relation);
    if (!t.known && t.credits.size > 0) t.known = true;
    if (!vocab.has(t.term)) {
      // The best stand-in's rarity, else a rare word's weight.
      const stand = [...t.credits.keys()].filter((x) => vocab.has(x));
      t.weight = stand.length ? Math.max(...stand.map((x) => vocab.idf(x))) : options.unknownWeight * vocab.maxIdf;
    }
  }
  return out;
}
