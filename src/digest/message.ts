/**
 * The replies the digest feature produces: one fact (`/fact`) and a day's digest. Platform-neutral
 * {@link Reply} objects; each platform's `render.ts` turns them into Block Kit or an embed and
 * enforces its limits. Report text only ever appears as quotes (verbatim facts), never in `body`.
 */
import type { Action, Quote, Reply } from '../../commands/types.ts';
import type { Corpus } from '../corpus/types.ts';
import { passageRef } from '../actions.ts';
import type { Fact } from './facts.ts';
import { english, englishData, languages } from '../language/index.ts';

/** How a command is written on the platform at hand (`/ask`, or `/rb-ask` with a Slack prefix). */
export type CommandLabel = (name: string) => string;

export const defaultLabel: CommandLabel = (name) => `/${name}`;

/** A fact as a quote with its citation. */
export function factQuote(fact: Fact): Quote {
  return { text: fact.text, highlights: [], citation: fact.citation, passageId: fact.passageId };
}

function fullPassageAction(corpus: Corpus, fact: Fact, label: string): Action {
  const passage = corpus.byId.get(fact.passageId);
  return { kind: 'full_passage', label, value: passage ? passageRef(passage) : fact.passageId };
}

/** The title to show above facts: the report's, or a neutral one when facts come from several reports. */
export function reportTitle(facts: readonly Fact[]): string {
  const [title, ...others] = new Set(facts.map((f) => f.citation.document));
  return title !== undefined && others.length === 0 ? title : 'the reports';
}

/** `/fact`: one fact, cited, with a hint to ask about it and a button for the whole passage. */
export function factReply(corpus: Corpus, fact: Fact, label: CommandLabel = defaultLabel): Reply {
  return {
    kind: 'fact',
    heading: `A fact from ${fact.citation.document}`,
    quote: factQuote(fact),
    items: [],
    actions: [fullPassageAction(corpus, fact, 'Full passage')],
    footer: `Ask about this: ${label('ask')} followed by your question, e.g. ${label('ask')} ${askHint(fact)}`,
  };
}

/** A month's name alone is no subject (the language data's months). */
const MONTHS = new Set(english.months);
/** Small words a name may hold between its capitalized words, in every language with data. */
const CONNECTORS = languages.flatMap((l) => l.nameConnectors).join('|');
const NAME_RUN = new RegExp(`\\p{Lu}[\\p{L}\\p{M}'’.-]*(?:\\s+(?:(?:${CONNECTORS})\\s+)?\\p{Lu}[\\p{L}\\p{M}'’.-]*)*`, 'gu');
const ORIGIN_ADJECTIVE = new RegExp(`(?:${englishData.originAdjectiveEndings.join('|')})$`);

/** How good a capitalized phrase is as the subject of a suggested question. */
function nameScore(name: string): number {
  const words = name.split(/\s+/);
  if (words.length === 1) {
    if (MONTHS.has(name.toLowerCase())) return -1;
    if (/^\p{Lu}{2,}$/u.test(name)) return 2; // an acronym
    if (ORIGIN_ADJECTIVE.test(name)) return 0; // an adjective of origin
    return 1;
  }
  return 1 + words.length;
}

/**
 * A question the fact invites, about its most specific name ("What does the report say about
 * Operation Mercury?"), so the hint is concrete without rewording the report.
 */
export function askHint(fact: Fact): string {
  // The opening word is capitalized anyway; names are looked for after it.
  const inner = fact.text.replace(/^\S+\s*/, '');
  let best = '';
  let bestScore = 0;
  for (const m of inner.matchAll(NAME_RUN)) {
    // "Army's Amazon Protection Brigade" → its parts; "48th Front and Carolina Ramirez" → each name.
    for (const part of m[0].split(/['’]s\s+|\s+and\s+/)) {
      const name = part.replace(/['’]s$/, '').replace(/[.]$/, '').trim();
      const score = nameScore(name);
      if (name.length >= 3 && name.length <= 60 && score > bestScore) {
        best = name;
        bestScore = score;
      }
    }
  }
  return `What does the report say about ${best || fact.citation.section}?`;
}

/** Where a digest stands in its round. */
export interface DigestProgress {
  first: number;
  last: number;
  total: number;
}

/** "Facts 24–26 of 87" (or "Fact 5 of 87" for a one-fact digest). */
export function progressLabel(p: DigestProgress): string {
  return p.first === p.last ? `Fact ${p.first} of ${p.total}` : `Facts ${p.first}–${p.last} of ${p.total}`;
}

/**
 * A day's digest: a header with the report title and progress, each fact as a cited quote, and a
 * footer pointing to `/ask`. Public: it is posted to a channel.
 */
export function digestReply(corpus: Corpus, facts: readonly Fact[], progress: DigestProgress, label: CommandLabel = defaultLabel): Reply {
  const numbered = facts.length > 1;
  return {
    kind: 'digest',
    heading: `Daily facts from ${reportTitle(facts)} — ${progressLabel(progress)}`,
    items: facts.map(factQuote),
    actions: facts.map((f, i) => fullPassageAction(corpus, f, numbered ? `Full passage ${i + 1}` : 'Full passage')),
    footer: `Curious? Ask about any of these with ${label('ask')} followed by your question.`,
    visibility: 'public',
  };
}
