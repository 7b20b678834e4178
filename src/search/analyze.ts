/**
 * Text analysis for questions about report prose: tokens with their offsets, folding, number
 * normalization (88,200 = 88200), hyphen handling (narco-trafficking = narcotrafficking), stop words,
 * and Porter stemming. Indexing and querying share these functions, so they always agree.
 */
import { stemmer } from 'stemmer';
import { eng } from 'stopword';
import { fold } from './fold.ts';
import { ALL_STOP_WORDS } from '../language/index.ts';

/** A term of analyzed text and where its surface form sits in the original string. */
export interface Token {
  /** Normalized, stemmed term. */
  term: string;
  /** Folded surface form before stemming (for display and fuzzy matching). */
  surface: string;
  start: number;
  end: number;
}

/**
 * Words that carry no content in a question or a passage: stopword's English list plus the question,
 * chat and Spanish function words of the language data (`src/language/`).
 */
export const STOP_WORDS: ReadonlySet<string> = new Set([...eng, ...ALL_STOP_WORDS]);

const TOKEN = /[\p{L}\p{N}]+(?:['\u2019.,\-\u2010-\u2013][\p{L}\p{N}]+)*/gu;

/**
 * A small memo for per-word work (normalizing, stemming): questions reuse the same few thousand
 * words, and this runs for every word of every question. Cleared when full, so it stays bounded.
 */
function memo<T>(fn: (word: string) => T, limit = 200_000): (word: string) => T {
  const cache = new Map<string, T>();
  return (word) => {
    let v = cache.get(word);
    if (v === undefined) {
      if (cache.size >= limit) cache.clear();
      v = fn(word);
      cache.set(word, v);
    }
    return v;
  };
}

/** Stems a folded word; numbers pass through. */
export const stem: (word: string) => string = memo((word) => (/^\d/.test(word) ? word : stemmer(word)));

/**
 * Normalizes one surface token into index terms: folding, possessives dropped, thousands separators
 * removed, hyphenated words split into parts plus the joined form. Stop words and stemming are not
 * applied here (see {@link toTerms}).
 */
export const normalizeToken: (raw: string) => readonly string[] = memo(normalizeTokenUncached);

function normalizeTokenUncached(raw: string): string[] {
  let t = fold(raw).replace(/'s$/, '').replace(/'$/, '');
  if (/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(t)) return [t.replace(/,/g, '')];
  if (/^\d+(\.\d+)?$/.test(t)) return [t];
  // "U.S." → "us"; "e.g." → "eg"
  if (/^(\p{L}\.)+\p{L}?$/u.test(t)) return [t.replace(/\./g, '')];
  const parts = t.split(/[.,'\-]+/).filter(Boolean);
  if (parts.length <= 1) return parts.map((p) => p.replace(/'/g, ''));
  const out = [...parts];
  if (parts.every((p) => /^\p{L}+$/u.test(p)) && t.includes('-')) out.push(parts.join(''));
  return out;
}

/** Words → terms: stop words out, stems in. Returns [] for a stop word. */
export function toTerms(word: string): string[] {
  return normalizeToken(word)
    .filter((w) => !STOP_WORDS.has(w) && w.length > 0)
    .map(stem);
}

/** Every content term of `text` with the offsets of the word it came from. */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(TOKEN)) {
    const start = m.index;
    const end = start + m[0].length;
    for (const surface of normalizeToken(m[0])) {
      if (STOP_WORDS.has(surface)) continue;
      out.push({ term: stem(surface), surface, start, end });
    }
  }
  return out;
}

/** The surface words of `text` (folded), stop words included: for phrase and question-word checks. */
export function words(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(TOKEN)) out.push(...normalizeToken(m[0]));
  return out;
}
