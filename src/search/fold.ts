/** Case, diacritics and punctuation folding shared by indexing, questions and evaluation. */

const ASCII_WORD = /^[A-Za-z0-9.,'\-]*$/;

/**
 * Folds text for matching: Unicode compatibility forms, diacritics removed (Apurímac → apurimac),
 * lower case, curly quotes straightened, dashes unified, white space collapsed.
 */
export function fold(s: string): string {
  // Most words are plain ASCII: skip normalization and the quote tables for them (this runs for
  // every word of every question).
  if (ASCII_WORD.test(s)) return s.toLowerCase();
  return s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[\u2018\u2019\u201a\u201b\u2032\u00b4`]/g, "'")
    .replace(/[\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/\s+/g, ' ');
}
