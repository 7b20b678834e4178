/**
 * The corpus model. Every text-bearing node keeps `start`/`end` character offsets into its
 * document's `source`, so `doc.source.slice(node.start, node.end) === node.text` always holds.
 */

/** One report, loaded from one file of `CORPUS_DIR`. */
export interface Document {
  /** Stable, readable slug (front matter `slug`, else the file name). */
  id: string;
  title: string;
  author: string;
  /** ISO date (YYYY-MM-DD) when known, else ''. */
  date: string;
  publisher: string;
  series: string;
  part: string;
  /** Absolute path of the file it came from. */
  path: string;
  /**
   * The file's whole text, exactly as read (after CRLF → LF) — for a PDF, web page or Word file the
   * text its reader extracted. All offsets point into it.
   */
  source: string;
  sections: Section[];
  /** Short citation label stem such as `Ellis 2022`. */
  label: string;
  /**
   * Where the document's metadata is written in `source` (front matter values, a title line, a byline
   * such as "Evan Ellis | July 25, 2022"): what questions about the document itself quote.
   */
  metaSpans: Partial<Record<MetaSpanField, { start: number; end: number }>>;
}

/** Metadata a document's source can spell out. */
export type MetaSpanField = 'title' | 'author' | 'date' | 'publisher' | 'series' | 'byline';

/** A `##` section of a document (the untitled opening part is "Introduction"). */
export interface Section {
  /** Slug of the title, unique within its document. */
  id: string;
  documentId: string;
  title: string;
  /** 0-based position within the document. */
  index: number;
  passages: Passage[];
}

/** About one paragraph; long paragraphs are split at sentence boundaries into parts. */
export interface Passage {
  /** `doc/section/paragraph` or `doc/section/paragraph.part` — e.g. `ellis-peru-2/cocaine/4`. */
  id: string;
  documentId: string;
  sectionId: string;
  sectionTitle: string;
  /** 1-based paragraph number within the section. */
  paragraph: number;
  /** 1-based part number when the paragraph was split, else 0. */
  part: number;
  /** 1-based page the passage starts on, for a report with pages (a PDF); absent otherwise. */
  page?: number;
  /** Position of the passage in the whole corpus; breaks ties deterministically. */
  order: number;
  start: number;
  end: number;
  text: string;
  /**
   * Its document's sentence table, shared by the document's passages: three integers a sentence —
   * start and end offsets into the source, and 1 for a complete sentence, 0 for a cut-off fragment.
   * `sentencesOf` (`passage.ts`) makes this passage's {@link Sentence} objects from it.
   */
  sentenceTable: Int32Array;
  /** Where its sentences begin in `sentenceTable`, counted in sentences. */
  firstSentence: number;
  sentenceCount: number;
}

/** One sentence of a passage. */
export interface Sentence {
  passageId: string;
  /** 0-based index within the passage. */
  index: number;
  start: number;
  end: number;
  text: string;
  /**
   * False for the scrape's cut-off fragments: a sentence that starts in lower case at the start of a
   * paragraph (its beginning was lost) or that ends a paragraph with no closing punctuation.
   */
  complete: boolean;
}

/** All loaded documents plus flat lookups. */
export interface Corpus {
  documents: Document[];
  passages: Passage[];
  /** Passage id → passage. */
  byId: Map<string, Passage>;
  /** Document id → document. */
  documentsById: Map<string, Document>;
  /** Alias glossary loaded from `glossary.yaml` in the corpus folder (folded phrase → folded phrases). */
  glossary: Map<string, string[]>;
  /** Files of `CORPUS_DIR` that were passed over, each with why (shown by `/reports`). */
  skipped: Array<{ file: string; reason: string }>;
  /**
   * Reports served at an older version because their file's newest one could not be read (a reload
   * found it corrupt), with why and since when (ISO time). Absent when there are none.
   */
  kept?: Array<{ file: string; reason: string; since: string }>;
}
