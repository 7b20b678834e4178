/**
 * Fact extraction: the report's own complete sentences that carry something concrete — a figure, a
 * date, a place, an organization or a person — each a verbatim slice of the document with offsets,
 * a stable id, its passage and its citation. Facts feed `/fact` and the daily digests.
 *
 * Deliberately excluded, and why:
 * - the scrape's cut-off fragments (`complete === false`, and paragraph openings that do not start
 *   with a capital, such as "2018-2019, which focused…"): half a sentence misquotes the report;
 * - questions and headings: they state nothing;
 * - boilerplate: series notes ("This article represents the second in a series…"), "Click here…"
 *   links, acknowledgements, and image captions ("Image: … Source: …") — a caption describes a
 *   picture the bot cannot show, and what it names (the VRAEM) the body states as fact anyway;
 * - a sentence opening with an unresolved reference ("This/It/They/These/Such …", "There, …"): quoted
 *   alone nobody knows what it refers to, so it is joined with the sentence before it (one contiguous
 *   slice of the same passage) when that fits, and dropped otherwise;
 * - near-duplicates (word-set Jaccard ≥ 0.6): the report repeats itself ("As noted previously…").
 */
import { sentencesOf } from '../corpus/passage.ts';
import type { Corpus, Document, Passage, Sentence } from '../corpus/types.ts';
import type { Citation } from '../answer/types.ts';
import { citationFor } from '../answer/citation.ts';
import { english } from '../language/index.ts';

/** One quotable fact: `documents[documentId].source.slice(start, end) === text`. */
export interface Fact {
  /** `passageId#sentenceIndex`, or `passageId#first-last` for a sentence joined with the one before. */
  id: string;
  text: string;
  passageId: string;
  documentId: string;
  sectionId: string;
  start: number;
  end: number;
  citation: Citation;
}

/** Extraction limits, with their defaults in {@link defaultFactOptions}. */
export interface FactOptions {
  /** Shortest fact, in characters. */
  minChars: number;
  /** Longest fact, in characters (also bounds a joined pair). */
  maxChars: number;
  /** Word-set Jaccard similarity at or above which a later fact counts as a duplicate of an earlier one. */
  duplicateJaccard: number;
}

export const defaultFactOptions: FactOptions = { minChars: 40, maxChars: 350, duplicateJaccard: 0.6 };

/** Builds the citation of a passage; the engine's `citation()` fits. */
export type CiteFn = (passageId: string) => Citation;

const BOILERPLATE: RegExp[] = [
  /\bclick here\b/i,
  /^this (article|post|paper|piece|report) (represents|is) the (first|second|third|fourth|fifth|last|final)\b/i,
  /^(image|photo|photograph|picture|figure|fig\.|caption|credit|source)\s*:/i,
  /^the views expressed\b/i,
  /^the author (thanks|wishes to thank|is grateful)\b/i,
  /\ball rights reserved\b/i,
  /^(read|see) (more|also|part)\b/i,
];

// An opening word that points back to something the sentence itself does not name.
const UNRESOLVED_OPENER = /^(?:This|That|These|Those|It|Its|They|Their|Them|Such|He|She|His|Her|Both)\b|^There,/;

const MONTH = new RegExp(`\\b(?:${english.months.map((m) => m.charAt(0).toUpperCase() + m.slice(1)).join('|')})\\b`);

// Capitalized words and acronyms (letters from any script, with inner apostrophes, hyphens, dots).
const CAPITALIZED = /\p{Lu}[\p{L}\p{M}'’.\-]*\p{L}|\p{Lu}{2,}/gu;

// Capitalized words that are not names even mid-sentence.
const NOT_NAMES = new Set(['I', 'A', 'An', 'The', 'In', 'On', 'Of', 'And', 'But', 'Or', 'For', 'To', 'As', 'At', 'By', 'If']);

const STOP = new Set(
  'the a an and or of to in on for with by as at from that this these those is are was were be been has have had its it their they which who whom whose not but also into than then there such more most other'.split(' '),
);

const words = (text: string): string[] => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/** Content words of a text (for near-duplicate detection). */
function contentWords(text: string): Set<string> {
  return new Set(words(text).filter((w) => w.length > 2 && !STOP.has(w)));
}

/** Jaccard similarity of two word sets. */
export function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const w of a) if (b.has(w)) shared++;
  return shared / (a.size + b.size - shared);
}

/** True for boilerplate lines that belong to the page, not to the report's findings. */
export function isBoilerplate(text: string): boolean {
  return BOILERPLATE.some((re) => re.test(text.trim()));
}

/** True when a sentence opens with a reference it does not resolve ("This …", "They …", "There, …"). */
export function opensUnresolved(text: string): boolean {
  return UNRESOLVED_OPENER.test(text.trim());
}

/**
 * Names used capitalized in the middle of a sentence anywhere in the document: proper nouns. Used to
 * tell "Peru has long been…" (a name opens the sentence) from "Ironically, …".
 */
function properNouns(doc: Document): Set<string> {
  const names = new Set<string>();
  for (const section of doc.sections) {
    for (const passage of section.passages) {
      for (const sentence of sentencesOf(passage)) {
        const inner = sentence.text.replace(/^\S+\s*/, '');
        for (const m of inner.matchAll(CAPITALIZED)) if (!NOT_NAMES.has(m[0])) names.add(stripPossessive(m[0]));
      }
    }
  }
  return names;
}

function stripPossessive(w: string): string {
  return w.replace(/['’]s$/, '').replace(/\.$/, '');
}

/**
 * Whether a text carries something concrete: a digit (figures, years, percentages), a month, or a
 * name — a capitalized word inside the sentence, or an opening word the document uses as a name.
 */
export function isConcrete(text: string, names: ReadonlySet<string>): boolean {
  if (/\d/.test(text) || MONTH.test(text)) return true;
  const first = /^[“"‘'(]*(\S+)/u.exec(text)?.[1] ?? '';
  if (names.has(stripPossessive(first.replace(/[,;:]$/, '')))) return true;
  const inner = text.replace(/^\S+\s*/, '');
  for (const m of inner.matchAll(CAPITALIZED)) if (!NOT_NAMES.has(m[0])) return true;
  return false;
}

// The scrape's cut-offs the loader cannot always see: a paragraph that starts mid-sentence with a
// quote or a number ("“emergency zones” where…", "2018-2019, which focused…"). A fact must open with
// a capital letter, after any opening quote or bracket.
const opensWithCapital = (text: string) => /^[“"‘'(\[¿¡]*\p{Lu}/u.test(text.trim());
const isQuestion = (text: string) => /\?["'”’)\]»]*$/.test(text.trim());
const endsAsSentence = (text: string) => /[.!…]["'”’)\]»]*$/.test(text.trim());

/** Whether a single sentence may stand as (part of) a fact, ignoring its length. */
function quotable(s: Sentence): boolean {
  return s.complete && opensWithCapital(s.text) && !isQuestion(s.text) && endsAsSentence(s.text) && !s.text.startsWith('#') && !isBoilerplate(s.text);
}

/** Candidate facts of one passage, before the corpus-wide duplicate check. */
function passageFacts(doc: Document, passage: Passage, names: ReadonlySet<string>, opts: FactOptions): Array<Omit<Fact, 'citation'>> {
  const out: Array<Omit<Fact, 'citation'>> = [];
  const sentences = sentencesOf(passage);
  let previousFactFrom = -1; // sentence index of the last fact that consisted of that single sentence
  for (const [i, s] of sentences.entries()) {
    if (!quotable(s)) continue;
    let first = i;
    let opening = s;
    if (opensUnresolved(s.text)) {
      const prev = sentences[i - 1];
      if (!prev || !quotable(prev) || opensUnresolved(prev.text)) continue;
      first = i - 1;
      opening = prev;
    }
    const start = opening.start;
    const end = s.end;
    const text = doc.source.slice(start, end);
    if (text.length < opts.minChars || text.length > opts.maxChars || !isConcrete(text, names)) continue;
    // A joined pair replaces the single-sentence fact it starts with, so facts never overlap.
    if (first < i && previousFactFrom === first) out.pop();
    out.push({
      id: first < i ? `${passage.id}#${first}-${i}` : `${passage.id}#${i}`,
      text,
      passageId: passage.id,
      documentId: doc.id,
      sectionId: passage.sectionId,
      start,
      end,
    });
    previousFactFrom = first < i ? -1 : i;
  }
  return out;
}

/**
 * Extracts the facts of every document in corpus order. Deterministic: the same corpus gives the
 * same facts with the same ids; a report added to the corpus adds its facts without renumbering others.
 */
export function extractFacts(corpus: Corpus, cite?: CiteFn, options: Partial<FactOptions> = {}): Fact[] {
  const opts = { ...defaultFactOptions, ...options };
  const facts: Fact[] = [];
  const kept: Array<Set<string>> = [];
  for (const doc of corpus.documents) {
    const names = properNouns(doc);
    for (const section of doc.sections) {
      for (const passage of section.passages) {
        for (const candidate of passageFacts(doc, passage, names, opts)) {
          const bag = contentWords(candidate.text);
          if (kept.some((other) => jaccard(bag, other) >= opts.duplicateJaccard)) continue;
          kept.push(bag);
          facts.push({ ...candidate, citation: cite ? cite(candidate.passageId) : citationFor(corpus, passage) });
        }
      }
    }
  }
  return facts;
}

const cache = new WeakMap<Corpus, Fact[]>();

/** {@link extractFacts} with default options, computed once per loaded corpus. */
export function factsFor(corpus: Corpus, cite?: CiteFn): Fact[] {
  let facts = cache.get(corpus);
  if (!facts) {
    facts = extractFacts(corpus, cite);
    cache.set(corpus, facts);
  }
  return facts;
}
