/**
 * Reply → Discord message. The only place Discord's limits are enforced: content ≤ 2,000 characters,
 * embed description ≤ 4,096, all embeds together ≤ 6,000, ≤ 25 fields, custom ids ≤ 100, ≤ 5 buttons
 * a row. Report text is never rewritten: excerpts are escaped (so Markdown in the report shows as typed)
 * and, when too long, cut at a word boundary with an ellipsis — a verbatim prefix, never a paraphrase.
 */
import {
  ButtonStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIEmbed,
  type APIEmbedField,
} from 'discord.js';
import { ACTION_KINDS, type Action, type ActionKind, type Quote, type Reply } from '../../../commands/types.ts';
import { paragraphMark } from '../../answer/citation.ts';
import type { Span } from '../../answer/types.ts';
import { stripInvisible, stripInvisibleLines } from '../../text.ts';

/** Discord's documented limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits). */
export const LIMITS = {
  content: 2000,
  embeds: 10,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  authorName: 256,
  embedsTotal: 6000,
  customId: 100,
  buttonLabel: 80,
  buttonsPerRow: 5,
  rows: 5,
  /** Autocomplete: at most 25 choices, each name and value ≤ 100 characters. */
  choices: 25,
  choiceName: 100,
  choiceValue: 100,
} as const;

/** Longest excerpt shown for a closest passage / search result (a field value, with room for its id). */
const ITEM_EXCERPT_CHARS = 700;
/** Longest echo of the user's question. */
const QUESTION_ECHO_CHARS = 300;

const COLORS: Partial<Record<Reply['kind'], number>> = {
  answer: 0x2e7d32,
  passage: 0x2e7d32,
  fact: 0x1565c0,
  digest: 0x1565c0,
  results: 0x546e7a,
  abstention: 0x9e9e9e,
  error: 0xc62828,
};

/** A message ready for discord.js (`interaction.reply`, `message.reply`, `channel.send`). */
export interface DiscordMessage {
  content?: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponentWithCustomId>[];
  /** Whether the reply is only visible to the user who asked (interaction flag 64). */
  ephemeral: boolean;
  /** Always empty: nothing the bot posts may ping anyone. */
  allowedMentions: { parse: [] };
}

export interface RenderOptions {
  /** Private replies are ephemeral and keep a Share button; public ones drop it. */
  visibility: 'private' | 'public';
  /** Echo the question above the answer (slash commands hide it; a mention shows it already). */
  echoQuestion?: boolean;
}

// ---- text ---------------------------------------------------------------------------------------

/** Characters Discord Markdown gives a meaning anywhere in a line. */
const INLINE_MARKDOWN = /[\\*_~`|[\]]/g;

/**
 * Escapes Discord Markdown so text shows exactly as written, and defuses mentions (`@everyone`,
 * `<@id>`, `<#id>`) with a zero-width space — `allowed_mentions` already stops pings, this also stops
 * them from *rendering* as mentions. (discord.js's escapeMarkdown is quadratic on long text and
 * mangles runs of asterisks, so this escapes every special character instead: linear and exact.)
 */
export function escapeText(text: string): string {
  const escaped = text
    .replace(INLINE_MARKDOWN, '\\$&')
    // Headings, block quotes, subtext and bullets only mean something at a line start.
    .replace(/^(\s*)([#>-])/gm, '$1\\$2')
    .replace(/^(\s*\d+)\.(?=\s)/gm, '$1\\.');
  return neutralizeMentions(escaped);
}

/** Breaks `@everyone`, `@here` and `<@…>`/`<@&…>`/`<#…>` mention syntax without changing how it reads. */
export function neutralizeMentions(text: string): string {
  return text.replace(/@(everyone|here)/gi, '@\u200b$1').replace(/<([@#])/g, '<\u200b$1');
}

/** The first ≤ `n` characters of `text`, backed up to a word boundary when one is near. */
function cutAtWord(text: string, n: number): string {
  let cut = text.slice(0, n);
  const space = cut.search(/\s\S*$/);
  if (space > n * 0.6) cut = cut.slice(0, space);
  // Do not leave half a surrogate pair (emoji) at the end.
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return cut.trimEnd();
}

/** Cuts `text` to at most `max` characters, at a word boundary when one is near, with an ellipsis. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return '…'.slice(0, max);
  return `${cutAtWord(text, max - 1)}…`;
}

/** Merges overlapping or touching spans (touching bold markers `****` would not render). */
function mergeSpans(spans: Span[], length: number): Span[] {
  const sorted = spans
    .map((s) => ({ start: Math.max(0, s.start), end: Math.min(length, s.end) }))
    .filter((s) => s.end > s.start)
    .sort((a, b) => a.start - b.start);
  const merged: Span[] = [];
  for (const s of sorted) {
    const last = merged.at(-1);
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else merged.push({ ...s });
  }
  return merged;
}

/** Escapes `text` and wraps each highlight in `**bold**`. */
function boldHighlights(text: string, highlights: Span[]): string {
  let out = '';
  let at = 0;
  for (const span of mergeSpans(highlights, text.length)) {
    out += escapeText(text.slice(at, span.start));
    const term = text.slice(span.start, span.end);
    // Bold markers next to whitespace do not render; keep the whitespace outside them.
    const lead = /^\s*/.exec(term)?.[0] ?? '';
    const trail = /\s*$/.exec(term)?.[0] ?? '';
    const core = term.slice(lead.length, term.length - trail.length);
    out += core ? `${lead}**${escapeText(core)}**${trail}` : escapeText(term);
    at = span.end;
  }
  return out + escapeText(text.slice(at));
}

/**
 * An excerpt with matched terms in bold, at most `max` characters once formatted. When too long, the
 * verbatim text is cut (never reworded) and ends in an ellipsis.
 */
export function formatExcerpt(text: string, highlights: Span[], max: number): string {
  // Formatting only adds characters, so no more than `max` raw characters can ever fit.
  let keep = Math.min(text.length, max);
  for (;;) {
    const cut = keep < text.length;
    const visible = cut ? cutAtWord(text, keep) : text;
    const formatted = boldHighlights(visible, highlights) + (cut ? '…' : '');
    if (formatted.length <= max) return formatted;
    if (keep <= 1) return '…';
    // Escapes and bold markers make the formatted text longer than the raw text: shrink and retry.
    keep = Math.max(1, Math.min(keep - 1, keep - Math.ceil((formatted.length - max) / 2)));
  }
}

// ---- custom ids ---------------------------------------------------------------------------------

const CUSTOM_ID_PREFIX = 'rb';

/**
 * `rb:<kind>:<value>`, or `rb:<kind>_<n>:<value>` for the n-th of several buttons of one kind in a
 * message — or null when it would exceed Discord's 100 characters. Discord refuses a message whose
 * buttons share a custom id (50035), and two facts of a digest can come from the same paragraph, so
 * a repeated kind is numbered (the same scheme as Slack's action ids).
 */
export function encodeCustomId(action: Pick<Action, 'kind' | 'value'>, n?: number): string | null {
  const id = `${CUSTOM_ID_PREFIX}:${action.kind}${n === undefined ? '' : `_${n}`}:${action.value}`;
  return id.length <= LIMITS.customId ? id : null;
}

/** Parses a custom id made by {@link encodeCustomId} (numbered or not); null for anything else. */
export function decodeCustomId(customId: string): { kind: ActionKind; value: string } | null {
  // Kinds have no digits, so a trailing `_<digits>` is always the number, never part of the kind.
  const m = /^rb:([a-z_]+?)(?:_\d+)?:(.*)$/s.exec(customId);
  const kind = ACTION_KINDS.find((k) => k === m?.[1]);
  return kind && m ? { kind, value: m[2] ?? '' } : null;
}

// ---- embeds -------------------------------------------------------------------------------------

function citationFooter(quote: Quote, smallPrint?: string): string {
  const c = quote.citation;
  const parts = [c.label || c.document, c.date && !c.label.includes(c.date.slice(0, 4)) ? c.date : ''].filter(Boolean);
  return [parts.join(' · '), smallPrint].filter(Boolean).join('\n');
}

function quoteField(quote: Quote): APIEmbedField {
  const c = quote.citation;
  // No leading "1." numbering: in a field name it would be list syntax, and the order already ranks.
  const name = `${c.section || c.document}${c.paragraph ? ` ${paragraphMark(c)}` : ''}`;
  const suffix = `\n— ${escapeText(c.label || c.document)}${quote.passageId ? ` · \`${quote.passageId.replace(/`/g, '')}\`` : ''}`;
  const room = Math.min(ITEM_EXCERPT_CHARS, LIMITS.fieldValue - suffix.length);
  return {
    name: truncate(escapeText(stripInvisible(name)), LIMITS.fieldName),
    value: truncate(formatExcerpt(quote.text, quote.highlights, room) + suffix, LIMITS.fieldValue),
  };
}

function mainEmbed(reply: Reply): APIEmbed {
  const embed: APIEmbed = {};
  const color = COLORS[reply.kind];
  if (color !== undefined) embed.color = color;
  const reportTitle = (reply.quote ?? reply.items[0])?.citation.document;
  if (reportTitle) embed.author = { name: truncate(stripInvisible(reportTitle), LIMITS.authorName) };
  if (reply.heading) embed.title = truncate(escapeText(stripInvisible(reply.heading)), LIMITS.embedTitle);

  const description: string[] = [];
  if (reply.body) description.push(escapeText(stripInvisibleLines(reply.body)));
  if (reply.quote) {
    const used = description.join('\n\n').length + (description.length ? 2 : 0);
    description.push(formatExcerpt(reply.quote.text, reply.quote.highlights, LIMITS.embedDescription - used));
  }
  if (description.length) embed.description = truncate(description.join('\n\n'), LIMITS.embedDescription);

  const fields: APIEmbedField[] = [];
  if (reply.quote) {
    const c = reply.quote.citation;
    if (c.section) fields.push({ name: 'Section', value: truncate(escapeText(c.section), LIMITS.fieldValue), inline: true });
    if (reply.quote.passageId) fields.push({ name: 'Passage', value: `\`${reply.quote.passageId.replace(/`/g, '')}\``, inline: true });
  }
  for (const item of reply.items) fields.push(quoteField(item));
  if (fields.length) embed.fields = fields.slice(0, LIMITS.embedFields);

  const smallPrint = [reply.footer ? stripInvisibleLines(reply.footer) : '', reply.errorId ? `Error id: ${reply.errorId}` : '']
    .filter(Boolean)
    .join('\n');
  const footer = reply.quote ? citationFooter(reply.quote, smallPrint) : smallPrint;
  if (footer) embed.footer = { text: truncate(footer, LIMITS.footer) };
  return embed;
}

function embedLength(e: APIEmbed): number {
  return (
    (e.title?.length ?? 0) +
    (e.description?.length ?? 0) +
    (e.author?.name.length ?? 0) +
    (e.footer?.text.length ?? 0) +
    (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0)
  );
}

/** Shrinks embeds until together they fit Discord's 6,000-character budget: drop fields, then shorten. */
function fitEmbeds(embeds: APIEmbed[]): APIEmbed[] {
  const total = () => embeds.reduce((n, e) => n + embedLength(e), 0);
  for (const e of [...embeds].reverse()) {
    // Keep the Section/Passage fields of an answer; drop the furthest results first.
    while (total() > LIMITS.embedsTotal && e.fields && e.fields.length > 2) e.fields.pop();
  }
  for (const e of embeds) {
    const over = total() - LIMITS.embedsTotal;
    if (over > 0 && e.description) e.description = truncate(e.description, Math.max(1, e.description.length - over));
  }
  for (let withFields = embeds.find((e) => e.fields?.length); withFields && total() > LIMITS.embedsTotal; withFields = embeds.find((e) => e.fields?.length)) {
    withFields.fields?.pop();
  }
  return embeds.slice(0, LIMITS.embeds);
}

// ---- buttons ------------------------------------------------------------------------------------

function buttonStyle(kind: ActionKind): ButtonStyle {
  return kind === 'share' ? ButtonStyle.Primary : ButtonStyle.Secondary;
}

function buttons(actions: Action[], visibility: 'private' | 'public'): DiscordMessage['components'] {
  const list: APIButtonComponentWithCustomId[] = [];
  // Share posts a private answer publicly; on a public message there is nothing left to share.
  const shown = actions.filter((a) => !(a.kind === 'share' && visibility === 'public'));
  const perKind = new Map<ActionKind, number>();
  for (const a of shown) perKind.set(a.kind, (perKind.get(a.kind) ?? 0) + 1);
  const numbered = new Map<ActionKind, number>();
  for (const action of shown) {
    // A kind that occurs once keeps the plain id; a repeated one is numbered 1, 2, … (unique ids).
    let n: number | undefined;
    if ((perKind.get(action.kind) ?? 0) > 1) {
      n = (numbered.get(action.kind) ?? 0) + 1;
      numbered.set(action.kind, n);
    }
    const customId = encodeCustomId(action, n);
    if (!customId) continue;
    list.push({
      type: ComponentType.Button,
      style: buttonStyle(action.kind),
      label: truncate(stripInvisible(action.label), LIMITS.buttonLabel) || action.kind,
      custom_id: customId,
    } as APIButtonComponentWithCustomId);
  }
  const rows: DiscordMessage['components'] = [];
  for (let i = 0; i < list.length && rows.length < LIMITS.rows; i += LIMITS.buttonsPerRow) {
    rows.push({ type: ComponentType.ActionRow, components: list.slice(i, i + LIMITS.buttonsPerRow) });
  }
  return rows;
}

// ---- render -------------------------------------------------------------------------------------

/** Renders a Reply as one Discord message within every limit. */
export function renderReply(reply: Reply, options: RenderOptions): DiscordMessage {
  const embed = mainEmbed(reply);
  const embeds = Object.keys(embed).length > (embed.color !== undefined ? 1 : 0) ? fitEmbeds([embed]) : [];
  let content: string | undefined;
  if (options.echoQuestion && reply.question?.trim()) {
    const q = truncate(stripInvisible(reply.question), QUESTION_ECHO_CHARS);
    content = truncate(`**Q:** ${escapeText(q)}`, LIMITS.content);
  }
  // A message needs content or an embed; an empty Reply still gets a readable line.
  if (!content && embeds.length === 0) content = 'Done.';
  return {
    ...(content ? { content } : {}),
    embeds,
    components: buttons(reply.actions, options.visibility),
    ephemeral: options.visibility === 'private',
    allowedMentions: { parse: [] },
  };
}

/** Plain-text notice (rate limits, "thanks for the feedback"), escaped and within the content limit. */
export function renderNotice(text: string, visibility: 'private' | 'public' = 'private'): DiscordMessage {
  return {
    content: truncate(escapeText(stripInvisibleLines(text)), LIMITS.content),
    embeds: [],
    components: [],
    ephemeral: visibility === 'private',
    allowedMentions: { parse: [] },
  };
}

/** Copies components without the Share button (after a private answer was shared). */
export function withoutShare(components: DiscordMessage['components']): DiscordMessage['components'] {
  return components
    .map((row) => ({ ...row, components: row.components.filter((b) => !b.custom_id.startsWith('rb:share:')) }))
    .filter((row) => row.components.length > 0);
}

/** Autocomplete choices within Discord's limits: ≤ 25, names and values ≤ 100 characters, no blanks. */
export function fitChoices(choices: { name: string; value: string }[]): { name: string; value: string }[] {
  const seen = new Set<string>();
  const out: { name: string; value: string }[] = [];
  for (const c of choices) {
    if (!c.value || c.value.length > LIMITS.choiceValue || seen.has(c.value)) continue;
    seen.add(c.value);
    const name = truncate(stripInvisible(c.name), LIMITS.choiceName) || c.value;
    out.push({ name, value: c.value });
    if (out.length === LIMITS.choices) break;
  }
  return out;
}

/** Total characters Discord counts against the 6,000 budget (exported for tests). */
export function embedsLength(embeds: APIEmbed[]): number {
  return embeds.reduce((n, e) => n + embedLength(e), 0);
}
