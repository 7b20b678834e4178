/**
 * What a format reader (PDF, HTML, DOCX) hands the loader: the report's text as the loader's own
 * Markdown-like layout (`## ` headings, paragraphs separated by blank lines) — which becomes the
 * document's `source`, so every excerpt is an exact slice of it — its metadata, and for a PDF where
 * each page starts in that text.
 */

/** Metadata a file states about itself (info dictionary, `<meta>`, JSON-LD, core properties). */
export interface ExtractedMeta {
  title: string;
  author: string;
  /** ISO date (YYYY-MM-DD) or ''. */
  date: string;
  publisher: string;
}

export interface ExtractedReport {
  text: string;
  meta: ExtractedMeta;
  /** `[offset, page]` pairs, ascending: the text from `offset` on is on `page` (1-based). PDFs only. */
  pageStarts?: Array<[number, number]>;
}

/** Builds the text block by block, remembering where each page's text starts. */
export class TextBuilder {
  private text = '';
  private readonly pages: Array<[number, number]> = [];

  /** A heading line (`## title`), whitespace collapsed. */
  heading(title: string, page?: number): void {
    const t = collapse(title);
    if (t) this.block(`## ${t}`, page);
  }

  /** A paragraph: one block with no blank line inside, whitespace collapsed. */
  paragraph(text: string, page?: number): void {
    let t = collapse(text);
    // A paragraph that opens with "# " (a shell comment, a hashtag) would be read as a heading: the
    // space after the marks becomes a line break, which a heading never holds. The words stay the same.
    if (/^#{1,6} /.test(t)) t = t.replace(' ', '\n');
    // A lone rule would be taken for a Markdown thematic break; it says nothing anyway.
    if (t && !/^(-{3,}|\*{3,}|_{3,})$/.test(t)) this.block(t, page);
  }

  private block(t: string, page?: number): void {
    if (this.text) this.text += '\n\n';
    if (page !== undefined && this.pages.at(-1)?.[1] !== page) this.pages.push([this.text.length, page]);
    this.text += t;
  }

  result(meta: ExtractedMeta): ExtractedReport {
    return { text: `${this.text}\n`, meta, ...(this.pages.length ? { pageStarts: this.pages } : {}) };
  }
}

/** Whitespace runs (including non-breaking spaces and line breaks) as one space, trimmed. */
export function collapse(s: string): string {
  return s.replace(/[\s\u00a0\u200b]+/g, ' ').trim();
}

/** An ISO date (YYYY-MM-DD, or YYYY-MM / YYYY when that is all there is) from the usual spellings, else ''. */
export function isoDate(value: string | undefined | null): string {
  if (!value) return '';
  const v = value.trim();
  // PDF dates: D:YYYYMMDDHHmmSS…
  const pdf = /^D:(\d{4})(\d{2})?(\d{2})?/.exec(v);
  if (pdf) return [pdf[1], pdf[2], pdf[3]].filter(Boolean).join('-');
  const iso = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(v);
  if (iso) return [iso[1], iso[2], iso[3]].filter(Boolean).join('-');
  const t = Date.parse(v);
  return Number.isNaN(t) ? '' : new Date(t).toISOString().slice(0, 10);
}
