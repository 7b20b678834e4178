import { describe, expect, it } from 'vitest';
import type { Passage } from '../../src/corpus/types.ts';
import { buildCorpus, parseDocument } from '../../src/corpus/load.ts';
import { SentenceTable, adjoins, neighbourInSection, runsOnInto, sentencesOf, spansOf } from '../../src/corpus/passage.ts';

const SOURCE = [
  '---',
  'title: River notes',
  'author: A. Writer',
  '---',
  '## Floods',
  '',
  'The river rose by “two metres” in May. Boats stayed ashore. Then the rest was lost',
  '',
  'A second paragraph, one sentence.',
  '',
].join('\n');

describe('a passage keeps its sentences packed', () => {
  const doc = parseDocument('/reports/river.md', SOURCE);
  const passages = doc.sections.flatMap((s) => s.passages);

  it("shares one table per document, three integers a sentence: start, end and 1 for complete, 0 for a cut-off fragment", () => {
    const [first, second] = passages as [Passage, Passage];
    expect(second.sentenceTable).toBe(first.sentenceTable);
    expect(first.sentenceTable).toHaveLength(3 * 4);
    expect([first.firstSentence, first.sentenceCount, second.firstSentence, second.sentenceCount]).toEqual([0, 3, 3, 1]);
    expect(spansOf(first).filter((_, i) => i % 3 === 2)).toEqual([1, 1, 0]);
  });

  it('makes each sentence as an exact slice of the document source, numbered within its passage', () => {
    for (const p of passages) {
      for (const [i, s] of sentencesOf(p).entries()) {
        expect(doc.source.slice(s.start, s.end)).toBe(s.text);
        expect(s.passageId).toBe(p.id);
        expect(s.index).toBe(i);
      }
    }
    expect(sentencesOf(passages[0]!).map((s) => s.text)).toEqual(['The river rose by “two metres” in May.', 'Boats stayed ashore.', 'Then the rest was lost']);
    expect(sentencesOf(passages[0]!).map((s) => s.complete)).toEqual([true, true, false]);
  });

  it('makes only the sentences asked for, the same as those of the whole list', () => {
    const p = passages[0]!;
    expect(sentencesOf(p, 1, 3)).toEqual(sentencesOf(p).slice(1, 3));
    expect(sentencesOf(p, 2, 3).map((s) => s.index)).toEqual([2]);
    expect(sentencesOf(p, 2, 10)).toEqual(sentencesOf(p).slice(2));
    expect(sentencesOf(p, 3, 3)).toEqual([]);
  });

  it('rebuilds the same table from the spans of its passages, as the index cache reads it back', () => {
    const table = new SentenceTable();
    const copies = passages.map((p) => ({ ...p }));
    copies.forEach((p, i) => table.add(p, spansOf(passages[i]!)));
    expect(Array.from(table.done())).toEqual(Array.from(passages[0]!.sentenceTable));
    copies.forEach((p, i) => expect(sentencesOf(p)).toEqual(sentencesOf(passages[i]!)));
  });

  it('a passage without sentences has none', () => {
    expect(sentencesOf({ ...passages[1]!, sentenceCount: 0 })).toEqual([]);
  });
});

describe('neighbourInSection', () => {
  const corpus = buildCorpus([
    parseDocument('/reports/a.md', '## One\n\nFirst.\n\nSecond.\n\n## Two\n\nThird.\n'),
    parseDocument('/reports/b.md', '## One\n\nFourth.\n'),
  ]);
  const [first, second, third, fourth] = corpus.passages as [Passage, Passage, Passage, Passage];

  it('gives the passage after or before in the same section of the same document', () => {
    expect(neighbourInSection(corpus.passages, first, 1)).toBe(second);
    expect(neighbourInSection(corpus.passages, second, -1)).toBe(first);
  });

  it('gives null at the edge of a section, of a document and of the corpus', () => {
    expect(neighbourInSection(corpus.passages, first, -1)).toBeNull();
    expect(neighbourInSection(corpus.passages, second, 1)).toBeNull();
    expect(neighbourInSection(corpus.passages, third, 1)).toBeNull();
    // Same section id ("one") but another document.
    expect(fourth.sectionId).toBe(first.sectionId);
    expect(neighbourInSection(corpus.passages, fourth, -1)).toBeNull();
    expect(neighbourInSection(corpus.passages, fourth, 1)).toBeNull();
  });
});

describe('adjoins', () => {
  it('holds when only white space lies between two passages, in order', () => {
    const source = 'First.\n\n  Second.\n\n---\n\nThird.';
    const a = { start: 0, end: 6 };
    const b = { start: 10, end: 17 };
    const c = { start: 24, end: 30 };
    expect(adjoins(source, a, b)).toBe(true);
    // A rule between them, or the wrong order.
    expect(adjoins(source, b, c)).toBe(false);
    expect(adjoins(source, b, a)).toBe(false);
  });
});

describe('runsOnInto', () => {
  const corpus = buildCorpus([parseDocument('/reports/a.md', '## One\n\nFirst.\n\nSecond.\n\n---\n\nThird.\n\n## Two\n\nFourth.\n')]);
  const [first, second, third] = corpus.passages as [Passage, Passage, Passage, Passage];

  it('gives the next passage of the section when only white space lies between them, on the same page', () => {
    expect(runsOnInto(corpus, first)).toBe(second);
    // A rule between them; the end of a section.
    expect(runsOnInto(corpus, second)).toBeNull();
    expect(runsOnInto(corpus, third)).toBeNull();
    const paged = { ...corpus, passages: corpus.passages.map((p, i) => ({ ...p, page: i + 1 })) };
    expect(runsOnInto(paged, paged.passages[0]!)).toBeNull();
  });
});
