/**
 * English cognates of Spanish words, for the few questions teams ask in Spanish about an English
 * report: "políticamente" → "politically", "comités" → "committees", "armado" → "armed". Regular
 * suffix correspondences only; anything else is left to the glossary.
 */

/**
 * Spanish suffix → English replacements, longest first. Input is folded (no accents). The last
 * rules only drop an ending ("armado" → "armad"): their results are stems, good for an exact stem
 * match, never for the looser undoubled look-up ("comit" is not "commit").
 */
const SUFFIXES: Array<[RegExp, string[]]> = [
  [/amente$/, ['ally', 'ly']],
  [/mente$/, ['ly']],
  [/ciones$/, ['tions']],
  [/cion$/, ['tion']],
  [/siones$/, ['sions']],
  [/sion$/, ['sion']],
  [/dades$/, ['ties']],
  [/dad$/, ['ty']],
  [/ismos?$/, ['ism']],
  [/istas?$/, ['ist']],
  [/ic[oa]s?$/, ['ic', 'ical']],
  [/os[oa]s?$/, ['ous']],
  [/ivos?$|ivas?$/, ['ive']],
  [/ales$/, ['als']],
  [/antes?$/, ['ant']],
  [/entes?$/, ['ent']],
  [/ad[oa]s?$/, ['ed', 'ated']],
  [/id[oa]s?$/, ['ed']],
  [/ias?$/, ['y']],
  [/es$/, ['e', 'es', '']],
  [/([aiou])s$/, ['$1s', 's', '']],
  [/[aeo]$/, ['', 'e']],
  [/(ar|er|ir)$/, ['', 'e']],
];

/** English candidate spellings for a folded Spanish word (the word itself excluded). */
export function spanishCognates(word: string): string[] {
  return cognatesBy(word, SUFFIXES);
}

/** Only the candidates that are whole English words, not ending-stripped stems. */
export function wholeWordCognates(word: string): string[] {
  return cognatesBy(word, SUFFIXES.slice(0, -2));
}

function cognatesBy(word: string, rules: Array<[RegExp, string[]]>): string[] {
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

/** Doubled letters written once ("committee" → "comitee"): Spanish rarely doubles consonants. */
export function undouble(word: string): string {
  return word.replace(/([a-z])\1/g, '$1');
}

// Three letters or more: "el", "es", "al" and "son" also occur in English questions and names.
const SPANISH_FUNCTION_WORDS = new Set([
  'que', 'como', 'por', 'para', 'los', 'las', 'una', 'cual', 'cuales', 'donde', 'cuando', 'quien', 'quienes',
  'cuantos', 'cuantas', 'cuanto', 'ademas', 'sobre', 'entre', 'esta', 'estan', 'hay', 'del', 'les', 'pero',
  'muy', 'mas', 'segun', 'tiene', 'tienen', 'porque', 'tambien', 'cuantos',
]);

/** True when a question is (at least partly) in Spanish: ¿/¡, or two Spanish function words. */
export function looksSpanish(rawText: string, foldedWords: readonly string[]): boolean {
  if (/[¿¡]/.test(rawText)) return true;
  const found = new Set(foldedWords.filter((w) => SPANISH_FUNCTION_WORDS.has(w)));
  return found.size >= 2;
}
