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
  return `“${emphasize(q, color)}”\n  — ${q.citation.label} (${q.passageId})`;
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
  return lines.join('\n\n');
}
