/**
 * Question analysis: what kind of answer is wanted (a figure, a date, a name, a place, a definition),
 * whether the question is about the report itself (author, date, title), and which words carry it.
 */
import { fold } from '../search/fold.ts';
import { stripInvisible } from '../text.ts';
import { words } from '../search/analyze.ts';

export type AnswerKind = 'number' | 'date' | 'person' | 'place' | 'name' | 'definition' | 'reason' | 'other';
/** Questions about the report itself that its own text answers (its author's note). */
export type MetaTopic = 'author';

export interface QuestionAnalysis {
  /** The question as asked, cleaned of control characters and extra space. */
  text: string;
  /** Folded surface words (stop words included). */
  words: string[];
  kind: AnswerKind;
  /** Set when the question asks about the report itself rather than its content. */
  meta?: MetaTopic;
  /** Words written with a capital inside the question (names), folded. */
  capitalized: string[];
  /** Words typed in capitals (UN, VRAEM), folded: never dropped as stop words. */
  acronyms: string[];
  /** Four-digit years mentioned. */
  years: string[];
  /** Units a measuring question expects ("how long" → kilometers or years), or undefined. */
  units?: RegExp;
  /** What a "how many/much" question counts ("tons of gold"), folded words; empty otherwise. */
  focus: string[];
  /** The subject of a "what is X" question, folded. */
  subject?: string;
}

/** Removes control characters (keeping ordinary white space) and mention markup, and collapses white space. */
export function cleanQuestion(q: string): string {
  return stripInvisible(
    q
      // Mention markup (`<!channel>`, `<@U123>`, `@everyone`) addresses people; it is not part of the question.
      .replace(/<[!@#][^<>]*>/g, ' ')
      .replace(/(^|[^\p{L}\p{N}])@(everyone|here|channel)\b/giu, '$1 '),
  );
}

const KIND_PATTERNS: Array<[AnswerKind, RegExp]> = [
  ['number', /\b(how (many|much|large|big|long|far|often|high|low|fast)|what (percentage|percent|share|proportion|number|amount|fraction)|by how much|cu[aá]nt[oa]s?|qu[eé] porcentaje)\b/],
  ['number', /\b(number of|amount of|percentage of|how much of)\b/],
  ['number', /^(what|which) (is|was|are|were) (the |its |their |\w+'s )?(\w+ )?(rate|total|population|cost|price|value|size|budget|share)\b/],
  ['date', /\b(when|what year|which year|what date|since when|cu[aá]ndo|en qu[eé] a[nñ]o)\b/],
  ['reason', /\b(why|por qu[eé])\b/],
  ['person', /\b(who|whom|whose|qui[eé]n(es)?)\b/],
  ['place', /\b(where|what (region|department|city|town|country|province|area|place)|which (region|department|city|town|country|province|area|place|border)|d[oó]nde)\b/],
  ['definition', /^(what|qu[eé]) (is|are|was|were|es|son) (an? |the |el |la |los |las )?[^ ]+( [^ ]+){0,4}\??$/],
  ['definition', /\b(what does .+ (mean|stand for)|define|meaning of|stand for)\b/],
  // "Which law …", "What plan …": a named thing.
  ['name', /^(which|what) (?!is\b|are\b|was\b|were\b|does\b|do\b|did\b|has\b|have\b|had\b|can\b|could\b|would\b|will\b|should\b)\w+/],
];

/** Words a question about the report's author consists of, and nothing else. */
const AUTHOR_SCAFFOLD = new Set([
  'who', 'whos', 's', 'wrote', 'written', 'write', 'writes', 'authored', 'author', 'authors', 'writer', 'penned', 'behind',
  'is', 'are', 'was', 'the', 'this', 'it', 'that', 'of', 'by', 'report', 'article', 'paper', 'piece', 'study', 'what', 'name',
  'quien', 'escribio', 'el', 'la', 'informe', 'autor', 'autora', 'articulo', 'esto', 'es', 'de', 'del',
]);
const AUTHOR_CUE = /\b(wrote|written|authored|author|authors|writer|penned|escribi[oó]|autora?)\b/;

const LENGTH = /\b(kilomet(er|re)s?|km|miles?|met(er|re)s?)\b/i;
const SIZE = /\b(kilomet(er|re)s?|km|miles?|hectares?|square|acres?|percent|million|billion)\b/i;
/** What "how long/far/big…" is measured in. "How long" is a length or a time. */
const UNITS: Record<string, RegExp> = {
  long: /\b(kilomet(er|re)s?|km|miles?|met(er|re)s?|years?|months?|weeks?|days?|hours?)\b/i,
  far: LENGTH,
  wide: LENGTH,
  tall: LENGTH,
  high: LENGTH,
  big: SIZE,
  large: SIZE,
};

/** Reads the question's intent. Pure and deterministic. */
export function analyzeQuestion(raw: string): QuestionAnalysis {
  const text = cleanQuestion(raw);
  const folded = fold(text).replace(/[¿¡]/g, '').trim();
  const qWords = words(text);
  let kind: AnswerKind = 'other';
  for (const [k, re] of KIND_PATTERNS) {
    if (re.test(folded)) {
      kind = k;
      break;
    }
  }
  // "Who wrote this?" is about the report; "Who wrote the Constitution?" is not: only questions made of
  // nothing but author words and report words count.
  const meta: MetaTopic | undefined =
    AUTHOR_CUE.test(folded) && qWords.length > 0 && qWords.every((w) => AUTHOR_SCAFFOLD.has(w.replace(/'/g, ''))) ? 'author' : undefined;
  // "coca hectares 2020": a unit of measure asks for a figure even without "how many".
  if (kind === 'other' && /\b(hectares?|tons?|tonnes|percent|percentage|kilometers?|km|soles|dollars|usd|million|billion|rate)\b/.test(folded)) kind = 'number';
  const capitalized: string[] = [];
  const tokens = [...text.matchAll(/[\p{L}][\p{L}\p{N}'\u2019-]*/gu)];
  tokens.forEach((m, i) => {
    const w = m[0];
    const sentenceStart = i === 0 || /[.?!¿¡]\s*$/.test(text.slice(0, m.index));
    if (/^\p{Lu}/u.test(w) && (!sentenceStart || /^\p{Lu}{2,}/u.test(w))) capitalized.push(fold(w).replace(/'s$/, ''));
  });
  const acronyms = tokens.filter((m) => /^\p{Lu}{2,}$/u.test(m[0])).map((m) => fold(m[0]));
  const years = [...folded.matchAll(/\b(1[89]\d\d|20\d\d)\b/g)].map((m) => m[1]!);
  let subject: string | undefined;
  const def = /^(?:what|who|qu[eé]) (?:is|are|was|were|es|son) (?:an? |the |el |la |los |las )?(.+?)\??$/.exec(folded);
  if (def && kind !== 'number') subject = def[1];
  const mean = /^what does (?:the )?(.+?) (?:mean|stand for)\??$/.exec(folded);
  if (mean) subject = mean[1];
  // "What did Operation Mercury do?", "tell me about PIAS": the thing itself is the subject.
  const about =
    /^what (?:did|does|do) (?:the )?(.+?) do\??$/.exec(folded) ?? /^(?:tell me about|what about|explain|info on|describe) (?:the )?(.+?)\??$/.exec(folded);
  if (about && kind !== 'number') {
    subject = about[1];
    kind = 'definition';
  }
  if (kind === 'person' && subject) kind = 'definition';
  // What a "how many" question counts: its first content word, and an "of X" after it
  // ("tons of gold", "battalions", "Peruvian [police]").
  const focus: string[] = [];
  const counted = /\b(?:how (?:many|much)|cu[aá]nt[oa]s?)\s+(.+)$/u.exec(folded);
  if (counted) {
    const after = words(counted[1]!);
    const first = after[0];
    if (first && !/^(do|does|did|are|is|was|were|have|has|had|will|would|can|could|should|there|of|the)$/.test(first)) {
      focus.push(first);
      if (after[1] === 'of') {
        const next = after[2] === 'the' ? after[3] : after[2];
        if (next) focus.push(next);
      }
    }
  }
  const measure = /\bhow (long|far|big|large|wide|tall|high)\b/.exec(folded)?.[1];
  const units = measure ? UNITS[measure] : undefined;
  return { text, words: qWords, kind, meta, capitalized, acronyms, years, subject, focus, ...(units ? { units } : {}) };
}
