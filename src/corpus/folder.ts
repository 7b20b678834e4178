/**
 * `CORPUS_DIR` as the running bot sees it, file by file (issue 9, live updates): what each report file
 * is (its size, time and content hash, its sidecar's), the Document last read from it, and the corpus
 * these make. {@link CorpusFolder.scan} looks at the folder — re-hashing only files whose size or time
 * changed — and {@link CorpusFolder.load} turns a scan into a corpus, re-reading only the files that
 * changed. When a report's new version cannot be read, the corpus keeps its last good version and
 * says so (`corpus.kept`); a removed file's report is dropped.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { CorpusError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { buildCorpus, glossaryName, isExtractedName, isReportName, parseGlossary, readReport } from './load.ts';
import { readOptions } from './read-file.ts';
import type { Corpus, Document, Passage } from './types.ts';

/** One input file as scanned: what it is now. */
export interface ScannedFile {
  name: string;
  /** Size, time and inode: when these are unchanged, the content hash is not computed again. */
  stamp: string;
  /** SHA-256 of the bytes (for a file over `MAX_REPORT_BYTES`, of its stamp: it is refused unread). */
  hash: string;
}

/** A scan of the folder: the report files (sorted), their sidecars, the glossary, the entries passed over. */
export interface Scan {
  dir: string;
  names: string[];
  reports: Array<ScannedFile & { sidecar?: ScannedFile }>;
  glossary?: ScannedFile;
  /** Entries that are not regular files, with why. */
  irregular: Array<{ file: string; reason: string }>;
  /** One hash of every input: equal fingerprints, equal corpus. */
  fingerprint: string;
}

/** What a load did, for the log and the reloader. */
export interface FolderLoad {
  corpus: Corpus;
  scan: Scan;
  /** Files read this time (added or changed). */
  read: string[];
  /** Reports whose file is gone. */
  removed: string[];
  /** False when a report kept an older version than its file: such a corpus is not cached under the scan's fingerprint. */
  faithful: boolean;
}

interface Known {
  /** Hash of the report and its sidecar when last read. */
  inputs: string;
  /** The Document read from it, if it could be read. */
  doc?: Document;
  /** Why it could not be read, if it could not. */
  reason?: string;
  /** The last version that could be read, with when it was read: kept while a newer one is broken. */
  good?: { doc: Document; inputs: string; at: Date };
}

/** A report kept at an older version because its file's newest version could not be read. */
export interface KeptReport {
  file: string;
  reason: string;
  /** When the version still served was read. */
  since: string;
}

export class CorpusFolder {
  readonly dir: string;
  private readonly logger: () => Logger;
  private known = new Map<string, Known>();
  private hashes = new Map<string, ScannedFile>();
  private glossary: { hash: string; map: Map<string, string[]> } | undefined;
  private lastScan: Scan | undefined;

  constructor(dir: string, logger?: Logger) {
    this.dir = resolve(dir);
    this.logger = () => logger ?? readOptions().logger;
  }

  /** Forgets which scan was loaded last (its engine was never served): the next reload loads again. */
  forgetScan(): void {
    this.lastScan = undefined;
  }

  /** The scan of the corpus last loaded. */
  get current(): Scan | undefined {
    return this.lastScan;
  }

  /**
   * Looks at the folder. Throws CorpusError (`CORPUS_MISSING`) when it is missing or unreadable.
   * A file that vanishes during the scan is left out of it (the next change event scans again).
   */
  async scan(): Promise<Scan> {
    let names: string[];
    try {
      if (!(await stat(this.dir)).isDirectory()) throw new Error('not a folder');
      names = await readdir(this.dir);
    } catch {
      throw new CorpusError('CORPUS_MISSING', `The corpus folder ${this.dir} does not exist or cannot be read (set CORPUS_DIR).`);
    }
    names.sort();
    const irregular: Scan['irregular'] = [];
    const reports: Scan['reports'] = [];
    const seen = new Map<string, ScannedFile>();
    const lower = new Map(names.map((n) => [n.toLowerCase(), n]));
    const sidecarOf = (name: string): string | undefined => {
      const stem = name.slice(0, name.length - extname(name).length).toLowerCase();
      return lower.get(`${stem}.meta.yaml`) ?? lower.get(`${stem}.meta.yml`);
    };
    // Synchronous stats and reads: for hundreds of small files, far quicker than a round trip through
    // the thread pool for each (500 files: tens of milliseconds), and only changed files are read.
    const looked = names.filter(isReportName).map((name) => {
      const file = this.hashOf(name);
      if (typeof file === 'string') return { name, why: file };
      const side = sidecarOf(name);
      const sidecar = side ? this.hashOf(side) : undefined;
      return { name, file, sidecar: typeof sidecar === 'string' ? undefined : sidecar };
    });
    for (const l of looked) {
      if ('why' in l) {
        irregular.push({ file: l.name, reason: `${l.why}, not a regular file` });
        continue;
      }
      if (!l.file) continue;
      seen.set(l.name, l.file);
      if (l.sidecar) seen.set(l.sidecar.name, l.sidecar);
      reports.push({ ...l.file, ...(l.sidecar ? { sidecar: l.sidecar } : {}) });
    }
    const gloss = glossaryName(names);
    let glossary: ScannedFile | undefined;
    if (gloss) {
      const found = this.hashOf(gloss);
      glossary = typeof found === 'string' ? { name: gloss, stamp: found, hash: `irregular:${found}` } : found;
      if (glossary) seen.set(gloss, glossary);
    }
    this.hashes = seen;
    // The size limit decides which files are read at all, so it is part of what the corpus depends on.
    const h = createHash('sha256').update(this.dir).update(`\0max ${readOptions().maxReportBytes}`);
    for (const r of reports) h.update(`\0${r.name}\0${r.hash}\0${r.sidecar?.name ?? ''}\0${r.sidecar?.hash ?? ''}`);
    h.update(`\0glossary\0${glossary?.name ?? ''}\0${glossary?.hash ?? ''}`);
    for (const i of irregular) h.update(`\0irregular\0${i.file}`);
    return { dir: this.dir, names, reports, ...(glossary ? { glossary } : {}), irregular, fingerprint: h.digest('hex') };
  }

  /** Size, time and inode of every entry: what the reloader compares to tell a file still being written. */
  async stamps(): Promise<string> {
    let names: string[];
    try {
      names = (await readdir(this.dir)).sort();
    } catch (err) {
      return `unreadable:${(err as NodeJS.ErrnoException).code ?? ''}`;
    }
    const parts: string[] = [];
    for (const name of names) {
      try {
        const s = await stat(join(this.dir, name));
        parts.push(`${name}:${s.size}:${s.mtimeMs}:${s.ino}`);
      } catch {
        parts.push(`${name}:gone`);
      }
    }
    return parts.join('\n');
  }

  /**
   * A file's stamp and hash (computed again only when the stamp changed); a string saying why when it
   * is not a regular file; undefined when it is gone.
   */
  private hashOf(name: string): ScannedFile | string | undefined {
    const path = join(this.dir, name);
    let s;
    try {
      s = statSync(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return code === 'ENOENT' ? undefined : `unreadable (${code ?? (err as Error).message})`;
    }
    if (!s.isFile()) return s.isFIFO() ? 'a named pipe (FIFO)' : s.isDirectory() ? 'a folder' : s.isSocket() ? 'a socket' : s.isCharacterDevice() || s.isBlockDevice() ? 'a device' : 'not a regular file';
    const stamp = `${s.size}:${s.mtimeMs}:${s.ino}`;
    const before = this.hashes.get(name);
    if (before && before.stamp === stamp) return before;
    if (s.size > readOptions().maxReportBytes) return { name, stamp, hash: `stamp:${stamp}` };
    try {
      return { name, stamp, hash: createHash('sha256').update(readFileSync(path)).digest('hex') };
    } catch (err) {
      return { name, stamp, hash: `unreadable:${(err as NodeJS.ErrnoException).code ?? ''}` };
    }
  }

  /**
   * Takes over a corpus built elsewhere from exactly `scan` (the index cache): its documents become
   * what each file was last read as.
   */
  adopt(scan: Scan, corpus: Corpus, at = new Date()): void {
    const byFile = new Map(corpus.documents.map((d) => [basename(d.path), d]));
    const reasons = new Map(corpus.skipped.map((s) => [s.file, s.reason]));
    this.known = new Map();
    for (const r of scan.reports) {
      const doc = byFile.get(r.name);
      const inputs = inputsOf(r);
      const reason = reasons.get(r.name);
      if (doc) this.known.set(r.name, { inputs, doc, good: { doc, inputs, at } });
      else if (reason) this.known.set(r.name, { inputs, reason });
    }
    this.glossary = { hash: scan.glossary?.hash ?? '', map: corpus.glossary };
    this.lastScan = scan;
  }

  /**
   * Builds the corpus for `scan`, reading only the reports that changed since the last load.
   *
   * `strict` (start-up): the loader's rules — a broken `.md`/`.txt`, glossary or id clash throws, and
   * so does a folder with no readable report. Otherwise (a reload) nothing throws for one file: a
   * report whose new version cannot be read keeps its last good version (warned, and listed in
   * `corpus.kept`), one never read is skipped, a broken glossary keeps the previous one. A reload
   * that would leave no report at all throws, and the caller keeps serving what it has.
   */
  async load(scan: Scan, opts: { strict: boolean }): Promise<FolderLoad> {
    const log = this.logger();
    const documents: Document[] = [];
    const skipped: Corpus['skipped'] = [];
    const kept: KeptReport[] = [];
    const read: string[] = [];
    const next = new Map<string, Known>();
    const ids = new Map<string, string>();
    let faithful = true;
    let order = 0;
    for (const i of scan.irregular) {
      log.warn({ file: i.file, dir: this.dir }, `skipped ${i.file} in CORPUS_DIR: ${i.reason}`);
      skipped.push(i);
    }
    if (scan.reports.length === 0) throw new CorpusError('CORPUS_MISSING', `The corpus folder ${this.dir} has no reports (.md, .txt, .pdf, .html or .docx files).`);
    for (const r of scan.reports) {
      const inputs = inputsOf(r);
      const before = this.known.get(r.name);
      let entry: Known;
      if (before && before.inputs === inputs) entry = before;
      else {
        read.push(r.name);
        try {
          // Numbered where it will stand, so that at start-up no document needs renumbering.
          const doc = await readReport(this.dir, r.name, scan.names, order);
          entry = { inputs, doc, good: { doc, inputs, at: new Date() } };
        } catch (err) {
          const reason = err instanceof CorpusError ? err.message : `Cannot read the report file ${r.name}: ${(err as Error).message}`;
          if (opts.strict && !isExtractedName(r.name)) throw err;
          entry = { inputs, reason, ...(before?.good ? { good: before.good } : {}) };
          if (before?.good) log.warn({ file: r.name, dir: this.dir }, `kept the previous version of ${r.name}: ${reason}`);
          else log.warn({ file: r.name, dir: this.dir }, `skipped ${r.name}: ${reason}`);
        }
      }
      next.set(r.name, entry);
      let doc = entry.doc;
      if (!doc && entry.good) {
        doc = entry.good.doc;
        faithful = false;
        kept.push({ file: r.name, reason: entry.reason ?? 'unreadable', since: entry.good.at.toISOString() });
      } else if (!doc) {
        skipped.push({ file: r.name, reason: entry.reason ?? 'unreadable' });
        continue;
      }
      const clash = ids.get(doc.id);
      if (clash) {
        const reason = `Two reports share the id "${doc.id}" (${clash} and ${r.name}); give one a different slug.`;
        if (opts.strict) throw new CorpusError('CORPUS_INVALID', `Two reports share the id "${doc.id}" (${r.name}); give one a different slug.`);
        log.warn({ file: r.name, dir: this.dir }, `skipped ${r.name}: ${reason}`);
        skipped.push({ file: r.name, reason });
        continue;
      }
      ids.set(doc.id, r.name);
      documents.push(doc);
      order += doc.sections.reduce((n, s) => n + s.passages.length, 0);
    }
    if (documents.length === 0) {
      const why = skipped.map((s) => s.reason).join(' ');
      throw new CorpusError('CORPUS_MISSING', `The corpus folder ${this.dir} has no report that could be read. ${why}`.trim());
    }
    const glossary = await this.readGlossary(scan, opts.strict);
    const removed = [...this.known.keys()].filter((name) => !next.has(name));
    this.known = next;
    this.lastScan = scan;
    const corpus = buildCorpus(renumber(documents), glossary, skipped);
    if (kept.length) corpus.kept = kept;
    return { corpus, scan, read, removed, faithful: faithful && this.glossary?.hash === (scan.glossary?.hash ?? '') };
  }

  private async readGlossary(scan: Scan, strict: boolean): Promise<Map<string, string[]>> {
    const hash = scan.glossary?.hash ?? '';
    if (this.glossary && this.glossary.hash === hash) return this.glossary.map;
    const name = scan.glossary?.name;
    try {
      let map = new Map<string, string[]>();
      if (name) {
        if (hash.startsWith('irregular:')) throw new CorpusError('CORPUS_INVALID', `${name} in CORPUS_DIR is ${hash.slice('irregular:'.length)}, not a regular file.`);
        map = parseGlossary(await readFile(join(this.dir, name), 'utf8'), name);
      }
      this.glossary = { hash, map };
      return map;
    } catch (err) {
      if (strict || !this.glossary) throw err;
      this.logger().warn({ file: name, dir: this.dir }, `kept the previous glossary: ${(err as Error).message}`);
      // The hash stays the old one: the corpus is then not faithful to the folder, and not cached.
      return this.glossary.map;
    }
  }
}

function inputsOf(r: ScannedFile & { sidecar?: ScannedFile }): string {
  return `${r.hash}|${r.sidecar?.name ?? ''}|${r.sidecar?.hash ?? ''}`;
}

/**
 * Documents with their passages numbered on from one another (a passage's `order` breaks ties). A
 * document already numbered right is used as it is; another is copied with new numbers, never
 * changed in place — the engine still serving may be using it.
 */
export function renumber(documents: readonly Document[]): Document[] {
  let order = 0;
  return documents.map((doc) => {
    const first = doc.sections[0]?.passages[0]?.order ?? order;
    const count = doc.sections.reduce((n, s) => n + s.passages.length, 0);
    const shift = order - first;
    order += count;
    if (shift === 0) return doc;
    return {
      ...doc,
      sections: doc.sections.map((s) => ({ ...s, passages: s.passages.map((p): Passage => ({ ...p, order: p.order + shift })) })),
    };
  });
}

