/**
 * Writes a small, valid PDF by hand for the tests: pages of text runs, each placed with `Tf` (font and
 * size) and `Td` (position), in the standard Helvetica fonts, with an info dictionary. No dependency:
 * what a PDF library would write, reduced to what text extraction reads.
 */
import iconv from 'iconv-lite';

/** One run of text on a page, at (x, y) from the bottom-left corner, in points. */
export interface PdfRun {
  x: number;
  y: number;
  size: number;
  text: string;
  bold?: boolean;
}

export interface PdfSpec {
  pages: PdfRun[][];
  info?: Record<string, string>;
  /** Page size in points (default US Letter, 612 × 792). */
  width?: number;
  height?: number;
  /** Writes an `/Encrypt` entry in the trailer: what an encrypted file looks like to a reader. */
  encrypted?: boolean;
}

/** A PDF string's body: WinAnsi (Windows-1252) bytes, one char a byte, with `\`, `(` and `)` escaped. */
const esc = (s: string) => iconv.encode(s, 'windows-1252').toString('latin1').replace(/[\\()]/g, (c) => `\\${c}`);

/** The bytes of a PDF holding `spec`'s pages. */
export function makePdf(spec: PdfSpec): Buffer {
  const width = spec.width ?? 612;
  const height = spec.height ?? 792;
  const objects: string[] = [];
  const add = (body: string) => objects.push(body); // the new length: object numbers start at 1
  const catalog = add('');
  const pagesObj = add('');
  const font = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  const bold = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>');
  const kids: number[] = [];
  for (const runs of spec.pages) {
    const content = runs.map((r) => `BT /${r.bold ? 'F2' : 'F1'} ${r.size} Tf ${r.x} ${r.y} Td (${esc(r.text)}) Tj ET`).join('\n');
    const stream = add(`<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`);
    kids.push(
      add(
        `<< /Type /Page /Parent ${pagesObj} 0 R /MediaBox [0 0 ${width} ${height}] /Resources << /Font << /F1 ${font} 0 R /F2 ${bold} 0 R >> >> /Contents ${stream} 0 R >>`,
      ),
    );
  }
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pagesObj} 0 R >>`;
  objects[pagesObj - 1] = `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`;
  const info = spec.info ? add(`<< ${Object.entries(spec.info).map(([k, v]) => `/${k} (${esc(v)})`).join(' ')} >>`) : 0;
  const encrypt = spec.encrypted ? add('<< /Filter /Standard /V 1 /R 2 /O (0123456789abcdef0123456789abcdef) /U (0123456789abcdef0123456789abcdef) /P -4 >>') : 0;
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R${info ? ` /Info ${info} 0 R` : ''}${encrypt ? ` /Encrypt ${encrypt} 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>]` : ''} >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/**
 * Lays paragraphs out as lines of about `chars` characters from (x, y) down, `leading` points apart,
 * breaking a word with a hyphen where `hyphenate` names it (the hyphenated line end the loader joins).
 */
export function layout(paragraphs: string[], opts: { x: number; y: number; size: number; chars: number; leading: number; hyphenate?: string[] }): { runs: PdfRun[]; y: number } {
  const runs: PdfRun[] = [];
  let y = opts.y;
  for (const para of paragraphs) {
    let line = '';
    const words = para.split(/\s+/);
    for (let i = 0; i < words.length; i++) {
      const w = words[i]!;
      if (line && line.length + 1 + w.length > opts.chars) {
        if (opts.hyphenate?.includes(w)) {
          const cut = Math.ceil(w.length / 2);
          runs.push({ x: opts.x, y, size: opts.size, text: `${line} ${w.slice(0, cut)}-` });
          y -= opts.leading;
          line = w.slice(cut);
          continue;
        }
        runs.push({ x: opts.x, y, size: opts.size, text: line });
        y -= opts.leading;
        line = w;
      } else line = line ? `${line} ${w}` : w;
    }
    if (line) runs.push({ x: opts.x, y, size: opts.size, text: line });
    y -= opts.leading * 2;
  }
  return { runs, y };
}

/** A block of a report to lay out: a heading or a paragraph. */
export type FlowBlock = { heading: string } | { text: string };

/**
 * Lays a whole report out as a two-column paper: blocks flow down the left column, then the right,
 * then onto the next page; words are broken with a hyphen where `hyphenate` names them; every page has
 * a running header, a footer and its number. Returns the pages' runs.
 */
export function twoColumnPages(blocks: FlowBlock[], opts: { header: string; footer: string; hyphenate?: string[] }): PdfRun[][] {
  const pages: PdfRun[][] = [];
  const top = 720;
  const bottom = 72;
  const columns = [72, 330];
  let runs: PdfRun[] = [];
  let column = 0;
  let y = top;
  const newPage = () => {
    if (runs.length) pages.push(runs);
    const n = pages.length + 1;
    runs = [
      { x: 72, y: 760, size: 8, text: opts.header },
      { x: 72, y: 40, size: 8, text: opts.footer },
      { x: 300, y: 40, size: 9, text: String(n) },
    ];
    column = 0;
    y = top;
  };
  const nextLine = (leading: number) => {
    y -= leading;
    if (y < bottom) {
      if (column === 0) {
        column = 1;
        y = top;
      } else newPage();
    }
  };
  newPage();
  for (const b of blocks) {
    if ('heading' in b) {
      if (y < top) nextLine(12);
      runs.push({ x: columns[column]!, y, size: 14, text: b.heading });
      nextLine(20);
      continue;
    }
    const words = b.text.split(/\s+/);
    let line = '';
    for (const w of words) {
      if (line && line.length + 1 + w.length > 40) {
        if (opts.hyphenate?.includes(w) && line.length < 34) {
          const cut = Math.ceil(w.length / 2);
          runs.push({ x: columns[column]!, y, size: 10, text: `${line} ${w.slice(0, cut)}-` });
          nextLine(12);
          line = w.slice(cut);
          continue;
        }
        runs.push({ x: columns[column]!, y, size: 10, text: line });
        nextLine(12);
        line = w;
      } else line = line ? `${line} ${w}` : w;
    }
    if (line) runs.push({ x: columns[column]!, y, size: 10, text: line });
    nextLine(12);
    nextLine(12);
  }
  if (runs.length > 3) pages.push(runs);
  return pages;
}
