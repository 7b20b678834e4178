/**
 * Sentence boundaries for report prose. Rule-based on purpose: the text is edited English with a few
 * Spanish names, where a boundary is terminal punctuation (plus closing quotes/brackets), white space,
 * and then something that can open a sentence — unless the word before the period is an abbreviation,
 * an initial, or a number's decimal point.
 */

/** A sentence's character range within the text given to {@link splitSentences}. */
export interface SentenceSpan {
  start: number;
  end: number;
}

// Abbreviations that end with a period but rarely end a sentence (folded to lower case, no period).
const ABBREVIATIONS = new Set([
  'mr', 'mrs', 'ms', 'dr', 'prof', 'sr', 'jr', 'st', 'mt', 'no', 'nos', 'vs', 'etc', 'e.g', 'i.e', 'cf', 'al',
  'inc', 'ltd', 'co', 'corp', 'gen', 'col', 'lt', 'sgt', 'capt', 'adm', 'gov', 'sen', 'rep', 'pres', 'approx',
  'jan', 'feb', 'mar', 'apr', 'jun', 'jul', 'aug', 'sep', 'sept', 'oct', 'nov', 'dec', 'fig', 'vol', 'pp', 'ed',
]);

const CLOSERS = new Set(['"', "'", '\u201d', '\u2019', ')', ']', '\u00bb']);
const TERMINALS = new Set(['.', '!', '?', '\u2026']);

function isAbbreviation(text: string, periodAt: number): boolean {
  let i = periodAt - 1;
  while (i >= 0 && /[\p{L}.]/u.test(text.charAt(i))) i--;
  const word = text.slice(i + 1, periodAt);
  if (word.length === 0) return false;
  // Initials and dotted acronyms: "U.S", "J", "a.m".
  if (/^(\p{L}\.)*\p{L}$/u.test(word) && (word.length === 1 || word.includes('.'))) return true;
  return ABBREVIATIONS.has(word.toLowerCase());
}

/**
 * Splits `text` into sentences. Each span is trimmed of surrounding white space; the spans are in
 * order and never overlap. A trailing fragment without terminal punctuation is its own span.
 */
export function splitSentences(text: string): SentenceSpan[] {
  const spans: SentenceSpan[] = [];
  let start = 0;
  const n = text.length;
  const push = (s: number, e: number) => {
    while (s < e && /\s/.test(text.charAt(s))) s++;
    while (e > s && /\s/.test(text.charAt(e - 1))) e--;
    if (e > s) spans.push({ start: s, end: e });
  };
  for (let i = 0; i < n; i++) {
    const ch = text.charAt(i);
    if (!TERMINALS.has(ch)) continue;
    // A decimal point or a dotted number ("1.45", "v2.0") is not a boundary.
    if (ch === '.' && /\d/.test(text[i - 1] ?? '') && /\d/.test(text[i + 1] ?? '')) continue;
    let j = i + 1;
    while (j < n && (TERMINALS.has(text.charAt(j)) || CLOSERS.has(text.charAt(j)))) j++;
    if (j < n && !/\s/.test(text.charAt(j))) continue;
    let k = j;
    while (k < n && /\s/.test(text.charAt(k))) k++;
    if (k >= n) break;
    const next = text.charAt(k);
    // A sentence opens with a capital, a digit, an opening quote or bracket, or an inverted mark.
    if (!/[\p{Lu}\d"'\u201c\u2018(\[¿¡]/u.test(next)) continue;
    if (ch === '.' && isAbbreviation(text, i)) {
      // "U.S. Office" stays together; but an abbreviation can still end a sentence before a new one
      // that starts with a common sentence opener.
      const after = text.slice(k, k + 12);
      if (!/^(The|This|It|In|A|An|However|These|They|He|She|We)\b/.test(after)) continue;
    }
    push(start, j);
    start = k;
    i = k - 1;
  }
  push(start, n);
  return spans;
}

/** True when a sentence ends with terminal punctuation (optionally followed by closing quotes/brackets). */
export function endsLikeSentence(s: string): boolean {
  return /[.!?\u2026]["'\u201d\u2019)\]\u00bb]*$/.test(s.trimEnd());
}
