/** What the answer engine returns. Platform-neutral: no adapter type appears here. */

/** A character range, relative to the text it belongs to. */
export interface Span {
  start: number;
  end: number;
}

/** Where an excerpt comes from, precisely enough to find it in the report. */
export interface Citation {
  documentId: string;
  /** Document title. */
  document: string;
  author: string;
  /** ISO date, or '' when unknown. */
  date: string;
  section: string;
  sectionId: string;
  /** 1-based paragraph number within the section. */
  paragraph: number;
  passageId: string;
  /** Short label such as `Ellis 2022 · Cocaine ¶4`. */
  label: string;
}

/** A verbatim slice of a document: `document.source.slice(start, end) === text`. */
export interface Excerpt {
  text: string;
  passageId: string;
  documentId: string;
  start: number;
  end: number;
  /** Question terms matched in `text` (for bold rendering). */
  highlights: Span[];
  citation: Citation;
}

/** A passage as ranked for a question or a search. */
export interface RankedPassage {
  passageId: string;
  section: string;
  /** The whole passage text (verbatim). */
  text: string;
  score: number;
  citation: Citation;
  /** Matched terms within `text`. */
  highlights: Span[];
}

/** Why an answer was withheld. */
export type AbstainReason = 'empty' | 'no-match' | 'not-covered' | 'missing-entity' | 'wrong-kind';

export interface Answer {
  question: string;
  answered: boolean;
  /** 0–1; how sure the engine is that `answer` answers the question. */
  confidence: number;
  answer: Excerpt | null;
  /** Up to 3 best passages, best first — also when not answered (the closest passages). */
  passages: RankedPassage[];
  reason?: AbstainReason;
}

/** One search result, with a short snippet around the best match. */
export interface SearchHit extends RankedPassage {
  /** A verbatim slice of the passage around the matches (≤ 300 chars). */
  snippet: Excerpt;
}

export interface CorpusStats {
  documents: number;
  sections: number;
  passages: number;
  sentences: number;
}
