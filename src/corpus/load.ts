/**
 * Loads every report in a folder: `.md` and `.txt`, and `.pdf`, `.html`/`.htm` and `.docx` through their
 * readers. Markdown files carry YAML front matter (title, author, date, publisher, series, part, slug);
 * a `.txt` without it is treated as a web scrape and cleaned. The folder's `glossary.yaml` holds
 * aliases the text never spells out.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { CorpusError } from '../errors.ts';
import { chunkDocument, slugify, type DocumentMeta } from './chunk.ts';
import { cleanScrape } from './clean.ts';
import type { Corpus, Document } from './types.ts';
import { fold } from '../search/fold.ts';
import { decodeReport, notRegular, readOptions, readReportBytes, readReportFile } from './read-file.ts';
import type { ExtractedReport } from './extracted.ts';
import { defined } from '../checked.ts';

const FRONT_MATTER = /^---\n([\s\S]*?)\n---[ \t]*(?:\n|$)/;

function str(v: unknown): string {
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'string' || typeof v === 'number') return String(v).trim();
  return '';
}

/** Metadata a sidecar `NAME.meta.yaml` sets, over whatever the file itself says. */
export type MetaOverrides = Partial<Record<'title' | 'author' | 'date' | 'publisher' | 'series' | 'part' | 'slug', string>>;

const SIDECAR_FIELDS = ['title', 'author', 'date', 'publisher', 'series', 'part', 'slug'] as const;

/** Parses a sidecar's YAML: a mapping of the fields of {@link MetaOverrides}; others are refused by name. */
export function parseSidecar(raw: string, name: string): MetaOverrides {
  let data: unknown;
  try {
    data = parseYaml(raw);
  } catch (err) {
    throw new CorpusError('CORPUS_INVALID', `${name} is not valid YAML: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
  if (data == null) return {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new CorpusError('CORPUS_INVALID', `${name} must be a mapping such as "author: Jane Doe".`);
  const unknown = Object.keys(data).filter((k) => !(SIDECAR_FIELDS as readonly string[]).includes(k));
  if (unknown.length) throw new CorpusError('CORPUS_INVALID', `${name} has unknown fields (${unknown.join(', ')}); it may set ${SIDECAR_FIELDS.join(', ')}.`);
  const out: MetaOverrides = {};
  for (const k of SIDECAR_FIELDS) {
    const v = str((data as Record<string, unknown>)[k]);
    if (v) out[k] = v;
  }
  return out;
}

/** Where a report's sidecar would be: `report.pdf` → `report.meta.yaml`. */
export function sidecarName(name: string, names: string[]): string | undefined {
  const stem = basename(name, extname(name)).toLowerCase();
  return names.find((n) => n.toLowerCase() === `${stem}.meta.yaml` || n.toLowerCase() === `${stem}.meta.yml`);
}

/**
 * Builds a Document from one file's text. Throws CorpusError naming the file when it is unusable.
 * `overrides` (a sidecar's fields) take the place of what the file says.
 */
export function parseDocument(path: string, raw: string, firstOrder = 0, overrides: MetaOverrides = {}): Document {
  const name = basename(path);
  let source = raw.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  if (!source.trim()) throw new CorpusError('CORPUS_INVALID', `The report file ${name} is empty.`);
  if (source.includes('\u0000')) throw new CorpusError('CORPUS_INVALID', `The report file ${name} is not a text file.`);
  let fm: Record<string, unknown> = {};
  let bodyStart = 0;
  const m = FRONT_MATTER.exec(source);
  if (m) {
    try {
      const parsed: unknown = parseYaml(defined(m[1]));
      if (parsed !== null && typeof parsed !== 'object') throw new Error('front matter is not a mapping');
      fm = (parsed ?? {}) as Record<string, unknown>;
    } catch (err) {
      throw new CorpusError('CORPUS_INVALID', `The front matter of ${name} is not valid YAML: ${(err as Error).message.split('\n')[0]}`, {
        cause: err,
      });
    }
    bodyStart = m[0].length;
  } else if (extname(name).toLowerCase() === '.txt') {
    const cleaned = cleanScrape(source);
    source = cleaned.text;
    fm = { title: cleaned.title, author: cleaned.author, date: cleaned.date };
  }
  fm = { ...fm, ...overrides };
  let title = str(fm.title);
  if (!title) {
    const firstLine = source.slice(bodyStart).split('\n').find((l) => l.trim());
    title = (firstLine ?? name).replace(/^#+\s*/, '').trim().slice(0, 200);
  }
  const meta: DocumentMeta = {
    id: slugify(str(fm.slug) || basename(name, extname(name))),
    title,
    author: str(fm.author),
    date: str(fm.date),
    publisher: str(fm.publisher),
    series: str(fm.series),
    part: str(fm.part),
    path,
  };
  const doc = chunkDocument(source, bodyStart, meta, firstOrder);
  if (doc.sections.length === 0) throw new CorpusError('CORPUS_INVALID', `The report file ${name} has no paragraphs of text.`);
  // A front-matter value the sidecar replaced is no longer what the document says: not a quote for it.
  for (const field of ['title', 'author', 'date', 'publisher', 'series'] as const) {
    const span = doc.metaSpans[field];
    if (overrides[field] && span && source.slice(span.start, span.end) !== overrides[field]) delete doc.metaSpans[field];
  }
  return doc;
}

/** Files the loader reads, by extension; `.md`/`.txt` are text, the others go through a reader. */
const REPORT_FILE = /\.(md|txt|pdf|html?|docx)$/i;
const EXTRACTED_FILE = /\.(pdf|html?|docx)$/i;

/** True for a folder entry the loader reads as a report (`README.md` and dot-files are not). */
export function isReportName(name: string): boolean {
  return REPORT_FILE.test(name) && !/^readme\.md$/i.test(name) && !name.startsWith('.');
}

/** True for a PDF, web page or Word file: read through a format reader, skipped (not fatal) when unreadable. */
export function isExtractedName(name: string): boolean {
  return EXTRACTED_FILE.test(name);
}

/** The folder's glossary file among `names`, if any. */
export function glossaryName(names: readonly string[]): string | undefined {
  return names.find((n) => /^glossary\.ya?ml$/i.test(n));
}

/**
 * Reads one report of folder `abs` (whose entries are `names`, for its sidecar) into a Document whose
 * passages are numbered from `firstOrder`. Throws a CorpusError naming the file when it is unusable.
 */
export async function readReport(abs: string, name: string, names: readonly string[], firstOrder = 0): Promise<Document> {
  const path = join(abs, name);
  const sidecar = sidecarName(name, [...names]);
  const overrides = async (): Promise<MetaOverrides> => {
    if (!sidecar) return {};
    let raw: string;
    try {
      raw = await readFile(join(abs, sidecar), 'utf8');
    } catch (err) {
      throw new CorpusError('CORPUS_INVALID', `Cannot read ${sidecar}: ${(err as Error).message}`, { cause: err });
    }
    return parseSidecar(raw, sidecar);
  };
  if (EXTRACTED_FILE.test(name)) {
    try {
      return documentFromExtracted(path, await extractReport(path), firstOrder, await overrides());
    } catch (err) {
      if (err instanceof CorpusError) throw err;
      throw new CorpusError('CORPUS_INVALID', `Cannot read the report file ${name}: ${(err as Error).message}`, { cause: err });
    }
  }
  let raw: string;
  try {
    raw = await readReportFile(path);
  } catch (err) {
    if (err instanceof CorpusError) throw err;
    throw new CorpusError('CORPUS_INVALID', `Cannot read the report file ${name}: ${(err as Error).message}`, { cause: err });
  }
  return parseDocument(path, raw, firstOrder, await overrides());
}

/** Reads a PDF, web page or Word file into its text and metadata (the readers load on first use). */
export async function extractReport(path: string): Promise<ExtractedReport> {
  const bytes = await readReportBytes(path);
  const ext = extname(path).toLowerCase();
  if (ext === '.pdf') return (await import('./pdf.ts')).readPdf(path, bytes);
  if (ext === '.docx') return (await import('./html.ts')).readDocx(path, bytes);
  return (await import('./html.ts')).readHtml(path, decodeReport(bytes, basename(path)).text);
}

/**
 * Builds a Document from what a format reader extracted: its text is the source, chunked like a
 * Markdown body, and each passage learns the page it starts on when the file has pages.
 */
export function documentFromExtracted(path: string, ex: ExtractedReport, firstOrder = 0, overrides: MetaOverrides = {}): Document {
  const name = basename(path);
  const firstLine = ex.text.split('\n').find((l) => l.trim())?.replace(/^#+\s*/, '').trim();
  const meta: DocumentMeta = {
    id: slugify(overrides.slug || basename(name, extname(name))),
    title: overrides.title || ex.meta.title || (firstLine ?? name).slice(0, 200),
    author: overrides.author ?? ex.meta.author,
    date: overrides.date ?? ex.meta.date,
    publisher: overrides.publisher ?? ex.meta.publisher,
    series: overrides.series ?? '',
    part: overrides.part ?? '',
    path,
  };
  const doc = chunkDocument(ex.text, 0, meta, firstOrder);
  if (doc.sections.length === 0) throw new CorpusError('CORPUS_INVALID', `The report file ${name} has no paragraphs of text.`);
  const starts = ex.pageStarts;
  if (starts?.length) {
    for (const s of doc.sections) {
      for (const p of s.passages) {
        // The page of the passage's first character: the last page that starts at or before it.
        let lo = 0;
        let hi = starts.length - 1;
        while (lo < hi) {
          const mid = (lo + hi + 1) >> 1;
          if (defined(starts[mid])[0] <= p.start) lo = mid;
          else hi = mid - 1;
        }
        p.page = defined(starts[lo])[1];
      }
    }
  }
  return doc;
}

/** Parses `glossary.yaml`: a list of groups of equivalent phrases. */
export function parseGlossary(raw: string, name = 'glossary.yaml'): Map<string, string[]> {
  let data: unknown;
  try {
    data = parseYaml(raw);
  } catch (err) {
    throw new CorpusError('CORPUS_INVALID', `${name} is not valid YAML: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
  const groups = (data as { aliases?: unknown } | null)?.aliases ?? data;
  if (groups == null) return new Map();
  if (!Array.isArray(groups) || !groups.every((g) => Array.isArray(g) && g.every((t) => typeof t === 'string' || typeof t === 'number'))) {
    throw new CorpusError('CORPUS_INVALID', `${name} must be a list of lists of equivalent phrases, e.g. - [Shining Path, Sendero Luminoso]`);
  }
  const map = new Map<string, string[]>();
  for (const group of groups as Array<Array<string | number>>) {
    const phrases = group.map((t) => fold(String(t)).trim()).filter(Boolean);
    for (const p of phrases) {
      const others = phrases.filter((o) => o !== p);
      map.set(p, [...new Set([...(map.get(p) ?? []), ...others])]);
    }
  }
  return map;
}

/** Assembles a Corpus from documents (in the given order). */
export function buildCorpus(documents: Document[], glossary = new Map<string, string[]>(), skipped: Corpus['skipped'] = []): Corpus {
  const ids = new Set<string>();
  for (const d of documents) {
    if (ids.has(d.id)) throw new CorpusError('CORPUS_INVALID', `Two reports share the id "${d.id}" (${basename(d.path)}); give one a different slug.`);
    ids.add(d.id);
  }
  const passages = documents.flatMap((d) => d.sections.flatMap((s) => s.passages));
  return {
    documents,
    passages,
    byId: new Map(passages.map((p) => [p.id, p])),
    documentsById: new Map(documents.map((d) => [d.id, d])),
    glossary,
    skipped,
  };
}

/**
 * Reads every report in `dir` (sorted by file name) plus `glossary.yaml`. Throws CorpusError when the
 * folder is missing, holds no reports, or a `.md`/`.txt` file is empty or broken. A PDF, web page or
 * Word file that cannot be read (a scan without text, encrypted, corrupt) is skipped with a warning
 * naming it and the reason: such files come from elsewhere, and one bad export should not stop the bot.
 */
export async function loadCorpus(dir: string): Promise<Corpus> {
  return loadCorpora([dir]);
}

/**
 * Reads the reports of several folders into one corpus (in the order given), with the glossaries of
 * all of them: how the evaluation asks questions of the report beside other documents.
 */
export async function loadCorpora(dirs: string[]): Promise<Corpus> {
  const documents: Document[] = [];
  const glossary = new Map<string, string[]>();
  const passedOver: Corpus['skipped'] = [];
  for (const dir of dirs) {
    const abs = resolve(dir);
    let names: string[];
    try {
      if (!(await stat(abs)).isDirectory()) throw new Error('not a folder');
      names = await readdir(abs);
    } catch {
      throw new CorpusError('CORPUS_MISSING', `The corpus folder ${abs} does not exist or cannot be read (set CORPUS_DIR).`);
    }
    const candidates = names.filter(isReportName).sort();
    // A FIFO named *.md would block start-up forever on open(); a folder would fail it. Skip, and say so.
    const files: string[] = [];
    for (const name of candidates) {
      const why = await notRegular(join(abs, name));
      if (why) {
        readOptions().logger.warn({ file: name, dir: abs }, `skipped ${name} in CORPUS_DIR: ${why}, not a regular file`);
        passedOver.push({ file: name, reason: `${why}, not a regular file` });
      } else files.push(name);
    }
    if (files.length === 0) throw new CorpusError('CORPUS_MISSING', `The corpus folder ${abs} has no reports (.md, .txt, .pdf, .html or .docx files).`);
    let order = documents.reduce((n, d) => n + d.sections.reduce((m, s) => m + s.passages.length, 0), 0);
    let loaded = 0;
    const skipped: string[] = [];
    for (const name of files) {
      let doc: Document;
      try {
        doc = await readReport(abs, name, names, order);
      } catch (err) {
        // A broken .md/.txt (written for the bot) stops the load; a PDF, page or Word file is skipped.
        if (!EXTRACTED_FILE.test(name)) throw err;
        const why = err instanceof CorpusError ? err.message : `Cannot read the report file ${name}: ${(err as Error).message}`;
        readOptions().logger.warn({ file: name, dir: abs }, `skipped ${name}: ${why}`);
        skipped.push(why);
        passedOver.push({ file: name, reason: why });
        continue;
      }
      order += doc.sections.reduce((n, s) => n + s.passages.length, 0);
      documents.push(doc);
      loaded++;
    }
    if (loaded === 0) throw new CorpusError('CORPUS_MISSING', `The corpus folder ${abs} has no report that could be read. ${skipped.join(' ')}`);
    const gloss = glossaryName(names);
    const glossaryProblem = gloss ? await notRegular(join(abs, gloss)) : undefined;
    if (gloss && glossaryProblem) throw new CorpusError('CORPUS_INVALID', `${gloss} in CORPUS_DIR is ${glossaryProblem}, not a regular file.`);
    if (gloss) {
      for (const [k, v] of parseGlossary(await readFile(join(abs, gloss), 'utf8'), gloss)) glossary.set(k, [...new Set([...(glossary.get(k) ?? []), ...v])]);
    }
  }
  return buildCorpus(documents, glossary, passedOver);
}
