/**
 * What a corpus's words are: how rare each term is, which surface forms it is written in, which words
 * the corpus writes as names, and the soft ways a question word can reach a corpus term — a typo
 * corrected, a Spanish cognate, a word of the same family, a WordNet relation. Built once per corpus;
 * every look-up at question time is a few map reads.
 */
import { sentencesOf } from '../corpus/passage.ts';
import type { Corpus, Passage, Sentence } from '../corpus/types.ts';
import { english, englishData, spanish, type Language } from '../language/index.ts';
import { stem, tokenize, type Token } from './analyze.ts';
import { fold } from './fold.ts';
import { WordNet, type Relation } from './lexicon.ts';
import { defined } from '../checked.ts';

/** How a question term reached a corpus term, strongest first. */
export type MatchType = 'exact' | 'alias' | 'family' | 'synonym' | 'derived' | 'broader';
export const MATCH_TYPES: readonly MatchType[] = ['exact', 'alias', 'family', 'synonym', 'derived', 'broader'];
/** Each match type's position in {@link MATCH_TYPES}: lower is stronger. */
export const MATCH_STRENGTH: Readonly<Record<MatchType, number>> = { exact: 0, alias: 1, family: 2, synonym: 3, derived: 4, broader: 5 };

/** Settings of the soft matching, with documented defaults. */
export interface VocabularyOptions {
  /** Words of this many letters or more may be corrected by one edit. */
  oneEditFrom: number;
  /** Words of this many letters or more may be corrected by two edits. */
  twoEditsFrom: number;
  /** Use WordNet (synonyms, derived forms, one hypernym step). */
  wordnet: boolean;
}

export const defaultVocabularyOptions: VocabularyOptions = { oneEditFrom: 4, twoEditsFrom: 8, wordnet: true };

/**
 * Optimal-string-alignment distance (Levenshtein plus transpositions: "froce" is one slip from
 * "force"), capped: returns `max + 1` as soon as it must exceed `max`.
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const width = b.length + 1;
  const rows = new Uint16Array(width * 3);
  for (let j = 0; j < width; j++) rows[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const cur = (i % 3) * width;
    const prev = ((i - 1) % 3) * width;
    const prev2 = ((i + 1) % 3) * width;
    rows[cur] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      let v = Math.min(defined(rows[prev + j]) + 1, defined(rows[cur + j - 1]) + 1, defined(rows[prev + j - 1]) + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, defined(rows[prev2 + j - 2]) + 1);
      rows[cur + j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
  }
  return defined(rows[(a.length % 3) * width + b.length]);
}

/** Two stems of one word family: one extends the other by a short ending (produc/product). */
export function sameFamily(a: string, b: string): boolean {
  if (a === b) return true;
  const min = Math.min(a.length, b.length);
  if (min < 4 || Math.abs(a.length - b.length) > 3) return false;
  let common = 0;
  while (common < min && a[common] === b[common]) common++;
  return common >= Math.max(4, min - 2) && (common === min || common >= 6);
}

const DEMONYM_ENDING = new RegExp(`^(?:${englishData.demonymEndings.join('|')})$`);

/** A name and its demonym (Mexico/Mexican, Peru/Peruvian, China/Chinese): the endings are language data. */
export function demonymOf(a: string, b: string): boolean {
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  if (short.length < 4) return false;
  if (long.startsWith(short)) return /^\p{L}{1,4}$/u.test(long.slice(short.length));
  return short.length >= 5 && long.startsWith(short.slice(0, -1)) && DEMONYM_ENDING.test(long.slice(short.length - 1));
}

/** The doubled letters of a word written once: Spanish rarely doubles consonants ("comite"). */
export function undouble(word: string): string {
  return word.replace(/([a-z])\1/g, '$1');
}

/** English candidate spellings for a folded word by a language's cognate endings. */
export function cognateCandidates(word: string, lang: Language, wholeWordsOnly = false): string[] {
  const rules = wholeWordsOnly ? lang.cognateSuffixes.slice(0, lang.cognateSuffixes.length - lang.stemOnlyRules) : lang.cognateSuffixes;
  const out = new Set<string>();
  for (const [re, replacements] of rules) {
    if (!re.test(word)) continue;
    for (const r of replacements) {
      const candidate = word.replace(re, r);
      if (candidate.length >= 4 && candidate !== word) out.add(candidate);
    }
  }
  return [...out];
}

interface SurfaceEntry {
  term: string;
  count: number;
}

/**
 * What a vocabulary counted over its corpus, for the index cache: everything else is derived from it
 * (in the same order, so a restored vocabulary is the built one). Maps as entry lists, in insertion order.
 */
export interface VocabularyState {
  passageCount: number;
  /** Each term and the passages it occurs in (parallel lists). */
  dfTerms: string[];
  dfCounts: number[];
  /** Each folded surface word, its term and how often it is written (parallel lists). */
  surfaceWords: string[];
  surfaceTerms: string[];
  surfaceCounts: number[];
  properNouns: string[];
}

/** Term statistics and soft look-ups for one corpus. */
export class Vocabulary {
  readonly options: VocabularyOptions;
  /** Passages a term occurs in. */
  readonly df = new Map<string, number>();
  readonly passageCount: number;
  readonly maxIdf: number;
  /** Folded surface word → its term and how often the corpus writes it. */
  private readonly surfaces = new Map<string, SurfaceEntry>();
  private readonly surfacesByInitial = new Map<string, Array<[string, SurfaceEntry]>>();
  /** Folded words the corpus mostly writes with a capital mid-sentence (names). */
  readonly properNouns = new Set<string>();
  private readonly byPrefix = new Map<string, string[]>();
  private readonly undoubled = new Map<string, string>();
  private readonly families = new Map<string, ReadonlyArray<readonly [string, MatchType]>>();
  private readonly relatedCache = new Map<string, ReadonlyArray<readonly [string, Relation]>>();
  private readonly englishCache = new Map<string, boolean>();
  private wordnet: WordNet | null = null;

  /**
   * @param passageTokens every passage's tokens (the engine tokenizes each sentence once and shares them).
   */
  constructor(corpus: Corpus, passageTokens: ReadonlyArray<readonly Token[][]>, options: Partial<VocabularyOptions> = {}, restored?: VocabularyState) {
    this.options = { ...defaultVocabularyOptions, ...options };
    if (restored) {
      restored.dfTerms.forEach((t, i) => this.df.set(t, restored.dfCounts[i] ?? 0));
      restored.surfaceWords.forEach((w, i) => this.surfaces.set(w, { term: restored.surfaceTerms[i] ?? '', count: restored.surfaceCounts[i] ?? 0 }));
      for (const w of restored.properNouns) this.properNouns.add(w);
      this.passageCount = restored.passageCount;
    } else {
      this.count(corpus, passageTokens);
      this.passageCount = corpus.passages.length;
    }
    this.maxIdf = Math.log(1 + this.passageCount);
    this.derive();
  }

  /** A vocabulary from a {@link VocabularyState} (the index cache), without the corpus's tokens. */
  static restore(corpus: Corpus, state: VocabularyState, options: Partial<VocabularyOptions> = {}): Vocabulary {
    return new Vocabulary(corpus, [], options, state);
  }

  /**
   * A vocabulary counted one passage at a time (the engine's build hands each passage's tokens over and
   * lets them go): `add` every passage of `corpus` in order, then `done`. The same vocabulary as the
   * constructor makes from all the tokens at once. `sentences`: the passage's, when the caller has made
   * them already (`sentencesOf`).
   */
  static counting(corpus: Corpus, options: Partial<VocabularyOptions> = {}): { add(p: Passage, tokens: readonly Token[][], sentences?: readonly Sentence[]): void; done(): Vocabulary } {
    const counter = new VocabularyCounter();
    return {
      add: (p, tokens, sentences) => counter.addPassage(p, tokens, sentences),
      done: () => new Vocabulary(corpus, [], options, counter.state(corpus.passages.length)),
    };
  }

  /** What {@link restore} needs. */
  snapshot(): VocabularyState {
    return {
      passageCount: this.passageCount,
      dfTerms: [...this.df.keys()],
      dfCounts: [...this.df.values()],
      surfaceWords: [...this.surfaces.keys()],
      surfaceTerms: [...this.surfaces.values()].map((e) => e.term),
      surfaceCounts: [...this.surfaces.values()].map((e) => e.count),
      properNouns: [...this.properNouns],
    };
  }

  /** Counts terms, surfaces and capitals over every passage's tokens. */
  private count(corpus: Corpus, passageTokens: ReadonlyArray<readonly Token[][]>): void {
    const counter = new VocabularyCounter();
    corpus.passages.forEach((p, pi) => counter.addPassage(p, defined(passageTokens[pi])));
    counter.finishInto(this.df, this.surfaces, this.properNouns);
  }

  /** The look-up tables made from the counts. */
  private derive(): void {
    for (const entry of this.surfaces) {
      const k = entry[0].charAt(0);
      const list = this.surfacesByInitial.get(k);
      if (list) list.push(entry);
      else this.surfacesByInitial.set(k, [entry]);
    }
    for (const term of this.df.keys()) {
      const u = undouble(term);
      if (!this.undoubled.has(u)) this.undoubled.set(u, term);
      if (term.length < 4 || /^\d/.test(term)) continue;
      const key = term.slice(0, 4);
      const list = this.byPrefix.get(key);
      if (list) list.push(term);
      else this.byPrefix.set(key, [term]);
    }
  }

  /** Inverse passage frequency; an unseen term weighs as the rarest. */
  idf(term: string): number {
    const df = this.df.get(term) ?? 0;
    return df === 0 ? this.maxIdf : Math.log(1 + this.passageCount / df);
  }

  has(term: string): boolean {
    return this.df.has(term);
  }

  /** True when the corpus itself writes this folded word. */
  writes(surface: string): boolean {
    return this.surfaces.has(surface);
  }

  private lexicon(): WordNet {
    return (this.wordnet ??= WordNet.load());
  }

  /** True when the word is English (WordNet knows it): such a word is never "corrected". */
  isEnglishWord(surface: string): boolean {
    if (!this.options.wordnet) return false;
    // Memoized and bounded: each look-up is a binary search of WordNet's index files on disk.
    let known = this.englishCache.get(surface);
    if (known === undefined) {
      known = this.lexicon().isWord(surface);
      if (this.englishCache.size > 50_000) this.englishCache.clear();
      this.englishCache.set(surface, known);
    }
    return known;
  }

  /**
   * Corpus terms WordNet relates to a question's word (synonyms, derived forms, one hypernym or
   * hyponym step), memoized per word and bounded.
   */
  related(surface: string): ReadonlyArray<readonly [string, Relation]> {
    if (!this.options.wordnet) return [];
    let found = this.relatedCache.get(surface);
    if (found) return found;
    const list: Array<readonly [string, Relation]> = [];
    const seen = new Set<string>([stem(surface)]);
    for (const [w, relation] of this.lexicon().related(surface)) {
      const term = stem(w);
      if (seen.has(term) || !this.df.has(term)) continue;
      seen.add(term);
      list.push([term, relation]);
    }
    found = list;
    if (this.relatedCache.size > 50_000) this.relatedCache.clear();
    this.relatedCache.set(surface, found);
    return found;
  }

  /** Corpus terms of the same family (and demonyms, for names), memoized. */
  family(term: string, entity: boolean): ReadonlyArray<readonly [string, MatchType]> {
    const key = `${entity ? 'E' : 'w'}${term}`;
    let found = this.families.get(key);
    if (found) return found;
    const list: Array<readonly [string, MatchType]> = [];
    if (term.length >= 4 && !/^\d/.test(term)) {
      for (const x of this.byPrefix.get(term.slice(0, 4)) ?? []) {
        if (x !== term && ((entity && demonymOf(term, x)) || sameFamily(term, x))) list.push([x, 'family']);
      }
    }
    found = list;
    if (this.families.size > 100_000) this.families.clear();
    this.families.set(key, found);
    return found;
  }

  /** The corpus word closest to a misspelled one (1 edit for short words, 2 for long), if any. */
  correct(surface: string): string | null {
    const max = surface.length >= this.options.twoEditsFrom ? 2 : surface.length >= this.options.oneEditFrom ? 1 : 0;
    if (max === 0) return null;
    let best: { term: string; d: number; count: number } | null = null;
    // Typos rarely touch the first letter: "exchange" is not a misspelled "change".
    for (const [w, { term, count }] of this.surfacesByInitial.get(surface.charAt(0)) ?? []) {
      if (Math.abs(w.length - surface.length) > max) continue;
      const d = editDistance(w, surface, max);
      if (d > max) continue;
      if (!best || d < best.d || (d === best.d && count > best.count)) best = { term, d, count };
    }
    return best?.term ?? null;
  }

  /** The corpus term an English cognate of a foreign word would have ("comités" → committe), if any. */
  cognate(surface: string, lang: Language): string | null {
    for (const candidate of [surface, ...cognateCandidates(surface, lang, true)]) {
      const whole = this.undoubled.get(undouble(candidate)) ?? this.undoubled.get(undouble(stem(candidate)));
      if (whole && Math.abs(whole.length - candidate.length) <= 3) return whole;
    }
    for (const candidate of cognateCandidates(surface, lang)) {
      const term = stem(candidate);
      if (this.df.has(term)) return term;
    }
    return null;
  }

  /** English terms a foreign word translates to in the language's lexicon, if the corpus has them. */
  translate(surface: string, lang: Language): string[] {
    if (lang === english) return [];
    const out: string[] = [];
    for (const phrase of lang.lexicon.get(surface) ?? []) {
      for (const tok of tokenize(phrase)) if (this.df.has(tok.term) && !out.includes(tok.term)) out.push(tok.term);
    }
    return out;
  }
}

export { english, spanish };

/** The counts of a vocabulary, passage by passage (in corpus order: the maps keep insertion order). */
class VocabularyCounter {
  private readonly df = new Map<string, number>();
  private readonly surfaces = new Map<string, SurfaceEntry>();
  private readonly capitals = new Map<string, [number, number]>();

  addPassage(p: Passage, tokensOf: readonly Token[][], sentences: readonly Sentence[] = sentencesOf(p)): void {
    const seen = new Set<string>();
    sentences.forEach((s, si) => {
      const tokens = defined(tokensOf[si]);
      for (const t of tokens) {
        seen.add(t.term);
        const e = this.surfaces.get(t.surface);
        if (e) e.count++;
        else this.surfaces.set(t.surface, { term: t.term, count: 1 });
      }
      // Names: how often each word is written with a capital after a space, other than at a
      // sentence's start (read off the tokens: no second pass over the text).
      const text = s.text;
      for (const t of tokens) {
        if (t.start === 0 || text.charCodeAt(t.start - 1) !== 32 || t.surface.length < 2) continue;
        let k = t.start - 1;
        while (k > 0 && text.charCodeAt(k) === 32) k--;
        const ch = text.charAt(k);
        if (ch === '.' || ch === '!' || ch === '?') continue;
        const first = text.charAt(t.start);
        const upper = first !== first.toLowerCase();
        const c = this.capitals.get(t.surface);
        if (c) c[upper ? 0 : 1]++;
        else this.capitals.set(t.surface, upper ? [1, 0] : [0, 1]);
      }
    });
    for (const t of seen) this.df.set(t, (this.df.get(t) ?? 0) + 1);
  }

  /** Moves the counts into a vocabulary's maps. */
  finishInto(df: Map<string, number>, surfaces: Map<string, SurfaceEntry>, properNouns: Set<string>): void {
    for (const [t, n] of this.df) df.set(t, n);
    for (const [w, e] of this.surfaces) surfaces.set(w, e);
    for (const [w, [cap, low]] of this.capitals) if (cap >= 1 && cap >= 3 * low) properNouns.add(w);
  }

  /** The counts as a {@link VocabularyState}. */
  state(passageCount: number): VocabularyState {
    const properNouns: string[] = [];
    for (const [w, [cap, low]] of this.capitals) if (cap >= 1 && cap >= 3 * low) properNouns.push(w);
    return {
      passageCount,
      dfTerms: [...this.df.keys()],
      dfCounts: [...this.df.values()],
      surfaceWords: [...this.surfaces.keys()],
      surfaceTerms: [...this.surfaces.values()].map((e) => e.term),
      surfaceCounts: [...this.surfaces.values()].map((e) => e.count),
      properNouns,
    };
  }
}
