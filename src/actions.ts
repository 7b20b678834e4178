/**
 * Button payloads, shared by every platform. A value must fit 80 characters (Slack allows 2000, a
 * Discord custom_id 100 including our prefix), so it carries references, never report text: a passage
 * ref, a question-log id, or a "view" that re-creates a reply (the engine is deterministic, so
 * re-running a view gives the same reply the user saw).
 */
import type { Corpus, Passage } from './corpus/types.ts';
import { runsOnInto } from './corpus/passage.ts';

/** Longest action value we produce. */
export const MAX_ACTION_VALUE = 80;

/**
 * Stands for the question-log id inside values built before the question is logged; `runCommand`
 * replaces it (see {@link bindQuestionLogId}). A value still holding it cannot be replayed.
 */
export const LOG_ID_PLACEHOLDER = '@';

/** Passage ids are readable slugs; absurdly long ones fall back to their corpus position. */
const MAX_INLINE_PASSAGE_ID = 60;

/** A short, stable reference to a passage. */
export function passageRef(p: Pick<Passage, 'id' | 'order'>): string {
  return p.id.length <= MAX_INLINE_PASSAGE_ID && !p.id.startsWith('#') ? p.id : `#${p.order}`;
}

/** A reply that can be produced again from a short value. */
export type View =
  /** The answer to a logged question. */
  | { kind: 'ask'; logId: number | null }
  /** Further passages for a logged question (its answered passage left out). */
  | { kind: 'ask-more'; logId: number | null; offset: number }
  /** A page of search results. */
  | { kind: 'search'; terms: string; offset: number; section?: string }
  /** One whole passage. */
  | { kind: 'source'; ref: string };

/**
 * Search terms too long to inline are kept here under a short key. In memory and bounded: after a
 * restart such a button answers "expired", which is better than a 2 kB button value.
 */
class TermsCache {
  private readonly map = new Map<string, string>();
  private next = 0;
  constructor(private readonly max = 2000) {}
  put(terms: string): string {
    for (const [k, v] of this.map) if (v === terms) return k;
    const key = (this.next++).toString(36);
    this.map.set(key, terms);
    if (this.map.size > this.max) {
      const oldest = this.map.keys().next().value;
      if (oldest !== undefined) this.map.delete(oldest);
    }
    return key;
  }
  get(key: string): string | undefined {
    return this.map.get(key);
  }
}

export const termsCache = new TermsCache();

const logIdText = (id: number | null): string => (id === null ? LOG_ID_PLACEHOLDER : String(id));
const parseLogId = (s: string): number | null | undefined =>
  s === LOG_ID_PLACEHOLDER ? null : /^\d{1,15}$/.test(s) ? Number(s) : undefined;

/** Encodes a view as an action value (≤ {@link MAX_ACTION_VALUE} characters). */
export function encodeView(view: View): string {
  switch (view.kind) {
    case 'ask':
      return `q:${logIdText(view.logId)}`;
    case 'ask-more':
      return `m:${logIdText(view.logId)}:${view.offset}`;
    case 'source':
      return `p:${view.ref}`;
    case 'search': {
      const head = `${view.offset}:${view.section ?? ''}:`;
      const inline = `s:${head}${view.terms}`;
      if (inline.length <= MAX_ACTION_VALUE) return inline;
      const key = termsCache.put(view.terms);
      const keyed = `k:${head}${key}`;
      // A section id too long to carry is dropped: the next page then covers the whole report.
      return keyed.length <= MAX_ACTION_VALUE ? keyed : `k:${view.offset}::${key}`;
    }
  }
}

/**
 * Decodes a view. Returns `undefined` for a malformed value and `'expired'` for a value that was valid
 * once but can no longer be served (a forgotten search key, an unlogged question).
 */
export function decodeView(value: string): View | 'expired' | undefined {
  const colon = value.indexOf(':');
  if (colon < 0) return undefined;
  const tag = value.slice(0, colon);
  const rest = value.slice(colon + 1);
  switch (tag) {
    case 'q': {
      const logId = parseLogId(rest);
      if (logId === undefined) return undefined;
      return logId === null ? 'expired' : { kind: 'ask', logId };
    }
    case 'm': {
      const [id = '', off = ''] = rest.split(':');
      const logId = parseLogId(id);
      if (logId === undefined || !/^\d{1,6}$/.test(off)) return undefined;
      return logId === null ? 'expired' : { kind: 'ask-more', logId, offset: Number(off) };
    }
    case 'p':
      return rest ? { kind: 'source', ref: rest } : undefined;
    case 's':
    case 'k': {
      const match = /^(\d{1,6}):([^:]*):(.+)$/s.exec(rest);
      if (!match) return undefined;
      const [, off = '0', section = '', key = ''] = match;
      const terms = tag === 's' ? key : termsCache.get(key);
      if (terms === undefined) return 'expired';
      return { kind: 'search', terms, offset: Number(off), ...(section ? { section } : {}) };
    }
    default:
      return undefined;
  }
}

/** Feedback value: the question-log id and the passage voted on. */
export function encodeFeedback(logId: number | null, ref: string): string {
  return `${logIdText(logId)}:${ref}`;
}

export function decodeFeedback(value: string): { logId: number | null; ref: string } | undefined {
  const colon = value.indexOf(':');
  if (colon < 0) return undefined;
  const logId = parseLogId(value.slice(0, colon));
  const ref = value.slice(colon + 1);
  if (logId === undefined || !ref) return undefined;
  return { logId, ref };
}

/** Replaces the log-id placeholder in a value built by the ask command. */
export function bindQuestionLogId(value: string, logId: number): string {
  return value
    .split(':')
    .map((part, i) => (part === LOG_ID_PLACEHOLDER && i < 2 ? String(logId) : part))
    .join(':');
}

/** Marks a ref as "and the passage after it": an excerpt that ran on into the next paragraph. */
const RUNS_ON = '+';

/** A reference to a passage, or with `runsOn` to it and the passage after it (`id+`). */
export function excerptRef(p: Pick<Passage, 'id' | 'order'>, runsOn = false): string {
  return `${passageRef(p)}${runsOn ? RUNS_ON : ''}`;
}

/**
 * Finds what an {@link excerptRef} points to: the passage, and for `id+` the passage an excerpt of it
 * may run on into ({@link runsOnInto}) when there still is one (a changed corpus may have lost it: the
 * passage alone then).
 */
export function resolveExcerptRef(
  corpus: Pick<Corpus, 'byId' | 'passages' | 'documentsById'>,
  ref: string,
): { passage: Passage; through?: Passage } | undefined {
  const runsOn = ref.endsWith(RUNS_ON);
  const passage = resolvePassageRef(corpus, runsOn ? ref.slice(0, -RUNS_ON.length) : ref);
  if (!passage) return undefined;
  const through = runsOn ? runsOnInto(corpus, passage) : null;
  return through ? { passage, through } : { passage };
}

/** Finds the passage a {@link passageRef} points to, if the corpus still has it. */
export function resolvePassageRef(
  corpus: { byId: Map<string, Passage>; passages: Passage[] },
  ref: string,
): Passage | undefined {
  if (ref.startsWith('#')) {
    const order = Number(ref.slice(1));
    return corpus.passages.find((p) => p.order === order);
  }
  return corpus.byId.get(ref);
}
