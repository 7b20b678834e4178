/**
 * Aliases: acronyms the reports define themselves ("…River valley (VRAEM)", "…, also known as the
 * VRAEM"), learned from the text, plus the corpus glossary for equivalences the text never spells out
 * (Sendero Luminoso = Shining Path, cops = police, a few Spanish terms). Used to expand questions.
 */
import type { Corpus } from '../corpus/types.ts';
import { fold } from './fold.ts';
import { toTerms, words } from './analyze.ts';
import { defined } from '../checked.ts';

/** An acronym and the long form the text gives for it. */
export interface Acronym {
  acronym: string;
  longForm: string;
  /** Passage where the definition appears. */
  passageId: string;
  /** Offsets of the long form + acronym in the document source. */
  start: number;
  end: number;
}

const JOINERS = new Set(['of', 'for', 'the', 'and', 'de', 'del', 'los', 'las', 'la', 'y', 'e', 'on', 'in', 'to']);

/**
 * Finds the shortest run of words ending the `before` text whose initials account for the acronym's
 * letters (in any order — Spanish and Portuguese acronyms keep their own word order), allowing one
 * letter unaccounted for in acronyms of three letters or more.
 */
function longFormFor(acronym: string, before: string): string | null {
  const letters = acronym.toLowerCase().replace(/[^a-z]/g, '').split('');
  if (letters.length < 2) return null;
  const rawWords = before.split(/\s+/).filter(Boolean).slice(-12);
  // Every letter accounted for beats a shorter run with one missing ("Office of National Drug
  // Control Policy", not "National Drug Control Policy").
  const tolerances = letters.length >= 3 ? [0, 1] : [0];
  for (const allowed of tolerances) {
    for (let n = 1; n <= rawWords.length; n++) {
      const run = rawWords.slice(-n);
      const first = defined(run[0]).replace(/^[^\p{L}\d]+/u, '');
      if (JOINERS.has(first.toLowerCase())) continue;
      // Never reach back across a clause boundary.
      if (run.slice(0, -1).some((w) => /[.;:!?]$/.test(w))) break;
      // Joining words ("and", "de los") lend no letter: "Ene and Mantaro" is E, M — not E, A, M.
      const pool = run
        .flatMap((w) => w.split('-'))
        .map((w) => fold(w.replace(/^[^\p{L}\d]+|[^\p{L}\d]+$/gu, '')))
        .filter((w) => !JOINERS.has(w))
        .map((w) => w[0] ?? '');
      let missing = 0;
      for (const l of letters) {
        const i = pool.indexOf(l);
        if (i >= 0) pool.splice(i, 1);
        else missing++;
      }
      if (missing <= allowed) return run.join(' ').replace(/^[^\p{L}\d]+|[^\p{L}\d]+$/gu, '');
    }
  }
  return null;
}

/** Learns acronym definitions from every passage of the corpus. */
export function learnAcronyms(corpus: Corpus): Acronym[] {
  const found: Acronym[] = [];
  const seen = new Set<string>();
  for (const p of corpus.passages) {
    // "long form (ACR)"; a quoted long form right before the bracket is taken whole.
    for (const m of p.text.matchAll(/\(([A-Z][A-Za-z]*[A-Z]\d*)\)/g)) {
      const acronym = defined(m[1]);
      const before = p.text.slice(Math.max(0, m.index - 160), m.index).replace(/\s+$/, '');
      const quoted = /["\u201c]([^"\u201c\u201d]{3,80})["\u201d]$/.exec(before);
      const longForm = quoted ? defined(quoted[1]) : longFormFor(acronym, before);
      if (!longForm) continue;
      const key = `${acronym}|${fold(longForm)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      // `before` was trimmed at its end, so count from where it starts, not back from the bracket.
      const startInPassage = Math.max(0, m.index - 160) + before.lastIndexOf(longForm);
      found.push({ acronym, longForm, passageId: p.id, start: p.start + Math.max(0, startInPassage), end: p.start + m.index + m[0].length });
    }
    // "long form, also known as the ACR"
    // (The regex is slow on long text, so only passages that say "known as" try it.)
    const knownAs = p.text.includes('known as') ? p.text.matchAll(/([\p{L}'\u2019 ,-]{6,90}?),? (?:also )?known as (?:the )?([A-Z][A-Za-z]*[A-Z])\b/gu) : [];
    for (const m of knownAs) {
      const acronym = defined(m[2]);
      const longForm = longFormFor(acronym, defined(m[1]).replace(/^.*?\b(?:the|over|of|in)\s+(?=\p{L})/iu, ''));
      if (!longForm) continue;
      const key = `${acronym}|${fold(longForm)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const where = p.text.indexOf(longForm, m.index);
      found.push({ acronym, longForm, passageId: p.id, start: p.start + where, end: p.start + m.index + m[0].length });
    }
  }
  return found;
}

/** Query expansion table: a folded phrase → term lists of its equivalents. */
export class AliasTable {
  /** Folded phrase (space-joined words) → equivalent phrases' terms. */
  private readonly phrases = new Map<string, string[][]>();
  /** First word of a phrase → the word counts of phrases starting with it, longest first. */
  private readonly lengthsByFirstWord = new Map<string, number[]>();
  /** Folded acronym → its long forms. */
  readonly acronyms = new Map<string, Acronym[]>();
  private maxWords = 1;

  constructor(acronyms: Acronym[], glossary: Map<string, string[]>) {
    for (const a of acronyms) {
      const key = fold(a.acronym);
      this.acronyms.set(key, [...(this.acronyms.get(key) ?? []), a]);
      this.add(a.acronym, a.longForm);
      // People shorten long forms from the front: "Itinerant Social Action" still means PIAS.
      const ws = words(a.longForm);
      for (let i = 0; i <= ws.length - 3; i++) this.add(ws.slice(i).join(' '), a.acronym);
    }
    for (const [phrase, others] of glossary) for (const o of others) this.add(phrase, o);
  }

  private add(phrase: string, equivalent: string): void {
    const key = words(phrase).join(' ');
    if (!key) return;
    const terms = words(equivalent).flatMap(toTerms);
    if (terms.length === 0) return;
    const keyWords = key.split(' ');
    const firstWord = defined(keyWords[0]);
    this.maxWords = Math.max(this.maxWords, keyWords.length);
    const lengths = this.lengthsByFirstWord.get(firstWord) ?? [];
    if (!lengths.includes(keyWords.length)) {
      lengths.push(keyWords.length);
      lengths.sort((a, b) => b - a);
    }
    this.lengthsByFirstWord.set(firstWord, lengths);
    const list = this.phrases.get(key) ?? [];
    if (!list.some((t) => t.join(' ') === terms.join(' '))) list.push(terms);
    this.phrases.set(key, list);
  }

  /**
   * Expansions for a question: for every phrase of the glossary or acronym table found in the
   * question's words, the terms of its equivalents, each with the words it replaces.
   */
  expand(questionWords: string[]): Array<{ matched: string[]; terms: string[] }> {
    const out: Array<{ matched: string[]; terms: string[] }> = [];
    for (const [i, word] of questionWords.entries()) {
      // Only phrases that start with this word can match here.
      for (const n of this.lengthsByFirstWord.get(word) ?? []) {
        if (i + n > questionWords.length) continue;
        const key = n === 1 ? word : questionWords.slice(i, i + n).join(' ');
        const eq = this.phrases.get(key);
        if (!eq) continue;
        for (const terms of eq) out.push({ matched: questionWords.slice(i, i + n), terms });
      }
    }
    return out;
  }
}
