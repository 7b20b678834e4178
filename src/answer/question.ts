/**
 * Question analysis, the first stage of the answer pipeline: the question cleaned, its language, the
 * kind of answer it wants (a figure, a date, a name, a place, a definition, a reason, a list), what it
 * is about (its focus), the names, acronyms and years it mentions, and whether it is chit-chat or a
 * question about the documents themselves. Pure and deterministic; every word list comes from the
 * language data.
 */
import { fold } from '../search/fold.ts';
import { stripInvisible } from '../text.ts';
import { words } from '../search/analyze.ts';
import { english, englishData, languages, questionLanguage, type AnswerKind, type Language, type MetaField } from '../language/index.ts';
import { defined } from '../checked.ts';

export type { AnswerKind, MetaField } from '../language/index.ts';

export interface QuestionAnalysis {
  /** The question as asked, cleaned of control characters, mention markup and extra space. */
  text: string;
  /** Folded surface words (stop words included). */
  words: string[];
  language: Language;
  kind: AnswerKind;
  /** The document fields asked for when the question is about a document itself ("who wrote this?"). */
  meta: MetaField[];
  /** Thanks, greetings, "who are you": answered with a pointer to what the bot does. */
  chitchat: boolean;
  /** Words written with a capital inside the question (names), folded. */
  capitalized: string[];
  /** Words typed in capitals (UN, VRAEM), folded: never dropped as stop words. */
  acronyms: string[];
  /** Four-digit years mentioned. */
  years: string[];
  /** Figures written in the question (so an answer's figure can be told apart from them). */
  figures: string[];
  /** Units a measuring question expects ("how long" → kilometers or years); empty otherwise. */
  units: string[];
  /**
   * The thing asked about, as folded words: what a "how many" counts, the X of "what is X", else
   * empty (the engine then takes the rarest content word).
   */
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

const FIGURE = /\d[\d,.]*\d|\d/g;

/** Folded question text for cue matching: no inverted marks, emoji or trailing punctuation runs. */
function cueText(text: string): string {
  return fold(text)
    .replace(/[¿¡~]/g, '')
    .replace(/[^\p{L}\p{N}\s'%$?.,-]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function kindOf(folded: string, lang: Language): AnswerKind {
  for (const l of lang === english ? [english] : [lang, english]) {
    for (const [k, re] of l.kindCues) if (re.test(folded)) return k;
  }
  return 'other';
}

/** True when every word of the message is chit-chat or a function word (and it says something). */
function isChitchat(folded: string, qWords: string[]): boolean {
  const phrase = folded.replace(/[?!.,]+/g, ' ').replace(/\s+/g, ' ').trim();
  // Chit-chat is recognized in every language with data: "gracias" is one word, too short to tell a language by.
  const langs = languages;
  if (langs.some((l) => l.chitchatPhrases.has(phrase))) return true;
  // "hey, how's it going": a greeting before a chit-chat phrase.
  const [greeting = '', ...after] = phrase.split(' ');
  const rest = after.join(' ');
  if (rest && langs.some((l) => l.chitchatWords.has(greeting) && l.chitchatPhrases.has(rest))) return true;
  // A task ("summarize the whole thing", "can you make a chart of …"): not a question to quote an answer to.
  for (const l of langs) {
    const opener = l.taskOpeners.find((o) => phrase.startsWith(`${o} `));
    const asked = opener ? phrase.slice(opener.length + 1) : phrase;
    // A task verb, or a phrase of several words ("remind me to"), opening the message.
    for (const v of l.taskVerbs) if (asked === v || asked.startsWith(`${v} `)) return true;
  }
  if (qWords.length === 0) return /[\p{So}\p{Sk}]/u.test(folded) || phrase.length > 0;
  const chatty = qWords.filter((w) => langs.some((l) => l.chitchatWords.has(w)));
  return chatty.length > 0 && qWords.every((w) => langs.some((l) => l.chitchatWords.has(w) || l.stopWords.has(w)));
}

/**
 * The document fields a question asks for, when it is about a document itself: made only of field
 * cues, words that point at the document, and scaffolding. "Who wrote the Constitution?" is not.
 */
function metaFields(qWords: string[]): MetaField[] {
  const { fields, documentWords, fieldWords, weakCues, namers, namedCues, openingCues, joiners } = englishData.meta;
  const order = Object.keys(fields) as MetaField[];
  const asked = order.filter((f) => qWords.some((w) => fields[f].includes(w)));
  if (asked.length === 0) return [];
  if (!qWords.every((w) => META_WORDS.has(w.replace(/'/g, '')))) return [];
  // "When" alone, "where" alone: only with a word that names the document or a field cue proper.
  const pointsAtDocument = qWords.some((w) => documentWords.includes(w) || fieldWords.includes(w));
  if (!pointsAtDocument) return [];
  // "Which publication put this out?", "… and on what date was it published?": in a part of the
  // question (parts joined by "and"), a noun naming a field right after a question word asks for that
  // field alone, whatever else the part's words could cue, and so does a question word opening the
  // part that asks for a field ("where was it published?" → the publisher, "… and when?" → the date);
  // the other parts are read cue by cue.
  const names = (part: readonly string[], f: MetaField) =>
    (openingCues[f] ?? []).includes(part[0] ?? '') || part.some((w, i) => i > 0 && (namedCues[f] ?? []).includes(w) && namers.includes(part[i - 1] ?? ''));
  const named = new Set<MetaField>();
  const rest: string[] = [];
  for (const part of splitAt(qWords, joiners)) {
    const inPart = order.filter((f) => names(part, f));
    if (inPart.length) for (const f of inPart) named.add(f);
    else rest.push(...part);
  }
  const cued = asked.filter((f) => {
    if (named.has(f) || !rest.some((w) => fields[f].includes(w))) return false;
    const weak = weakCues[f];
    return !weak || rest.some((w) => !weak.includes(w) && fields[f].includes(w));
  });
  const list = order.filter((f) => named.has(f) || cued.includes(f));
  if (list.includes('list') && list.length > 1) return list.filter((f) => f !== 'list');
  return list;
}

/** The runs of words between the separators (empty runs left out). */
function splitAt(ws: readonly string[], separators: readonly string[]): string[][] {
  const out: string[][] = [[]];
  for (const w of ws) {
    if (separators.includes(w)) out.push([]);
    else defined(out[out.length - 1]).push(w);
  }
  return out.filter((part) => part.length > 0);
}

/** Every word a question about a document itself may be made of. */
const META_WORDS = new Set([...Object.values(englishData.meta.fields).flat(), ...Object.values(englishData.meta.namedCues).flat(), ...englishData.meta.documentWords, ...englishData.meta.scaffold]);

/** Reads the question's intent. Pure and deterministic. */
export function analyzeQuestion(raw: string): QuestionAnalysis {
  const text = cleanQuestion(raw);
  const folded = cueText(text);
  const qWords = words(text);
  const language = questionLanguage(text, qWords);
  let kind = kindOf(folded, language);
  // "coca hectares 2020": a unit of measure asks for a figure even without "how many".
  if (kind === 'other' && qWords.some((w) => englishData.measureWords.has(w))) kind = 'number';
  const capitalized: string[] = [];
  const tokens = [...text.matchAll(/[\p{L}][\p{L}\p{N}'\u2019-]*/gu)];
  tokens.forEach((m, i) => {
    const w = m[0];
    const sentenceStart = i === 0 || /[.?!¿¡]\s*$/.test(text.slice(0, m.index));
    if (/^\p{Lu}/u.test(w) && (!sentenceStart || /^\p{Lu}{2,}/u.test(w))) capitalized.push(fold(w).replace(/'s$/, ''));
  });
  const acronyms = tokens.filter((m) => /^\p{Lu}{2,}$/u.test(m[0])).map((m) => fold(m[0]));
  const years = [...folded.matchAll(/\b(?:1[6-9]\d\d|20\d\d)\b/g)].map((m) => m[0]);
  const figures = [...text.matchAll(FIGURE)].map((m) => m[0].replace(/,/g, ''));
  let subject: string | undefined;
  for (const l of language === english ? [english] : [language, english]) {
    for (const re of l.subjectPatterns) {
      const m = re.exec(folded);
      if (m?.[1]) {
        subject = m[1];
        break;
      }
    }
    if (subject) break;
  }
  if (subject && kind === 'number') subject = undefined;
  if (subject && (kind === 'other' || kind === 'person')) kind = 'definition';
  const focus: string[] = [];
  for (const l of language === english ? [english] : [language, english]) {
    const counted = l.countPattern?.exec(folded);
    if (!counted) continue;
    // The language data's count pattern captures what is counted.
    const after = words(defined(counted[1]));
    const first = after[0];
    if (first && !l.countSkip.has(first)) {
      focus.push(first);
      if (after[1] === 'of' || after[1] === 'de') {
        const next = after[2] === 'the' || after[2] === 'la' || after[2] === 'el' ? after[3] : after[2];
        if (next) focus.push(next);
      }
    }
    break;
  }
  if (subject && focus.length === 0) focus.push(...words(subject));
  const measure = englishData.measurePattern.exec(folded)?.[1];
  const units = measure ? (englishData.units[measure] ?? []) : [];
  const meta = metaFields(qWords);
  const chitchat = meta.length === 0 && isChitchat(folded, qWords);
  return { text, words: qWords, language, kind, meta, chitchat, capitalized, acronyms, years, figures, units, focus, subject };
}
