/**
 * What the engine precomputes about every sentence once, at build time: its terms and the offsets of
 * their words, and the signals the features read (figures, dates, names, reason cues, captions, words
 * that refer back). Each sentence is tokenized once; the vocabulary is built from the same tokens.
 */
import type { Passage, Sentence } from '../corpus/types.ts';
import { englishData, english, phraseRegExp } from '../language/index.ts';
import { STOP_WORDS, type Token } from '../search/analyze.ts';
import { fold } from '../search/fold.ts';

/**
 * A sentence's terms in order with the offsets of their words in the sentence's text, as parallel
 * arrays rather than an object per word: word `j` is `terms[j]` at `offsets[2j]..offsets[2j + 1]`.
 * Objects per word cost about six times the memory (a 50 MB report holds 4.5 million of them).
 */
export interface SentenceTokens {
  readonly terms: readonly string[];
  readonly offsets: readonly number[];
}

/** The compact form of a sentence's analyzed tokens. */
export function sentenceTokens(analyzed: ReadonlyArray<Pick<Token, 'term' | 'start' | 'end'>>): SentenceTokens {
  const terms = new Array<string>(analyzed.length);
  const offsets = new Array<number>(analyzed.length * 2);
  analyzed.forEach((t, j) => {
    terms[j] = t.term;
    offsets[2 * j] = t.start;
    offsets[2 * j + 1] = t.end;
  });
  return { terms, offsets };
}

export interface IndexedSentence {
  sentence: Sentence;
  passage: Passage;
  /** The sentence's terms with the offsets of their words (the surface forms are not kept: only the build needs them). */
  tokens: SentenceTokens;
  /** The sentence's distinct terms (an array: a set per sentence would cost more than the words). */
  terms: readonly string[];
  /** Figures written in the sentence (thousands separators removed), years included. */
  figures: string[];
  /** A figure that is not a year, or a number word. */
  hasQuantity: boolean;
  /** A year, a month or a word of time. */
  hasDate: boolean;
  /** Folded names: capitalized words after the first, and acronyms. */
  names: string[];
  /** A reason cue ("because", "led to"). */
  causal: boolean;
  /** A picture or table caption. */
  caption: boolean;
  /** Opens with a word that refers back ("This", "They", "However"). */
  refersBack: boolean;
  /** The unit words of the language data the sentence uses ("kilometers", "percent"), folded. */
  unitWords: readonly string[];
}

const MONTHS = new Set([...english.months, ...englishData.monthAbbreviations]);
const YEAR = /^(1[6-9]|20)\d\d$/;
const CAUSAL = phraseRegExp(englishData.causalCues);
const OPENER = new RegExp(`^["'\u201c\u2018(]*(?:${englishData.pronounOpeners.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})\\b`, 'i');
const CAPTION = new RegExp(`^(?:${englishData.captionStarts.join('|')})\\.?\\s*\\d*\\s*[:.]`, 'i');

const UNIT_WORDS = new Set(Object.values(englishData.units).flat());
const NO_UNITS: readonly string[] = [];

/** Only the unit words are kept per sentence: a set of all its words would cost more than its text. */
function unitWordsIn(words: Set<string>): readonly string[] {
  let found: string[] | null = null;
  for (const w of words) if (UNIT_WORDS.has(w)) (found ??= []).push(w);
  return found ?? NO_UNITS;
}

/** Indexes one sentence from its tokens. */
export function indexSentence(sentence: Sentence, passage: Passage, analyzed: Token[]): IndexedSentence {
  const tokens = sentenceTokens(analyzed);
  const text = sentence.text;
  const figures = [...text.matchAll(/\d[\d,.]*\d|\d/g)].map((m) => m[0].replace(/,/g, ''));
  const lowerWords = new Set([...text.matchAll(/[\p{L}%$]+/gu)].map((m) => fold(m[0])));
  if (text.includes('%')) lowerWords.add('%');
  const hasNumberWord = [...lowerWords].some((w) => englishData.numberWords.has(w));
  return {
    sentence,
    passage,
    tokens,
    terms: [...new Set(tokens.terms)],
    figures,
    hasQuantity: figures.some((f) => !YEAR.test(f)) || hasNumberWord,
    hasDate: figures.some((f) => YEAR.test(f)) || [...lowerWords].some((w) => MONTHS.has(w) || englishData.dateWords.has(w)),
    names: [...text.matchAll(/(?<=[^.!?]\s)(\p{Lu}[\p{L}'\u2019-]*)/gu)].map((m) => fold(m[0]).replace(/'s$/, '')).filter((w) => !STOP_WORDS.has(w)),
    causal: CAUSAL.test(text),
    caption: CAPTION.test(text),
    refersBack: OPENER.test(text),
    unitWords: unitWordsIn(lowerWords),
  };
}
