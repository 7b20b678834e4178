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
  /** Section title; null when the excerpt is the document's metadata (its title, byline, date). */
  section: string | null;
  sectionId: string | null;
  /** 1-based paragraph number within the section; null for metadata. */
  paragraph: number | null;
  /** Set when the excerpt runs on into the next paragraph: that paragraph's number (see `paragraphMark`). */
  lastParagraph?: number;
  /** Null for metadata. */
  passageId: string | null;
  /**
   * 1-based page of the passage in a report with pages (a PDF); null for other formats. Absent on a
   * citation of the document as a whole (its metadata), which has no page either.
   */
  page?: number | null;
  /** Short label such as `Ellis 2022 · Cocaine ¶4`, or `Ellis 2022 · p. 12 · Cocaine ¶4` with a page. */
  label: string;
}

/** A verbatim slice of a document: `document.source.slice(start, end) === text`. */
export interface Excerpt {
  text: string;
  /** The passage it comes from (where it starts); null when it is the document's metadata. */
  passageId: string | null;
  /**
   * Set when the excerpt runs on past the end of `passageId` into the passage after it (same section,
   * one stretch of the source): that passage's id. "Tell me more" goes on after it.
   */
  endPassageId?: string;
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
export type AbstainReason =
  /** Nothing to look up ("?", an emoji). */
  | 'empty'
  /** Thanks, greetings, "who are you": the bot says what it answers instead. */
  | 'chitchat'
  /** No passage comes close. */
  | 'not-covered'
  /** Close passages, but none answers with confidence: they are listed. */
  | 'unclear';

/** A document the bot knows, as listed for "what reports do you have?". */
export interface DocumentSummary {
  documentId: string;
  title: string;
  author: string;
  date: string;
  label: string;
}

export interface Answer {
  question: string;
  answered: boolean;
  /** 0–1; how sure the engine is that `answer` answers the question. */
  confidence: number;
  answer: Excerpt | null;
  /** Up to 3 best passages, best first — also when not answered (the closest passages). */
  passages: RankedPassage[];
  reason?: AbstainReason;
  /** For questions about the documents themselves ("what reports do you have?"): each document. */
  documents?: DocumentSummary[];
  /**
   * Set when the question was read as a follow-up of the previous turn: what it was taken to mean
   * ("how many hectares coca bolivia", "the passage after ellis-peru-2/cocaine/3").
   */
  understood?: string;
  /** How a follow-up was read: a question rewritten against the previous one, or "more" of its passage. */
  followUp?: 'rewrite' | 'more';
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
