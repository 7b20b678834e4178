/**
 * `npm run formats`: load figures per format — the bundled report as Markdown, as a two-column PDF, as
 * a web page and as a Word file (built by `test/support/report-formats.ts` from the Markdown's own
 * paragraphs), each loaded in a fresh process: the first load (the format's reader library loaded
 * with it), a second load in the same process (warm), and the passages and sections found.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine } from '../src/answer/engine.ts';
import { parseDocument } from '../src/corpus/load.ts';
import { reportDocx, reportHtml, reportPdf } from '../test/support/report-formats.ts';
import { ROOT } from './dataset.ts';

interface Figures {
  firstMs: number;
  warmMs: number;
  passages: number;
  sections: number;
  pages: number;
}

const childArg = process.argv.indexOf('--child');
if (childArg >= 0) {
  const dir = process.argv[childArg + 1] ?? '';
  let t = performance.now();
  const engine = await Engine.load(dir);
  const firstMs = performance.now() - t;
  t = performance.now();
  await Engine.load(dir);
  const warmMs = performance.now() - t;
  const doc = engine.documents.find((d) => d.id === 'ellis-peru-2');
  const passages = doc?.sections.flatMap((s) => s.passages) ?? [];
  const figures: Figures = { firstMs, warmMs, passages: passages.length, sections: doc?.sections.length ?? 0, pages: passages.reduce((n, p) => Math.max(n, p.page ?? 0), 0) };
  console.log(JSON.stringify(figures));
  process.exit(0);
}

const mdPath = join(ROOT, 'corpus/ellis-peru-2.md');
const md = parseDocument(mdPath, readFileSync(mdPath, 'utf8'));
const base = mkdtempSync(join(tmpdir(), 'rb-formats-'));
const rows: Array<[string, Figures, number]> = [];
try {
  const variants: Array<[string, string, Buffer | string]> = [
    ['Markdown (.md, bundled)', 'ellis-peru-2.md', readFileSync(mdPath)],
    ['PDF (two columns)', 'ellis-peru-2.pdf', reportPdf(md).bytes],
    ['web page (.html)', 'ellis-peru-2.html', reportHtml(md)],
    ['Word (.docx)', 'ellis-peru-2.docx', await reportDocx(md)],
  ];
  for (const [label, name, bytes] of variants) {
    const dir = join(base, name.replace('.', '-'));
    mkdirSync(dir);
    writeFileSync(join(dir, name), bytes);
    copyFileSync(join(ROOT, 'corpus/glossary.yaml'), join(dir, 'glossary.yaml'));
    const out = execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', dir], { encoding: 'utf8', cwd: ROOT });
    rows.push([label, JSON.parse(out.trim().split('\n').pop() ?? '{}') as Figures, Buffer.byteLength(bytes)]);
  }
} finally {
  rmSync(base, { recursive: true, force: true });
}

const ms = (n: number) => `${Math.round(n)} ms`;
console.log('| Format | File size | First load, fresh process (reader loaded with it) | Load again (warm) | Sections | Passages |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const [label, f, size] of rows) {
  console.log(`| ${label}${f.pages ? `, ${f.pages} pages` : ''} | ${(size / 1024).toFixed(0)} KB | ${ms(f.firstMs)} | ${ms(f.warmMs)} | ${f.sections} | ${f.passages} |`);
}
