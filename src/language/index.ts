/**
 * Language data for the answer engine, one JSON file per language beside this module: stop words,
 * question cues, months, number words, pronoun openers, chit-chat, and for Spanish the cognate endings
 * and a small lexicon. Code reads these lists; it never spells the words out itself.
 */
import en from './en.json' with { type: 'json' };
import es from './es.json' with { type: 'json' };
import { z } from 'zod';
import { fold } from '../search/fold.ts';

const KINDS = ['number', 'date', 'person', 'place', 'name', 'definition', 'reason', 'list', 'other'] as const;

/** The answer kinds a question can ask for. */
export type AnswerKind = (typeof KINDS)[number];

/** Metadata fields a question about a document itself can ask for. */
export type MetaField = 'author' | 'date' | 'title' | 'publisher' | 'series' | 'list';

/** Everything the engine knows of one language, compiled for use. */
export interface Language {
  code: string;
  stopWords: ReadonlySet<string>;
  /** Words frequent enough in the language to tell which language a question is in. */
  functionWords: ReadonlySet<string>;
  months: readonly string[];
  /** Answer-kind cues, first match wins, tested against the folded question. */
  kindCues: ReadonlyArray<readonly [AnswerKind, RegExp]>;
  /** Patterns whose first group is the thing a "what is X" question is about. */
  subjectPatterns: readonly RegExp[];
  /** "How many X": the group is what is counted. */
  countPattern: RegExp | null;
  countSkip: ReadonlySet<string>;
  chitchatPhrases: ReadonlySet<string>;
  chitchatWords: ReadonlySet<string>;
  /**
   * Verbs that make a message a task rather than a question ("summarize it", "make a chart",
   * "translate …"): the bot quotes, it does not write. Taken at the start, or after an opener such
   * as "can you"; an entry of several words must open the message whole ("remind me to …" is a task,
   * "remind me what …" a question).
   */
  taskVerbs: ReadonlySet<string>;
  taskOpeners: readonly string[];
  /** Spanish→English cognate endings; the last `stemOnlyRules` give stems only. */
  cognateSuffixes: ReadonlyArray<readonly [RegExp, readonly string[]]>;
  stemOnlyRules: number;
  /** Folded word → English words. */
  lexicon: ReadonlyMap<string, readonly string[]>;
  /** Chat abbreviations and their words ("govt" → government, "ppl" → people). */
  abbreviations: ReadonlyMap<string, string>;
  /** Follow-up cues: "tell me more", openers such as "and what about", bare question words ("why?"). */
  followUp: { more: ReadonlySet<string>; openers: readonly string[]; bare: ReadonlySet<string> };
  /** Small words inside a multi-word name ("Madre de Dios", "Bank of America"). */
  nameConnectors: readonly string[];
}

/** The shape of a language file, checked when it loads so a broken file names itself. */
const rawLanguage = z.object({
  code: z.string(),
  stopWords: z.array(z.string()),
  functionWords: z.array(z.string()),
  months: z.array(z.string()),
  kindCues: z.array(z.tuple([z.enum(KINDS), z.string()])),
  subjectPatterns: z.array(z.string()),
  countPattern: z.string().optional(),
  countSkip: z.array(z.string()).optional(),
  chitchat: z.object({ phrases: z.array(z.string()), words: z.array(z.string()), taskVerbs: z.array(z.string()).optional(), taskOpeners: z.array(z.string()).optional() }),
  cognateSuffixes: z.array(z.tuple([z.string(), z.array(z.string())])).optional(),
  stemOnlyRules: z.number().int().min(0).optional(),
  lexicon: z.record(z.string(), z.array(z.string())).optional(),
  followUp: z.object({ more: z.array(z.string()), openers: z.array(z.string()), bare: z.array(z.string()) }).optional(),
  abbreviations: z.record(z.string(), z.string()).optional(),
  nameConnectors: z.array(z.string()).optional(),
});
type RawLanguage = z.infer<typeof rawLanguage>;

function parseLanguage(data: unknown, name: string): RawLanguage {
  const r = rawLanguage.safeParse(data);
  if (!r.success) throw new Error(`src/language/${name}.json is malformed: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data;
}

function compile(raw: RawLanguage): Language {
  const folded = (xs: string[]) => new Set(xs.map((x) => fold(x)));
  return {
    code: raw.code,
    stopWords: folded(raw.stopWords),
    functionWords: folded(raw.functionWords),
    months: raw.months,
    kindCues: raw.kindCues.map(([k, re]) => [k, new RegExp(re, 'u')] as const),
    subjectPatterns: raw.subjectPatterns.map((re) => new RegExp(re, 'u')),
    countPattern: raw.countPattern ? new RegExp(raw.countPattern, 'u') : null,
    countSkip: new Set(raw.countSkip ?? []),
    chitchatPhrases: folded(raw.chitchat.phrases),
    chitchatWords: folded(raw.chitchat.words),
    taskVerbs: folded(raw.chitchat.taskVerbs ?? []),
    taskOpeners: (raw.chitchat.taskOpeners ?? []).map((o) => fold(o)).sort((a, b) => b.length - a.length),
    cognateSuffixes: (raw.cognateSuffixes ?? []).map(([re, to]) => [new RegExp(re), to] as const),
    stemOnlyRules: raw.stemOnlyRules ?? 0,
    lexicon: new Map(Object.entries(raw.lexicon ?? {}).map(([k, v]) => [fold(k), v])),
    abbreviations: new Map(Object.entries(raw.abbreviations ?? {}).map(([k, v]) => [fold(k), v])),
    followUp: {
      more: folded(raw.followUp?.more ?? []),
      // Longest first, so "and what about" wins over "and".
      openers: (raw.followUp?.openers ?? []).map((o) => fold(o)).sort((a, b) => b.length - a.length),
      bare: folded(raw.followUp?.bare ?? []),
    },
    nameConnectors: raw.nameConnectors ?? [],
  };
}

/** English: the language of the reports and of most questions. */
export const english: Language = compile(parseLanguage(en, 'en'));
/** Spanish: questions only (the reports are English). */
export const spanish: Language = compile(parseLanguage(es, 'es'));
/** Every language with data, English first. */
export const languages: readonly Language[] = [english, spanish];

/** English-only lists the engine reads beside the common ones. */
export const englishData = {
  numberWords: new Set(en.numberWords),
  pronounOpeners: en.pronounOpeners,
  causalCues: en.causalCues,
  captionStarts: en.captionStarts,
  genericCounters: new Set(en.genericCounters),
  dateWords: new Set(en.dateWords),
  measureWords: new Set(en.measureWords),
  monthAbbreviations: en.monthAbbreviations,
  units: en.units as Record<string, string[]>,
  measurePattern: new RegExp(en.measurePattern, 'u'),
  /**
   * Questions about a document itself: the cues of each field, the words that point at the document,
   * the scaffolding such a question may hold, the words that alone make it one about the document, the
   * cues too vague to ask for their field on their own ("when", "where"), the question words and nouns
   * that name a field ("which publication"), and the words that join two parts of a question.
   */
  meta: en.meta as {
    documentWords: string[];
    fields: Record<MetaField, string[]>;
    scaffold: string[];
    fieldWords: string[];
    weakCues: Partial<Record<MetaField, string[]>>;
    /** Question words that, right before a noun of `namedCues`, name the field asked for ("which publication"). */
    namers: string[];
    /** Per field, the nouns that name it after a question word ("which publication", "what date"). */
    namedCues: Partial<Record<MetaField, string[]>>;
    /** Per field, the question words that ask for it when they open a part ("where was it published?"). */
    openingCues: Partial<Record<MetaField, string[]>>;
    /** Words that join two parts of a question ("who wrote it and when?"), each read on its own. */
    joiners: string[];
  },
  /** What a demonym adds to (the end of) its name: Peru/Peruvian, China/Chinese, Iraq/Iraqi. */
  demonymEndings: en.demonymEndings,
  /** Endings of a single capitalized word that is only an adjective of origin ("Peruvian", "Amazonian"). */
  originAdjectiveEndings: en.originAdjectiveEndings,
};

/** Words that are stop words in any language with data. */
export const ALL_STOP_WORDS: ReadonlySet<string> = new Set(languages.flatMap((l) => [...l.stopWords]));

/**
 * The language a question is written in: a language other than English when the question has an
 * inverted mark of it (¿ ¡ for Spanish) or at least two of its function words and more of them than
 * English ones. Per question, so a team may mix.
 */
export function questionLanguage(rawText: string, foldedWords: readonly string[]): Language {
  if (/[¿¡]/.test(rawText)) return spanish;
  const count = (l: Language) => new Set(foldedWords.filter((w) => l.functionWords.has(w) && !english.functionWords.has(w))).size;
  const esCount = count(spanish);
  const enCount = foldedWords.filter((w) => english.functionWords.has(w) && !spanish.functionWords.has(w)).length;
  return esCount >= 2 && esCount > enCount ? spanish : english;
}

/** A regular expression that matches any of the phrases as whole words, case-insensitively. */
export function phraseRegExp(phrases: readonly string[]): RegExp {
  const escaped = [...phrases].sort((a, b) => b.length - a.length).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${escaped.join('|')})(?![\\p{L}\\p{N}])`, 'iu');
}
