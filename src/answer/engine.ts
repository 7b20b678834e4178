/**
 * The answer engine: a pipeline of small stages, each in its own module —
 *   question analysis (`question.ts`) → query terms (`query.ts`) → candidate retrieval
 *   (`retrieve.ts`) → candidate features (`features.ts`) → scoring (`model.ts`) → excerpt
 *   (`excerpt.ts`) → decision (`decide.ts`)
 * — plus answers about the documents themselves (`meta.ts`). This class builds the per-corpus data
 * once and wires the stages. Platform-neutral and deterministic: the same question on the same corpus
 * gives the same answer (ties broken by passage order).
 */
import type MiniSearch from 'minisearch';
import { neighbourInSection, runsOnInto, sentencesOf } from '../corpus/passage.ts';
import type { Corpus, Document, Passage, Sentence } from '../corpus/types.ts';
import { loadCorpus } from '../corpus/load.ts';
import { InputError } from '../errors.ts';
import { defined } from '../checked.ts';
import { DEFAULT_MAX_QUESTION_CHARS } from '../limits.ts';
import { AliasTable, learnAcronyms, type Acronym } from '../search/aliases.ts';
import { tokenize, toTerms, type Token } from '../search/analyze.ts';
import { fold } from '../search/fold.ts';
import { indexBuilder, textTermTest, type IndexedPassage } from '../search/index.ts';
import { PackedSearch } from '../search/score.ts';
import { Vocabulary, defaultVocabularyOptions, type MatchType, type VocabularyOptions } from '../search/vocabulary.ts';
import { citationFor } from './citation.ts';
import { confidenceFeatures, decide, type DecisionOptions } from './decide.ts';
import { clip, excerptOf, highlightsIn } from './excerpt.ts';
import { candidates as candidateWindows, citedPassage, type Candidate, type PassageInput } from './features.ts';
import { metaAnswer } from './meta.ts';
import { readFollowUp, type Turn } from './follow-up.ts';
import { Model, fittedWeights, type ModelWeights } from './model.ts';
import { analyzeQuestion, cleanQuestion, type QuestionAnalysis } from './question.ts';
import { queryTerms, type QueryOptions, type QueryTerm } from './query.ts';
import { retrieve, type RetrievalOptions } from './retrieve.ts';
import { indexSentence, type IndexedSentence } from './sentence-index.ts';
import { SentenceCache } from './sentence-cache.ts';
import type { Answer, Citation, CorpusStats, RankedPassage, SearchHit } from './types.ts';
import { SentenceEncoder, decodeSnapshot, encodeSnapshot, type SentenceSource } from './snapshot.ts';

/** What a snapshot gives the constructor in place of building. */
interface Prebuilt {
  index: MiniSearch<IndexedPassage>;
  acronyms: Acronym[];
  vocabulary: Vocabulary;
  /** Each passage's indexed sentences, read from the snapshot as they are first asked for. */
  sentences: SentenceSource;
}

/** Every setting of the answer pipeline. */
export interface EngineOptions {
  /** Passages whose sentences become candidate answers. */
  candidatePassages: number;
  /**
   * The opening sentences of the passage after each of them (same section, not itself retrieved) are
   * candidates too, with the retrieved passage's last sentence as their lead-in: an answer often
   * follows the paragraph that names its subject. Over eight fold seeds it raised hit@1 and right
   * decisions on the development sets (see the README).
   */
  followingPassages: boolean;
  /** Longest excerpt, in characters. */
  maxExcerptChars: number;
  /** Most sentences in an excerpt. */
  maxExcerptSentences: number;
  /** Longest search snippet, in characters. */
  maxSnippetChars: number;
  /** Longest question analyzed (longer input is cut, not rejected: adapters refuse it first, at `MAX_QUESTION_CHARS`). */
  maxQuestionChars: number;
  /** Query-term settings (the weight of unknown words). */
  query: QueryOptions;
  /** Retrieval settings (stand-in boosts, how many, common words). */
  retrieval: RetrievalOptions;
  /** Soft matching settings (typo edits, WordNet). */
  vocabulary: VocabularyOptions;
  /**
   * The ways of matching a question word that the candidate features count. WordNet's relations
   * (synonym, derived, broader) widen retrieval in any case; counted in the features as well, they
   * cost right decisions on the development sets (see the README), so by default they are not.
   */
  featureMatchTypes: MatchType[];
  /**
   * Windows that run across the boundary of two passages in a row, both among the candidates' (the
   * closing sentences of the one, the opening sentences of the other): a chunk boundary often falls
   * between the sentence that names what the question asks about and the one that answers it. Cited
   * to the passage the window starts in, with the next paragraph's number (`¶4–5`).
   */
  crossingWindows: boolean;
  /** Decision settings (when an abstention says "not covered" rather than "unclear"). */
  decision: DecisionOptions;
  /** The fitted weights and threshold (`src/answer/weights.json`, written by `npm run fit`). */
  weights: ModelWeights;
  /** Confidence given to answers about the documents' metadata, which are read, not inferred. */
  metaConfidence: number;
  /**
   * Most passages whose indexed sentences are kept in memory (least recently used dropped, made again
   * from the passage's text when next needed: the same sentences, so the same answers). A corpus of
   * no more passages keeps them all from the build on; a larger one makes them on first use.
   */
  sentenceCachePassages: number;
}

export const defaultEngineOptions: EngineOptions = {
  candidatePassages: 8,
  followingPassages: true,
  maxExcerptChars: 500,
  maxExcerptSentences: 3,
  maxSnippetChars: 300,
  maxQuestionChars: DEFAULT_MAX_QUESTION_CHARS,
  query: { unknownWeight: 0.8 },
  retrieval: { boosts: { alias: 0.7, family: 0.5, synonym: 0.4, derived: 0.4, broader: 0.2 }, maxStandIns: 6, commonShare: 0.4 },
  vocabulary: defaultVocabularyOptions,
  featureMatchTypes: ['exact', 'alias', 'family'],
  crossingWindows: true,
  decision: { closeConfidence: 0.15, closeCoverage: 0.6 },
  weights: fittedWeights,
  metaConfidence: 0.95,
  sentenceCachePassages: 4096,
};

/** Everything the pipeline worked out for one question, before the decision (for fitting and `explain`). */
export interface Analysis {
  q: QuestionAnalysis;
  qts: QueryTerm[];
  candidates: Candidate[];
}

export class Engine {
  readonly corpus: Corpus;
  readonly options: EngineOptions;
  readonly acronyms: Acronym[];
  readonly vocabulary: Vocabulary;
  /** When this engine was built over its corpus (what `/reports` calls "loaded"). */
  readonly loadedAt = new Date();
  private readonly model: Model;
  private readonly index: MiniSearch<IndexedPassage>;
  private readonly aliases: AliasTable;
  /**
   * Each passage's indexed sentences, in a bounded cache: made from the passage's text (built) or from
   * the snapshot's integers (cached engine) when first asked for, or after being dropped.
   */
  private readonly sentences: SentenceCache;
  /** Per document and section: the terms of the section title and (with several documents) the document title. */
  private readonly contextTerms = new Map<string, Map<string, Set<string>>>();
  private readonly documentTerms = new Map<string, Set<string>>();
  /** A document's first mention of some terms: the passage and the sentence's index in it. */
  private readonly firstMentions = new Map<string, { passageId: string; index: number } | null>();
  /** Whether a passage's text has a term, from MiniSearch's postings (false: this MiniSearch cannot tell, search instead). */
  private hasTextTerm: ((passageId: string, term: string) => boolean) | false | undefined;
  /** Retrieval scored from the packed postings, made on first use (null: this index is not packed, MiniSearch searches). */
  private packed: PackedSearch | null | undefined;
  private readonly matchTypes: ReadonlySet<MatchType>;

  private constructor(corpus: Corpus, options: Partial<EngineOptions> = {}, prebuilt?: Prebuilt, encoder?: SentenceEncoder) {
    this.corpus = corpus;
    this.options = { ...defaultEngineOptions, ...options };
    this.model = new Model(this.options.weights);
    this.matchTypes = new Set(this.options.featureMatchTypes);
    const bound = this.options.sentenceCachePassages;
    if (prebuilt) {
      // From the index cache: what the build below would make, read back (see `snapshot.ts`).
      this.index = prebuilt.index;
      this.acronyms = prebuilt.acronyms;
      this.vocabulary = prebuilt.vocabulary;
      const source = prebuilt.sentences;
      corpus.passages.forEach((p, pi) => {
        const terms = this.termsOfDocument(p.documentId);
        // The terms in token order, as the build adds them below: the same sets, in the same order.
        source.forEachTerm(pi, (t) => terms.add(t));
      });
      // A corpus that fits the cache makes its sentences from the snapshot's integers (microseconds); a
      // larger one, as a built engine does, from the text, and lets those integers go (12 bytes a word).
      if (corpus.passages.length <= bound) this.sentences = new SentenceCache(bound, (id) => source.make(id));
      else {
        source.release();
        this.sentences = new SentenceCache(bound, (id) => fromText(corpus, id));
      }
    } else {
      // Each passage is tokenized once and its tokens handed to MiniSearch, the vocabulary's counts
      // and the document's terms, then let go: only a corpus that fits the sentence cache keeps its
      // indexed sentences from here; a larger one makes them again from the text on first use.
      this.sentences = new SentenceCache(bound, (id) => fromText(corpus, id));
      const keep = corpus.passages.length <= bound;
      const index = indexBuilder(corpus);
      const vocabulary = Vocabulary.counting(corpus, this.options.vocabulary);
      for (const p of corpus.passages) {
        const sentences = sentencesOf(p);
        const tokens = sentences.map((x) => tokenize(x.text));
        const terms = tokens.flatMap((ts) => ts.map((t) => t.term));
        index.add(p, terms);
        vocabulary.add(p, tokens, sentences);
        const docTerms = this.termsOfDocument(p.documentId);
        for (const t of terms) docTerms.add(t);
        if (keep || encoder) {
          const list = indexSentences(p, sentences, tokens);
          if (keep) this.sentences.put(p.id, list);
          // For a snapshot right after the build: encoded now, not made again from the text.
          encoder?.add(list);
        }
      }
      this.index = index.done();
      this.acronyms = learnAcronyms(corpus);
      this.vocabulary = vocabulary.done();
    }
    this.aliases = new AliasTable(this.acronyms, corpus.glossary);
    const several = corpus.documents.length > 1;
    const titleTerms = new Map(corpus.documents.map((d) => [d.id, several ? toTermSet(d.title) : new Set<string>()]));
    for (const p of corpus.passages) {
      let sections = this.contextTerms.get(p.documentId);
      if (!sections) this.contextTerms.set(p.documentId, (sections = new Map()));
      if (!sections.has(p.sectionId)) sections.set(p.sectionId, new Set([...toTermSet(p.sectionTitle), ...(titleTerms.get(p.documentId) ?? [])]));
    }
  }

  /** The terms of a passage's section title and document title (see `contextTerms`). */
  private contextOf(p: Passage): Set<string> {
    return this.contextTerms.get(p.documentId)?.get(p.sectionId) ?? new Set();
  }

  /** The set of a document's terms, made empty on first use. */
  private termsOfDocument(documentId: string): Set<string> {
    let terms = this.documentTerms.get(documentId);
    if (!terms) this.documentTerms.set(documentId, (terms = new Set()));
    return terms;
  }

  /** Loads the reports in `dir` and builds the engine. */
  static async load(dir: string, options?: Partial<EngineOptions>): Promise<Engine> {
    return new Engine(await loadCorpus(dir), options);
  }

  /** Builds the engine over an already loaded corpus. */
  static fromCorpus(corpus: Corpus, options?: Partial<EngineOptions>): Engine {
    return new Engine(corpus, options);
  }

  /**
   * Builds the engine and its snapshot ({@link toSnapshot}'s bytes) in one pass, for the index cache and
   * the build worker: each passage's sentences are encoded as the build makes them, where a snapshot
   * afterwards would make those of a corpus larger than the sentence cache again from the text.
   */
  static fromCorpusWithSnapshot(corpus: Corpus, options?: Partial<EngineOptions>): { engine: Engine; snapshot: Buffer } {
    const encoder = new SentenceEncoder();
    const engine = new Engine(corpus, options, undefined, encoder);
    return { engine, snapshot: engine.encode(encoder) };
  }

  /**
   * The engine as bytes for the index cache: the corpus and everything the build made from it (the
   * MiniSearch index, the indexed sentences, the vocabulary's counts, the acronyms). The options are not
   * in it: the cache key holds them, and {@link Engine.fromSnapshot} is given them again.
   */
  toSnapshot(): Buffer {
    return this.encode();
  }

  private encode(encoded?: SentenceEncoder): Buffer {
    return encodeSnapshot({
      corpus: this.corpus,
      index: this.index,
      acronyms: this.acronyms,
      vocabulary: this.vocabulary.snapshot(),
      // Every passage's sentences, a passage at a time and without filling the cache with them (a large
      // corpus makes most again): never all of them in memory at once.
      sentences:
        encoded ??
        (function* (cache: SentenceCache, passages: Passage[]) {
          for (const p of passages) yield cache.peekOrMake(p.id) ?? [];
        })(this.sentences, this.corpus.passages),
    });
  }

  /** The engine a snapshot holds. Throws when the bytes are not a whole snapshot of this format. */
  static fromSnapshot(bytes: Buffer, options: Partial<EngineOptions> = {}): Engine {
    const merged = { ...defaultEngineOptions, ...options };
    const d = decodeSnapshot(bytes);
    return new Engine(d.corpus, options, {
      index: d.index,
      acronyms: d.acronyms,
      vocabulary: Vocabulary.restore(d.corpus, d.vocabulary, merged.vocabulary),
      sentences: d.sentences,
    });
  }

  get documents(): Document[] {
    return this.corpus.documents;
  }

  /** Counts of the corpus's parts. */
  stats(): CorpusStats {
    const sections = this.corpus.documents.reduce((n, d) => n + d.sections.length, 0);
    const sentences = this.corpus.passages.reduce((n, p) => n + p.sentenceCount, 0);
    return { documents: this.corpus.documents.length, sections, passages: this.corpus.passages.length, sentences };
  }

  /** The sentence cache's state: passages whose indexed sentences are kept now, lists made on demand so far (not the build's), the bound. */
  sentenceCacheStats(): { kept: number; made: number; maxPassages: number } {
    return { kept: this.sentences.size, made: this.sentences.made, maxPassages: this.sentences.maxPassages };
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
      const example = this.corpus.passages[0]?.id ?? 'report/section/1';
      const shown = wanted.length > 60 ? `${wanted.slice(0, 60)}…` : wanted;
      throw new InputError(
        wanted ? `There is no passage "${shown}". Passage ids look like ${example}; find them with /search.` : `Give a passage id such as ${example}; find ids with /search.`,
        'PASSAGE_NOT_FOUND',
      );
    }
    return { passage: p, citation: citationFor(this.corpus, p) };
  }

  /**
   * The document's first sentence, not a caption, that holds every one of `terms`, as its passage and
   * index (memoized, bounded). The document's first passages are read in order; past them, only the
   * passages whose text has all the terms (by MiniSearch's postings) can hold it, so only theirs are
   * read, in order: the same sentence a walk of every passage finds, without making every passage's
   * sentences of a large report for a subject it never mentions.
   */
  private firstMentionAt(documentId: string, terms: string[]): { passageId: string; index: number } | null {
    const key = `${documentId}|${terms.join(' ')}`;
    if (!this.firstMentions.has(key)) {
      const holds = this.textHoldsAll(terms);
      let first: { passageId: string; index: number } | null = null;
      let read = 0;
      const sections = holds ? (this.corpus.documentsById.get(documentId)?.sections ?? []) : [];
      search: for (const section of sections) {
        for (const p of section.passages) {
          if (read++ >= FIRST_MENTION_WALK && !holds?.(p)) continue;
          // Not kept for a passage the cache does not hold: a walk must not push out the ones in use.
          const index = (this.sentences.peekOrMake(p.id) ?? []).findIndex((s) => !s.caption && terms.every((t) => s.terms.includes(t)));
          if (index >= 0) {
            first = { passageId: p.id, index };
            break search;
          }
        }
      }
      // Bounded: questions are open-ended, the cache must not grow with them.
      if (this.firstMentions.size > 2000) this.firstMentions.clear();
      this.firstMentions.set(key, first);
    }
    return this.firstMentions.get(key) ?? null;
  }

  /** The scorer over the packed postings, made on first use; null when this index is not packed. */
  private packedSearch(): PackedSearch | null {
    if (this.packed === undefined) this.packed = PackedSearch.of(this.index);
    return this.packed;
  }

  /**
   * A test of whether a passage's text has every one of `terms` (true for every passage when a term
   * cannot be looked up); null when no passage does.
   */
  private textHoldsAll(terms: string[]): ((p: Passage) => boolean) | null {
    // MiniSearch's text field holds each passage's terms split at spaces, without empty ones.
    if (terms.length === 0 || terms.some((t) => t === '' || t.includes(' '))) return () => true;
    // The vocabulary counts the same terms: one it has not seen is in no passage.
    if (terms.some((t) => !this.vocabulary.has(t))) return null;
    const has = (this.hasTextTerm ??= textTermTest(this.index) ?? false);
    if (has) return (p) => terms.every((t) => has(p.id, t));
    const hits = this.index.search({ combineWith: 'AND', queries: terms }, { fields: ['text'], prefix: false, fuzzy: false, tokenize: (t) => [t], processTerm: (t) => t });
    const found = new Set(hits.map((h) => String(h.id)));
    return (p) => found.has(p.id);
  }

  /**
   * The first mention's sentence itself. The features ask whether a window includes it (the same
   * object), so for a passage among `inputs` it is that passage's sentence there, whatever the cache
   * dropped and made again since.
   */
  private firstMention(documentId: string, terms: string[], inputs: readonly PassageInput[]): IndexedSentence | null {
    const at = this.firstMentionAt(documentId, terms);
    if (!at) return null;
    const list = inputs.find((i) => i.passage.id === at.passageId)?.sentences ?? this.sentences.get(at.passageId) ?? [];
    return list[at.index] ?? null;
  }

  /** Question analysis, query terms, retrieval and candidate features: all that does not depend on the weights. */
  analyze(question: string): Analysis {
    const q = analyzeQuestion(cleanQuestion(String(question ?? '')).slice(0, this.options.maxQuestionChars));
    const qts = q.chitchat || q.meta.length ? [] : queryTerms(q, this.vocabulary, this.aliases, this.options.query);
    if (qts.length === 0) return { q, qts, candidates: [] };
    const found = retrieve(this.index, this.corpus, this.vocabulary, qts, this.options.candidatePassages, this.options.retrieval, this.packedSearch());
    const input = (passage: Passage, score: number, rank: number, follows: boolean): PassageInput => ({
      passage,
      // Only windows that open a following passage are candidates: its first sentences suffice.
      sentences: follows ? this.someSentences(passage, 0, this.options.maxExcerptSentences) : (this.sentences.get(passage.id) ?? []),
      score,
      rank,
      contextTerms: this.contextOf(passage),
      documentTerms: this.documentTerms.get(passage.documentId) ?? new Set(),
      previous: this.lastSentenceBefore(passage),
      follows,
    });
    const inputs = found.map((r, rank) => input(r.passage, r.score, rank, false));
    if (this.options.followingPassages) {
      const taken = new Set(found.map((r) => r.passage.id));
      for (const r of found) {
        const next = neighbourInSection(this.corpus.passages, r.passage, 1);
        if (!next || taken.has(next.id)) continue;
        taken.add(next.id);
        inputs.push(input(next, 0, inputs.length, true));
      }
    }
    const subject = q.subject ? q.subject.split(' ').flatMap(toTerms) : [];
    const acronymSpans = q.subject ? (this.aliases.acronyms.get(q.subject.replace(/[?.!]$/, '')) ?? []).map((a) => ({ documentId: this.corpus.byId.get(a.passageId)?.documentId ?? '', start: a.start, end: a.end })) : [];
    const cands = candidateWindows(inputs, {
      q,
      qts,
      maxChars: this.options.maxExcerptChars,
      maxSentences: this.options.maxExcerptSentences,
      firstMention: (d, t) => this.firstMention(d, t, inputs),
      subjectTerms: subject,
      acronymSpans,
      matchTypes: this.matchTypes,
      ...(this.options.crossingWindows ? { joins: (a: Passage, b: Passage) => this.joins(a, b) } : {}),
    });
    return { q, qts, candidates: cands };
  }

  /** Whether a window may run from passage `a` into `b` (see `runsOnInto`). */
  private joins(a: Passage, b: Passage): boolean {
    return runsOnInto(this.corpus, a) === b;
  }

  /** The last sentence of the passage before `p` in its section: the lead-in of `p`'s first sentence. */
  private lastSentenceBefore(p: Passage): IndexedSentence | undefined {
    const before = neighbourInSection(this.corpus.passages, p, -1);
    return before ? this.someSentences(before, before.sentenceCount - 1, before.sentenceCount)[0] : undefined;
  }

  /**
   * Sentences `from..to-1` of a passage: from its kept list, else made for these alone, not the whole
   * passage (in a corpus larger than the sentence cache, a neighbour is often not kept). Made the same
   * way as a whole list, they are the same sentences.
   */
  private someSentences(p: Passage, from: number, to: number): IndexedSentence[] {
    const kept = this.sentences.peek(p.id);
    if (kept) return kept.slice(from, to);
    return sentencesFromText(p, from, to);
  }

  /** The indexed sentences of a passage (built for every passage of the corpus). */
  private sentencesOf(p: Passage): IndexedSentence[] {
    return this.sentences.get(p.id) ?? [];
  }

  /** The document a passage belongs to; every passage's document is in the corpus it was built from. */
  private documentOf(p: Passage): Document {
    const doc = this.corpus.documentsById.get(p.documentId);
    if (!doc) throw new Error(`passage ${p.id} belongs to no document of this corpus`);
    return doc;
  }

  /** The excerpt range of a candidate: its sentences, clipped when one sentence alone is too long. */
  span(c: Candidate, qts: QueryTerm[], max = this.options.maxExcerptChars): [number, number] {
    const list = this.windowSentences(c);
    const doc = this.documentOf(c.passage);
    const first = c.opening ? c.opening.first : c.first;
    const last = c.opening ? list.length - this.sentencesOf(c.passage).length + c.last : c.last;
    return clip(doc.source, list, defined(list[first]).sentence.start, defined(list[last]).sentence.end, qts, max);
  }

  /** The sentences a candidate's window is drawn from: its passage's, after those of the passage it opens in. */
  private windowSentences(c: Candidate): IndexedSentence[] {
    const list = this.sentencesOf(c.passage);
    return c.opening ? [...this.sentencesOf(c.opening.passage), ...list] : list;
  }

  /** The text a candidate would quote. */
  candidateText(c: Candidate, qts: QueryTerm[]): string {
    const [a, b] = this.span(c, qts);
    return this.documentOf(c.passage).source.slice(a, b);
  }

  /** Candidate indices by score, best first (ties by passage order, then position). */
  private rank(cands: Candidate[]): { scores: Float64Array; order: number[] } {
    const scores = Float64Array.from(cands, (c) => this.model.score(c.features));
    const order = cands.map((_, i) => i);
    order.sort((i, j) => {
      const a = defined(cands[i]);
      const b = defined(cands[j]);
      return defined(scores[j]) - defined(scores[i]) || a.passage.order - b.passage.order || a.first - b.first || a.last - b.last;
    });
    return { scores, order };
  }

  /**
   * Answers a question with a verbatim, cited excerpt — or abstains with the closest passages. With
   * the previous turn of a conversation, an elliptical question ("and Bolivia?", "why?", "tell me
   * more") is read against it first, and the answer says what it understood.
   */
  answer(question: string, previous?: Turn): Answer {
    const follow = readFollowUp(String(question ?? ''), previous, (w) => this.vocabulary.properNouns.has(w));
    if (follow?.kind === 'more' && previous) return this.more(question, previous);
    if (follow?.kind === 'rewrite') return { ...this.answer(follow.question), question: cleanQuestion(String(question)), understood: follow.question, followUp: 'rewrite' };
    const a = this.analyze(question);
    const { q, qts, candidates: cands } = a;
    const abstain = (reason: Answer['reason'], passages: RankedPassage[] = [], confidence = 0): Answer => ({
      question: q.text,
      answered: false,
      confidence: Math.round(confidence * 100) / 100,
      answer: null,
      passages,
      reason,
    });
    if (q.meta.length) {
      const meta = metaAnswer(this.corpus, q, this.options.metaConfidence);
      if (meta) return meta;
    }
    if (q.chitchat) return abstain('chitchat');
    if (qts.length === 0) return abstain('empty');
    if (cands.length === 0) return abstain('not-covered');
    const { scores, order } = this.rank(cands);
    const closest = this.closestPassages(cands, scores, order, qts);
    const best = defined(cands[defined(order[0])]);
    const confidence = this.model.probability(confidenceFeatures(q, qts, cands, scores, order));
    const verdict = decide(best, confidence, this.model.threshold, this.options.decision, unknownName(q, qts));
    if (!verdict.answered) return abstain(verdict.reason, closest, confidence);
    const [start, end] = this.span(best, qts);
    const excerpt = excerptOf(this.corpus, citedPassage(best), this.windowSentences(best), start, end, qts, best.opening ? best.passage : undefined);
    return { question: q.text, answered: true, confidence: Math.round(confidence * 100) / 100, answer: excerpt, passages: closest };
  }

  /** "Tell me more": the passage after the previous answer's, or the next of the closest passages. */
  private more(question: string, previous: Turn): Answer {
    const asked = cleanQuestion(String(question));
    // An excerpt that ran on into the next passage is followed by the passage after that one.
    const shown = previous.answer.answer?.endPassageId ?? previous.answer.answer?.passageId ?? null;
    let next: Passage | undefined;
    if (shown) {
      const p = this.corpus.byId.get(shown);
      const after = p ? this.corpus.passages[this.corpus.passages.indexOf(p) + 1] : undefined;
      if (after && p && after.documentId === p.documentId) next = after;
    } else {
      const id = previous.answer.passages[1]?.passageId;
      next = id ? this.corpus.byId.get(id) : undefined;
    }
    // The previous answer came from an engine since replaced by a reload, and its passage is gone.
    const gone = shown !== null && !this.corpus.byId.has(shown);
    const understood = gone ? `the passage after ${shown} — but the reports were updated since and that passage is no longer in them; ask the question again` : 'more after the previous answer';
    if (!next) return { question: asked, answered: false, confidence: 0, answer: null, passages: [], reason: 'not-covered', understood, followUp: 'more' };
    const list = this.sentences.get(next.id) ?? [];
    // The passage's opening sentences, as many as fit.
    const first = defined(list[0]);
    let last = first;
    for (const s of list.slice(1, this.options.maxExcerptSentences)) {
      if (s.sentence.end - first.sentence.start > this.options.maxExcerptChars) break;
      last = s;
    }
    const doc = this.documentOf(next);
    const [start, end] = clip(doc.source, list, first.sentence.start, last.sentence.end, [], this.options.maxExcerptChars);
    return {
      question: asked,
      answered: true,
      confidence: previous.answer.confidence,
      answer: excerptOf(this.corpus, next, list, start, end, []),
      passages: [this.ranked(next, 0, [])],
      understood: `the passage after ${shown ?? previous.answer.passages[0]?.passageId ?? 'the previous answer'}`,
      followUp: 'more',
    };
  }

  /** The best candidates with the parts of their scores, for `ask --explain`. */
  explain(question: string, top = 3): Array<{ text: string; passageId: string; score: number; parts: ReturnType<Model['explain']> }> {
    const { qts, candidates: cands } = this.analyze(question);
    const { scores, order } = this.rank(cands);
    return order.slice(0, top).map((i) => {
      const c = defined(cands[i]);
      return { text: this.candidateText(c, qts), passageId: citedPassage(c).id, score: Math.round(defined(scores[i]) * 1000) / 1000, parts: this.model.explain(c) };
    });
  }

  /** Up to three passages, each ranked by its best candidate. */
  private closestPassages(cands: Candidate[], scores: Float64Array, order: number[], qts: QueryTerm[]): RankedPassage[] {
    const out: RankedPassage[] = [];
    const seen = new Set<string>();
    for (const i of order) {
      // A window across two passages counts as the one it is cited to (listing both crowds out others).
      const p = citedPassage(defined(cands[i]));
      if (seen.has(p.id)) continue;
      seen.add(p.id);
      out.push(this.ranked(p, defined(scores[i]), qts));
      if (out.length === 3) break;
    }
    return out;
  }

  private ranked(p: Passage, score: number, qts: QueryTerm[]): RankedPassage {
    const list = this.sentences.get(p.id) ?? [];
    return {
      passageId: p.id,
      section: p.sectionTitle,
      text: p.text,
      score: Math.round(score * 1000) / 1000,
      citation: citationFor(this.corpus, p),
      highlights: highlightsIn(list, p.start, p.end, qts),
    };
  }

  /** Ranked passages for lookup terms, each with a short highlighted snippet. */
  search(terms: string, opts: { limit?: number; offset?: number; section?: string; exclude?: readonly string[] } = {}): SearchHit[] {
    const limit = opts.limit !== undefined && Number.isFinite(opts.limit) ? Math.max(1, Math.min(Math.floor(opts.limit), 25)) : 5;
    const offset = opts.offset !== undefined && Number.isFinite(opts.offset) ? Math.max(0, Math.floor(opts.offset)) : 0;
    const q = analyzeQuestion(cleanQuestion(String(terms ?? '')).slice(0, this.options.maxQuestionChars));
    const qts = queryTerms(q, this.vocabulary, this.aliases, this.options.query);
    if (qts.length === 0) return [];
    let results = retrieve(this.index, this.corpus, this.vocabulary, qts, this.corpus.passages.length, this.options.retrieval, this.packedSearch());
    if (opts.section) {
      const wanted = fold(opts.section);
      results = results.filter((r) => fold(r.passage.sectionTitle) === wanted || r.passage.sectionId === wanted);
    }
    // "More results" after an answer leaves out the passages already shown.
    const shown = new Set(opts.exclude ?? []);
    if (shown.size > 0) results = results.filter((r) => !shown.has(r.passage.id));
    return results.slice(offset, offset + limit).map(({ passage, score }, rank) => {
      const list = this.sentences.get(passage.id) ?? [];
      const cands = candidateWindows(
        [{ passage, sentences: list, score, rank, contextTerms: this.contextOf(passage), documentTerms: this.documentTerms.get(passage.documentId) ?? new Set() }],
        { q, qts, maxChars: this.options.maxSnippetChars, maxSentences: 1, firstMention: () => null, subjectTerms: [], acronymSpans: [], matchTypes: this.matchTypes },
      );
      const { order } = this.rank(cands);
      // A passage found only by its section title has no matching sentence: its first one stands in.
      const best = cands[order[0] ?? -1] ?? { passage, first: 0, last: 0, features: new Float64Array(), matched: [] };
      const [a, b] = this.span(best, qts, this.options.maxSnippetChars);
      return { ...this.ranked(passage, score, qts), snippet: excerptOf(this.corpus, passage, list, a, b, qts) };
    });
  }
}

/** True when the question names something, with a capital, that the corpus knows no word for. */
export function unknownName(q: QuestionAnalysis, qts: QueryTerm[]): boolean {
  return qts.some((t) => !t.known && q.capitalized.includes(t.surface));
}

/** How many of a document's passages the first-mention search reads in order before asking MiniSearch which can hold it. */
const FIRST_MENTION_WALK = 32;

/** A passage's indexed sentences made from its text, as the build makes them (undefined for an unknown passage). */
function fromText(corpus: Corpus, passageId: string): IndexedSentence[] | undefined {
  const p = corpus.byId.get(passageId);
  return p ? sentencesFromText(p) : undefined;
}

/** Sentences `from..to-1` of a passage (all by default) indexed from its text, as the build indexes them. */
function sentencesFromText(p: Passage, from?: number, to?: number): IndexedSentence[] {
  const sentences = sentencesOf(p, from, to);
  return indexSentences(p, sentences, sentences.map((x) => tokenize(x.text)));
}

/** A passage's indexed sentences from its sentences (`sentencesOf`) and their tokens. */
function indexSentences(p: Passage, sentences: readonly Sentence[], tokens: readonly Token[][]): IndexedSentence[] {
  return sentences.map((s, si) => indexSentence(s, p, tokens[si] ?? []));
}

function toTermSet(text: string): Set<string> {
  return new Set(tokenize(text).map((t) => t.term));
}
