import { describe, expect, it } from 'vitest';
import { emphasize, renderText, wrapLine } from '../../../src/adapters/console/render.ts';

describe('renderText', () => {
  it('keeps escape sequences and invisible characters in bot text from reaching the terminal, line breaks kept', () => {
    const text = renderText({
      kind: 'help',
      heading: 'Commands\u001b[2J',
      body: '/ask — ask a question\n/search\u202e — find passages',
      footer: 'Bye\u0007',
      items: [],
      actions: [],
    });
    expect(text).toBe('Commands [2J\n\n/ask — ask a question\n/search  — find passages\n\nBye');
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
  });
});

describe('wrapLine', () => {
  const text =
    'The expanding range of criminal challenges set forth in this section have led Peru\'s security forces to focus not only on zones historically linked to terrorism and drug production.';

  it('breaks at spaces only, every line within the width, the words unchanged', () => {
    for (const width of [20, 33, 40, 61, 80]) {
      const lines = wrapLine(text, width).split('\n');
      for (const l of lines) expect([...l].length).toBeLessThanOrEqual(width);
      expect(lines.join(' ')).toBe(text);
    }
  });

  it('indents continuation lines like the line itself, after a list number', () => {
    const wrapped = wrapLine(`2. “${text}”`, 40).split('\n');
    expect(wrapped[0]).toMatch(/^2\. “The/);
    for (const l of wrapped.slice(1)) expect(l).toMatch(/^ {3}\S/);
    expect(wrapLine(`     — ${'Ellis 2022 · The Peruvian State Policy Response ¶5'}`, 30).split('\n')[1]).toMatch(/^ {5}\S/);
  });

  it('leaves a word longer than the line whole', () => {
    expect(wrapLine('see https://www.example.org/a/very/long/address/that/cannot/break now', 20).split('\n')).toEqual([
      'see',
      'https://www.example.org/a/very/long/address/that/cannot/break',
      'now',
    ]);
  });

  it('does not count ANSI bold as width', () => {
    const bold = emphasize({ text: 'coca coca coca coca', highlights: [{ start: 0, end: 4 }, { start: 5, end: 9 }] }, true);
    expect(wrapLine(bold, 19)).toBe(bold);
  });
});

describe('renderText with a width', () => {
  it('wraps the quote and citation of an answer', () => {
    const citation = { documentId: 'r', document: 'R', author: 'Ellis', date: '2022', section: 'Cocaine', sectionId: 's', paragraph: 3, passageId: 'r/s/3', label: 'Ellis 2022 · Cocaine ¶3' };
    const quote = { text: 'a '.repeat(60).trim(), highlights: [], passageId: 'r/s/3', citation };
    const out = renderText({ kind: 'answer', quote, items: [], actions: [] }, { color: false, width: 41 });
    for (const l of out.split('\n')) expect(l.length).toBeLessThanOrEqual(40);
  });
});
