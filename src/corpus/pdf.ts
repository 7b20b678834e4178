/**
 * PDF reports, read with pdfjs-dist (Mozilla's PDF.js, legacy build for Node; text only, no canvas).
 * The text layer of each page becomes lines, the lines paragraphs and headings:
 *
 * - two-column pages are read column by column: a gutter is an x that no line crosses while lines sit
 *   on both sides of it; lines that cross it (a title, a full-width figure caption) stay in place;
 * - running headers, footers and page numbers go: a line repeated at the same height on most pages
 *   (digits counted as one, so "Page 3" repeats "Page 4"), and a bare number at a page's top or bottom;
 *   so do table-of-contents lines (dot leaders and a page number);
 * - a word hyphenated at a line end is joined ("eradi-" + "cation" → "eradication");
 * - a line set larger than the body text is a heading (`## `); the largest on page 1 is the title;
 * - metadata from the info dictionary, else from the XMP metadata stream.
 *
 * A file without a text layer (a scan), an encrypted or a corrupt one throws a CorpusError saying so.
 */
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { CorpusError } from '../errors.ts';
import { collapse, isoDate, TextBuilder, type ExtractedReport } from './extracted.ts';
import { defined } from '../checked.ts';

/** One run of text after merging pdf.js items on the same baseline. */
interface Line {
  text: string;
  x0: number;
  x1: number;
  y: number;
  size: number;
  page: number;
  /** -1 full width (or a one-column page), 0 left column, 1 right column. */
  column: number;
}

interface Item {
  str: string;
  x: number;
  y: number;
  width: number;
  size: number;
}

/** A bare page number, "Page 3", "3 of 12", "- 3 -", or a front-matter one ("iv"). */
const PAGE_NUMBER = /^(?:page\s+)?[-–—\s]*(?:\d{1,4}(?:\s*(?:of|\/)\s*\d{1,4})?|[ivxlc]{1,6})[-–—\s]*$/i;
/** A table-of-contents line: dot leaders and a page number ("2 Utilities . . . . . 5"). */
const CONTENTS_LINE = /(?:\.\s?){4,}\s*[\divxlc]{1,5}$/i;
/** Info titles that are no title: a file name, an application's default. */
const JUNK_TITLE = /^(untitled|microsoft word\s*-.*|.*\.(docx?|pdf|odt|rtf|indd|tex))$/i;

/** The text items of a page as baseline-merged fragments; a wide gap (a column gutter) splits a row. */
function rowsOf(items: Item[], page: number): Line[] {
  const sorted = items.filter((i) => i.str.trim()).sort((a, b) => b.y - a.y || a.x - b.x);
  const rows: Array<[Item, ...Item[]]> = [];
  for (const it of sorted) {
    const row = rows.at(-1);
    if (row && Math.abs(row[0].y - it.y) <= 0.35 * Math.min(row[0].size, it.size)) row.push(it);
    else rows.push([it]);
  }
  const lines: Line[] = [];
  for (const row of rows) {
    row.sort((a, b) => a.x - b.x);
    let cur: Line | null = null;
    for (const it of row) {
      const gap = cur ? it.x - cur.x1 : 0;
      if (cur && gap <= 1.5 * Math.max(cur.size, it.size)) {
        // pdf.js drops the spaces between separately drawn runs; a visible gap is one.
        const space = gap > 0.15 * it.size && !/\s$/.test(cur.text) && !/^\s/.test(it.str) ? ' ' : '';
        cur.text += space + it.str;
        cur.x1 = Math.max(cur.x1, it.x + it.width);
        cur.size = Math.max(cur.size, it.size);
      } else {
        if (cur) lines.push(cur);
        cur = { text: it.str, x0: it.x, x1: it.x + it.width, y: it.y, size: it.size, page, column: -1 };
      }
    }
    if (cur) lines.push(cur);
  }
  for (const l of lines) l.text = collapse(l.text);
  return lines.filter((l) => l.text);
}

/**
 * Orders a page's lines for reading. When a gutter splits the page into two columns, lines crossing it
 * cut the page into bands, and each band is read left column first.
 */
function readingOrder(lines: Line[], width: number): Line[] {
  let best: { x: number; crossing: number } | null = null;
  for (let x = Math.round(width * 0.3); x <= width * 0.7; x += 2) {
    const left = lines.filter((l) => l.x1 <= x);
    const right = lines.filter((l) => l.x0 >= x);
    if (left.length < 3 || right.length < 3) continue;
    // Side by side, not one above the other: rows that hold both a left and a right line.
    const leftRows = new Set(left.map((l) => Math.round(l.y)));
    if (right.filter((l) => leftRows.has(Math.round(l.y))).length < 2) continue;
    const crossing = lines.filter((l) => l.x0 < x && l.x1 > x).length;
    if (!best || crossing < best.crossing) best = { x, crossing };
  }
  if (!best || best.crossing > lines.length * 0.25) return lines;
  const gutter = best.x;
  const out: Line[] = [];
  let band: Line[] = [];
  const flush = () => {
    out.push(...band.filter((l) => l.column === 0), ...band.filter((l) => l.column === 1));
    band = [];
  };
  for (const l of lines) {
    if (l.x0 < gutter && l.x1 > gutter) {
      flush();
      out.push(l);
    } else {
      l.column = l.x1 <= gutter ? 0 : 1;
      band.push(l);
    }
  }
  flush();
  return out;
}

/** Drops running headers and footers (the same line at the same height on most pages) and page numbers. */
function dropFurniture(pages: Line[][], heights: number[]): Line[][] {
  const key = (l: Line) => `${Math.round(l.y / 3)}|${l.text.replace(/\d+/g, '#').toLowerCase()}`;
  const count = new Map<string, number>();
  for (const lines of pages) for (const k of new Set(lines.map(key))) count.set(k, (count.get(k) ?? 0) + 1);
  const repeated = (l: Line) => pages.length >= 2 && (count.get(key(l)) ?? 0) >= Math.max(2, Math.ceil(pages.length * 0.5));
  return pages.map((lines, i) => {
    const h = defined(heights[i]);
    const ys = lines.map((l) => l.y);
    const top = ys.reduce((m, y) => Math.max(m, y), -Infinity);
    const bottom = ys.reduce((m, y) => Math.min(m, y), Infinity);
    return lines.filter((l) => {
      // A table of contents repeats the headings with page numbers; the headings themselves follow.
      if (repeated(l) || CONTENTS_LINE.test(l.text)) return false;
      const edge = l.y === top || l.y === bottom || l.y > h * 0.9 || l.y < h * 0.1;
      return !(edge && PAGE_NUMBER.test(l.text));
    });
  });
}

/** The body text's font size: the size most characters are set in. */
function bodySize(lines: Line[]): number {
  const chars = new Map<number, number>();
  for (const l of lines) {
    const s = Math.round(l.size * 2) / 2;
    chars.set(s, (chars.get(s) ?? 0) + l.text.length);
  }
  return [...chars].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? 0;
}

/** Joins two lines of one paragraph: a hyphenated word's halves together, else with a space. */
function joinLines(a: string, b: string): string {
  if (/\p{L}\u00ad$/u.test(a)) return a.slice(0, -1) + b;
  if (/\p{L}-$/u.test(a) && /^\p{Ll}/u.test(b)) return a.slice(0, -1) + b;
  return `${a} ${b}`;
}

const ENDS_SENTENCE = /[.!?:;]["'\u201d\u2019)\]]*$/;

/**
 * Paragraphs and headings from the pages' lines, in reading order. Returns the text and the title as
 * set on page 1 (its first line, when that is the largest text of the document), which is kept as a
 * plain line — the document's title line, not a section.
 */
function build(pages: Line[][]): { text: TextBuilder; title: string } {
  const all = pages.flat();
  const body = bodySize(all);
  const isHeading = (l: Line) => l.size >= body * 1.15 && l.text.length <= 150;
  const largest = all.reduce((m, l) => Math.max(m, l.size), 0);
  const first = all[0];
  const titleLine = first && isHeading(first) && first.size >= largest - 0.5 ? first : null;
  // The right edge of each column of each page, to tell a paragraph's short last line.
  const rightEdge = new Map<string, number>();
  for (const l of all) rightEdge.set(`${l.page}|${l.column}`, Math.max(rightEdge.get(`${l.page}|${l.column}`) ?? 0, l.x1));

  const out = new TextBuilder();
  let title = '';
  let cur: { text: string; page: number; heading: boolean; title: boolean; last: Line } | null = null;
  const flush = () => {
    if (!cur) return;
    if (cur.title) title = cur.text;
    // Large type that ends like a sentence is a pull quote or code, not a heading.
    if (cur.heading && !cur.title && !/[.!,;]$/.test(cur.text)) out.heading(cur.text, cur.page);
    else out.paragraph(cur.text, cur.page);
    cur = null;
  };
  for (const l of all) {
    const heading = isHeading(l);
    if (cur) {
      const prev: Line = cur.last;
      const sameFlow = prev.page === l.page && prev.column === l.column;
      const gap = prev.y - l.y;
      let continues: boolean;
      if (heading !== cur.heading || Math.abs(prev.size - l.size) > 0.5) continues = false;
      else if (heading) continues = sameFlow && gap > 0 && gap <= 1.6 * l.size;
      else if (sameFlow) {
        const shortLast = prev.x1 < (rightEdge.get(`${prev.page}|${prev.column}`) ?? prev.x1) - 3 * prev.size && ENDS_SENTENCE.test(prev.text);
        continues = gap > 0 && gap <= 1.6 * l.size && !shortLast;
      } else {
        // Across a column or page break, a sentence that stopped mid-way goes on ("… the government
        // of" | "Peru declared …"); one that ended there may have ended its paragraph too, and is
        // taken to (a paragraph's sentences then make two passages, each still verbatim).
        continues = !ENDS_SENTENCE.test(prev.text);
      }
      if (continues) {
        cur.text = heading ? `${cur.text} ${l.text}` : joinLines(cur.text, l.text);
        cur.last = l;
        continue;
      }
      flush();
    }
    cur = { text: l.text, page: l.page, heading, title: l === titleLine, last: l };
  }
  flush();
  return { text: out, title };
}

/** Where pdf.js keeps the standard fonts' metrics (a font a PDF names but does not embed). */
function standardFontDataUrl(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('pdfjs-dist/package.json')), 'standard_fonts') + '/';
}

/** Reads a PDF's text and metadata. Throws CorpusError naming the file when it cannot. */
export async function readPdf(path: string, bytes: Uint8Array): Promise<ExtractedReport> {
  const name = basename(path);
  // Imported here, not at the top: a corpus without PDFs never pays for loading pdf.js.
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  let doc;
  try {
    doc = await pdfjs.getDocument({
      data: new Uint8Array(bytes),
      verbosity: 0,
      isEvalSupported: false,
      useSystemFonts: false,
      disableFontFace: true,
      standardFontDataUrl: standardFontDataUrl(),
    }).promise;
  } catch (err) {
    const e = err as Error;
    if (e?.name === 'PasswordException') throw new CorpusError('CORPUS_INVALID', `The report file ${name} is an encrypted PDF that needs a password; save an unprotected copy.`, { cause: err });
    if (e?.name === 'InvalidPDFException') throw new CorpusError('CORPUS_INVALID', `The report file ${name} is not a valid PDF (${e.message}).`, { cause: err });
    throw new CorpusError('CORPUS_INVALID', `The report file ${name} could not be read as a PDF: ${e?.message ?? String(err)}`, { cause: err });
  }
  try {
    const pages: Line[][] = [];
    const heights: number[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const [x0, y0, x1, y1] = page.view as [number, number, number, number];
      const content = await page.getTextContent();
      const items: Item[] = [];
      for (const raw of content.items) {
        if (!('str' in raw)) continue;
        // A text item's transform is a 2D matrix [a, b, c, d, e, f]: (e, f) its origin, (c, d) its height vector.
        const [, , c, d, e, f] = raw.transform as [number, number, number, number, number, number];
        items.push({ str: raw.str, x: e - x0, y: f - y0, width: raw.width, size: Math.hypot(c, d) || raw.height });
      }
      pages.push(readingOrder(rowsOf(items, n), x1 - x0));
      heights.push(y1 - y0);
      page.cleanup();
    }
    const chars = pages.flat().reduce((s, l) => s + l.text.replace(/\s/g, '').length, 0);
    if (chars < 20) {
      throw new CorpusError('CORPUS_INVALID', `The report file ${name} has no text layer (a scanned PDF?); run it through OCR first.`);
    }
    const { info, metadata } = (await doc.getMetadata()) as unknown as { info: Record<string, unknown>; metadata: { get(k: string): unknown } | null };
    const s = (v: unknown) => (typeof v === 'string' ? collapse(v) : Array.isArray(v) ? collapse(v.join(', ')) : '');
    let infoTitle = s(info.Title) || s(metadata?.get('dc:title'));
    if (JUNK_TITLE.test(infoTitle)) infoTitle = '';
    const { text, title } = build(dropFurniture(pages, heights));
    return text.result({
      title: infoTitle || title,
      author: s(info.Author) || s(metadata?.get('dc:creator')),
      date: isoDate(s(info.CreationDate)) || isoDate(s(metadata?.get('xmp:createdate'))),
      publisher: s(metadata?.get('dc:publisher')),
    });
  } finally {
    await doc.destroy();
  }
}
