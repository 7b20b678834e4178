/**
 * Renders a Reply as plain terminal text: the excerpt in quotes with matched terms emphasized (ANSI
 * bold on a terminal, nothing when piped), then the citation. The only place console output is shaped.
 */
import type { Quote, Reply } from '../../../commands/types.ts';
import { stripInvisibleLines } from '../../text.ts';

export interface TextRenderOptions {
  /** Use ANSI bold for matched terms (only when writing to a terminal). */
  color: boolean;
  /** Terminal mode shows command names as typed there (`/search`). */
  commandLabel?: (name: string) => string;
  /** Wrap lines at word boundaries to fit this many columns (the terminal's width); unset: no wrapping. */
  width?: number;
}

const ANSI = /\u001b\[[0-9;]*m/g;
/** Columns a string takes on screen: code points, not counting ANSI styling. */
const visible = (s: string): number => [...s.replace(ANSI, '')].length;

/**
 * Breaks one line at spaces so that no piece is wider than `width` columns; the continuation lines
 * are indented like the line's own text (after its leading spaces and a list number such as "2. ").
 * Only the space at each break is replaced by a line break: the text itself never changes, and a word
 * longer than the line is left whole rather than cut.
 */
export function wrapLine(line: string, width: number): string {
  if (visible(line) <= width) return line;
  const indent = ' '.repeat(/^\s*(?:\d+\. )?/.exec(line)?.[0].length ?? 0);
  const words = line.split(' ');
  const out: string[] = [];
  let current = '';
  for (const [i, word] of words.entries()) {
    const candidate = i === 0 ? word : `${current} ${word}`;
    if (i === 0 || visible(candidate) <= width || current.trim() === '') current = candidate;
    else {
      out.push(current);
      current = indent + word;
    }
  }
  out.push(current);
  return out.join('\n');
}

/** Every line of `text` wrapped to `width` (one column kept free: some terminals break a full line). */
export function wrapText(text: string, width: number): string {
  const max = Math.max(20, width - 1);
  return text
    .split('\n')
    .map((l) => wrapLine(l, max))
    .join('\n');
}

/** The excerpt with its highlights marked. Text is never altered, only wrapped. */
export function emphasize(q: Pick<Quote, 'text' | 'highlights'>, color: boolean): string {
  if (!color || q.highlights.length === 0) return q.text;
  let out = '';
  let at = 0;
  for (const h of q.highlights) {
    if (h.start < at || h.end > q.text.length) continue;
    out += q.text.slice(at, h.start) + '\u001b[1m' + q.text.slice(h.start, h.end) + '\u001b[22m';
    at = h.end;
  }
  return out + q.text.slice(at);
}

function quoteBlock(q: Quote, color: boolean): string {
  return `“${emphasize(q, color)}”\n  — ${q.citation.label}${q.passageId ? ` (${q.passageId})` : ""}`;
}

/** Plain-text rendering of any reply. */
export function renderText(reply: Reply, opts: TextRenderOptions = { color: false }): string {
  const lines: string[] = [];
  // Control characters are replaced so nothing echoed can move the cursor or change the terminal.
  if (reply.heading) lines.push(stripInvisibleLines(reply.heading));
  if (reply.body) lines.push(stripInvisibleLines(reply.body));
  if (reply.quote) lines.push(quoteBlock(reply.quote, opts.color));
  reply.items.forEach((q, i) => lines.push(`${i + 1}. ${quoteBlock(q, opts.color).replace(/\n/g, '\n   ')}`));
  if (reply.footer) lines.push(stripInvisibleLines(reply.footer));
  const text = lines.join('\n\n');
  return opts.width ? wrapText(text, opts.width) : text;
}
