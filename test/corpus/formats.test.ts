import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/answer/engine.ts';
import type { Answer } from '../../src/answer/types.ts';
import { loadCorpus } from '../../src/corpus/load.ts';
import { configureReportReading, DEFAULT_MAX_REPORT_BYTES, readOptions } from '../../src/corpus/read-file.ts';
import type { Corpus, Document } from '../../src/corpus/types.ts';
import { createLogger } from '../../src/log.ts';
import { layout, makePdf, type PdfRun } from '../support/make-pdf.ts';
import { docxFile } from '../support/report-formats.ts';

// Paragraphs from the bundled report (ASCII, as the test PDF's WinAnsi fonts write them).
const COCAINE = [
  'Peru has long been a key producer of coca for cocaine, initially in the upper Huallaga River valley, and, more recently, in the remote Apurimac, Ene and Mantaro River valley (VRAEM).',
  'Without eradication measures being taken by the Peruvian government, the ONDCP estimates that coca production in the country grew by 22 percent, reaching 88,200 hectares under cultivation by the end of 2020.',
];
const COCAINE_RIGHT = [
  'More than 500 Peruvian police died of COVID-19 during the first year of the pandemic alone.',
  'With respect to production and transportation of cocaine, the routes and modalities are different in each region.',
];
const MINING = [
  'Illegal mining is a phenomenon that occurs throughout Peru, due to the widespread, abundant mineral deposits of the country.',
  'In the national parks and other environmentally protected areas alone, by one estimate, 28 percent of all gold produced in the country is mined illegally.',
];
const MINING_RIGHT = ['Both activities sometimes use the same routes and organizations to bring supplies into the region and move products out of it.'];

/** A two-column page: running header, an optional title across both columns, a heading, two columns, a footer with the page number. */
function page(n: number, heading: string, left: string[], right: string[], title?: string): PdfRun[] {
  const runs: PdfRun[] = [{ x: 72, y: 760, size: 8, text: 'Evan Ellis | Transnational Organized Crime in Peru' }];
  let top = 700;
  if (title) {
    runs.push({ x: 72, y: 720, size: 20, text: title });
    top = 680;
  }
  runs.push({ x: 72, y: top, size: 14, text: heading, bold: true });
  const opts = { size: 10, chars: 40, leading: 12, hyphenate: ['cultivation'] };
  runs.push(...layout(left, { ...opts, x: 72, y: top - 24 }).runs);
  runs.push(...layout(right, { ...opts, x: 330, y: top - 24 }).runs);
  runs.push({ x: 72, y: 40, size: 8, text: 'Center for Strategic and International Studies' }, { x: 300, y: 40, size: 9, text: String(n) });
  return runs;
}

const TWO_COLUMN_PDF = makePdf({
  pages: [page(1, 'Cocaine', COCAINE, COCAINE_RIGHT, 'Transnational Organized Crime in Peru'), page(2, 'Illegal Mining', MINING, MINING_RIGHT)],
  info: { Title: 'Transnational Organized Crime in Peru', Author: 'Evan Ellis', CreationDate: 'D:20220725090000Z' },
});

const HTML_PAGE = `<!doctype html>
<html lang="en"><head>
<title>Peru's Criminal Economies | Example Think Tank</title>
<meta name="author" content="Evan Ellis">
<meta property="og:site_name" content="Example Think Tank">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":"Peru's Criminal Economies","datePublished":"2022-07-25T08:00:00Z","author":{"@type":"Person","name":"Evan Ellis"}}</script>
</head><body>
<header><nav class="menu"><ul><li><a href="/">Home</a></li><li><a href="/about">About us</a></li><li><a href="/donate">Donate</a></li></ul></nav></header>
<main><article class="post">
<h1>Peru's Criminal Economies</h1>
<p class="byline">By Evan Ellis</p>
<p>Peru faces a complex set of criminal economies that span the production of drugs, the extraction of gold and the harvest of timber, each with its own routes and its own actors in the regions of the country.</p>
<h2>Illegal Timber</h2>
<p>Illegal logging is concentrated in the departments of Loreto, Ucayali and Madre de Dios, where an estimated 80 percent of the timber sold has been harvested illegally according to the report's sources.</p>
<p>The illegally cut wood is laundered with false permits and transported along the rivers of the Amazon toward the ports of the Pacific coast before it is exported to markets abroad.</p>
<h2>Venezuelan Migrants</h2>
<p>More than 1.3 million Venezuelan migrants have settled in Peru since 2017, most of them in Lima, where a small number have been recruited by criminal groups such as the Tren de Aragua.</p>
</article>
<div class="donation-box"><h3>Support us</h3><p>We are a non-profit organization. Click here to donate and help our independent research continue.</p></div>
<aside class="related-posts"><h3>Related posts</h3><ul><li><a href="/a">Bolivia and the coca trade</a></li><li><a href="/b">Gold mining in Ecuador</a></li></ul></aside>
</main>
<footer><p>Copyright 2022 Example Think Tank. Website design by Somebody.</p></footer>
</body></html>`;

/** A .docx with heading styles by id, core properties with title, creator and date. */
function makeDocx(): Promise<Buffer> {
  return docxFile(
    [
      { text: 'Shining Path Remnants', style: 'Title' },
      { text: 'The remnants of the Shining Path survive in the VRAEM, where they protect drug trafficking operations in exchange for money and supplies.' },
      { text: 'State Response', style: 'Heading1' },
      { text: 'The government of Peru declared a state of emergency in the VRAEM and deployed the armed forces to the region under a joint command.' },
      { text: 'Budget', style: 'Heading2' },
      { text: 'The special fund for the VRAEM received 250 million Soles in 2021 for roads, schools and alternative crops.' },
    ],
    { title: 'Shining Path Remnants', creator: 'Jane Doe & John Roe', created: '2023-03-14T10:00:00Z' },
  );
}

let dir: string;
let corpus: Corpus;
let engine: Engine;
let logs: Array<Record<string, unknown>>;
const saved = readOptions();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rb-formats-'));
  logs = [];
  const sink = new Writable({ write: (c, _e, done) => (logs.push(JSON.parse(String(c))), done()) });
  configureReportReading({ logger: createLogger('warn', sink), maxReportBytes: DEFAULT_MAX_REPORT_BYTES });
  writeFileSync(join(dir, 'ellis-peru.pdf'), TWO_COLUMN_PDF);
  writeFileSync(join(dir, 'criminal-economies.html'), HTML_PAGE);
  writeFileSync(join(dir, 'shining-path.docx'), await makeDocx());
  // What a folder of real exports also holds: a scan, a protected file, a broken download.
  writeFileSync(join(dir, 'scan.pdf'), makePdf({ pages: [[], []] }));
  writeFileSync(join(dir, 'locked.pdf'), makePdf({ pages: [[{ x: 72, y: 700, size: 10, text: 'secret' }]], encrypted: true }));
  writeFileSync(join(dir, 'broken.pdf'), Buffer.from('%PDF-1.4\nthis is not really a pdf\n'));
  writeFileSync(join(dir, 'broken.docx'), Buffer.from('not a zip at all'));
  corpus = await loadCorpus(dir);
  engine = Engine.fromCorpus(corpus);
}, 60_000);

afterAll(() => {
  configureReportReading(saved);
  rmSync(dir, { recursive: true, force: true });
});

const doc = (id: string): Document => corpus.documentsById.get(id)!;

/** Asks and checks the answer is an exact slice of its document's source. */
function ask(question: string): Answer {
  const a = engine.answer(question);
  expect(a.answered, `${question} → ${JSON.stringify(a.reason ?? a.passages.slice(0, 2))}`).toBe(true);
  const ex = a.answer!;
  expect(corpus.documentsById.get(ex.documentId)!.source.slice(ex.start, ex.end)).toBe(ex.text);
  return a;
}

describe('PDF reports', () => {
  it('takes title, author and date from the info dictionary', () => {
    const d = doc('ellis-peru');
    expect([d.title, d.author, d.date, d.label]).toEqual(['Transnational Organized Crime in Peru', 'Evan Ellis', '2022-07-25', 'Ellis 2022']);
  });

  it('drops the running header, the footer and the page numbers', () => {
    const s = doc('ellis-peru').source;
    expect(s).not.toContain('Evan Ellis |');
    expect(s).not.toContain('Center for Strategic');
    expect(s).not.toMatch(/^\d+$/m);
  });

  it('reads the left column before the right one, and headings by font size', () => {
    const d = doc('ellis-peru');
    expect(d.sections.map((s) => s.title)).toEqual(['Cocaine', 'Illegal Mining']);
    expect(d.sections[0]!.passages.map((p) => p.text)).toEqual([...COCAINE, ...COCAINE_RIGHT]);
    expect(d.sections[1]!.passages.map((p) => p.text)).toEqual([...MINING, ...MINING_RIGHT]);
  });

  it('joins a word hyphenated at a line end', () => {
    expect(doc('ellis-peru').source).toContain('88,200 hectares under cultivation');
  });

  it('keeps the title line as the document title, not a section', () => {
    const d = doc('ellis-peru');
    const span = d.metaSpans.title!;
    expect(d.source.slice(span.start, span.end)).toBe('Transnational Organized Crime in Peru');
  });

  it('knows the page of each passage', () => {
    expect(doc('ellis-peru').sections.flatMap((s) => s.passages.map((p) => p.page))).toEqual([1, 1, 1, 1, 2, 2, 2]);
  });

  it('goes on with a sentence that a column break cut', async () => {
    const text = 'The government of Peru declared a state of emergency in the VRAEM and deployed the armed forces to the region under a joint command of the police and the military.';
    const lines = layout([text], { x: 72, y: 100, size: 10, chars: 40, leading: 12 }).runs;
    // The paragraph's first lines end the left column; the rest open the right one.
    const runs = [
      ...layout(COCAINE, { x: 72, y: 700, size: 10, chars: 40, leading: 12 }).runs,
      ...lines.slice(0, 2),
      ...lines.slice(2).map((r, i) => ({ ...r, x: 330, y: 700 - 12 * i })),
      ...layout(COCAINE_RIGHT, { x: 330, y: 700 - 12 * (lines.length - 2) - 24, size: 10, chars: 40, leading: 12 }).runs,
    ];
    const d = mkdtempSync(join(tmpdir(), 'rb-columns-'));
    try {
      writeFileSync(join(d, 'flow.pdf'), makePdf({ pages: [runs] }));
      const c = await loadCorpus(d);
      expect(c.passages.map((p) => p.text)).toEqual([...COCAINE, text, ...COCAINE_RIGHT]);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('ignores an application\'s default title, and drops a lone page number on a one-page file', async () => {
    const d = mkdtempSync(join(tmpdir(), 'rb-one-page-'));
    try {
      const runs = [{ x: 72, y: 720, size: 18, text: 'Coca in the VRAEM' }, ...layout(COCAINE, { x: 72, y: 690, size: 10, chars: 80, leading: 12 }).runs, { x: 300, y: 40, size: 9, text: '1' }];
      writeFileSync(join(d, 'one.pdf'), makePdf({ pages: [runs], info: { Title: 'Microsoft Word - coca_final_v3.docx' } }));
      const c = await loadCorpus(d);
      expect(c.documents[0]!.title).toBe('Coca in the VRAEM');
      expect(c.passages.map((p) => p.text)).toEqual(COCAINE);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('answers verbatim and cites the page', () => {
    const a = ask('How many hectares of coca were under cultivation by the end of 2020?');
    expect(a.answer!.text).toContain('88,200 hectares');
    expect(a.answer!.citation).toMatchObject({ documentId: 'ellis-peru', page: 1, section: 'Cocaine', paragraph: 2 });
    // (The excerpt may run on into the next paragraph of the same page: "¶2–3".)
    expect(a.answer!.citation.label).toMatch(/^Ellis 2022 · p\. 1 · Cocaine ¶2(–3)?$/);
    const b = ask('What percentage of gold is mined illegally in the national parks?');
    expect(b.answer!.text).toContain('28 percent of all gold');
    expect(b.answer!.citation).toMatchObject({ page: 2, section: 'Illegal Mining', paragraph: 2 });
    expect(b.answer!.citation.label).toMatch(/^Ellis 2022 · p\. 2 · Illegal Mining ¶2(–3)?$/);
  });
});

describe('web pages', () => {
  it('keeps the article only: no menu, donation box, related posts or footer', () => {
    const s = doc('criminal-economies').source;
    for (const chrome of ['About us', 'Donate', 'donate', 'non-profit', 'Related posts', 'Bolivia and the coca trade', 'Copyright', 'Website design']) expect(s).not.toContain(chrome);
    expect(s).toContain('Tren de Aragua');
  });

  it('takes h2 headings as sections and metadata from JSON-LD and <meta>', () => {
    const d = doc('criminal-economies');
    expect(d.sections.map((s) => s.title)).toEqual(['Introduction', 'Illegal Timber', 'Venezuelan Migrants']);
    expect([d.title, d.author, d.date, d.publisher]).toEqual(["Peru's Criminal Economies", 'Evan Ellis', '2022-07-25', 'Example Think Tank']);
  });

  it('answers verbatim from the article with its section', () => {
    const a = ask('Which departments concentrate illegal logging?');
    expect(a.answer!.text).toContain('Loreto, Ucayali and Madre de Dios');
    expect(a.answer!.citation).toMatchObject({ documentId: 'criminal-economies', section: 'Illegal Timber', paragraph: 1, page: null });
  });
});

describe('short web pages', () => {
  it('still lose their menu, forms and footer', async () => {
    const d = mkdtempSync(join(tmpdir(), 'rb-short-page-'));
    try {
      writeFileSync(
        join(d, 'note.htm'),
        '<html><head><title>A note</title></head><body><nav><a href="/">Home</a> <a href="/donate">Donate</a></nav><main><h2>Timber</h2><p>Most timber from Loreto is cut illegally.</p><p># not a heading, a hashtag</p><form><button>Subscribe</button></form></main><footer>Copyright 2022</footer></body></html>',
      );
      const c = await loadCorpus(d);
      expect(c.documents[0]!.title).toBe('A note');
      expect(c.documents[0]!.source).toBe('A note\n\n## Timber\n\nMost timber from Loreto is cut illegally.\n\n#\nnot a heading, a hashtag\n');
      expect(c.passages.map((p) => [p.sectionTitle, p.text])).toEqual([
        ['Timber', 'Most timber from Loreto is cut illegally.'],
        ['Timber', '#\nnot a heading, a hashtag'],
      ]);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});

describe('Word files', () => {
  it('takes heading styles as sections and metadata from the core properties', () => {
    const d = doc('shining-path');
    expect(d.sections.map((s) => s.title)).toEqual(['Introduction', 'State Response', 'Budget']);
    expect([d.title, d.author, d.date]).toEqual(['Shining Path Remnants', 'Jane Doe & John Roe', '2023-03-14']);
  });

  it('answers verbatim with its section', () => {
    const a = ask('How many Soles did the special fund for the VRAEM receive in 2021?');
    expect(a.answer!.text).toContain('250 million Soles');
    expect(a.answer!.citation).toMatchObject({ documentId: 'shining-path', section: 'Budget', page: null });
  });
});

describe('a sidecar NAME.meta.yaml', () => {
  it('overrides what a PDF or a Markdown file says about itself', async () => {
    const d = mkdtempSync(join(tmpdir(), 'rb-sidecar-'));
    try {
      writeFileSync(join(d, 'coca.pdf'), makePdf({ pages: [layout(COCAINE, { x: 72, y: 700, size: 10, chars: 80, leading: 12 }).runs], info: { Title: 'Draft', Author: 'Word User' } }));
      writeFileSync(join(d, 'coca.meta.yaml'), 'title: Coca in Peru\nauthor: Evan Ellis\ndate: 2022-07-25\nslug: coca-2022\n');
      writeFileSync(join(d, 'notes.md'), '---\ntitle: Notes\nauthor: Somebody\n---\n\n## Mining\n\nGold is mined illegally in Madre de Dios.\n');
      writeFileSync(join(d, 'notes.meta.yml'), 'author: Jane Doe\n');
      const c = await loadCorpus(d);
      const pdf = c.documentsById.get('coca-2022')!;
      expect([pdf.title, pdf.author, pdf.date, pdf.label]).toEqual(['Coca in Peru', 'Evan Ellis', '2022-07-25', 'Ellis 2022']);
      const md = c.documentsById.get('notes')!;
      expect([md.title, md.author, md.label]).toEqual(['Notes', 'Jane Doe', 'Doe']);
      // The front matter's "Somebody" is no longer quoted as the author.
      expect(md.metaSpans.author).toBeUndefined();
      expect(md.metaSpans.title).toBeDefined();
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('refuses unknown fields by name', async () => {
    const d = mkdtempSync(join(tmpdir(), 'rb-sidecar-'));
    try {
      writeFileSync(join(d, 'notes.md'), '## Mining\n\nGold is mined illegally.\n');
      writeFileSync(join(d, 'notes.meta.yaml'), 'autor: Jane Doe\n');
      await expect(loadCorpus(d)).rejects.toThrow('notes.meta.yaml has unknown fields (autor); it may set title, author, date, publisher, series, part, slug.');
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});

describe('files that cannot be read', () => {
  it('are skipped with a warning naming the file and the reason, and the rest loads', () => {
    expect(corpus.documents.map((d) => d.id).sort()).toEqual(['criminal-economies', 'ellis-peru', 'shining-path']);
    const warned = (file: string) => String(logs.find((l) => l.file === file)?.msg ?? '');
    expect(warned('scan.pdf')).toBe('skipped scan.pdf: The report file scan.pdf has no text layer (a scanned PDF?); run it through OCR first.');
    expect(warned('locked.pdf')).toBe('skipped locked.pdf: The report file locked.pdf is an encrypted PDF that needs a password; save an unprotected copy.');
    expect(warned('broken.pdf')).toMatch(/^skipped broken\.pdf: The report file broken\.pdf (is not a valid PDF|could not be read as a PDF)/);
    expect(warned('broken.docx')).toBe('skipped broken.docx: The report file broken.docx is not a valid .docx (not a zip archive).');
  });
});
