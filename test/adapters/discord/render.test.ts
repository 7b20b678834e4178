import { describe, expect, it } from 'vitest';
import type { Action, Quote, Reply } from '../../../commands/types.ts';
import type { Citation } from '../../../src/answer/types.ts';
import {
  decodeCustomId,
  encodeCustomId,
  escapeText,
  fitChoices,
  formatExcerpt,
  renderNotice,
  renderReply,
} from '../../../src/adapters/discord/render.ts';
import { customIds, embedChars, expectWithinLimits } from './limits.ts';

const citation = (section = 'Cocaine', paragraph = 2): Citation => ({
  documentId: 'field-report',
  document: 'Coca, Gold and Timber',
  author: 'Ana Quispe',
  date: '2023-03-01',
  section,
  sectionId: section.toLowerCase().replace(/ /g, '-'),
  paragraph,
  passageId: `field-report/${section.toLowerCase().replace(/ /g, '-')}/${paragraph}`,
  label: `Quispe 2023 · ${section} ¶${paragraph}`,
});

const quote = (text: string, highlights: Quote['highlights'] = [], c = citation()): Quote => ({
  text,
  highlights,
  citation: c,
  passageId: c.passageId,
});

const reply = (r: Partial<Reply>): Reply => ({ kind: 'answer', items: [], actions: [], ...r });

/** What a Discord user sees once Markdown is applied: bold markers and escapes gone. */
const visible = (markdown: string): string => markdown.replace(/\*\*/g, '').replace(/\\(.)/g, '$1');

/** Rendered message as the JSON body discord.js would send (for the shared limit checks). */
const body = (m: ReturnType<typeof renderReply>) => ({
  content: m.content,
  embeds: m.embeds as never,
  components: m.components as never,
  allowed_mentions: m.allowedMentions,
});

describe('formatExcerpt', () => {
  it('puts matched terms in bold and escapes the report’s own Markdown', () => {
    const text = 'Walkers called *mochileros* carry cocaine_paste out.';
    const start = text.indexOf('cocaine');
    const out = formatExcerpt(text, [{ start, end: start + 7 }], 4096);
    expect(out).toBe('Walkers called \\*mochileros\\* carry **cocaine**\\_paste out.');
    expect(visible(out)).toBe(text);
  });

  it('merges overlapping and touching highlights into one bold run', () => {
    expect(formatExcerpt('gold mining', [{ start: 0, end: 4 }, { start: 4, end: 5 }, { start: 2, end: 11 }], 100)).toBe('**gold mining**');
  });

  it('cuts a long excerpt to a verbatim prefix at a word boundary, with an ellipsis', () => {
    const text = Array.from({ length: 2000 }, (_, i) => `word${i}`).join(' ');
    const out = formatExcerpt(text, [{ start: 0, end: 5 }], 4096);
    expect(out.length).toBeLessThanOrEqual(4096);
    expect(out.endsWith('…')).toBe(true);
    const shown = visible(out.slice(0, -1));
    expect(text.startsWith(shown)).toBe(true);
    expect(text[shown.length]).toBe(' ');
  });

  it('counts escapes against the limit', () => {
    const text = '*'.repeat(3000);
    const out = formatExcerpt(text, [], 4096);
    expect(out.length).toBeLessThanOrEqual(4096);
    expect(text.startsWith(visible(out.slice(0, -1)))).toBe(true);
  });
});

describe('escapeText', () => {
  it('defuses @everyone, @here and mention syntax without changing how it reads', () => {
    const out = escapeText('@everyone @here <@123> <@&456> <#789>');
    expect(out).not.toMatch(/@everyone|@here|<@|<#/);
    expect(out.replace(/\u200b/g, '')).toBe('@everyone @here <@123> <@&456> <#789>');
  });

  it('escapes headings, block quotes and masked links', () => {
    expect(escapeText('# Title\n> quote\n[x](http://e.com)')).toBe('\\# Title\n\\> quote\n\\[x\\](http://e.com)');
  });
});

describe('renderReply', () => {
  it('removes control, zero-width and bidi-override characters from bot-written text, keeping the body\'s lines', () => {
    const m = renderReply(
      reply({ kind: 'help', heading: 'Commands\u202e', body: '/ask\u0000 — ask\n/search\u200b — find', footer: 'Bye\u0007' }),
      { visibility: 'private' },
    );
    const embed = m.embeds[0]!;
    expect(embed.title).toBe('Commands');
    expect(visible(embed.description ?? '')).toBe('/ask  — ask\n/search  — find');
    expect(embed.footer?.text).toBe('Bye');
  });

  const actions: Action[] = [
    { kind: 'full_passage', label: 'Full passage', value: 'field-report/cocaine/2' },
    { kind: 'more_results', label: 'More results', value: 'm:7:0' },
    { kind: 'share', label: 'Share', value: 'q:7' },
    { kind: 'feedback_up', label: '👍', value: '7:field-report/cocaine/2' },
    { kind: 'feedback_down', label: '👎', value: '7:field-report/cocaine/2' },
  ];

  it('renders an answer as an embed: bold excerpt, report as author, citation in the footer, id in a field', () => {
    const m = renderReply(
      reply({ quote: quote('Cocaine leaves the VRAEM.', [{ start: 0, end: 7 }]), actions, question: 'Who moves cocaine?' }),
      { visibility: 'private', echoQuestion: true },
    );
    expect(m.ephemeral).toBe(true);
    expect(m.content).toBe('**Q:** Who moves cocaine?');
    expect(m.embeds).toHaveLength(1);
    expect(m.embeds[0]).toMatchObject({
      author: { name: 'Coca, Gold and Timber' },
      description: '**Cocaine** leaves the VRAEM.',
      footer: { text: 'Quispe 2023 · Cocaine ¶2' },
      fields: [
        { name: 'Section', value: 'Cocaine', inline: true },
        { name: 'Passage', value: '`field-report/cocaine/2`', inline: true },
      ],
    });
    expect(customIds(body(m))).toEqual([
      'rb:full_passage:field-report/cocaine/2',
      'rb:more_results:m:7:0',
      'rb:share:q:7',
      'rb:feedback_up:7:field-report/cocaine/2',
      'rb:feedback_down:7:field-report/cocaine/2',
    ]);
    expect(m.allowedMentions).toEqual({ parse: [] });
  });

  it('drops the Share button from public messages', () => {
    const m = renderReply(reply({ quote: quote('x'), actions }), { visibility: 'public' });
    expect(m.ephemeral).toBe(false);
    expect(customIds(body(m)).some((id) => id.startsWith('rb:share:'))).toBe(false);
    expect(customIds(body(m))).toHaveLength(4);
  });

  it('renders an abstention honestly, with the closest passages as fields', () => {
    const m = renderReply(
      reply({
        kind: 'abstention',
        heading: "The report doesn't seem to cover that.",
        body: 'These are the closest passages:',
        items: [quote('Gold is laundered in Lima.', [{ start: 0, end: 4 }], citation('Illegal Mining', 2))],
      }),
      { visibility: 'private' },
    );
    const embed = m.embeds[0]!;
    expect(embed.title).toBe("The report doesn't seem to cover that.");
    expect(embed.description).toBe('These are the closest passages:');
    expect(embed.author?.name).toBe('Coca, Gold and Timber');
    expect(embed.fields).toEqual([
      {
        name: 'Illegal Mining ¶2',
        value: '**Gold** is laundered in Lima.\n— Quispe 2023 · Illegal Mining ¶2 · `field-report/illegal-mining/2`',
      },
    ]);
  });

  it('names both paragraphs of a listed excerpt that runs on into the next one', () => {
    const c = { ...citation('Illegal Mining', 2), lastParagraph: 3, label: 'Quispe 2023 · Illegal Mining ¶2–3' };
    const m = renderReply(reply({ kind: 'abstention', heading: 'h', items: [quote('Gold is laundered in Lima.', [], c)] }), { visibility: 'private' });
    expect(m.embeds[0]!.fields![0]!.name).toBe('Illegal Mining ¶2–3');
  });

  it('stays within every limit for absurdly large replies', () => {
    const long = 'lorem ipsum '.repeat(2000);
    const items = Array.from({ length: 40 }, (_, i) => quote(long, [{ start: 0, end: 5 }], citation('S'.repeat(300), i + 1)));
    const m = renderReply(
      reply({
        heading: long,
        body: long,
        quote: quote(long, [{ start: 6, end: 11 }]),
        items,
        footer: long,
        question: long,
        actions: [...actions, ...actions, ...actions, ...actions, ...actions, ...actions],
      }),
      { visibility: 'private', echoQuestion: true },
    );
    expectWithinLimits(body(m));
    expect(embedChars(m.embeds as never)).toBeLessThanOrEqual(6000);
    expect(m.embeds[0]!.fields!.length).toBeLessThanOrEqual(25);
    // The answer's own Section/Passage fields survive; results beyond the budget are dropped.
    expect(m.embeds[0]!.fields![1]!.name).toBe('Passage');
    expect(m.components.length).toBeLessThanOrEqual(5);
  });

  it('drops a button whose custom id would exceed 100 characters', () => {
    const m = renderReply(reply({ body: 'x', actions: [{ kind: 'more_results', label: 'More', value: 'v'.repeat(90) }] }), {
      visibility: 'private',
    });
    expect(m.components).toEqual([]);
  });

  it('escapes and defuses mentions in bot text and the echoed question', () => {
    const m = renderReply(reply({ kind: 'notice', heading: 'Hi @everyone', body: '**not bold** <@1>', question: '@here?' }), {
      visibility: 'public',
      echoQuestion: true,
    });
    expect(m.content).toBe('**Q:** @\u200bhere?');
    expect(m.embeds[0]!.title).toBe('Hi @\u200beveryone');
    expect(m.embeds[0]!.description).toBe('\\*\\*not bold\\*\\* <\u200b@1>');
  });

  it('shows the error id in the footer of an apology', () => {
    const m = renderReply(reply({ kind: 'error', heading: 'Sorry', errorId: 'abc123' }), { visibility: 'private' });
    expect(m.embeds[0]!.footer?.text).toBe('Error id: abc123');
  });

  it('never sends an empty message', () => {
    const m = renderReply(reply({ kind: 'notice' }), { visibility: 'private' });
    expect(m.content).toBe('Done.');
  });
});

describe('custom ids', () => {
  it('keeps the buttons of a digest distinct when two facts come from the same paragraph', () => {
    const same = citation('Cocaine', 2);
    const m = renderReply(
      reply({
        kind: 'digest',
        items: [quote('One.', [], same), quote('Two.', [], same), quote('Three.', [], citation('Gold', 5))],
        actions: [
          { kind: 'full_passage', label: 'Full passage 1', value: 'p:field-report/cocaine/2' },
          { kind: 'full_passage', label: 'Full passage 2', value: 'p:field-report/cocaine/2' },
          { kind: 'full_passage', label: 'Full passage 3', value: 'p:field-report/gold/5' },
        ],
      }),
      { visibility: 'public' },
    );
    expect(customIds(body(m))).toEqual([
      'rb:full_passage_1:p:field-report/cocaine/2',
      'rb:full_passage_2:p:field-report/cocaine/2',
      'rb:full_passage_3:p:field-report/gold/5',
    ]);
    expectWithinLimits(body(m));
    expect(customIds(body(m)).map(decodeCustomId)).toEqual([
      { kind: 'full_passage', value: 'p:field-report/cocaine/2' },
      { kind: 'full_passage', value: 'p:field-report/cocaine/2' },
      { kind: 'full_passage', value: 'p:field-report/gold/5' },
    ]);
  });

  it('decodes numbered ids and stays within 100 characters', () => {
    expect(decodeCustomId('rb:feedback_up_12:7:a/b/1')).toEqual({ kind: 'feedback_up', value: '7:a/b/1' });
    expect(decodeCustomId('rb:full_passage_:x')).toBeNull();
    expect(encodeCustomId({ kind: 'share', value: 'x'.repeat(89) }, 2)).toHaveLength(100);
    expect(encodeCustomId({ kind: 'share', value: 'x'.repeat(90) }, 2)).toBeNull();
  });

  it('round-trips an action and rejects anything else', () => {
    const id = encodeCustomId({ kind: 'feedback_down', value: '12:field-report/cocaine/2' })!;
    expect(decodeCustomId(id)).toEqual({ kind: 'feedback_down', value: '12:field-report/cocaine/2' });
    expect(decodeCustomId('rb:delete_everything:1')).toBeNull();
    expect(decodeCustomId('other-bot:share:1')).toBeNull();
  });

  it('refuses ids over 100 characters', () => {
    expect(encodeCustomId({ kind: 'share', value: 'x'.repeat(92) })).toBeNull();
    expect(encodeCustomId({ kind: 'share', value: 'x'.repeat(91) })).toHaveLength(100);
  });
});

describe('fitChoices', () => {
  it('keeps at most 25 unique choices with names and values of at most 100 characters', () => {
    const choices = [
      { name: 'dup', value: 'a' },
      { name: 'dup again', value: 'a' },
      { name: 'too long value', value: 'v'.repeat(101) },
      { name: 'n'.repeat(300), value: 'b' },
      ...Array.from({ length: 40 }, (_, i) => ({ name: `zone ${i}`, value: `z${i}` })),
    ];
    const out = fitChoices(choices);
    expect(out).toHaveLength(25);
    expect(out.filter((c) => c.value === 'a')).toHaveLength(1);
    expect(out.some((c) => c.value.length > 100)).toBe(false);
    expect(out.find((c) => c.value === 'b')!.name.length).toBeLessThanOrEqual(100);
  });
});

describe('renderNotice', () => {
  it('is private by default and within the content limit', () => {
    const m = renderNotice('x'.repeat(5000));
    expect(m.ephemeral).toBe(true);
    expect(m.content!.length).toBeLessThanOrEqual(2000);
  });
});
