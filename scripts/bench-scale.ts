/**
 * `npm run bench -- --scale`: the report plus the 500 documents of the Brown corpus in one corpus.
 * Reports the build (first answer, no cache, in a fresh process), answer latency p50/p99 over the
 * report's development questions beside plain MiniSearch in the same run, memory, and hit@1 on the
 * report sets with the 500 distractors present against without them.
 *
 * First, a restart: the same corpus written to a folder (the report and 500 `.txt` files), opened the
 * way the bot starts — in a fresh process with an empty index cache (cold build, which then writes the
 * cache), and again in another with that cache — with the time to a ready engine and to the first
 * answer, and whether both answer the report's development questions identically. `--cache-only`
 * stops after that.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import MiniSearch from 'minisearch';
import { Engine } from '../src/answer/engine.ts';
import { evaluate, parseEvalFile } from '../src/answer/evaluate.ts';
import { buildCorpus, loadCorpus } from '../src/corpus/load.ts';
import { IndexCache } from '../src/answer/cache.ts';
import { silentLogger } from '../src/log.ts';
import { LiveCorpus } from '../src/reload.ts';
import { brownDocuments, writeBrownFolder } from './brown.ts';
import { ROOT, readSets } from './dataset.ts';

const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;
const DOCS = 500;

async function scaleEngine(): Promise<Engine> {
  const report = await loadCorpus(join(ROOT, 'corpus'));
  const order = report.passages.length;
  return Engine.fromCorpus(buildCorpus([...report.documents, ...brownDocuments(DOCS, order)], report.glossary));
}

const QUESTION = 'How many hectares of coca were under cultivation at the end of 2020?';

interface RestartFigures {
  fromCache: boolean;
  /** Process start → engine ready (module loading included). */
  readyMs: number;
  /** Opening the corpus alone: reading (or the cache) and building. */
  openMs: number;
  cacheWriteMs: number | null;
  firstAnswerMs: number;
  /** SHA-256 of the answers to the development questions, to compare a cached engine with a built one. */
  answers: string;
}

const openArg = process.argv.indexOf('--child-open');
if (openArg >= 0) {
  const [dir = '', cacheDir = ''] = process.argv.slice(openArg + 1);
  const live = await LiveCorpus.open(dir, { cache: new IndexCache(cacheDir, silentLogger), logger: silentLogger });
  const readyMs = performance.now() - (live.opened.cacheWriteMs ?? 0);
  live.current().answer(QUESTION);
  const firstAnswerMs = performance.now() - (live.opened.cacheWriteMs ?? 0);
  const dev = parseEvalFile(readFileSync(join(ROOT, 'eval/dev.jsonl'), 'utf8'), 'dev.jsonl');
  const answers = createHash('sha256').update(JSON.stringify(dev.map((i) => live.current().answer(i.q)))).digest('hex').slice(0, 16);
  const figures: RestartFigures = { fromCache: live.opened.fromCache, readyMs, openMs: live.opened.ms, cacheWriteMs: live.opened.cacheWriteMs ?? null, firstAnswerMs, answers };
  console.log(JSON.stringify(figures));
  process.exit(0);
}

const reloadArg = process.argv.indexOf('--child-reload');
if (reloadArg >= 0) {
  // A reload after one file changed, from a cache-opened corpus, with the longest pause of this thread.
  const [dir = '', cacheDir = ''] = process.argv.slice(reloadArg + 1);
  const live = await LiveCorpus.open(dir, { cache: new IndexCache(cacheDir, silentLogger), logger: silentLogger });
  appendFileSync(join(dir, 'ca01.txt'), '\nOne paragraph added to see a reload.\n');
  let last = performance.now();
  let longest = 0;
  const lag = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 5);
  const outcome = await live.reload();
  // The tick after the last synchronous stretch is the one that sees it.
  await new Promise((r) => setTimeout(r, 50));
  clearInterval(lag);
  console.log(JSON.stringify({ ms: outcome.kind === 'reloaded' ? outcome.ms : -1, builtIn: outcome.kind === 'reloaded' ? outcome.builtIn : outcome.kind, read: outcome.kind === 'reloaded' ? outcome.read : [], longestPauseMs: Math.round(longest) }));
  process.exit(0);
}

if (process.argv.includes('--child')) {
  const engine = await scaleEngine();
  engine.answer('How many hectares of coca were under cultivation at the end of 2020?');
  const firstAnswerMs = performance.now();
  globalThis.gc?.();
  console.log(JSON.stringify({ firstAnswerMs, rssMb: mb(process.memoryUsage().rss), heapMb: mb(process.memoryUsage().heapUsed), passages: engine.stats().passages, documents: engine.stats().documents }));
  process.exit(0);
}

const restartDir = mkdtempSync(join(tmpdir(), 'rb-scale-'));
let cold: RestartFigures;
let cached: RestartFigures;
let reload: { ms: number; builtIn: string; read: string[]; longestPauseMs: number };
try {
  const folder = join(restartDir, 'corpus');
  mkdirSync(folder);
  writeBrownFolder(folder, join(ROOT, 'corpus'), DOCS);
  const open = (): RestartFigures =>
    JSON.parse(
      execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child-open', folder, join(restartDir, 'cache')], { encoding: 'utf8', cwd: ROOT }).trim().split('\n').pop() ?? '{}',
    ) as RestartFigures;
  cold = open();
  cached = open();
  reload = JSON.parse(
    execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child-reload', folder, join(restartDir, 'cache')], { encoding: 'utf8', cwd: ROOT }).trim().split('\n').pop() ?? '{}',
  ) as typeof reload;
} finally {
  rmSync(restartDir, { recursive: true, force: true });
}
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
console.log(`restart on the report + ${DOCS} documents (a folder of ${DOCS + 1} files; fresh process each):`);
console.log(`  cold build  ${s(cold.openMs)} to a ready engine (${s(cold.readyMs)} from process start; first answer at ${s(cold.firstAnswerMs)}), then ${s(cold.cacheWriteMs ?? 0)} writing the cache`);
console.log(`  from cache  ${s(cached.openMs)} to a ready engine (${s(cached.readyMs)} from process start; first answer at ${s(cached.firstAnswerMs)})${cached.fromCache ? '' : ' — NOT read from the cache'}`);
console.log(`  answers to the ${parseEvalFile(readFileSync(join(ROOT, 'eval/dev.jsonl'), 'utf8'), 'dev.jsonl').length} dev questions: ${cold.answers === cached.answers ? 'identical' : 'DIFFERENT'}; target ≤ 1 s from cache: ${cached.openMs <= 1000 ? 'met' : 'NOT met'}`);
console.log(`  a reload after one file changed (${reload.read.join(', ')}): ${s(reload.ms)}, index built in the ${reload.builtIn}; longest pause of the serving thread ${reload.longestPauseMs} ms`);
if (process.argv.includes('--cache-only')) process.exit(0);

const childFigures = JSON.parse(
  execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--child'], { encoding: 'utf8', cwd: ROOT }).trim().split('\n').pop()!,
) as { firstAnswerMs: number; rssMb: number; heapMb: number; passages: number; documents: number };

const sets = readSets().sets.filter((s) => s.corpus === 'report');
const questions = sets.flatMap((s) => parseEvalFile(readFileSync(join(ROOT, 'eval', s.file), 'utf8'), s.file));
const engine = await scaleEngine();
const alone = await Engine.load(join(ROOT, 'corpus'));
const plain = new MiniSearch<{ id: string; text: string }>({ fields: ['text'] });
plain.addAll(engine.corpus.passages.map((p) => ({ id: p.id, text: p.text })));

function percentiles(run: (q: string) => unknown): { p50: number; p99: number } {
  const times: number[] = [];
  for (let round = 0; round < 3; round++) {
    for (const item of questions) {
      const t = performance.now();
      run(item.q);
      times.push(performance.now() - t);
    }
  }
  times.sort((a, b) => a - b);
  const at = (p: number) => Math.round(times[Math.min(times.length - 1, Math.floor(p * times.length))]! * 1000) / 1000;
  return { p50: at(0.5), p99: at(0.99) };
}

for (const item of questions) engine.answer(item.q); // warm
const bot = percentiles((q) => engine.answer(q));
const mini = percentiles((q) => plain.search(q).slice(0, 3));
// Sets with answerable questions only: hit@1 means nothing for the held-out off-topic set.
const quality = sets.flatMap((s) => {
  const items = parseEvalFile(readFileSync(join(ROOT, 'eval', s.file), 'utf8'), s.file);
  if (!items.some((i) => i.gold !== null)) return [];
  const withDistractors = evaluate(engine, items);
  const without = evaluate(alone, items);
  return [{ set: s.file, hit1: withDistractors.hit1 / withDistractors.answerable, hit1Alone: without.hit1 / without.answerable }];
});

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
console.log(`scale: the report + ${childFigures.documents - 1} Brown documents, ${childFigures.passages} passages`);
console.log(`first answer without cache (fresh process, module loading included): ${(childFigures.firstAnswerMs / 1000).toFixed(2)} s; RSS ${childFigures.rssMb} MB; heap after GC ${childFigures.heapMb} MB`);
console.log(`full answer: p50 ${bot.p50} ms, p99 ${bot.p99} ms; plain MiniSearch search: p50 ${mini.p50} ms, p99 ${mini.p99} ms (${questions.length} questions × 3)`);
console.log('hit@1 on the report sets (committed weights), with the distractors | alone:');
for (const q of quality) console.log(`  ${q.set}: ${pct(q.hit1)} | ${pct(q.hit1Alone)} (${((q.hit1 - q.hit1Alone) * 100).toFixed(1)} points)`);
