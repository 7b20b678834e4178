/**
 * `npm run bench -- --large [MB[,MB…]]` (default 50): one large report instead of many documents. The
 * bundled report's body is repeated, under its front matter, until the file reaches each size (in
 * megabytes of 10^6 bytes), written to a temporary folder, and loaded by a fresh child process
 * (`node --expose-gc`) the way the bot loads a folder (`Engine.load`: reading, chunking, building).
 * For each size it prints the file's size, the load-and-build time, the heap used after a full GC
 * and the RSS once built, and p50/p99 of answering the development questions (`eval/dev.jsonl`,
 * `--rounds N` passes, default 1 here: at 50 MB each answer walks long postings lists), with the
 * heap after those answers and a digest of the answers (to compare two versions of the engine: equal
 * digests, equal answers). Then the restart: the built engine's index-cache snapshot (`toSnapshot`,
 * timed) is read back by another fresh process (`Engine.fromSnapshot`), measured the same way, and its
 * answers' digest compared with the built engine's. `--heap-snapshot DIR` also writes a V8 heap
 * snapshot of each built engine into DIR (keep it out of the repository).
 *
 * Examples: `npm run bench -- --large`, `npm run bench -- --large 5,25,50`.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeHeapSnapshot } from 'node:v8';
import { Engine } from '../src/answer/engine.ts';
import { parseEvalFile } from '../src/answer/evaluate.ts';
import { loadCorpus } from '../src/corpus/load.ts';

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const REPORT = join(ROOT, 'corpus/ellis-peru-2.md');
const GLOSSARY = join(ROOT, 'corpus/glossary.yaml');
const DEV = join(ROOT, 'eval/dev.jsonl');
const FRONT_MATTER = /^---\n[\s\S]*?\n---[ \t]*\n/;

const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;

export interface LargeFigures {
  /** Target size (10^6 bytes). */
  targetMb: number;
  fileBytes: number;
  passages: number;
  sentences: number;
  /** Reading the file, chunking it and building the engine (ms). */
  buildMs: number;
  /** Heap used plus array buffers after a full GC, once built (bytes). */
  heapBytes: number;
  /** The process's peak resident set size when the build is done, before any answer or snapshot (bytes). */
  buildPeakRssBytes: number;
  /** Resident set size once built (bytes). */
  rssBytes: number;
  /** Heap used plus array buffers after a full GC once every development question was answered (bytes). */
  heapAfterAnswersBytes: number;
  rssAfterAnswersBytes: number;
  /** Answer latency over the development questions (ms). */
  p50Ms: number;
  p99Ms: number;
  questions: number;
  rounds: number;
  /** SHA-256 (16 hex digits) of the answers to the development questions. */
  answers: string;
  /** Making the index-cache snapshot of the built engine (ms), and its size (bytes). */
  snapshotMs: number;
  snapshotBytes: number;
  /** The process's peak resident set size (bytes), the build's transient memory included. */
  maxRssBytes: number;
}

/** What a start-up that writes the index cache does: the build and its snapshot in one pass, in a fresh process. */
export interface BuildWithSnapshotFigures {
  /** Reading the folder, building and encoding the snapshot (ms). */
  ms: number;
  maxRssBytes: number;
  /** The same bytes as the built engine's `toSnapshot()`. */
  sameSnapshot: boolean;
}

/** The same engine read back from its snapshot in a fresh process. */
export interface CachedFigures {
  /** Reading the file and `Engine.fromSnapshot` (ms). */
  readMs: number;
  heapBytes: number;
  rssBytes: number;
  heapAfterAnswersBytes: number;
  p50Ms: number;
  p99Ms: number;
  answers: string;
  maxRssBytes: number;
}

/** Writes the report repeated to at least `bytes` bytes into `dir` (with the glossary), returns the file's size. */
export function writeLargeReport(dir: string, bytes: number): number {
  const raw = readFileSync(REPORT, 'utf8').replace(/\r\n?/g, '\n');
  const fm = FRONT_MATTER.exec(raw);
  const head = fm ? fm[0] : '';
  const body = `${raw.slice(head.length).trim()}\n\n`;
  const copies = Math.max(1, Math.ceil((bytes - Buffer.byteLength(head)) / Buffer.byteLength(body)));
  const text = head + body.repeat(copies);
  writeFileSync(join(dir, 'ellis-peru-2.md'), text);
  copyFileSync(GLOSSARY, join(dir, 'glossary.yaml'));
  return statSync(join(dir, 'ellis-peru-2.md')).size;
}

/**
 * What the engine holds after a GC: the heap used plus the memory of array buffers, which V8 keeps
 * outside its heap (the packed postings are one, `src/search/postings.ts`).
 */
async function liveBytes(): Promise<number> {
  // V8 frees the memory of dead array buffers after the collection that found them, not during it:
  // a turn of the event loop and a second collection let it count as freed.
  globalThis.gc?.();
  await new Promise((resolve) => setTimeout(resolve, 20));
  globalThis.gc?.();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

/** Answers the development questions `rounds` times: latency percentiles (ms) and the answers' digest. */
function answerAll(engine: Engine, rounds: number): { p50Ms: number; p99Ms: number; questions: number; answers: string } {
  const questions = parseEvalFile(readFileSync(DEV, 'utf8'), DEV).map((i) => i.q);
  const samples: number[] = [];
  const hash = createHash('sha256');
  for (let r = 0; r < rounds; r++) {
    for (const q of questions) {
      const t = performance.now();
      const a = engine.answer(q);
      samples.push(performance.now() - t);
      if (r === 0) hash.update(JSON.stringify(a));
    }
  }
  samples.sort((a, b) => a - b);
  return { p50Ms: Math.round(percentile(samples, 50) * 10) / 10, p99Ms: Math.round(percentile(samples, 99) * 10) / 10, questions: questions.length, answers: hash.digest('hex').slice(0, 16) };
}

const FIRST_QUESTION = 'How many hectares of coca were under cultivation at the end of 2020?';

/** In the child: load the folder, measure, answer the questions, write the engine's snapshot to `snapshotFile`. */
async function child(dir: string, targetMb: number, rounds: number, snapshotDir: string | null, snapshotFile: string): Promise<void> {
  const t0 = performance.now();
  const engine = await Engine.load(dir);
  const buildMs = performance.now() - t0;
  const buildPeakRssBytes = process.resourceUsage().maxRSS * 1024;
  engine.answer(FIRST_QUESTION);
  const heapBytes = await liveBytes();
  const rssBytes = process.memoryUsage().rss;
  if (snapshotDir) writeHeapSnapshot(join(snapshotDir, `large-${targetMb}mb.heapsnapshot`));
  const answered = answerAll(engine, rounds);
  const heapAfterAnswersBytes = await liveBytes();
  const rssAfterAnswersBytes = process.memoryUsage().rss;
  const t1 = performance.now();
  const bytes = engine.toSnapshot();
  const snapshotMs = performance.now() - t1;
  writeFileSync(snapshotFile, bytes);
  const stats = engine.stats();
  const figures: LargeFigures = {
    targetMb,
    fileBytes: readdirSync(dir)
      .filter((f) => f.endsWith('.md'))
      .reduce((n, f) => n + statSync(join(dir, f)).size, 0),
    passages: stats.passages,
    sentences: stats.sentences,
    buildMs: Math.round(buildMs),
    buildPeakRssBytes,
    heapBytes,
    rssBytes,
    heapAfterAnswersBytes,
    rssAfterAnswersBytes,
    ...answered,
    rounds,
    snapshotMs: Math.round(snapshotMs),
    snapshotBytes: bytes.length,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

/** In another child: the engine read back from its snapshot. */
async function cachedChild(snapshotFile: string, rounds: number): Promise<void> {
  const t0 = performance.now();
  const engine = Engine.fromSnapshot(readFileSync(snapshotFile));
  const readMs = performance.now() - t0;
  engine.answer(FIRST_QUESTION);
  const heapBytes = await liveBytes();
  const rssBytes = process.memoryUsage().rss;
  const { p50Ms, p99Ms, answers } = answerAll(engine, rounds);
  const figures: CachedFigures = { readMs: Math.round(readMs), heapBytes, rssBytes, heapAfterAnswersBytes: await liveBytes(), p50Ms, p99Ms, answers, maxRssBytes: process.resourceUsage().maxRSS * 1024 };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

/** In a third child: the build and its snapshot in one pass, as a start-up that writes the cache does. */
async function buildWithSnapshotChild(dir: string, snapshotFile: string): Promise<void> {
  const t0 = performance.now();
  const corpus = await loadCorpus(dir);
  // (An engine without it — an older version measured with this script — builds, then snapshots.)
  const oneCall = (Engine as Partial<typeof Engine>).fromCorpusWithSnapshot;
  const snapshot = oneCall ? oneCall(corpus).snapshot : Engine.fromCorpus(corpus).toSnapshot();
  const ms = performance.now() - t0;
  const figures: BuildWithSnapshotFigures = { ms: Math.round(ms), maxRssBytes: process.resourceUsage().maxRSS * 1024, sameSnapshot: snapshot.equals(readFileSync(snapshotFile)) };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

/** Writes a report of `targetMb` and measures it in a fresh process, then its snapshot read back in another. */
export function measureLarge(targetMb: number, rounds: number, snapshotDir: string | null = null): { built: LargeFigures; cached: CachedFigures; withSnapshot: BuildWithSnapshotFigures } {
  const dir = mkdtempSync(join(tmpdir(), 'rb-large-'));
  try {
    const folder = join(dir, 'corpus');
    mkdirSync(folder);
    writeLargeReport(folder, targetMb * 1e6);
    const snapshotFile = join(dir, 'engine.snapshot');
    const run = (args: string[]): string => {
      const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), ...args], { encoding: 'utf8', cwd: ROOT, maxBuffer: 1 << 20 });
      return out.trim().split('\n').pop() ?? '{}';
    };
    const built = JSON.parse(run(['--large-child', folder, String(targetMb), String(rounds), snapshotDir ?? '', snapshotFile])) as LargeFigures;
    const cached = JSON.parse(run(['--large-cached-child', snapshotFile, String(rounds)])) as CachedFigures;
    const withSnapshot = JSON.parse(run(['--large-snapshot-child', folder, snapshotFile])) as BuildWithSnapshotFigures;
    return { built, cached, withSnapshot };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const args = process.argv.slice(2);
const childAt = args.indexOf('--large-child');
const cachedAt = args.indexOf('--large-cached-child');
const withSnapshotAt = args.indexOf('--large-snapshot-child');
if (childAt >= 0) {
  const [dir = '', target = '0', rounds = '1', snap = '', snapshotFile = ''] = args.slice(childAt + 1);
  await child(dir, Number(target), Number(rounds), snap || null, snapshotFile);
} else if (withSnapshotAt >= 0) {
  const [dir = '', snapshotFile = ''] = args.slice(withSnapshotAt + 1);
  await buildWithSnapshotChild(dir, snapshotFile);
} else if (cachedAt >= 0) {
  const [snapshotFile = '', rounds = '1'] = args.slice(cachedAt + 1);
  await cachedChild(snapshotFile, Number(rounds));
} else {
  const at = args.indexOf('--large');
  const list = args[at + 1] && /^[\d.,]+$/.test(args[at + 1] ?? '') ? (args[at + 1] ?? '') : '50';
  const sizes = list.split(',').map(Number).filter((n) => n > 0);
  const roundsAt = args.indexOf('--rounds');
  const rounds = roundsAt >= 0 ? Math.max(1, Number(args[roundsAt + 1])) : 1;
  const snapAt = args.indexOf('--heap-snapshot');
  const snapshotDir = snapAt >= 0 ? resolve(args[snapAt + 1] ?? '/tmp') : null;
  if (snapshotDir) mkdirSync(snapshotDir, { recursive: true });
  const rows: Array<ReturnType<typeof measureLarge>> = [];
  for (const size of sizes) {
    const row = measureLarge(size, rounds, snapshotDir);
    rows.push(row);
    if (args.includes('--json')) continue;
    const { built: f, cached: c, withSnapshot: w } = row;
    console.log(
      `${String(size).padStart(4)} MB: file ${mb(f.fileBytes)} MiB, ${f.passages} passages, ${f.sentences} sentences; build ${(f.buildMs / 1000).toFixed(1)} s; ` +
        `heap + array buffers after GC ${mb(f.heapBytes)} MiB (${(f.heapBytes / f.fileBytes).toFixed(1)}× the file), RSS ${mb(f.rssBytes)} MiB (${(f.rssBytes / f.fileBytes).toFixed(1)}×; peak ${mb(f.buildPeakRssBytes)} MiB by the end of the build, ${mb(f.maxRssBytes)} MiB with the snapshot); ` +
        `${f.questions} dev questions × ${f.rounds}: p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms; after them heap ${mb(f.heapAfterAnswersBytes)} MiB, RSS ${mb(f.rssAfterAnswersBytes)} MiB; answers ${f.answers}`,
    );
    console.log(
      `         snapshot ${mb(f.snapshotBytes)} MiB made in ${(f.snapshotMs / 1000).toFixed(1)} s; read back in a fresh process in ${(c.readMs / 1000).toFixed(1)} s: ` +
        `heap + array buffers after GC ${mb(c.heapBytes)} MiB (${(c.heapBytes / f.fileBytes).toFixed(1)}×), RSS ${mb(c.rssBytes)} MiB; p50 ${c.p50Ms} ms, p99 ${c.p99Ms} ms; ` +
        `after them heap ${mb(c.heapAfterAnswersBytes)} MiB, peak RSS ${mb(c.maxRssBytes)} MiB; answers ${c.answers === f.answers ? 'identical to the built engine\'s' : `DIFFERENT (${c.answers})`}`,
    );
    console.log(`         build and snapshot in one pass (a start-up that writes the cache), fresh process: ${(w.ms / 1000).toFixed(1)} s, peak RSS ${mb(w.maxRssBytes)} MiB; ${w.sameSnapshot ? 'the same bytes' : 'DIFFERENT bytes'}`);
  }
  if (args.includes('--json')) console.log(JSON.stringify(rows, null, 2));
}
