import { describe, expect, it } from 'vitest';
import { escapeMrkdwn, quoteTexts, renderReply, wordSpans, SLACK_LIMITS } from '../../../src/adapters/slack/render.ts';
import type { Quote, Reply } from '../../../commands/types.ts';

const citation = {
  documentId: 'doc',
  document: 'A <Report> & more',
  author: 'Ellis',
  date: '2022-07-25',
  section: 'Cocaine',
  sectionId: 'cocaine',
  paragraph: 4,
  passageId: 'doc/cocaine/4',
  label: 'Ellis 2022 · Cocaine ¶4',
};
const quote = (text: string, highlights: Quote['highlights'] = []): Quote => ({ text, highlights, citation, passageId: 'doc/cocaine/4' });
const reply = (r: Partial<Reply>): Reply => ({ kind: 'answer', items: [], actions: [], ...r });

const texts = (blocks: Array<Record<string, any>>): string[] =>
  blocks.flatMap((b) => (b.text ? [b.text.text] : (b.elements ?? []).map((e: any) => e.text?.text ?? e.text)));

describe('escapeMrkdwn', () => {
  it('escapes &, < and > so mentions and links typed by users stay inert', () => {
    expect(escapeMrkdwn('<!channel> & <@U1> <https://x|y>')).toBe('&lt;!channel&gt; &amp; &lt;@U1&gt; &lt;https://x|y&gt;');
  });
});

describe('quoteTexts', () => {
  it('quotes the excerpt and bolds the matched words', () => {
    expect(quoteTexts('Coca growing rose', [{ start: 0, end: 4 }])).toEqual(['>*Coca* growing rose']);
  });

  it('widens a stem match to the whole word, so Slack renders the bold', () => {
    expect(wordSpans('under cultivation.', [{ start: 6, end: 14 }])).toEqual([{ start: 6, end: 17 }]);
    expect(quoteTexts('under cultivation.', [{ start: 6, end: 14 }])).toEqual(['>under *cultivation*.']);
  });

  it('bolds each word of a multi-word match and quotes every line', () => {
    expect(quoteTexts('Shining Path\nstill', [{ start: 0, end: 12 }])).toEqual(['>*Shining* *Path*\n>still']);
  });

  it('escapes report text too', () => {
    expect(quoteTexts('a <b> & c', [])).toEqual(['>a &lt;b&gt; &amp; c']);
  });

  it('splits a long passage between words into sections within the limit', () => {
    const text = Array.from({ length: 1200 }, (_, i) => `word${i}`).join(' ');
    const chunks = quoteTexts(text, [{ start: 0, end: 5 }]);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) {
      expect(c.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      expect(c.startsWith('>')).toBe(true);
    }
    expect(chunks.map((c) => c.slice(1)).join(' ').replace(/\*/g, '')).toBe(text);
  });

  it('keeps escaped text within the limit even when escaping multiplies its length', () => {
    for (const c of quoteTexts('&&&&&&&&&& '.repeat(600), [])) expect(c.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
  });
});

describe('renderReply', () => {
  const actions: Reply['actions'] = [
    { kind: 'full_passage', label: 'Full passage', value: 'doc/cocaine/4' },
    { kind: 'more_results', label: 'More results', value: 'm:1:0' },
    { kind: 'share', label: 'Share', value: 'q:1' },
    { kind: 'feedback_up', label: '👍', value: '1:doc/cocaine/4' },
    { kind: 'feedback_down', label: '👎', value: '1:doc/cocaine/4' },
  ];

  it('cites an excerpt that runs on into the next paragraph to both (¶4–5)', () => {
    const runOn: Quote = { ...quote('Coca rose.\n\nIt fell.'), citation: { ...citation, lastParagraph: 5, label: 'Ellis 2022 · Cocaine ¶4–5' } };
    expect(texts(renderReply(reply({ quote: runOn })).blocks)).toContain('*Ellis 2022 · Cocaine ¶4–5* · A &lt;Report&gt; &amp; more · Cocaine ¶4–5 · id `doc/cocaine/4`');
  });

  it('renders an answer: question, quote, citation line with the passage id, buttons', () => {
    const { blocks, text } = renderReply(reply({ question: 'Why <!here>?', quote: quote('Coca rose.', [{ start: 0, end: 4 }]), actions }), {
      shareable: true,
    });
    const all = texts(blocks);
    expect(all).toContain('Q: Why &lt;!here&gt;?');
    expect(all).toContain('>*Coca* rose.');
    expect(all).toContain('*Ellis 2022 · Cocaine ¶4* · A &lt;Report&gt; &amp; more · Cocaine ¶4 · id `doc/cocaine/4`');
    const buttons = blocks.find((b) => b.type === 'actions')!.elements as Array<Record<string, any>>;
    expect(buttons.map((b) => b.action_id)).toEqual(['rb_full_passage', 'rb_more_results', 'rb_share', 'rb_feedback_up', 'rb_feedback_down']);
    expect(text).toBe('Coca rose.');
  });

  it('gives every button of a message its own action id, numbering a kind that repeats', () => {
    // A digest: one Full passage button per fact, two of them for the same paragraph.
    const digest = reply({
      kind: 'digest',
      items: [quote('One.'), quote('Two.'), quote('Three.')],
      actions: [
        { kind: 'full_passage', label: 'Full passage 1', value: 'doc/cocaine/4' },
        { kind: 'full_passage', label: 'Full passage 2', value: 'doc/cocaine/4' },
        { kind: 'full_passage', label: 'Full passage 3', value: 'doc/cocaine/5' },
      ],
    });
    const buttons = renderReply(digest).blocks.find((b) => b.type === 'actions')!.elements as Array<Record<string, any>>;
    expect(buttons.map((b) => [b.action_id, b.value])).toEqual([
      ['rb_full_passage_1', 'doc/cocaine/4'],
      ['rb_full_passage_2', 'doc/cocaine/4'],
      ['rb_full_passage_3', 'doc/cocaine/5'],
    ]);
  });

  it('leaves Share out unless the reply is private', () => {
    const { blocks } = renderReply(reply({ quote: quote('x'), actions }));
    const ids = (blocks.find((b) => b.type === 'actions')!.elements as Array<Record<string, any>>).map((b) => b.action_id);
    expect(ids).not.toContain('rb_share');
  });

  it('renders an abstention honestly with the closest passages', () => {
    const { blocks } = renderReply(
      reply({ kind: 'abstention', heading: "The report doesn't seem to cover that.", items: [quote('First.'), quote('Second.')] }),
    );
    const all = texts(blocks);
    expect(all[0]).toBe("*The report doesn't seem to cover that.*");
    expect(all).toContain('>First.');
    expect(all).toContain('>Second.');
  });

  it('marks a shared reply with who shared it', () => {
    const { blocks } = renderReply(reply({ quote: quote('x') }), { sharedBy: 'U123' });
    expect(texts(blocks)[0]).toBe('Shared by <@U123>');
  });

  it('stays within 50 blocks however many items there are, and says how many were left out', () => {
    const many = Array.from({ length: 40 }, (_, i) => quote(`Passage ${i}.`));
    const { blocks } = renderReply(reply({ kind: 'results', heading: 'Results', items: many, actions }));
    expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    expect(texts(blocks).some((t) => /more not shown here/.test(t))).toBe(true);
  });

  it('keeps every section within 3,000 characters', () => {
    const { blocks } = renderReply(reply({ kind: 'passage', body: 'b'.repeat(7000), quote: quote('word '.repeat(2000).trim()) }));
    for (const b of blocks) if (b.type === 'section') expect((b.text as { text: string }).text.length).toBeLessThanOrEqual(3000);
  });
});
