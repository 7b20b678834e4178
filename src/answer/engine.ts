/**
 * The answer engine: question → retrieved passages → ranked sentences → a verbatim, cited excerpt, or
 * an honest abstention with the closest passages. Platform-neutral and deterministic: the same
 * question on the same corpus always gives the same answer (ties broken by passage order).
 */
import type MiniSearch from 'minisearch';
import type { Corpus, Document, Passage, Sentence } from '../corpus/types.ts';
import { loadCorpus } from '../corpus/load.ts';
import { InputError } from '../errors.ts';
import { AliasTable, learnAcronyms, type Acronym } from '../search/aliases.ts';
import { STOP_WORDS, normalizeToken, stem, tokenize, toTerms, type Token } from '../search/analyze.ts';
import { fold } from '../search/fold.ts';
import { looksSpanish, spanishCognates, undouble, wholeWordCognates } from '../search/cognates.ts';
import { buildIndex, QUERY_OPTIONS, type IndexedPassage } from '../search/index.ts';
import { citationFor } from './citation.ts';
import { analyzeQuestion, cleanQuestion, type QuestionAnalysis } from './question.ts';
import type { Answer, Citation, CorpusStats, Excerpt, RankedPassage, SearchHit, Span } from './types.ts';

/** Tunable answer settings, with documented defaults. */
export interface EngineOptions {
  /** Passages whose sentences are ranked for an answer. */
  candidatePassages: number;
  /** Longest excerpt, in characters. */
  maxExcerptChars: number;
  /** Most sentences in an excerpt. */
  maxExcerptSentences: number;
  /** Below this confidence the engine abstains. */
  minConfidence: number;
  /** Longest question analyzed (longer input is cut, not rejected: adapters refuse it first). */
  maxQuestionChars: number;
}

export const defaultEngineOptions: EngineOptions = {
  candidatePassages: 6,
  maxExcerptChars: 500,
  maxExcerptSentences: 3,
  minConfidence: 0.5,
  maxQuestionChars: 2000,
};

/** One content word of a question, as matched against sentences. */
interface QueryTerm {
  term: string;
  surface: string;
  /** Rarity weight (idf); unknown words weigh as the rarest. */
  weight: number;
  /** Alternatives (aliases), each a set of terms that must all appear. */
  alternates: string[][];
  /**
   * Corpus terms that stand in for this one, with their credit: a one-word alias 0.9, a name's
   * demonym 0.9 (brazil/brazilian), the same word family 0.8 (northern/northerly). Filled once per
   * question so sentence scoring is a few set look-ups.
   */
  credits: Map<string, number>;
  /** False when neither the word nor an alias occurs anywhere in the corpus. */
  known: boolean;
  /** A name the corpus writes with a capital (Bolivia, Camisea) that an answer must mention. */
  entity: boolean;
}

interface IndexedSentence {
  sentence: Sentence;
  passage: Passage;
  tokens: Token[];
  terms: Set<string>;
  hasNumber: boolean;
  hasDate: boolean;
  /** Folded names and figures written inside the sentence (capitalized words after its first, numbers). */
  names: string[];
}

interface ScoredSentence {
  s: IndexedSentence;
  score: number;
  coverage: number;
}

/** Words that give a reason: what a "why" question wants. */
const CAUSAL = /\b(because|due to|owing to|as a result|result of|led to|leading to|lead to|caused|causes|thanks to|so that|in order to|given|since the|driven by|reason)\b/i;
const CAPTION = /^(?:(?:Image|Photo|Picture|Figure|Source|Credit)\b|Fig\.)\s*\d*\s*[:.]/;
const LONG_STOP_WORDS = [...STOP_WORDS].filter((w) => w.length >= 3);
const PRONOUN_START = /^(This|These|That|Those|It|Its|They|Their|Them|Such|He|She|His|Her|The latter|The former|Both)\b/;
const NUMBER_WORDS =
  /\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundreds?|thousands?|millions?|billions?|half|dozens?|percent)\b/i;
/** Counting words too general to be the thing a "how many" question counts. */
const GENERIC_COUNTERS = new Set(['people', 'persons', 'person', 'individuals', 'times', 'things', 'ones', 'units']);
const MONTHS = /\b(January|February|March|April|May|June|July|August|September|October|November|December)\b/;
const DATE_WORDS = /\b(since|during|before|after|until|following|prior|pandemic|decade|years?|century|\d{4}s?)\b/i;

/**
 * Optimal-string-alignment distance (Levenshtein plus transpositions: "froce" is one slip from
 * "force"), capped: returns `max + 1` as soon as it must exceed `max`.
 */
function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const width = b.length + 1;
  // Three rolling rows in one typed array: no allocation per call beyond this.
  const rows = new Uint16Array(width * 3);
  for (let j = 0; j < width; j++) rows[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const cur = (i % 3) * width;
    const prev = ((i - 1) % 3) * width;
    const prev2 = ((i + 1) % 3) * width;
    rows[cur] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      let v = Math.min(rows[prev + j]! + 1, rows[cur + j - 1]! + 1, rows[prev + j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, rows[prev2 + j - 2]! + 1);
      rows[cur + j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
  }
  return rows[(a.length % 3) * width + b.length]!;
}

/** The set of letters a–z in a word, as bits. */
function letterMask(w: string): number {
  let m = 0;
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i) - 97;
    if (c >= 0 && c < 26) m |= 1 << c;
  }
  return m;
}

function popcount(n: number): number {
  let c = 0;
  while (n) {
    n &= n - 1;
    c++;
  }
  return c;
}

/** Two stems name the same word family when one extends the other by a short tail (produc/product). */
function related(a: string, b: string): boolean {
  if (a === b) return true;
  const min = Math.min(a.length, b.length);
  if (min < 4 || Math.abs(a.length - b.length) > 3) return false;
  let common = 0;
  while (common < min && a[common] === b[common]) common++;
  // northern/northerli, produc/product: they differ only in a short ending.
  return common >= Math.max(4, min - 2) && (common === min || common >= 6);
}

export class Engine {
  readonly corpus: Corpus;
  readonly options: EngineOptions;
  readonly acronyms: Acronym[];
  private readonly index: MiniSearch<IndexedPassage>;
  private readonly aliases: AliasTable;
  private readonly sentences = new Map<string, IndexedSentence[]>();
  /** Passage frequency of every term. */
  private readonly df = new Map<string, number>();
  /** Folded surface word → its term, for typo correction. */
  private readonly surfaces = new Map<string, { term: string; count: number }>();
  /** Folded words the corpus mostly writes capitalized mid-sentence. */
  private readonly properNouns = new Set<string>();
  private readonly maxIdf: number;
  /** Terms (4+ characters) by their first four characters, for word-family and demonym matching. */
  private readonly byPrefix = new Map<string, string[]>();
  /** Passage id → every term of the passage. */
  private readonly passageTerms = new Map<string, Set<string>>();
  /** First-letter → corpus words, for typo correction. */
  private readonly surfacesByInitial = new Map<string, Array<[string, { term: string; count: number }]>>();
  /** Subject terms → the sentence that first mentions them all (definition questions). */
  private readonly firstMentions = new Map<string, IndexedSentence | null>();
  /** Terms with doubled letters written once → the term (Spanish cognates: "comite" → committe). */
  private readonly undoubledTerms = new Map<string, string>();
  /** Word families found so far (see `familyOf`). */
  private readonly families = new Map<string, ReadonlyArray<readonly [string, number]>>();
  /** Section key → terms of its title. */
  private readonly sectionTermCache = new Map<string, Set<string>>();

  private constructor(corpus: Corpus, options: Partial<EngineOptions> = {}) {
    this.corpus = corpus;
    this.options = { ...defaultEngineOptions, ...options };
    this.index = buildIndex(corpus);
    this.acronyms = learnAcronyms(corpus);
    this.aliases = new AliasTable(this.acronyms, corpus.glossary);
    const capitalCounts = new Map<string, [number, number]>();
    for (const p of corpus.passages) {
      const seen = new Set<string>();
      const list: IndexedSentence[] = [];
      for (const sentence of p.sentences) {
        const tokens = tokenize(sentence.text);
        for (const t of tokens) {
          seen.add(t.term);
          const entry = this.surfaces.get(t.surface);
          this.surfaces.set(t.surface, { term: t.term, count: (entry?.count ?? 0) + 1 });
        }
        for (const m of sentence.text.matchAll(/(^|[^.!?]\s)([\p{L}][\p{L}'\u2019-]*)/gu)) {
          if (m.index === 0 && m[1] === '') continue; // sentence-initial words are capitalized anyway
          const w = fold(m[2]!).replace(/'s$/, '');
          const c = capitalCounts.get(w) ?? [0, 0];
          if (/^\p{Lu}/u.test(m[2]!)) c[0]++;
          else c[1]++;
          capitalCounts.set(w, c);
        }
        list.push({
          sentence,
          passage: p,
          tokens,
          terms: new Set(tokens.map((t) => t.term)),
          hasNumber: /\d/.test(sentence.text.replace(/\b(1[89]|20)\d\d\b/g, '')) || NUMBER_WORDS.test(sentence.text),
          hasDate: /\b(1[89]|20)\d\d\b/.test(sentence.text) || MONTHS.test(sentence.text) || DATE_WORDS.test(sentence.text),
          names: [...sentence.text.matchAll(/(?<=[^.!?]\s)(\p{Lu}[\p{L}'\u2019-]*|\d[\d,.]*)/gu)]
            .map((m) => fold(m[0]).replace(/'s$/, ''))
            .filter((w) => !STOP_WORDS.has(w)),
        });
      }
      for (const t of seen) this.df.set(t, (this.df.get(t) ?? 0) + 1);
      this.passageTerms.set(p.id, seen);
      this.sentences.set(p.id, list);
    }
    for (const [w, [cap, low]] of capitalCounts) if (cap >= 1 && cap >= 3 * low && w.length > 1) this.properNouns.add(w);
    this.maxIdf = Math.log(1 + corpus.passages.length);
    for (const entry of this.surfaces) {
      const list = this.surfacesByInitial.get(entry[0][0]!) ?? [];
      list.push(entry);
      this.surfacesByInitial.set(entry[0][0]!, list);
    }
    for (const term of this.df.keys()) {
      if (!this.undoubledTerms.has(undouble(term))) this.undoubledTerms.set(undouble(term), term);
      if (term.length < 4 || /^\d/.test(term)) continue;
      const key = term.slice(0, 4);
      this.byPrefix.set(key, [...(this.byPrefix.get(key) ?? []), term]);
    }
  }

  /** Loads the reports in `dir` and builds the engine. */
  static async load(dir: string, options?: Partial<EngineOptions>): Promise<Engine> {
    return new Engine(await loadCorpus(dir), options);
  }

  /** Builds the engine over an already loaded corpus. */
  static fromCorpus(corpus: Corpus, options?: Partial<EngineOptions>): Engine {
    return new Engine(corpus, options);
  }

  get documents(): Document[] {
    return this.corpus.documents;
  }

  private idf(term: string): number {
    const df = this.df.get(term) ?? 0;
    return df === 0 ? this.maxIdf : Math.log(1 + this.corpus.passages.length / df);
  }

  /** Counts of the corpus's parts. */
  stats(): CorpusStats {
    const sections = this.corpus.documents.reduce((n, d) => n + d.sections.length, 0);
    const sentences = this.corpus.passages.reduce((n, p) => n + p.sentences.length, 0);
    return { documents: this.corpus.documents.length, sections, passages: this.corpus.passages.length, sentences };
  }

  /** The citation of a passage. Throws {@link InputError} for an unknown id. */
  citation(passageId: string): Citation {
    return this.passage(passageId).citation;
  }

  /**
   * One whole passage. Accepts the full id (`ellis-peru-2/cocaine/4`) or an unambiguous ending of it
   * (`cocaine/4`). Throws {@link InputError} (`PASSAGE_NOT_FOUND`) with a message safe to show.
   */
  passage(id: string): { passage: Passage; citation: Citation } {
    const wanted = cleanQuestion(String(id ?? '')).replace(/^[`"'<]+|[`"'>]+$/g, '').toLowerCase();
    let p = this.corpus.byId.get(wanted);
    if (!p && wanted) {
      const suffix = `/${wanted.replace(/^\/+/, '')}`;
      const matches = this.corpus.passages.filter((x) => x.id.endsWith(suffix));
      if (matches.length === 1) p = matches[0];
    }
    if (!p) {
      const shown = wanted.length > 60 ? `${wanted.slice(0, 60)}…` : wanted;
      throw new InputError(
        wanted
          ? `There is no passage "${shown}". Passage ids look like ${this.corpus.passages[0]?.id ?? 'report/section/1'}; find them with /search.`
          : `Give a passage id such as ${this.corpus.passages[0]?.id ?? 'report/section/1'}; find ids with /search.`,
        'PASSAGE_NOT_FOUND',
      );
    }
    return { passage: p, citation: citationFor(this.corpus, p) };
  }

  /** Turns question words into weighted query terms, correcting typos against the corpus vocabulary. */
  private queryTerms(q: QuestionAnalysis): QueryTerm[] {
    const out: QueryTerm[] = [];
    const byWord = new Map<string, QueryTerm[]>();
    const spanish = looksSpanish(q.text, q.words);
    for (const word of q.words) {
      if ((STOP_WORDS.has(word) && !q.acronyms.includes(word)) || byWord.has(word)) continue;
      const list: QueryTerm[] = [];
      for (const surface of normalizeToken(word)) {
        if (STOP_WORDS.has(surface) && !q.acronyms.includes(surface)) continue;
        let term = stem(surface);
        let known = this.df.has(term);
        if (!known && /^\p{L}{3,}$/u.test(surface)) {
          // "mutch" is a misspelled question word, not content.
          // (Only words of four letters or more: "ley" is not a slip of "let".)
          if (surface.length >= 4 && LONG_STOP_WORDS.some((s) => Math.abs(s.length - surface.length) <= 1 && s[0] === surface[0] && editDistance(s, surface, 1) <= 1)) continue;
          const fixed = spanish ? (this.cognate(surface) ?? this.correct(surface)) : this.correct(surface);
          if (fixed) {
            term = fixed;
            known = true;
          }
        }
        if (out.some((t) => t.term === term)) continue;
        // Names are what a question hinges on; years are not ("the prior year" answers "in 2019").
        const entity = (q.capitalized.includes(surface) || this.properNouns.has(surface)) && !/^\d/.test(surface);
        const qt: QueryTerm = { term, surface, weight: this.idf(term), alternates: [], credits: new Map(), known, entity };
        list.push(qt);
        out.push(qt);
      }
      byWord.set(word, list);
    }
    for (const { matched, terms } of this.aliases.expand(q.words)) {
      const targets = matched.flatMap((w) => byWord.get(w) ?? []);
      for (const t of targets) {
        if (terms.length === 1 && terms[0] === t.term) continue;
        t.alternates.push(terms);
        if (terms.every((x) => this.df.has(x))) t.known = true;
      }
    }
    // In a Spanish question, a word the report never writes but the glossary translates ("policías")
    // stands for its translation, not for whatever its stem happens to match ("polici", as in
    // policies). (An English inflection such as "cultivated" keeps its own stem.)
    for (const t of out) {
      if (!spanish || this.surfaces.has(t.surface)) continue;
      const translation = t.alternates.find((alt) => alt.length === 1 && this.df.has(alt[0]!));
      if (!translation) continue;
      t.term = translation[0]!;
      t.weight = this.idf(t.term);
      t.known = true;
      t.alternates = t.alternates.filter((alt) => alt !== translation);
    }
    // An unknown word weighs as a rare one: a question about something the report never names
    // (GDP, pizza) is mostly unanswered.
    for (const t of out) {
      if (!t.known) t.weight = 0.8 * this.maxIdf;
      this.fillCredits(t);
    }
    return out;
  }

  /** Finds, once per question, the corpus terms that partly match a query term (see `credits`). */
  private fillCredits(t: QueryTerm): void {
    for (const alt of t.alternates) {
      if (alt.length === 1 && alt[0] !== t.term && (t.credits.get(alt[0]!) ?? 0) < 0.9) t.credits.set(alt[0]!, 0.9);
    }
    for (const [x, c] of this.familyOf(t.term, t.entity)) if ((t.credits.get(x) ?? 0) < c) t.credits.set(x, c);
  }

  /** Corpus terms of the same word family (and demonyms, for names), with their credit. Memoized. */
  private familyOf(term: string, entity: boolean): ReadonlyArray<readonly [string, number]> {
    const key = `${entity ? 'E' : 'w'}${term}`;
    let family = this.families.get(key);
    if (family) return family;
    const found: Array<readonly [string, number]> = [];
    if (term.length >= 4 && !/^\d/.test(term)) {
      for (const x of this.byPrefix.get(term.slice(0, 4)) ?? []) {
        if (x === term) continue;
        // A demonym extends a name by a short ending of letters (peru/peruvian), not by anything (perusat1).
        const [short, long] = x.length < term.length ? [x, term] : [term, x];
        // Mexico/Mexican, China/Chinese: the name less its last letter, then a demonym ending.
        const demonym =
          entity &&
          (long.startsWith(short)
            ? /^\p{L}{1,4}$/u.test(long.slice(short.length))
            : short.length >= 5 && long.startsWith(short.slice(0, -1)) && /^(an|ans|ian|ians|ean|eans|ese|ish|i|is)$/.test(long.slice(short.length - 1)));
        if (demonym) found.push([x, 0.9]);
        else if (related(term, x)) found.push([x, 0.8]);
      }
    }
    family = found;
    if (this.families.size > 20_000) this.families.clear();
    this.families.set(key, family);
    return family;
  }

  /** The corpus term an English cognate of a Spanish word would have ("comités" → committe), if any. */
  private cognate(surface: string): string | null {
    // The word itself and whole-word cognates, with doubled letters written once ("comite" =
    // "committe(e)"), then the stems of all candidates, matched exactly.
    for (const candidate of [surface, ...wholeWordCognates(surface)]) {
      const whole = this.undoubledTerms.get(undouble(candidate)) ?? this.undoubledTerms.get(undouble(stem(candidate)));
      if (whole && Math.abs(whole.length - candidate.length) <= 3) return whole;
    }
    for (const candidate of spanishCognates(surface)) {
      const term = stem(candidate);
      if (this.df.has(term)) return term;
    }
    return null;
  }

  /** The corpus word closest to a misspelled one (1 edit for short words, 2 for long), if any. */
  private correct(surface: string): string | null {
    const max = surface.length >= 8 ? 2 : surface.length >= 4 ? 1 : 0;
    if (max === 0) return null;
    let best: { term: string; d: number; count: number } | null = null;
    const mask = letterMask(surface);
    // Typos rarely touch the first letter; "exchange" is not a misspelled "change".
    for (const [w, { term, count }] of this.surfacesByInitial.get(surface[0]!) ?? []) {
      if (Math.abs(w.length - surface.length) > max) continue;
      // Each letter one word has and the other lacks needs an edit: a cheap bound before the table.
      const m = letterMask(w);
      if (popcount(m & ~mask) > max || popcount(mask & ~m) > max) continue;
      const d = editDistance(w, surface, max);
      if (d > max) continue;
      if (!best || d < best.d || (d === best.d && count > best.count)) best = { term, d, count };
    }
    return best?.term ?? null;
  }

  /** How well a set of terms covers one query term: 1 exact, else the best credit present. */
  private match(t: QueryTerm, terms: Set<string>): number {
    if (terms.has(t.term)) return 1;
    let best = 0;
    if (t.credits.size) for (const [x, c] of t.credits) if (c > best && terms.has(x)) best = c;
    if (best < 0.9 && t.alternates.length) for (const alt of t.alternates) if (alt.length > 1 && alt.every((a) => terms.has(a))) return 0.9;
    return best;
  }

  /** True when one word's term matches any query term (for highlighting). */
  private matchesAny(qts: QueryTerm[], term: string): boolean {
    return qts.some((t) => t.term === term || t.credits.has(term) || t.alternates.some((alt) => alt.length > 1 && alt.includes(term)));
  }

  private coverage(qts: QueryTerm[], terms: Set<string>): number {
    const total = qts.reduce((n, t) => n + t.weight, 0);
    if (total === 0) return 0;
    return qts.reduce((n, t) => n + t.weight * this.match(t, terms), 0) / total;
  }

  /**
   * Passages for the question from MiniSearch. Every term costs a look-up, so the query holds the
   * question's own terms, and aliases and word families only for words the corpus does not use
   * itself ("Sendero Luminoso", "cops"); sentence scoring weighs all of them afterwards.
   */
  private retrieve(qts: QueryTerm[], limit: number): Array<{ passage: Passage; score: number }> {
    const boosts = new Map<string, number>();
    const add = (term: string, boost: number) => boosts.set(term, Math.max(boosts.get(term) ?? 0, boost));
    // A word in most passages ("Peru" here) hardly moves the ranking but costs the longest postings
    // walk: leave it to sentence scoring, unless the question has nothing rarer.
    const common = Math.max(10, this.corpus.passages.length * 0.4);
    const hasRare = qts.some((t) => (this.df.get(t.term) ?? 0) > 0 && this.df.get(t.term)! <= common);
    for (const t of qts) {
      if (this.df.has(t.term)) {
        if (!hasRare || this.df.get(t.term)! <= common) add(t.term, 1);
        // An acronym or an alias can name the same thing in passages that never use the question's
        // words ("Itinerant Social Action" → the paragraph that only says "PIAS", and back). The
        // first two aliases are enough, and their common words add nothing.
        for (const alt of t.alternates.slice(0, 2)) {
          for (const a of alt) if ((this.df.get(a) ?? common + 1) <= common) add(a, 0.7 / alt.length);
        }
        continue;
      }
      for (const alt of t.alternates) for (const a of alt) if (this.df.has(a)) add(a, 0.7 / alt.length);
      for (const [x, credit] of t.credits) if (this.df.has(x)) add(x, 0.6 * credit);
    }
    if (boosts.size === 0) return [];
    const results = this.index.search([...boosts.keys()].join(' '), {
      ...QUERY_OPTIONS,
      // With one report every passage shares its title, which then only costs time.
      ...(this.corpus.documents.length === 1 ? { fields: ['text', 'section'] } : {}),
      boostTerm: (term: string) => boosts.get(term) ?? 1,
    });
    return results
      .map((r) => ({ passage: this.corpus.byId.get(String(r.id))!, score: r.score }))
      .sort((a, b) => b.score - a.score || a.passage.order - b.passage.order)
      .slice(0, limit);
  }

  /** Offsets (relative to `start`) of words in [start, end) of a passage that match the query. */
  private highlightsIn(p: Passage, start: number, end: number, qts: QueryTerm[]): Span[] {
    const spans: Span[] = [];
    for (const s of this.sentences.get(p.id) ?? []) {
      if (s.sentence.end <= start || s.sentence.start >= end) continue;
      for (const tok of s.tokens) {
        const absStart = s.sentence.start + tok.start;
        const absEnd = s.sentence.start + tok.end;
        if (absStart < start || absEnd > end) continue;
        if (this.matchesAny(qts, tok.term)) {
          const last = spans[spans.length - 1];
          const rel = { start: absStart - start, end: absEnd - start };
          if (!last || last.end < rel.start) spans.push(rel);
          else if (last.end < rel.end) last.end = rel.end;
        }
      }
    }
    return spans;
  }

  private excerpt(p: Passage, start: number, end: number, qts: QueryTerm[]): Excerpt {
    const doc = this.corpus.documentsById.get(p.documentId)!;
    return {
      text: doc.source.slice(start, end),
      passageId: p.id,
      documentId: p.documentId,
      start,
      end,
      highlights: this.highlightsIn(p, start, end, qts),
      citation: citationFor(this.corpus, p),
    };
  }

  private ranked(p: Passage, score: number, qts: QueryTerm[]): RankedPassage {
    const ranked = {
      passageId: p.id,
      section: p.sectionTitle,
      text: p.text,
      score: Math.round(score * 1000) / 1000,
      citation: citationFor(this.corpus, p),
    } as RankedPassage;
    // Highlights of a whole passage are only read when it is shown (abstentions, search results):
    // computed on first access, then kept.
    let highlights: Span[] | undefined;
    Object.defineProperty(ranked, 'highlights', {
      enumerable: true,
      get: () => (highlights ??= this.highlightsIn(p, p.start, p.end, qts)),
    });
    return ranked;
  }

  /** Terms of a passage's section title: a sentence in "Shining Path" is about the Shining Path. */
  private sectionTerms(p: Passage): Set<string> {
    const key = `${p.documentId}/${p.sectionId}`;
    let terms = this.sectionTermCache.get(key);
    if (!terms) {
      terms = new Set(tokenize(p.sectionTitle).map((t) => t.term));
      this.sectionTermCache.set(key, terms);
    }
    return terms;
  }

  /**
   * Coverage of the question by a sentence, with the passage's section title as weaker context
   * (credit 0.8) for words the sentence itself lacks.
   */
  private sentenceCoverage(qts: QueryTerm[], terms: Set<string>, section: Set<string>): number {
    const total = qts.reduce((n, t) => n + t.weight, 0);
    if (total === 0) return 0;
    return qts.reduce((n, t) => n + t.weight * Math.max(this.match(t, terms), 0.8 * this.match(t, section)), 0) / total;
  }

  /** Rare names of the question that `terms` fail to mention. */
  private missingEntities(qts: QueryTerm[], terms: Set<string>): QueryTerm[] {
    const rare = this.corpus.passages.length * 0.3;
    return qts.filter((t) => t.entity && t.known && (this.df.get(t.term) ?? 0) < rare && this.match(t, terms) === 0);
  }

  /** True when the sentence names something (a capitalized word, acronym or figure) the question does not. */
  private namesSomethingNew(s: IndexedSentence, q: QuestionAnalysis): boolean {
    return s.names.some((w) => !/^\d/.test(w) && !q.words.includes(w));
  }

  /** Scores every sentence of the candidate passages for the question. */
  private scoreSentences(q: QuestionAnalysis, qts: QueryTerm[], candidates: Array<{ passage: Passage; score: number }>): ScoredSentence[] {
    const top = candidates[0]?.score ?? 1;
    const subjectAcronym = q.subject ? this.aliases.acronyms.get(q.subject.replace(/[?.!]$/, '')) : undefined;
    const subjectTerms = q.subject ? q.subject.split(' ').flatMap(toTerms) : [];
    const scored: ScoredSentence[] = [];
    for (const { passage, score } of candidates) {
      const list = this.sentences.get(passage.id) ?? [];
      const section = this.sectionTerms(passage);
      const passageTerms = this.passageTerms.get(passage.id)!;
      const passageCoverage = this.sentenceCoverage(qts, passageTerms, section);
      list.forEach((s, i) => {
        const coverage = this.sentenceCoverage(qts, s.terms, section);
        let value = 0.62 * coverage + 0.13 * passageCoverage + 0.15 * (score / top);
        if (q.kind === 'number') value += s.hasNumber ? 0.12 : -0.15;
        // "How long is the border": a figure in kilometers beats any other figure.
        if (q.units && s.hasNumber && q.units.test(s.sentence.text)) value += 0.08;
        if (q.kind === 'date') value += s.hasDate ? 0.1 : -0.05;
        if ((q.kind === 'name' || q.kind === 'person' || q.kind === 'place') && this.namesSomethingNew(s, q)) value += 0.1;
        if (q.kind === 'reason' && CAUSAL.test(s.sentence.text)) value += 0.08;
        if (q.kind === 'definition') {
          if (subjectAcronym?.some((a) => a.start >= s.sentence.start && a.end <= s.sentence.end)) value += 0.3;
          // The first mention of a subject usually introduces it.
          if (subjectTerms.length && subjectTerms.every((t) => s.terms.has(t)) && this.isFirstMention(s, subjectTerms)) value += 0.08;
        }
        // A name the question hinges on must be in the sentence or the one before it ("… there").
        const prev = list[i - 1];
        if (this.missingEntities(qts, s.terms).some((t) => !prev || this.match(t, prev.terms) === 0)) value -= 0.25;
        if (!s.sentence.complete) value -= 0.04;
        // A picture caption describes an image, not the report's finding: prefer the prose.
        if (CAPTION.test(s.sentence.text)) value -= 0.08;
        if (s.sentence.text.length < 40) value -= 0.05;
        scored.push({ s, score: value, coverage });
      });
    }
    return scored.sort((a, b) => b.score - a.score || a.s.passage.order - b.s.passage.order || a.s.sentence.index - b.s.sentence.index);
  }

  private isFirstMention(s: IndexedSentence, terms: string[]): boolean {
    const key = `${s.passage.documentId}|${terms.join(' ')}`;
    if (!this.firstMentions.has(key)) {
      let first: IndexedSentence | null = null;
      for (const p of this.corpus.passages) {
        if (p.documentId !== s.passage.documentId) continue;
        first = (this.sentences.get(p.id) ?? []).find((other) => !CAPTION.test(other.sentence.text) && terms.every((t) => other.terms.has(t))) ?? null;
        if (first) break;
      }
      // Bounded: questions are open-ended, the cache must not grow with them.
      if (this.firstMentions.size > 2000) this.firstMentions.clear();
      this.firstMentions.set(key, first);
    }
    return this.firstMentions.get(key) === s;
  }

  /**
   * Grows the best sentence into an excerpt of up to three sentences: the sentence before when the
   * best one refers back ("This…", "there") or lacks a name the question asks about; the sentence
   * after when it carries question words the best one lacks, or the figure a "how many" wants.
   */
  private grow(best: IndexedSentence, q: QuestionAnalysis, qts: QueryTerm[]): [number, number] {
    const list = this.sentences.get(best.passage.id)!;
    let first = best.sentence.index;
    let last = first;
    const fits = (a: number, b: number) =>
      list[b]!.sentence.end - list[a]!.sentence.start <= this.options.maxExcerptChars && b - a + 1 <= this.options.maxExcerptSentences;
    const termsOf = (a: number, b: number) => new Set(list.slice(a, b + 1).flatMap((s) => [...s.terms]));
    const prev = list[first - 1];
    if (prev && fits(first - 1, last)) {
      const refersBack = PRONOUN_START.test(best.sentence.text) || /\b(there|then)\b/i.test(best.sentence.text.slice(0, 80));
      const suppliesEntity = this.missingEntities(qts, best.terms).some((t) => this.match(t, prev.terms) > 0);
      if (refersBack || suppliesEntity) first--;
    }
    const next = list[last + 1];
    if (next && fits(first, last + 1)) {
      const before = this.coverage(qts, termsOf(first, last));
      const gain = this.coverage(qts, termsOf(first, last + 1)) - before;
      const needsFigure = q.kind === 'number' && !list.slice(first, last + 1).some((s) => s.hasNumber) && next.hasNumber;
      if (needsFigure || gain >= 0.1 || best.sentence.text.length < 60) last++;
    }
    return [list[first]!.sentence.start, list[last]!.sentence.end];
  }

  /** Cuts a single over-long sentence to the clause window around its matches, within the limit. */
  private clip(p: Passage, start: number, end: number, qts: QueryTerm[], max = this.options.maxExcerptChars): [number, number] {
    if (end - start <= max) return [start, end];
    const doc = this.corpus.documentsById.get(p.documentId)!;
    const text = doc.source.slice(start, end);
    const hits = this.highlightsIn(p, start, end, qts);
    const center = hits.length ? (hits[0]!.start + hits[hits.length - 1]!.end) / 2 : 0;
    let a = Math.max(0, Math.round(center - max / 2));
    let b = Math.min(text.length, a + max);
    a = Math.max(0, b - max);
    // Snap inward to word boundaries so no word is cut — unless the window holds no space at all
    // (one enormous token), where a hard cut is the only verbatim slice there is.
    const a2 = a > 0 ? text.indexOf(' ', a) + 1 : 0;
    const b2 = b < text.length ? text.lastIndexOf(' ', b) : b;
    if (a2 > 0 && a2 < b) a = a2;
    if (b2 > a) b = b2;
    return [start + a, start + Math.max(a + 1, b)];
  }

  /**
   * "Who wrote this?": the report's own sentence about its author ("Evan Ellis is a …"), from the
   * first report that has one. Null when no report introduces its author, so the question takes the
   * ordinary path (and most likely an honest abstention).
   */
  private authorAnswer(q: QuestionAnalysis): Answer | null {
    for (const doc of this.corpus.documents) {
      if (!doc.author) continue;
      for (const section of doc.sections) {
        for (const p of section.passages) {
          const s = p.sentences.find((x) => x.complete && x.text.startsWith(`${doc.author} `));
          if (!s) continue;
          const excerpt: Excerpt = {
            text: s.text,
            passageId: p.id,
            documentId: doc.id,
            start: s.start,
            end: s.end,
            highlights: [{ start: 0, end: doc.author.length }],
            citation: citationFor(this.corpus, p),
          };
          return { question: q.text, answered: true, confidence: 0.95, answer: excerpt, passages: [this.ranked(p, 1, [])] };
        }
      }
    }
    return null;
  }

  /** Answers a question with a verbatim, cited excerpt — or abstains with the closest passages. */
  answer(question: string): Answer {
    const raw = cleanQuestion(String(question ?? '')).slice(0, this.options.maxQuestionChars);
    const q = analyzeQuestion(raw);
    const abstain = (reason: Answer['reason'], passages: RankedPassage[] = [], confidence = 0): Answer => ({
      question: q.text,
      answered: false,
      confidence: Math.round(confidence * 100) / 100,
      answer: null,
      passages,
      reason,
    });
    if (q.meta === 'author') {
      const meta = this.authorAnswer(q);
      if (meta) return meta;
    }
    const qts = this.queryTerms(q);
    if (qts.length === 0) return abstain('empty');
    const candidates = this.retrieve(qts, this.options.candidatePassages);
    if (candidates.length === 0) return abstain('no-match');
    const closest = candidates.slice(0, 3).map((c) => this.ranked(c.passage, c.score, qts));
    const scored = this.scoreSentences(q, qts, candidates);
    let best = scored[0];
    // A "how many" question wants a figure: prefer the best sentence that has one.
    if (q.kind === 'number' && best && !best.s.hasNumber) {
      const withFigure = scored.find((x) => x.s.hasNumber && x.coverage >= best!.coverage * 0.7);
      if (withFigure) best = withFigure;
    }
    if (!best) return abstain('no-match', closest);
    let [start, end] = this.grow(best.s, q, qts);
    [start, end] = this.clip(best.s.passage, start, end, qts);
    const excerpt = this.excerpt(best.s.passage, start, end, qts);
    const list = this.sentences.get(best.s.passage.id) ?? [];
    const inRange = list.filter((s) => s.sentence.end > start && s.sentence.start < end);
    const excerptTerms = new Set(inRange.flatMap((s) => [...s.terms]));
    // The answer's core: the best sentence and what leads up to it (a sentence appended after it may
    // add detail, but cannot supply the thing the question is about).
    const coreTerms = new Set(inRange.filter((s) => s.sentence.start <= best.s.sentence.start).flatMap((s) => [...s.terms]));
    const passageTerms = this.passageTerms.get(best.s.passage.id)!;
    const section = this.sectionTerms(best.s.passage);
    const inExcerpt = this.sentenceCoverage(qts, excerptTerms, section);
    const inPassage = this.sentenceCoverage(qts, passageTerms, section);
    let confidence = 0.7 * inExcerpt + 0.3 * inPassage;
    if (q.kind === 'date' && !/\b(1[89]|20)\d\d\b/.test(excerpt.text) && !MONTHS.test(excerpt.text)) confidence -= 0.1;
    // A year the question names but the passage never mentions weakens the answer.
    if (q.years.some((y) => !passageTerms.has(y))) confidence -= 0.15;
    confidence = Math.max(0, Math.min(1, confidence));
    const coreAndSection = new Set([...coreTerms, ...section]);
    // A name may also come from the sentence just before the excerpt when that one was too long to
    // include: "… a Navy program, Platforms for Itinerant Social Action (PIAS) …" then "The Navy
    // program … pay for part of platform operation costs".
    const before = list.find((s) => s.sentence.index === (inRange[0]?.sentence.index ?? 0) - 1);
    const withLeadIn = before ? new Set([...coreAndSection, ...before.terms]) : coreAndSection;
    // A name in the question the report never uses at all ("China", "GDP") cannot be answered.
    const unknownName = qts.some((t) => !t.known && q.capitalized.includes(t.surface));
    if (unknownName || this.missingEntities(qts, withLeadIn).length) return abstain('missing-entity', closest, confidence);
    if (q.kind === 'number') {
      // The figure must be new: "per 100,000 people in 2021" repeats the question's own numbers.
      const figures = [...excerpt.text.matchAll(/\d[\d,.]*\d|\d/g)].map((m) => m[0].replace(/,/g, ''));
      const asked = new Set([...q.text.matchAll(/\d[\d,.]*\d|\d/g)].map((m) => m[0].replace(/,/g, '')));
      const newFigure = figures.some((f) => !asked.has(f) && !/^(1[89]|20)\d\d$/.test(f)) || NUMBER_WORDS.test(excerpt.text);
      // And it must count the thing asked about ("tons of gold", not tons of cocaine).
      const focusTerms = qts.filter((t) => q.focus.some((w) => !GENERIC_COUNTERS.has(w) && normalizeToken(w).some((n) => stem(n) === t.term || n === t.surface)));
      const focusMissing = focusTerms.some((t) => this.match(t, coreAndSection) === 0);
      if (!newFigure || focusMissing) return abstain('wrong-kind', closest, confidence);
      // The passage gives a figure for the year asked, but not in the sentence that holds this one
      // (hectares for 2020 beside tons for 2021): the figure answers another year.
      if (q.years.some((y) => passageTerms.has(y) && !coreTerms.has(y))) return abstain('missing-entity', closest, confidence);
    }
    if (confidence < this.options.minConfidence) return abstain('not-covered', closest, confidence);
    return { question: q.text, answered: true, confidence: Math.round(confidence * 100) / 100, answer: excerpt, passages: closest };
  }

  /** Ranked passages for lookup terms, each with a short highlighted snippet. */
  search(terms: string, opts: { limit?: number; offset?: number; section?: string; exclude?: string | null } = {}): SearchHit[] {
    const limit = Number.isFinite(opts.limit) ? Math.max(1, Math.min(Math.floor(opts.limit!), 25)) : 5;
    const offset = Number.isFinite(opts.offset) ? Math.max(0, Math.floor(opts.offset!)) : 0;
    const q = analyzeQuestion(cleanQuestion(String(terms ?? '')).slice(0, this.options.maxQuestionChars));
    const qts = this.queryTerms(q);
    if (qts.length === 0) return [];
    let results = this.retrieve(qts, this.corpus.passages.length);
    if (opts.section) {
      const wanted = fold(opts.section);
      results = results.filter((r) => fold(r.passage.sectionTitle) === wanted || r.passage.sectionId === wanted);
    }
    // "More results" after an answer leaves out the passage already shown.
    if (opts.exclude) results = results.filter((r) => r.passage.id !== opts.exclude);
    return results.slice(offset, offset + limit).map(({ passage, score }) => {
      const scored = this.scoreSentences(q, qts, [{ passage, score }]);
      const best = scored[0]!.s;
      const [a, b] = this.clip(passage, best.sentence.start, best.sentence.end, qts, 300);
      return { ...this.ranked(passage, score, qts), snippet: this.excerpt(passage, a, b, qts) };
    });
  }

}
