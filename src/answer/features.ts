/**
 * Candidate features, the fourth stage: every window of one to three consecutive sentences of the
 * retrieved passages becomes a candidate answer, described by named features in [0, 1] (mostly).
 * Nothing here weighs one feature against another: the fitted model does (see `model.ts`).
 */
import type { Passage } from '../corpus/types.ts';
import { MATCH_STRENGTH, MATCH_TYPES, type MatchType } from '../search/vocabulary.ts';
import type { IndexedSentence } from './sentence-index.ts';
import type { QueryTerm } from './query.ts';
import type { QuestionAnalysis } from './question.ts';
import { defined } from '../checked.ts';

/** Every candidate feature, in the order of a feature vector, with what it measures. */
export const CANDIDATE_FEATURES = {
  exact: 'share of the question (by rarity weight) the window matches word for word',
  alias: 'share matched through an alias or an acronym the corpus defines',
  family: 'share matched by a word of the same family or a demonym',
  synonym: 'share matched by a WordNet synonym',
  derived: 'share matched by a WordNet derived form',
  broader: 'share matched one WordNet hypernym or hyponym away',
  context: 'share matched only by the section title or the document title',
  rare: 'share matched word for word, weighted by squared rarity (the rarest words count most)',
  leadIn: 'share the sentence just before the window (in the passage before, for its first sentence) matches that the window does not',
  document: "share of the question the candidate's document contains word for word",
  passage: 'share the whole passage matches, any way',
  local: 'share matched, each question word weighted by its rarity among the sentences of the retrieved passages (the words every candidate has count little)',
  concentration: 'share the best single sentence of the window matches',
  extraGain: 'share the other sentences of the window add to the best one',
  retrieval: "the passage's retrieval score over the best passage's",
  topPassage: '1 when the passage is the best retrieved',
  proximity: 'matched words of the best sentence over the span they cover',
  bigram: 'share of neighbouring question words found next to each other',
  focus: 'share of what the question asks about (its focus, else any of its words) that the window matches',
  entityMissing: 'share of the names the question hinges on that the window and its lead-in lack',
  yearMissing: '1 when a year the question names is not in the window',
  typeFit: 'the window holds the kind of answer asked for (a new figure, a date, a name, a reason, a definition)',
  typeMiss: 'the question asks for a kind of answer the window does not hold',
  unit: 'the window has a unit a "how long/far/big" question expects',
  novelty: "share of the window's terms (counted per sentence) the question does not use",
  refersBack: 'the window opens with a word that refers back',
  caption: 'the window includes a picture or table caption',
  incomplete: 'the window includes a sentence the source cut off',
  short: 'the window is shorter than 60 characters',
  twoSentences: 'the window has two sentences',
  threeSentences: 'the window has three sentences',
  firstMention: "the window holds the document's first mention of the question's subject",
  acronymDefinition: 'the window defines an acronym the question asks about',
  follows: 'the window opens the passage after a retrieved one, which was not retrieved itself',
  crosses: "the window runs from one passage's closing sentences into the next passage's opening ones",
  exactSquared: 'exact, squared: with the other squared shares, lets the linear score reward a near-whole match more than partial ones',
  localSquared: 'local, squared',
  focusSquared: 'focus, squared',
  rareSquared: 'rare, squared',
  concentrationSquared: 'concentration, squared',
  retrievalSquared: 'retrieval, squared',
  passageSquared: 'passage, squared',
  documentSquared: 'document, squared',
  answerContext: 'for a question asking for a name, a figure or a date: the most of the question (by rarity weight) matched within six words of one name or figure of the window the question does not have (the answer among the words asked about)',
} as const;

export type CandidateFeature = keyof typeof CANDIDATE_FEATURES;
export const CANDIDATE_FEATURE_NAMES = Object.keys(CANDIDATE_FEATURES) as CandidateFeature[];
const F = Object.fromEntries(CANDIDATE_FEATURE_NAMES.map((n, i) => [n, i])) as Record<CandidateFeature, number>;

/** One candidate answer: sentences `first..last` of a passage. */
export interface Candidate {
  passage: Passage;
  first: number;
  last: number;
  features: Float64Array;
  /** Per query term: matched by the window or its context in some way. */
  matched: boolean[];
  /**
   * Set when the window starts in the passage before `passage` (at its sentence `first`) and runs on
   * into `passage`'s sentences `0..last` (`first` is then 0): one stretch of the source across the
   * boundary of two passages. The window is cited to the passage it starts in ({@link citedPassage}).
   */
  opening?: { passage: Passage; first: number };
}

/** The passage a candidate is cited to and listed by: the one its window starts in. */
export function citedPassage(c: Candidate): Passage {
  return c.opening ? c.opening.passage : c.passage;
}

/** A retrieved passage with its sentences and retrieval score. */
export interface PassageInput {
  passage: Passage;
  sentences: IndexedSentence[];
  score: number;
  rank: number;
  /** Terms of the section title and the document title. */
  contextTerms: Set<string>;
  /** Every term of the passage's document. */
  documentTerms: Set<string>;
  /** The last sentence of the passage before, in the same section: the lead-in of the first sentence. */
  previous?: IndexedSentence;
  /** Not retrieved, but the passage after one that was: only windows that open it are candidates. */
  follows?: boolean;
}

/** What feature extraction needs beyond the passages. */
export interface FeatureContext {
  q: QuestionAnalysis;
  qts: QueryTerm[];
  maxChars: number;
  maxSentences: number;
  /** Sentence that first mentions all the subject's terms in a document, if any. */
  firstMention: (documentId: string, terms: string[]) => IndexedSentence | null;
  /** Terms of the question's subject (definition questions), else []. */
  subjectTerms: string[];
  /** Offsets of definitions of an acronym the question names, per document source. */
  acronymSpans: Array<{ documentId: string; start: number; end: number }>;
  /** The ways of matching a question word that the features count (retrieval uses them all). */
  matchTypes?: ReadonlySet<MatchType>;
  /**
   * Whether a window may run from passage `a` into `b`, the passage after it (same section, nothing
   * but white space between them in the source); without it no window crosses a boundary.
   */
  joins?: (a: Passage, b: Passage) => boolean;
}

/** Each squared feature (named `<share>Squared` above) with the share it squares. */
const SQUARED: ReadonlyArray<readonly [number, number]> = CANDIDATE_FEATURE_NAMES.filter((n) => n.endsWith('Squared')).map((n) => [F[n], F[n.slice(0, -'Squared'.length) as CandidateFeature]] as const);

const NONE = 255;
/** Match type index → the feature that counts it. */
const TYPE_FEATURE: readonly number[] = MATCH_TYPES.map((m) => F[m as CandidateFeature]);
const ALL_TYPES: ReadonlySet<MatchType> = new Set(MATCH_TYPES);

/** Per corpus term, the query terms it matches: [query term index, match strength (index into MATCH_TYPES)]. */
export type TermMatches = ReadonlyMap<string, ReadonlyArray<readonly [number, number]>>;

/**
 * The {@link TermMatches} of a question, counting only the match types in `counted`: built once per
 * question, so that each word of a sentence costs one look-up however many terms the question has.
 */
export function termMatches(qts: QueryTerm[], counted: ReadonlySet<MatchType> = ALL_TYPES): TermMatches {
  const out = new Map<string, Array<readonly [number, number]>>();
  const add = (term: string, i: number, type: number) => {
    const list = out.get(term);
    if (list) list.push([i, type]);
    else out.set(term, [[i, type]]);
  };
  qts.forEach((t, i) => {
    add(t.term, i, 0);
    for (const [x, c] of t.credits) if (x !== t.term && counted.has(c)) add(x, i, MATCH_STRENGTH[c]);
  });
  return out;
}

/** Whether the character at `i` is an upper-case letter (ASCII first, Unicode otherwise). */
function upperAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 128) return c >= 65 && c <= 90;
  return /\p{Lu}/u.test(text.charAt(i));
}

/** Whether the word at offset `start` is part of a name: capitalized, and not the sentence's first. */
function inNameAt(text: string, start: number): boolean {
  return start > 0 && upperAt(text, start);
}

/**
 * Per sentence, the strongest way each query term is matched (index into MATCH_TYPES, or NONE),
 * counting only the match types `matches` was built with; and per word of the sentence, the first
 * query term it matches (-1 for none). `types` and `tokenTerm` may be passed in to be filled.
 */
export function sentenceMatches(
  s: IndexedSentence,
  qts: QueryTerm[],
  matches: TermMatches = termMatches(qts),
  types = new Uint8Array(qts.length),
  tokenTerm = new Int16Array(s.tokens.terms.length),
): { types: Uint8Array; tokenTerm: Int16Array } {
  const { terms, offsets } = s.tokens;
  types.fill(NONE);
  tokenTerm.fill(-1, 0, terms.length);
  const text = s.sentence.text;
  for (let j = 0; j < terms.length; j++) {
    const list = matches.get(defined(terms[j]));
    if (list === undefined) continue;
    const inName = inNameAt(text, defined(offsets[2 * j]));
    for (const [i, type] of list) {
      if (inName && defined(qts[i]).common) continue;
      if (type < defined(types[i])) types[i] = type;
      if (tokenTerm[j] === -1 || i < defined(tokenTerm[j])) tokenTerm[j] = i;
    }
  }
  for (let i = 0; i < qts.length; i++) {
    if (defined(types[i]) > 1 && hasPhrase(defined(qts[i]).phrases, s.terms)) types[i] = 1;
  }
  return { types, tokenTerm };
}

/** Whether the sentence's terms hold every word of one of the phrases. */
function hasPhrase(phrases: ReadonlyArray<ReadonlyArray<string>>, terms: readonly string[]): boolean {
  for (const ph of phrases) {
    let all = true;
    for (const x of ph) {
      if (!terms.includes(x)) {
        all = false;
        break;
      }
    }
    if (all) return true;
  }
  return false;
}

function bestTypes(rows: Uint8Array[], n: number): Uint8Array {
  const out = new Uint8Array(n).fill(NONE);
  for (const r of rows) strongest(out, r);
  return out;
}

/** `into[i] = min(into[i], from[i])`: the strongest match of each term (lower is stronger). */
function strongest(into: Uint8Array, from: Uint8Array): void {
  for (let i = 0; i < into.length; i++) {
    const x = defined(from[i]);
    if (x < defined(into[i])) into[i] = x;
  }
}

/** True when `a` matches some question word that `b` does not. */
function adds(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== NONE && b[i] === NONE) return true;
  return false;
}

/** Whether any term is matched. */
function anyMatched(types: Uint8Array): boolean {
  for (const x of types) if (x !== NONE) return true;
  return false;
}

/** One sentence of a retrieved passage with what the window features read of it. */
interface SentenceRow {
  indexed: IndexedSentence;
  /** Per query term, its strongest match in the sentence (see {@link sentenceMatches}). */
  types: Uint8Array;
  /** Share of the question the sentence matches. */
  share: number;
  scan: Scan;
  /** It holds the kind of answer asked for (see {@link sentenceFits}). */
  fits: boolean;
  /** It has a figure with a unit a "how long/far/big" question expects. */
  unit: boolean;
}

/** Every candidate window of the passages, with its features. */
export function candidates(inputs: PassageInput[], ctx: FeatureContext): Candidate[] {
  const { q, qts } = ctx;
  const total = qts.reduce((n, t) => n + t.weight, 0) || 1;
  const total2 = qts.reduce((n, t) => n + t.weight * t.weight, 0) || 1;
  // What the question asks about: its explicit focus ("how many X", "what is X"), else any of its
  // words (the names it hinges on are a feature of their own: they may sit in the lead-in).
  const focusTerms = qts.some((t) => t.focus && t.known) ? qts.map((t) => t.focus) : qts.map(() => true);
  const focusTotal = qts.reduce((n, t, i) => n + (focusTerms[i] ? t.weight : 0), 0) || 1;
  const entities = qts.map((t) => t.entity && t.known);
  const entityTotal = qts.reduce((n, t, i) => n + (entities[i] ? t.weight : 0), 0);
  const askedFigures = new Set(q.figures);
  const kinded = asksKind(q);
  const answerKind = answerTokenOf(q);
  const weights = Float64Array.from(qts, (t) => t.weight);
  const questionTerms = new Set(qts.flatMap((t) => [t.term, ...t.credits.keys()]));
  const top = inputs[0]?.score || 1;
  const out: Candidate[] = [];
  const features = new FeatureBlocks();
  const share = (types: Uint8Array) => {
    let matched = 0;
    for (let i = 0; i < qts.length; i++) if (types[i] !== NONE) matched += defined(qts[i]).weight;
    return matched / total;
  };
  const matches = termMatches(qts, ctx.matchTypes);
  // Every sentence's match types and neighbour pairs in two blocks (a typed array each would cost more
  // to allocate and collect than to fill); one scratch array for the words of the sentence at hand.
  const n = qts.length;
  const sentenceCount = inputs.reduce((k, input) => k + input.sentences.length, 0);
  const typeBlock = new Uint8Array(sentenceCount * n);
  const pairBlock = new Uint8Array(sentenceCount * Math.max(0, n - 1));
  const longest = inputs.reduce((k, input) => input.sentences.reduce((m, s) => Math.max(m, s.tokens.terms.length), k), 0);
  const tokenTerm = new Int16Array(longest);
  const seen = new Uint8Array(n);
  let row = 0;
  const allRows = inputs.map((input) =>
    input.sentences.map((s): SentenceRow => {
      const types = typeBlock.subarray(row * n, (row + 1) * n);
      const pairs = pairBlock.subarray(row * Math.max(0, n - 1), (row + 1) * Math.max(0, n - 1));
      row++;
      sentenceMatches(s, qts, matches, types, tokenTerm);
      return {
        indexed: s,
        types,
        share: share(types),
        scan: scan(s, tokenTerm, s.tokens.terms.length, n, questionTerms, q.years, pairs, seen, answerKind, weights, total),
        fits: sentenceFits(q, s, askedFigures),
        unit: s.hasQuantity && q.units.some((u) => s.unitWords.includes(u)),
      };
    }),
  );
  const local = localWeights(allRows, qts.length);
  const localTotal = local.reduce((n, w) => n + w, 0) || 1;
  /** What a window's features read of the passage (or the two passages) it lies in. */
  interface Place {
    passage: Passage;
    passageShare: number;
    documentShare: number;
    contextMatched: boolean[];
    firstMention: IndexedSentence | null;
    retrieval: number;
    top: boolean;
    follows: boolean;
    opening?: { passage: Passage; first: number };
  }
  /** The features of the window `rows` (its sentences in order), the sentence before it matching `before`. */
  const windowOf = (place: Place, rows: readonly SentenceRow[], lo: number, hi: number, types: Uint8Array, before: Uint8Array | null, first: number, last: number): void => {
    const head = defined(rows[lo]);
    const tail = defined(rows[hi]);
    const start = head.indexed.sentence.start;
    const end = tail.indexed.sentence.end;
    const { contextMatched } = place;
    const f = features.next();
    // One pass over the question's terms for every per-term share.
    let matchedShare = 0;
    let localShare = 0;
    let rare = 0;
    let lead = 0;
    let focus = 0;
    let missing = 0;
    const matched = new Array<boolean>(qts.length);
    for (let i = 0; i < qts.length; i++) {
      const t = defined(qts[i]);
      const ty = defined(types[i]);
      const inContext = defined(contextMatched[i]);
      const k = ty !== NONE ? defined(TYPE_FEATURE[ty]) : inContext ? F.context : -1;
      const w = t.weight / total;
      if (k >= 0) f[k] = defined(f[k]) + w;
      if (ty !== NONE) {
        matchedShare += w;
        localShare += defined(local[i]);
      }
      if (ty === 0) rare += t.weight * t.weight;
      const inLeadIn = before !== null && before[i] !== NONE;
      if (ty === NONE && inLeadIn) lead += t.weight;
      matched[i] = ty !== NONE || inContext;
      if (focusTerms[i] && matched[i]) focus += t.weight;
      if (entities[i] && ty === NONE && !inLeadIn && !inContext) missing += t.weight;
    }
    f[F.local] = localShare / localTotal;
    f[F.passage] = place.passageShare;
    f[F.document] = place.documentShare;
    f[F.rare] = rare / total2;
    f[F.leadIn] = lead / total;
    // The best single sentence: the first with the highest share (shares are never negative).
    let best = head;
    for (let k = lo + 1; k <= hi; k++) {
      const r = defined(rows[k]);
      if (r.share > best.share) best = r;
    }
    f[F.concentration] = best.share;
    f[F.extraGain] = Math.max(0, matchedShare - best.share);
    f[F.retrieval] = place.retrieval;
    f[F.topPassage] = place.top ? 1 : 0;
    f[F.proximity] = best.scan.proximity;
    let answerContext = 0;
    for (let k = lo; k <= hi; k++) answerContext = Math.max(answerContext, defined(rows[k]).scan.answerContext);
    f[F.answerContext] = answerContext;
    if (qts.length >= 2) {
      let pairs = 0;
      for (let i = 0; i + 1 < qts.length; i++) {
        for (let k = lo; k <= hi; k++) {
          if (defined(rows[k]).scan.pairs[i]) {
            pairs++;
            break;
          }
        }
      }
      f[F.bigram] = pairs / (qts.length - 1);
    }
    f[F.focus] = focus / focusTotal;
    if (entityTotal > 0) f[F.entityMissing] = missing / entityTotal;
    let years = 0;
    let novel = 0;
    let termCount = 0;
    let fits = false;
    let unit = false;
    let caption = false;
    let incomplete = false;
    let mentions = false;
    for (let k = lo; k <= hi; k++) {
      const r = defined(rows[k]);
      years |= r.scan.years;
      novel += r.scan.novel;
      termCount += r.scan.terms;
      fits ||= r.fits;
      unit ||= r.unit;
      caption ||= r.indexed.caption;
      incomplete ||= !r.indexed.sentence.complete;
      mentions ||= r.indexed === place.firstMention;
    }
    f[F.yearMissing] = years !== (1 << q.years.length) - 1 ? 1 : 0;
    const definesAcronym = ctx.acronymSpans.some((s) => s.documentId === place.passage.documentId && s.start >= start && s.end <= end);
    if (q.kind === 'definition') fits = mentions || definesAcronym;
    if (kinded) {
      f[F.typeFit] = fits ? 1 : 0;
      f[F.typeMiss] = fits ? 0 : 1;
    }
    if (q.units.length) f[F.unit] = unit ? 1 : 0;
    f[F.novelty] = termCount ? novel / termCount : 0;
    f[F.refersBack] = head.indexed.refersBack ? 1 : 0;
    f[F.caption] = caption ? 1 : 0;
    f[F.incomplete] = incomplete ? 1 : 0;
    f[F.short] = end - start < 60 ? 1 : 0;
    f[F.twoSentences] = hi - lo === 1 ? 1 : 0;
    f[F.threeSentences] = hi - lo === 2 ? 1 : 0;
    f[F.firstMention] = mentions ? 1 : 0;
    f[F.acronymDefinition] = definesAcronym ? 1 : 0;
    f[F.follows] = place.follows ? 1 : 0;
    f[F.crosses] = place.opening ? 1 : 0;
    for (const [square, share] of SQUARED) f[square] = defined(f[share]) ** 2;
    const c: Candidate = { passage: place.passage, first, last, features: f, matched };
    if (place.opening) c.opening = place.opening;
    out.push(c);
  };
  /** The share of the question a passage matches (its sentences' best matches, or its context). */
  const shareOf = (types: Uint8Array, contextMatched: boolean[]): number => qts.reduce((n, t, i) => n + (types[i] !== NONE || contextMatched[i] ? t.weight : 0), 0) / total;
  const places: Place[] = [];
  const passageTypesOf: Uint8Array[] = [];
  const previousOf: Array<Uint8Array | null> = [];
  // The strongest match of each term over a window, grown one sentence at a time (one scratch array).
  const types = new Uint8Array(qts.length);
  for (let p = 0; p < inputs.length; p++) {
    const input = defined(inputs[p]);
    const { passage } = input;
    const rows = defined(allRows[p]);
    const passageTypes = bestTypes(rows.map((r) => r.types), qts.length);
    const contextMatched = qts.map((t) => input.contextTerms.has(t.term) || someKey(t.credits, (x) => input.contextTerms.has(x)));
    const place: Place = {
      passage,
      passageShare: shareOf(passageTypes, contextMatched),
      documentShare: qts.reduce((n, t) => n + (input.documentTerms.has(t.term) ? t.weight : 0), 0) / total,
      contextMatched,
      firstMention: ctx.subjectTerms.length ? ctx.firstMention(passage.documentId, ctx.subjectTerms) : null,
      retrieval: input.score / top,
      top: input.rank === 0,
      follows: input.follows === true,
    };
    places.push(place);
    passageTypesOf.push(passageTypes);
    const previous = input.previous ? sentenceMatches(input.previous, qts, matches, new Uint8Array(n), new Int16Array(input.previous.tokens.terms.length)).types : null;
    previousOf.push(previous);
    for (let a = 0; a < rows.length; a++) {
      const first = defined(rows[a]);
      if (input.follows && a > 0) break;
      types.set(first.types);
      // The sentence just before the window, whose matches the lead-in features read.
      const before = a > 0 ? defined(rows[a - 1]).types : previous;
      for (let b = a; b < rows.length && b - a < ctx.maxSentences; b++) {
        const last = defined(rows[b]);
        if (b > a && last.indexed.sentence.end - first.indexed.sentence.start > ctx.maxChars) break;
        if (b > a) strongest(types, last.types);
        // A window that matches no word of the question is no candidate.
        if (!anyMatched(types)) continue;
        windowOf(place, rows, a, b, types, before, a, b);
      }
    }
  }
  // Windows across the boundary of two passages in a row that are both among the inputs: the closing
  // sentences of the one and the opening sentences of the other, as one stretch of the source.
  if (ctx.joins) {
    const headTypes = new Uint8Array(qts.length);
    const tail = new Uint8Array(qts.length);
    const at = new Map(inputs.map((input, i) => [input.passage.order, i]));
    for (let pb = 0; pb < inputs.length; pb++) {
      const input = defined(inputs[pb]);
      const pa = at.get(input.passage.order - 1);
      if (pa === undefined) continue;
      const before = defined(inputs[pa]);
      // Only a passage read whole has its closing sentences here.
      if (before.follows || !ctx.joins(before.passage, input.passage)) continue;
      const rowsA = defined(allRows[pa]);
      const rowsB = defined(allRows[pb]);
      const placeA = defined(places[pa]);
      const placeB = defined(places[pb]);
      const union = bestTypes([defined(passageTypesOf[pa]), defined(passageTypesOf[pb])], qts.length);
      // The two passages share a section and a document: B's context, document share and first mention.
      const place: Place = {
        ...placeB,
        passageShare: shareOf(union, placeB.contextMatched),
        retrieval: Math.max(placeA.retrieval, placeB.retrieval),
        top: placeA.top || placeB.top,
      };
      for (let a = Math.max(0, rowsA.length - ctx.maxSentences + 1); a < rowsA.length; a++) {
        const headLength = rowsA.length - a;
        // The closing sentences from `a` on, then as many opening ones as a window may still take.
        const rows = rowsA.slice(a).concat(rowsB.slice(0, ctx.maxSentences - headLength));
        headTypes.fill(NONE);
        for (let k = 0; k < headLength; k++) strongest(headTypes, defined(rows[k]).types);
        tail.fill(NONE);
        const lead = a > 0 ? defined(rowsA[a - 1]).types : (previousOf[pa] ?? null);
        const from: Place = { ...place, opening: { passage: before.passage, first: a } };
        for (let b = 0; headLength + b < rows.length; b++) {
          const last = defined(rows[headLength + b]);
          if (last.indexed.sentence.end - defined(rows[0]).indexed.sentence.start > ctx.maxChars) break;
          strongest(tail, last.types);
          // The closing sentences must match a question word the opening ones do not: a window that only
          // put the end of the passage before in front of an answer would pad it.
          if (!adds(headTypes, tail)) continue;
          types.set(headTypes);
          strongest(types, tail);
          windowOf(from, rows, 0, headLength + b, types, lead, 0, b);
        }
      }
    }
  }
  return out;
}

/** Whether any key of a map passes the test. */
function someKey<K>(map: ReadonlyMap<K, unknown>, test: (k: K) => boolean): boolean {
  for (const k of map.keys()) if (test(k)) return true;
  return false;
}

/**
 * The candidates' feature vectors, handed out as views of a few large blocks: one typed array per
 * window (each its own backing store) cost more to allocate and collect than the features to compute.
 */
class FeatureBlocks {
  private block = new Float64Array(0);
  private used = 0;

  /** How many vectors the first block holds: a question's candidates are a few dozen; more double it. */
  private static readonly FIRST = 16;

  next(): Float64Array {
    const n = CANDIDATE_FEATURE_NAMES.length;
    if (this.used + n > this.block.length) {
      this.block = new Float64Array(this.block.length ? this.block.length * 2 : FeatureBlocks.FIRST * n);
      this.used = 0;
    }
    const view = this.block.subarray(this.used, this.used + n);
    this.used += n;
    return view;
  }
}

/**
 * Per query term, its rarity among the candidate sentences: log(1 + N / (1 + n)) for a term that n of
 * the N sentences of the retrieved passages match, 0 for one none of them matches. The words that
 * brought every passage in weigh little; the word that tells one sentence from the others weighs most.
 */
function localWeights(rows: ReadonlyArray<ReadonlyArray<{ types: Uint8Array }>>, n: number): Float64Array {
  const counts = new Float64Array(n);
  let sentences = 0;
  for (const passage of rows) {
    for (const row of passage) {
      sentences++;
      row.types.forEach((type, i) => {
        if (type !== NONE) counts[i] = defined(counts[i]) + 1;
      });
    }
  }
  return counts.map((c) => (c > 0 ? Math.log(1 + sentences / (1 + c)) : 0));
}

/** What the window features read of one sentence, computed once per sentence and question. */
interface Scan {
  /** Distinct matched question terms over the token span that holds them (0 with fewer than two). */
  proximity: number;
  /** Per neighbouring pair of question terms: found within two words of each other. */
  pairs: Uint8Array;
  /** Bit i set: the question's i-th year is in the sentence. */
  years: number;
  /** Terms of the sentence the question does not use, and all its terms. */
  novel: number;
  terms: number;
  /** See the `answerContext` feature: this sentence's best. */
  answerContext: number;
}

/**
 * Reads the first `words` entries of `tokenTerm` (the query term each word matches); `pairs` (one per
 * neighbouring pair of query terms, zeroed) is filled in, `seen` (one per query term) is scratch.
 */
function scan(s: IndexedSentence, tokenTerm: Int16Array, words: number, n: number, questionTerms: Set<string>, years: string[], pairs: Uint8Array, seen: Uint8Array, answerKind: AnswerToken, weights: Float64Array, total: number): Scan {
  let firstPos = -1;
  let lastPos = -1;
  let distinct = 0;
  seen.fill(0);
  for (let j = 0; j < words; j++) {
    const ti = defined(tokenTerm[j]);
    if (ti < 0) continue;
    if (!seen[ti]) {
      seen[ti] = 1;
      distinct++;
    }
    if (firstPos < 0) firstPos = j;
    lastPos = j;
    // Neighbouring question terms within two words of each other.
    for (let k = j + 1; k <= j + 2 && k < words; k++) {
      const tk = defined(tokenTerm[k]);
      if (tk === ti + 1) pairs[ti] = 1;
      else if (tk >= 0 && tk === ti - 1) pairs[tk] = 1;
    }
  }
  let yearBits = 0;
  for (let i = 0; i < years.length; i++) if (s.terms.includes(defined(years[i]))) yearBits |= 1 << i;
  let novel = 0;
  for (const x of s.terms) if (!questionTerms.has(x)) novel++;
  const answerContext = answerKind !== null && distinct > 0 ? answerContextOf(s, tokenTerm, words, answerKind, weights, total, seen) : 0;
  return { proximity: distinct >= 2 ? distinct / (lastPos - firstPos + 1) : 0, pairs, years: yearBits, novel, terms: s.terms.length, answerContext };
}

/** How far, in words, from a new name or figure the question's words count for `answerContext`. */
const ANSWER_RADIUS = 6;

/** The words `answerContext` takes for a possible answer: names, figures, or none (other kinds of question). */
type AnswerToken = 'name' | 'figure' | null;

function answerTokenOf(q: QuestionAnalysis): AnswerToken {
  if (q.kind === 'person' || q.kind === 'place' || q.kind === 'name' || q.kind === 'list') return 'name';
  return q.kind === 'number' || q.kind === 'date' ? 'figure' : null;
}

/**
 * The most of the question (by weight, over `total`) that a sentence matches within {@link ANSWER_RADIUS}
 * words of one word that could be the answer: a word of a name ({@link inNameAt}) or a word with a
 * digit, that matches no question word. `seen` (one per query term) is scratch.
 */
function answerContextOf(s: IndexedSentence, tokenTerm: Int16Array, words: number, kind: 'name' | 'figure', weights: Float64Array, total: number, seen: Uint8Array): number {
  const text = s.sentence.text;
  const { terms, offsets } = s.tokens;
  let best = 0;
  for (let j = 0; j < words; j++) {
    if (defined(tokenTerm[j]) >= 0) continue;
    if (kind === 'name' ? !inNameAt(text, defined(offsets[2 * j])) : !/\d/.test(defined(terms[j]))) continue;
    seen.fill(0);
    let w = 0;
    for (let k = Math.max(0, j - ANSWER_RADIUS); k <= Math.min(words - 1, j + ANSWER_RADIUS); k++) {
      const tk = defined(tokenTerm[k]);
      if (tk >= 0 && !seen[tk]) {
        seen[tk] = 1;
        w += defined(weights[tk]);
      }
    }
    if (w / total > best) best = w / total;
  }
  return best;
}

/** Whether a question asks for a kind of answer a window can be checked for. */
function asksKind(q: QuestionAnalysis): boolean {
  return ['number', 'date', 'person', 'place', 'name', 'list', 'reason', 'definition'].includes(q.kind);
}

/**
 * Whether one sentence holds the kind of answer asked for (a window does when one of its sentences
 * does). A definition is a matter of the window (the subject's first mention, an acronym's definition).
 */
function sentenceFits(q: QuestionAnalysis, s: IndexedSentence, askedFigures: Set<string>): boolean {
  switch (q.kind) {
    case 'number':
      return s.hasQuantity && (s.figures.length === 0 || s.figures.some((x) => !askedFigures.has(x)));
    case 'date':
      return s.hasDate && s.figures.some((x) => !askedFigures.has(x));
    case 'person':
    case 'place':
    case 'name':
    case 'list':
      return s.names.some((n) => !q.words.includes(n));
    case 'reason':
      return s.causal;
    default:
      return false;
  }
}
