import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/answer/engine.ts';
import { parseDocument } from '../../src/corpus/load.ts';
import type { Document } from '../../src/corpus/types.ts';
import { reportPdf } from '../support/report-formats.ts';

const CORPUS_DIR = fileURLToPath(new URL('../../corpus', import.meta.url));
const DEV = fileURLToPath(new URL('../../eval/dev.jsonl', import.meta.url));

let dir: string;
let markdown: Engine;
let pdf: Engine;
let md: Document;
let doc: Document;
let pageCount: number;

beforeAll(async () => {
  const path = join(CORPUS_DIR, 'ellis-peru-2.md');
  md = parseDocument(path, readFileSync(path, 'utf8'));
  // The bundled report's paragraphs, set as a two-column paper with running header, footer and page
  // numbers, and a few words hyphenated at line ends (test/support/report-formats.ts).
  const built = reportPdf(md);
  pageCount = built.pages;
  dir = mkdtempSync(join(tmpdir(), 'rb-report-pdf-'));
  writeFileSync(join(dir, 'ellis-peru-2.pdf'), built.bytes);
  copyFileSync(join(CORPUS_DIR, 'glossary.yaml'), join(dir, 'glossary.yaml'));
  [markdown, pdf] = await Promise.all([Engine.load(CORPUS_DIR), Engine.load(dir)]);
  doc = pdf.documents[0]!;
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the bundled report as a two-column PDF', () => {
  it('has the Markdown report\'s sections, and most of its paragraphs word for word', () => {
    expect(doc.sections.map((s) => s.title)).toEqual(md.sections.map((s) => s.title));
    const paragraphs = new Set(md.sections.flatMap((s) => s.passages.map((p) => p.text)));
    const same = doc.sections.flatMap((s) => s.passages).filter((p) => paragraphs.has(p.text)).length;
    // The rest are paragraphs that a column or page break cut after a full stop: two passages.
    expect(same / paragraphs.size).toBeGreaterThan(0.85);
  });

  it('takes the title page\'s two lines as the title line', () => {
    const span = doc.metaSpans.title!;
    expect(doc.source.slice(span.start, span.end)).toBe(md.title);
  });

  it('gives every passage its page, in reading order', () => {
    const pages = doc.sections.flatMap((s) => s.passages.map((p) => p.page!));
    expect(pages[0]).toBe(2);
    expect(pages.at(-1)).toBe(pageCount);
    expect(pages.every((p, i) => i === 0 || p >= pages[i - 1]!)).toBe(true);
  });

  it('answers the development questions as the Markdown report does, verbatim and with a page', () => {
    const questions = readFileSync(DEV, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { q: string }).q);
    let same = 0;
    for (const q of questions) {
      const a = pdf.answer(q);
      if (a.answer) {
        const src = pdf.documents.find((d) => d.id === a.answer!.documentId)!.source;
        expect(src.slice(a.answer.start, a.answer.end)).toBe(a.answer.text);
        // (A quote of the author note is cited by meta.ts, which gives no page.)
        if (a.answer.passageId && a.answer.citation.page !== undefined) expect(a.answer.citation.label).toMatch(/^Ellis 2022 · p\. \d+ · .+ ¶\d+(–\d+)?$/);
      }
      if ((a.answer?.text ?? null) === (markdown.answer(q).answer?.text ?? null)) same++;
    }
    expect(same / questions.length).toBeGreaterThanOrEqual(0.9);
  });
});
