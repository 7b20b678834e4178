import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { chunkDocument, defaultChunkOptions, labelFor, slugify } from '../../src/corpus/chunk.ts';
import { loadCorpus, parseDocument } from '../../src/corpus/load.ts';
import type { Corpus, Document } from '../../src/corpus/types.ts';
import { sentencesOf } from '../../src/corpus/passage.ts';

const CORPUS_DIR = fileURLToPath(new URL('../../corpus', import.meta.url));

/** A paragraph of `n` numbered sentences of about 70 characters each. */
const longParagraph = (n: number) =>
  Array.from({ length: n }, (_, i) => `Sentence ${i + 1} of the long paragraph describes the harbor in more detail.`).join(' ');

let corpus: Corpus;
let doc: Document;

beforeAll(async () => {
  corpus = await loadCorpus(CORPUS_DIR);
  doc = corpus.documents[0]!;
});

describe('chunkDocument on the bundled report', () => {
  it('gives every passage and sentence exact offsets into the source', () => {
    let sentences = 0;
    for (const section of doc.sections) {
      for (const p of section.passages) {
        expect(doc.source.slice(p.start, p.end)).toBe(p.text);
        for (const s of sentencesOf(p)) {
          expect(doc.source.slice(s.start, s.end)).toBe(s.text);
          expect(s.start).toBeGreaterThanOrEqual(p.start);
          expect(s.end).toBeLessThanOrEqual(p.end);
          sentences++;
        }
      }
    }
    expect(sentences).toBeGreaterThan(200);
  });

  it('starts every titled section at its own heading in the source', () => {
    for (const section of doc.sections.slice(1)) {
      const heading = doc.source.indexOf(`\n## ${section.title}\n`);
      expect(heading, section.title).toBeGreaterThan(0);
      expect(section.passages[0]!.start).toBeGreaterThan(heading);
    }
  });

  it('covers each passage with its sentences, in order, without overlap', () => {
    for (const p of corpus.passages) {
      expect(sentencesOf(p)[0]!.start).toBe(p.start);
      expect(sentencesOf(p).at(-1)!.end).toBe(p.end);
      sentencesOf(p).forEach((s, i) => {
        expect(s.index).toBe(i);
        expect(s.passageId).toBe(p.id);
        if (i > 0) expect(s.start).toBeGreaterThan(sentencesOf(p)[i - 1]!.end);
      });
    }
  });

  it('leaves the front matter out of every passage', () => {
    const bodyStart = doc.source.indexOf('\n---\n', 3) + 5;
    expect(corpus.passages[0]!.start).toBeGreaterThanOrEqual(bodyStart);
    expect(corpus.passages.some((p) => p.text.includes('slug:'))).toBe(false);
  });

  it('removes the site chrome', () => {
    for (const chrome of ['SUPPORT US', 'Related Posts', 'Click here to help', '©2022', 'Website development', '](', 'non-profit organization']) {
      expect(doc.source, chrome).not.toContain(chrome);
    }
  });
});

describe('chunkDocument splitting long paragraphs', () => {
  const md = `---\ntitle: Harbor\nslug: harbor\n---\n\n## Docks\n\nA short opening paragraph.\n\n${longParagraph(30)}\n\nA closing paragraph.\n`;
  let harbor: Document;

  beforeAll(() => {
    harbor = parseDocument('/fixtures/harbor.md', md);
  });

  it('splits a paragraph longer than the limit into numbered parts', () => {
    const ids = harbor.sections[0]!.passages.map((p) => p.id);
    expect(ids[0]).toBe('harbor/docks/1');
    expect(ids.at(-1)).toBe('harbor/docks/3');
    const parts = ids.slice(1, -1);
    expect(parts.length).toBeGreaterThanOrEqual(2);
    expect(parts).toEqual(parts.map((_, i) => `harbor/docks/2.${i + 1}`));
  });

  it('cuts only at sentence boundaries and loses nothing', () => {
    const parts = harbor.sections[0]!.passages.filter((p) => p.paragraph === 2);
    for (const p of parts) {
      expect(p.text).toMatch(/^Sentence \d+ of/);
      expect(p.text).toMatch(/detail\.$/);
      expect(p.text.length).toBeLessThanOrEqual(defaultChunkOptions.maxPassageChars);
      expect(harbor.source.slice(p.start, p.end)).toBe(p.text);
    }
    expect(parts.map((p) => p.text).join(' ')).toBe(longParagraph(30));
    expect(parts.map((p) => p.part)).toEqual(parts.map((_, i) => i + 1));
  });

  it('leaves paragraphs within the limit whole, with part 0', () => {
    const [first] = harbor.sections[0]!.passages;
    expect(first).toMatchObject({ paragraph: 1, part: 0, text: 'A short opening paragraph.' });
  });

  it('honours smaller limits given as options', () => {
    const source = `## S\n\n${longParagraph(4)}\n`;
    const d = chunkDocument(source, 0, { id: 'd', title: 'D', author: '', date: '', publisher: '', series: '', part: '', path: '/d.md' }, 0, {
      maxPassageChars: 100,
      targetPartChars: 100,
    });
    expect(d.sections[0]!.passages.map((p) => p.id)).toEqual(['d/s/1.1', 'd/s/1.2', 'd/s/1.3', 'd/s/1.4']);
  });
});

describe('chunkDocument sections', () => {
  it('names the untitled opening part Introduction and skips a repeated # title', () => {
    const d = parseDocument('/x/a.md', '# The Title\n\nOpening words.\n\n## Later\n\nMore words.\n');
    expect(d.sections.map((s) => [s.id, s.title])).toEqual([
      ['introduction', 'Introduction'],
      ['later', 'Later'],
    ]);
  });

  it('gives repeated section titles distinct ids', () => {
    const d = parseDocument('/x/a.md', '## Notes\n\nOne.\n\n## Notes\n\nTwo.\n');
    expect(d.sections.map((s) => s.id)).toEqual(['notes', 'notes-2']);
    expect(d.sections[1]!.passages[0]!.id).toBe('a/notes-2/1');
  });

  it('drops a section with no paragraphs and renumbers the rest', () => {
    const d = parseDocument('/x/a.md', '## Empty\n\n## Full\n\nText.\n');
    expect(d.sections.map((s) => [s.title, s.index])).toEqual([['Full', 0]]);
  });
});

describe('slugify', () => {
  it('makes lower-case ASCII slugs from titles with accents and apostrophes', () => {
    expect(slugify('The Peruvian State Policy Response')).toBe('the-peruvian-state-policy-response');
    expect(slugify('Apurímac’s Valley')).toBe('apurimacs-valley');
    expect(slugify('¡¿!')).toBe('untitled');
  });
});

describe('labelFor', () => {
  it('is the author’s surname and the year', () => {
    expect(labelFor({ author: 'Evan Ellis', date: '2022-07-25', title: 'X' })).toBe('Ellis 2022');
    expect(labelFor({ author: 'Ana Ruiz and Li Wei', date: '2023', title: 'X' })).toBe('Ruiz 2023');
  });

  it('falls back to the title when author and date are unknown', () => {
    expect(labelFor({ author: '', date: '', title: 'Harbor Notes' })).toBe('Harbor Notes');
  });
});
