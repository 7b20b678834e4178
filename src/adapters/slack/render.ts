/**
 * Reply → Block Kit. The only place that knows Slack's formatting and limits: mrkdwn escaping,
 * 3,000 characters a section, 50 blocks a message, 75 characters a button label.
 */
import type { Action, Quote, Reply } from '../../../commands/types.ts';
import { paragraphMark } from '../../answer/citation.ts';
import type { Span } from '../../answer/types.ts';

/** Slack's limits (https://docs.slack.dev/reference/block-kit/blocks). */
export const SLACK_LIMITS = { sectionText: 3000, blocks: 50, fallbackText: 3000, buttonText: 75, contextText: 3000 } as const;

/** A Block Kit block (kept structural: Bolt's own types are wider than what we produce). */
export type Block = Record<string, unknown>;

export interface SlackMessage {
  /** Notification / fallback text (escaped, plain). */
  text: string;
  blocks: Block[];
}

export interface RenderOptions {
  /** Show the Share button (only on private replies). */
  shareable?: boolean;
  /** Slack user id of whoever shared this reply publicly. */
  sharedBy?: string;
}

/**
 * Escapes the three characters Slack's mrkdwn treats as control sequences, so `<!channel>`,
 * `<!here>` and `<@U…>` typed by a user (or present in the report) never notify anyone.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const WORD_CHAR = /[\p{L}\p{N}]/u;

/**
 * Merges highlight spans and widens them to whole words: Slack renders `*bold*` only at word
 * boundaries, and a stem match such as "cultivat" would otherwise show literal asterisks.
 */
export function wordSpans(text: string, spans: Span[]): Span[] {
  const widened = spans
    .filter((s) => s.start < s.end && s.start >= 0 && s.end <= text.length)
    .map((s) => {
      let { start, end } = s;
      while (start > 0 && WORD_CHAR.test(text.charAt(start - 1))) start--;
      while (end < text.length && WORD_CHAR.test(text.charAt(end))) end++;
      return { start, end };
    })
    .sort((a, b) => a.start - b.start);
  const merged: Span[] = [];
  for (const s of widened) {
    const last = merged[merged.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else merged.push({ ...s });
  }
  return merged;
}

/** One piece of a quote: a word, bold or not, or a run of whitespace. */
interface Piece {
  text: string;
  bold: boolean;
}

function pieces(text: string, highlights: Span[]): Piece[] {
  const out: Piece[] = [];
  let at = 0;
  const push = (slice: string, bold: boolean) => {
    // Bold each word on its own: a bold run must not start or end with whitespace, nor cross a line.
    for (const part of slice.split(/(\s+)/)) if (part) out.push({ text: part, bold: bold && !/^\s+$/.test(part) });
  };
  for (const span of wordSpans(text, highlights)) {
    push(text.slice(at, span.start), false);
    push(text.slice(span.start, span.end), true);
    at = span.end;
  }
  push(text.slice(at), false);
  return out;
}

function formatPiece(p: Piece): string {
  if (/^\s+$/.test(p.text)) return p.text.includes('\n') ? '\n>' : ' ';
  return p.bold ? `*${escapeMrkdwn(p.text)}*` : escapeMrkdwn(p.text);
}

/**
 * A verbatim excerpt as one or more `>` quote texts, matched words in bold, each within
 * {@link SLACK_LIMITS.sectionText}. Splits only between words (a word longer than a section is cut).
 */
export function quoteTexts(text: string, highlights: Span[], limit: number = SLACK_LIMITS.sectionText): string[] {
  const chunks: string[] = [];
  let current = '>';
  for (const piece of pieces(text, highlights)) {
    let formatted = formatPiece(piece);
    if (current.length + formatted.length > limit && current !== '>') {
      chunks.push(current.trimEnd());
      current = '>';
      if (/^\s+$/.test(piece.text)) continue;
    }
    while (current.length + formatted.length > limit) {
      // A single word longer than a section: cut it (only ever happens with garbage input).
      const room = limit - current.length - 2;
      const raw = piece.text;
      const cut = escapeMrkdwn(raw).slice(0, room).replace(/&[a-z]{0,3}$/, '');
      chunks.push(current + cut);
      current = '>';
      formatted = escapeMrkdwn(raw).slice(cut.length);
    }
    current += formatted;
  }
  if (current.trim() !== '>' || chunks.length === 0) chunks.push(current.trimEnd());
  return chunks;
}

/** Splits plain bot text into mrkdwn section texts within the limit, at line breaks where possible. */
function plainTexts(text: string, limit: number = SLACK_LIMITS.sectionText): string[] {
  const out: string[] = [];
  let current = '';
  for (const line of escapeMrkdwn(text).split('\n')) {
    const candidate = current ? `${current}\n${line}` : line;
    if (candidate.length <= limit) {
      current = candidate;
      continue;
    }
    if (current) out.push(current);
    let rest = line;
    while (rest.length > limit) {
      out.push(rest.slice(0, limit));
      rest = rest.slice(limit);
    }
    current = rest;
  }
  if (current) out.push(current);
  return out;
}

const section = (text: string): Block => ({ type: 'section', text: { type: 'mrkdwn', text } });
const context = (text: string): Block => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text: text.slice(0, SLACK_LIMITS.contextText) }],
});

/** The citation line under an excerpt: label, document, section and the passage id for `/source`. */
export function citationLine(q: Quote): string {
  const c = q.citation;
  const parts = [`*${escapeMrkdwn(c.label)}*`, escapeMrkdwn(c.document)];
  if (c.section) parts.push(`${escapeMrkdwn(c.section)} ${paragraphMark(c)}`);
  if (q.passageId) parts.push(`id \`${escapeMrkdwn(q.passageId)}\``);
  return parts.join(' · ');
}

function quoteBlocks(q: Quote): Block[] {
  return [...quoteTexts(q.text, q.highlights).map(section), context(citationLine(q))];
}

/**
 * The action id Slack sends back for a button: `rb_<kind>`, or `rb_<kind>_<n>` when a message has
 * several buttons of one kind (a digest's Full passage buttons). Slack refuses a message whose buttons
 * share an action id (`invalid_blocks`), so the number keeps them apart; the value still says which
 * passage a button is for, and the adapter matches `^rb_<kind>(_<n>)?$`.
 */
export const actionId = (kind: Action['kind'], n?: number): string => (n === undefined ? `rb_${kind}` : `rb_${kind}_${n}`);

/**
 * One action id per button, unique within the message: a kind that occurs once keeps `rb_<kind>`
 * (what every earlier message used), a repeated kind is numbered from 1 in button order.
 */
export function uniqueActionIds(actions: readonly Pick<Action, 'kind'>[]): string[] {
  const total = new Map<string, number>();
  for (const a of actions) total.set(a.kind, (total.get(a.kind) ?? 0) + 1);
  const seen = new Map<string, number>();
  return actions.map((a) => {
    if (total.get(a.kind) === 1) return actionId(a.kind);
    const n = (seen.get(a.kind) ?? 0) + 1;
    seen.set(a.kind, n);
    return actionId(a.kind, n);
  });
}

function actionsBlock(actions: Action[]): Block | undefined {
  if (actions.length === 0) return undefined;
  const shown = actions.slice(0, 25);
  const ids = uniqueActionIds(shown);
  return {
    type: 'actions',
    block_id: 'rb_actions',
    elements: shown.map((a, i) => ({
      type: 'button',
      action_id: ids[i],
      text: { type: 'plain_text', text: a.label.slice(0, SLACK_LIMITS.buttonText), emoji: true },
      value: a.value,
    })),
  };
}

function fallbackText(reply: Reply): string {
  const first = reply.heading ?? reply.quote?.text ?? reply.items[0]?.text ?? reply.body ?? 'Report Bot';
  const text = escapeMrkdwn(first);
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}

function blocksFor(reply: Reply, opts: RenderOptions, itemCount: number): Block[] {
  const blocks: Block[] = [];
  if (opts.sharedBy && /^[A-Z0-9]+$/.test(opts.sharedBy)) blocks.push(context(`Shared by <@${opts.sharedBy}>`));
  if (reply.question && (reply.kind === 'answer' || reply.kind === 'abstention')) {
    blocks.push(context(`Q: ${escapeMrkdwn(reply.question)}`.slice(0, SLACK_LIMITS.contextText)));
  }
  if (reply.heading) blocks.push(section(`*${escapeMrkdwn(reply.heading)}*`.slice(0, SLACK_LIMITS.sectionText)));
  if (reply.body) blocks.push(...plainTexts(reply.body).map(section));
  if (reply.quote) blocks.push(...quoteBlocks(reply.quote));
  const items = reply.items.slice(0, itemCount);
  items.forEach((item, i) => {
    if (i > 0 || reply.quote) blocks.push({ type: 'divider' });
    blocks.push(...quoteBlocks(item));
  });
  if (itemCount < reply.items.length) {
    blocks.push(context(`${reply.items.length - itemCount} more not shown here.`));
  }
  if (reply.footer) blocks.push(context(escapeMrkdwn(reply.footer)));
  const actions = actionsBlock(reply.actions.filter((a) => a.kind !== 'share' || opts.shareable));
  if (actions) blocks.push(actions);
  return blocks;
}

/** Renders a reply as a Slack message within Slack's limits. */
export function renderReply(reply: Reply, opts: RenderOptions = {}): SlackMessage {
  let count = reply.items.length;
  let blocks = blocksFor(reply, opts, count);
  while (blocks.length > SLACK_LIMITS.blocks && count > 0) {
    count--;
    blocks = blocksFor(reply, opts, count);
  }
  if (blocks.length > SLACK_LIMITS.blocks) {
    // Only a gigantic single passage gets here: keep the head and the buttons.
    blocks = [...blocks.slice(0, SLACK_LIMITS.blocks - 2), context('(cut to fit Slack; see /source for the rest)'), ...blocks.slice(-1)];
  }
  return { text: fallbackText(reply), blocks };
}
