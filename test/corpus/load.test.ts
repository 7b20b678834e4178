import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCorpus, loadCorpus, parseDocument, parseGlossary } from '../../src/corpus/load.ts';
import type { Corpus, Document } from '../../src/corpus/types.ts';
import { CorpusError } from '../../src/errors.ts';
import { sentencesOf } from '../../src/corpus/passage.ts';

const CORPUS_DIR = fileURLToPath(new URL('../../corpus', import.meta.url));
const BUNDLED = join(CORPUS_DIR, 'ellis-peru-2.md');
// The report exactly as received (../shared/report/), kept here so the tests need nothing outside the repo.
const SCRAPE = fileURLToPath(new URL('../fixtures/report-scrape.txt', import.meta.url));

/** The report's sections as the issue lists them (the bundled Markdown adds "About the Author"). */
const REPORT_SECTIONS = [
  'Introduction',
  'Cocaine',
  'Shining Path',
  'Illegal Mining',
  'Illegal Timber',
  'Venezuelan Migrants',
  'The Peruvian State Policy Response',
  'Challenges',
];

const tmpDirs: string[] = [];

/** A fresh corpus folder holding `files` (name → content). */
async function corpusDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'report-bot-corpus-'));
  tmpDirs.push(dir);
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

/** The error a promise rejects with (fails the test when it resolves). */
async function rejection(p: Promise<unknown>): Promise<CorpusError> {
  try {
    await p;
  } catch (err) {
    return err as CorpusError;
  }
  throw new Error('expected a rejection');
}

const sentenceTexts = (doc: Document) => doc.sections.flatMap((s) => s.passages.flatMap((p) => sentencesOf(p).map((x) => x.text)));

let corpus: Corpus;
let doc: Document;
let bundledText: string;

beforeAll(async () => {
  corpus = await loadCorpus(CORPUS_DIR);
  doc = corpus.documents[0]!;
  bundledText = await readFile(BUNDLED, 'utf8');
});

afterAll(async () => {
  await Promise.all(tmpDirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('loadCorpus on the bundled report', () => {
  it('loads one document with its front matter', () => {
    expect(corpus.documents).toHaveLength(1);
    expect(doc).toMatchObject({
      id: 'ellis-peru-2',
      title: "The Evolution of Peru's Multidimensional Challenges, Part II: Transnational Organized Crime",
      author: 'Evan Ellis',
      date: '2022-07-25',
      publisher: 'Global Americans',
      part: '2',
      label: 'Ellis 2022',
    });
  });

  it('has exactly the report’s sections, in order, the untitled opening part named Introduction', () => {
    expect(doc.sections.map((s) => s.title)).toEqual([...REPORT_SECTIONS, 'About the Author']);
    expect(doc.sections.map((s) => s.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('keeps the flat lookups in step with the tree', () => {
    const inTree = doc.sections.flatMap((s) => s.passages);
    expect(corpus.passages).toEqual(inTree);
    expect([...corpus.byId.keys()]).toEqual(inTree.map((p) => p.id));
    expect(corpus.documentsById.get('ellis-peru-2')).toBe(doc);
    expect(corpus.passages.map((p) => p.order)).toEqual(inTree.map((_, i) => i));
  });

  it('loads the glossary next to the report', () => {
    expect(corpus.glossary.get('sendero luminoso')).toContain('shining path');
    expect(corpus.glossary.get('cops')).toContain('police');
  });
});

describe('parseDocument with a .txt scrape', () => {
  let scrape: Document;

  beforeAll(async () => {
    // Copied into a tmp folder, as a team would drop it into CORPUS_DIR.
    const dir = await corpusDir({ 'peru-part-2.txt': await readFile(SCRAPE, 'utf8') });
    scrape = (await loadCorpus(dir)).documents[0]!;
  });

  it('takes the title from the first real line, skipping the site slogan', () => {
    expect(scrape.title).toBe("The Evolution of Peru's Multidimensional Challenges, Part II: Transnational Organized Crime");
  });

  it('takes the author and date from the byline', () => {
    expect(scrape.author).toBe('Evan Ellis');
    expect(scrape.date).toBe('2022-07-25');
    expect(scrape.label).toBe('Ellis 2022');
  });

  it('detects the section headings', () => {
    expect(scrape.sections.map((s) => s.title)).toEqual(REPORT_SECTIONS);
  });

  it('drops the site chrome and the link markup', () => {
    for (const chrome of ['SMART NEWS', 'SUPPORT US', 'non-profit organization', 'Click here to help', 'Related Posts', 'Filed Under', 'Tagged With', '©2022', 'Website development', '[Menu]', '](', 'Global Americans Contributor', 'USD \\$']) {
      expect(scrape.source, chrome).not.toContain(chrome);
    }
  });

  it('yields the same sentences, word for word, as the bundled Markdown', () => {
    // The Markdown adds one heading ("About the Author"), so sentences are compared, not sections.
    expect(sentenceTexts(scrape)).toEqual(sentenceTexts(doc));
  });

  it('keeps every offset exact in the cleaned text', () => {
    for (const p of scrape.sections.flatMap((s) => s.passages)) {
      expect(scrape.source.slice(p.start, p.end)).toBe(p.text);
      for (const s of sentencesOf(p)) expect(scrape.source.slice(s.start, s.end)).toBe(s.text);
    }
  });
});

describe('the bundled report against the raw scrape', () => {
  /** The article body of the scrape: from the first paragraph to "Related Posts", chrome and headings out, links reduced to words. */
  async function scrapeBody(): Promise<string[]> {
    const paragraphs = (await readFile(SCRAPE, 'utf8')).split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
    const from = paragraphs.findIndex((p) => p.startsWith('This article represents'));
    const to = paragraphs.indexOf('Related Posts');
    const headings = new Set(doc.sections.map((s) => s.title));
    return paragraphs
      .slice(from, to)
      .filter((p) => !headings.has(p.replace(/:$/, '')) && p !== 'SUPPORT US' && !p.startsWith('[Click here to help]') && !p.startsWith('Global Americans is a non-profit'))
      .map((p) => p.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/\\([$()])/g, '$1').replace(/\*([^*\n]+)\*/g, '$1'));
  }

  it('contains every sentence of the article body verbatim', async () => {
    const body = await scrapeBody();
    expect(body.length).toBe(doc.sections.reduce((n, s) => n + s.passages.length, 0));
    for (const paragraph of body) expect(doc.source, paragraph.slice(0, 60)).toContain(paragraph);
  });

  it('marks exactly the fragments the scrape cut off as incomplete (every other sentence complete), and keeps them verbatim', async () => {
    const cut = new Set<string>();
    let previousCut = false;
    for (const paragraph of await scrapeBody()) {
      // A paragraph that stops without punctuation lost its end; one that opens in lower case (even
      // behind a quote) lost its start, and so did one right after a cut that opens with no capital
      // ("2018-2019, which …").
      const sentences = paragraph.split(/(?<=[.!?]["\u201d]?)\s+(?=[A-Z“])/);
      const endsCut = !/[.!?\u2026]["'\u201d\u2019)\]]*$/.test(paragraph);
      if (endsCut) cut.add(sentences.at(-1)!);
      if (/^["\u201c]?\p{Ll}/u.test(paragraph) || (previousCut && !/^["\u201c]?\p{Lu}/u.test(paragraph))) cut.add(sentences[0]!);
      previousCut = endsCut;
    }
    const incomplete = corpus.passages.flatMap((p) => sentencesOf(p)).filter((s) => !s.complete).map((s) => s.text);
    expect(new Set(incomplete)).toEqual(cut);
    expect(incomplete).toHaveLength(cut.size);
    expect(incomplete).toContain('In terms of traditional measures of citizen security, the principal challenge is');
    expect(incomplete).toContain('the region per 100,000 people in 2021.');
    expect(incomplete).toContain('In the');
    expect(incomplete).toContain('the same zone.');
    expect(incomplete.some((t) => t.startsWith('“emergency zones” where the military'))).toBe(true);
    expect(incomplete.some((t) => t.startsWith('2018-2019, which focused'))).toBe(true);
  });

});

describe('passage ids', () => {
  it('are readable: document, section and paragraph', () => {
    expect(corpus.byId.get('ellis-peru-2/cocaine/3')?.text).toMatch(/^Without eradication measures/);
    for (const p of corpus.passages) expect(p.id).toBe(`ellis-peru-2/${p.sectionId}/${p.paragraph}`);
  });

  it('do not change in other sections when one section is edited', async () => {
    // Drop the first Shining Path paragraph and reword another one.
    const shiningPath = doc.sections.find((s) => s.id === 'shining-path')!;
    const [first, second] = shiningPath.passages;
    const edited = bundledText.replace(`${first!.text}\n\n`, '').replace(second!.text, 'A shorter, reworded paragraph.');
    expect(edited).not.toBe(bundledText);
    const copy = (await loadCorpus(await corpusDir({ 'ellis-peru-2.md': edited, 'glossary.yaml': '[]' }))).documents[0]!;

    const others = (d: Document) => d.sections.filter((s) => s.id !== 'shining-path').flatMap((s) => s.passages.map((p) => [p.id, p.text]));
    expect(others(copy)).toEqual(others(doc));
    expect(copy.sections.find((s) => s.id === 'shining-path')!.passages.length).toBe(shiningPath.passages.length - 1);
    expect(copy.sections.find((s) => s.id === 'shining-path')!.passages[0]!.text).toBe('A shorter, reworded paragraph.');
  });
});

describe('loadCorpus with several reports', () => {
  it('reads every .md and .txt report in file-name order, numbering passages across them', async () => {
    const harbor = 'Harbor Notes\n\nAna Ruiz | March 1, 2023\n\nThe docks open at dawn.\n\nFees\n\nMooring costs more in summer.\n';
    const dir = await corpusDir({ 'ellis-peru-2.md': bundledText, 'harbor.txt': harbor, 'README.md': '# Notes for editors\n\nNot a report.\n', 'glossary.yaml': '- [cops, police]\n' });
    const several = await loadCorpus(dir);
    expect(several.documents.map((d) => [d.id, d.label])).toEqual([
      ['ellis-peru-2', 'Ellis 2022'],
      ['harbor', 'Ruiz 2023'],
    ]);
    expect(several.passages.map((p) => p.order)).toEqual(several.passages.map((_, i) => i));
    expect(several.passages.slice(-2).map((p) => p.id)).toEqual(['harbor/introduction/1', 'harbor/fees/1']);
    expect(several.glossary.get('cops')).toEqual(['police']);
  });
});

describe('loadCorpus errors', () => {
  it('names the folder when CORPUS_DIR does not exist', async () => {
    const missing = join(tmpdir(), 'report-bot-no-such-folder');
    const err = await rejection(loadCorpus(missing));
    expect(err).toBeInstanceOf(CorpusError);
    expect(err.code).toBe('CORPUS_MISSING');
    expect(err.message).toBe(`The corpus folder ${missing} does not exist or cannot be read (set CORPUS_DIR).`);
  });

  it('says so when the folder holds no reports', async () => {
    const dir = await corpusDir({ 'notes.json': '{}', 'glossary.yaml': '[]' });
    const err = await rejection(loadCorpus(dir));
    expect(err.code).toBe('CORPUS_MISSING');
    expect(err.message).toBe(`The corpus folder ${dir} has no reports (.md, .txt, .pdf, .html or .docx files).`);
  });

  it('names an empty report file', async () => {
    const err = await rejection(loadCorpus(await corpusDir({ 'a.md': '# A\n\nText.\n', 'empty.md': '  \n\n' })));
    expect(err).toBeInstanceOf(CorpusError);
    expect(err.code).toBe('CORPUS_INVALID');
    expect(err.message).toBe('The report file empty.md is empty.');
  });

  it('names a report whose front matter is not valid YAML', async () => {
    const err = await rejection(loadCorpus(await corpusDir({ 'broken.md': '---\ntitle: [unclosed\n---\n\nSome text.\n' })));
    expect(err.code).toBe('CORPUS_INVALID');
    expect(err.message).toMatch(/^The front matter of broken\.md is not valid YAML: \S/);
  });

  it('names a report with no paragraphs of text', async () => {
    const err = await rejection(loadCorpus(await corpusDir({ 'headings.md': '## One\n\n## Two\n' })));
    expect(err.message).toBe('The report file headings.md has no paragraphs of text.');
  });

  it('names a glossary that is not valid YAML', async () => {
    const err = await rejection(loadCorpus(await corpusDir({ 'a.md': 'Text.\n', 'glossary.yaml': 'aliases: [[a, b]\n' })));
    expect(err.code).toBe('CORPUS_INVALID');
    expect(err.message).toMatch(/^glossary\.yaml is not valid YAML: \S/);
  });

  it('names a glossary that is not a list of groups', async () => {
    const err = await rejection(loadCorpus(await corpusDir({ 'a.md': 'Text.\n', 'glossary.yaml': 'aliases:\n  cops: police\n' })));
    expect(err.message).toBe('glossary.yaml must be a list of lists of equivalent phrases, e.g. - [Shining Path, Sendero Luminoso]');
  });

  it('refuses two reports with the same id', () => {
    const a = parseDocument('/x/a.md', '---\nslug: same\n---\n\nOne.\n');
    const b = parseDocument('/x/b.md', '---\nslug: same\n---\n\nTwo.\n');
    expect(() => buildCorpus([a, b])).toThrow('Two reports share the id "same" (b.md); give one a different slug.');
  });
});

describe('parseDocument', () => {
  it('reads a .txt without front matter: title from its first line, headings detected', async () => {
    const dir = await corpusDir({ 'harbor.txt': 'Harbor Notes\n\nThe docks open at dawn. Ferries leave hourly.\n\nFishing Fleet\n\nTrawlers land anchovy on Mondays.\n' });
    const [d] = (await loadCorpus(dir)).documents;
    expect(d).toMatchObject({ id: 'harbor', title: 'Harbor Notes', author: '', date: '', label: 'Harbor Notes' });
    expect(d!.sections.map((s) => [s.title, s.passages.map((p) => p.text)])).toEqual([
      ['Introduction', ['The docks open at dawn. Ferries leave hourly.']],
      ['Fishing Fleet', ['Trawlers land anchovy on Mondays.']],
    ]);
  });

  it('takes the id from the front matter slug, else the file name', () => {
    expect(parseDocument('/x/My Report.md', 'Text.\n').id).toBe('my-report');
    expect(parseDocument('/x/a.md', '---\nslug: Field Notes\n---\n\nText.\n').id).toBe('field-notes');
  });

  it('keeps offsets exact after CRLF line endings and a byte-order mark are normalized', () => {
    const d = parseDocument('/x/a.md', '\uFEFF---\r\ntitle: T\r\n---\r\n\r\n## Part\r\n\r\nOne line.\r\nSame paragraph.\r\n');
    const p = d.sections[0]!.passages[0]!;
    expect(p.text).toBe('One line.\nSame paragraph.');
    expect(d.source.slice(p.start, p.end)).toBe(p.text);
  });
});

describe('parseGlossary', () => {
  it('maps every phrase of a group to the others, folded', () => {
    const g = parseGlossary('- [Shining Path, Sendero Luminoso]\n- [police, cops]\n');
    expect(g.get('shining path')).toEqual(['sendero luminoso']);
    expect(g.get('sendero luminoso')).toEqual(['shining path']);
    expect(g.get('cops')).toEqual(['police']);
  });

  it('accepts an empty file', () => {
    expect(parseGlossary('').size).toBe(0);
  });
});
