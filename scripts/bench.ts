/**
 * `npm run bench`: answer latency (p50/p99) over the development questions, index build time, cold
 * start to first answer, and memory — for the engine and, side by side in the same run, a plain
 * MiniSearch search (defaults, paragraphs). Each side's build, cold start and memory are measured in
 * a fresh child process so one does not inflate the other's figures.
 *
 * The production cold start is measured too: `node dist/main.js` (the built bot in terminal mode,
 * one piped question) and `node dist/cli.js ask --json` from another working directory, start to
 * exit after the first answer, beside `node -e 0` (Node alone). It needs `npm run build` first.
 *
 * Answer latencies are measured in a fresh process, both sides in the same one.
 *
 * Options: --rounds N (default 200) passes over the questions; --json prints the figures as JSON;
 * --scale measures the report + 500 Brown corpus documents instead (see `bench-scale.ts`); --large [MB[,MB…]]
 * one report repeated to that size (default 50 MB), built in a fresh process (see `bench-large.ts`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import MiniSearch from 'minisearch';
import { Engine } from '../src/answer/engine.ts';
import { loadCorpus } from '../src/corpus/load.ts';
import { parseEvalFile } from '../src/answer/evaluate.ts';
import { BaselineBot } from './baseline.ts';

const corpusDir = resolve(process.env.CORPUS_DIR ?? 'corpus');
const evalFile = resolve('eval/dev.jsonl');
const args = process.argv.slice(2);
const roundsArg = args.indexOf('--rounds');
const rounds = roundsArg >= 0 ? Number(args[roundsArg + 1]) : 200;

interface Latencies {
  engine: ReturnType<typeof latency>;
  search: ReturnType<typeof latency>;
  plain: ReturnType<typeof latency>;
  baseline: ReturnType<typeof latency>;
}

/** Runs in a child: every latency, both sides in the same process. */
async function latencyChild(): Promise<void> {
  const questions = parseEvalFile(readFileSync(evalFile, 'utf8'), evalFile).map((i) => i.q);
  const engine = await Engine.load(corpusDir);
  const plain = new MiniSearch<{ id: string; text: string }>({ fields: ['text'] });
  plain.addAll(engine.corpus.passages.map((p) => ({ id: p.id, text: p.text })));
  const baseline = new BaselineBot(engine.corpus);
  const out: Latencies = {
    engine: latency(questions, (q) => engine.answer(q)),
    search: latency(questions, (q) => engine.search(q, { limit: 5 })),
    plain: latency(questions, (q) => plain.search(q)),
    baseline: latency(questions, (q) => baseline.answer(q)),
  };
  process.stdout.write(JSON.stringify(out));
}

/** The latencies measured in a fresh process (Node's own settings, as the bot runs). */
function runLatency(): Latencies {
  const self = fileURLToPath(import.meta.url);
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', self, '--latency', '--rounds', String(rounds)], {
    encoding: 'utf8',
    env: { ...process.env, CORPUS_DIR: corpusDir },
  });
  return JSON.parse(out) as Latencies;
}

interface ChildFigures {
  /** Wall time from process start to the first answer printed (ms), including module loading. */
  coldStartMs: number;
  /** Time to load the corpus and build the index (ms). */
  buildMs: number;
  /** Resident set size after building and answering once (MB). */
  rssMb: number;
  /** Heap used after a full GC (MB). */
  heapMb: number;
}

const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;

/** Runs in a child: build one side, answer once, report. */
async function child(side: 'engine' | 'minisearch'): Promise<void> {
  const t0 = performance.now();
  let first: unknown;
  if (side === 'engine') {
    const engine = await Engine.load(corpusDir);
    const built = performance.now();
    first = engine.answer('How many hectares of coca were under cultivation at the end of 2020?');
    report(built - t0, first);
  } else {
    const corpus = await loadCorpus(corpusDir);
    const index = new MiniSearch<{ id: string; text: string }>({ fields: ['text'] });
    index.addAll(corpus.passages.map((p) => ({ id: p.id, text: p.text })));
    const built = performance.now();
    first = index.search('How many hectares of coca were under cultivation at the end of 2020?')[0];
    report(built - t0, first);
  }
}

function report(buildMs: number, first: unknown): void {
  // performance.now() counts from process start, so this includes node and module start-up.
  const coldStartMs = performance.now();
  if (!first) throw new Error('no first answer');
  globalThis.gc?.();
  const figures: ChildFigures = {
    coldStartMs: Math.round(coldStartMs),
    buildMs: Math.round(buildMs * 10) / 10,
    rssMb: mb(process.memoryUsage().rss),
    heapMb: mb(process.memoryUsage().heapUsed),
  };
  process.stdout.write(JSON.stringify(figures));
}

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/** Times `fn` over every question `rounds` times; returns µs percentiles. */
function latency(questions: string[], fn: (q: string) => unknown): { p50: number; p99: number; max: number; mean: number } {
  for (let i = 0; i < 20; i++) for (const q of questions) fn(q); // warm up the JIT
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const q of questions) {
      const t = process.hrtime.bigint();
      fn(q);
      samples.push(Number(process.hrtime.bigint() - t) / 1000);
    }
  }
  samples.sort((a, b) => a - b);
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  const r = (n: number) => Math.round(n * 10) / 10;
  return { p50: r(percentile(samples, 50)), p99: r(percentile(samples, 99)), max: r(samples[samples.length - 1]!), mean: r(mean) };
}

function runChild(side: string): ChildFigures {
  const self = fileURLToPath(import.meta.url);
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', self, '--child', side], {
    encoding: 'utf8',
    env: { ...process.env, CORPUS_DIR: corpusDir },
  });
  return JSON.parse(out) as ChildFigures;
}

/** Start-to-exit wall times (ms) of a command, run `times` times: median and fastest. */
function wallTimes(argv: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; cwd: string; times: number; expect?: string }): { medianMs: number; minMs: number } {
  const samples: number[] = [];
  for (let i = 0; i < opts.times; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(process.execPath, argv, { cwd: opts.cwd, env: opts.env ?? process.env, input: opts.input ?? '', encoding: 'utf8' });
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (r.status !== 0 || (opts.expect && !r.stdout.includes(opts.expect))) throw new Error(`${argv.join(' ')} failed: ${r.stderr.trim().split('\n')[0]}`);
  }
  samples.sort((a, b) => a - b);
  return { medianMs: Math.round(percentile(samples, 50)), minMs: Math.round(samples[0] ?? 0) };
}

interface ColdStart {
  nodeAloneMs: { medianMs: number; minMs: number };
  /** `node dist/main.js` in terminal mode, one question piped in: start → answer printed → exit. */
  builtBotMs: { medianMs: number; minMs: number };
  /** `node dist/cli.js ask --json "…"` from another working directory. */
  builtCliMs: { medianMs: number; minMs: number };
}

/** The production cold start, beside Node alone; undefined when there is no build. */
function coldStart(times = 7): ColdStart | undefined {
  const root = resolve(fileURLToPath(import.meta.url), '../..');
  if (!existsSync(join(root, 'dist/main.js'))) return undefined;
  const elsewhere = mkdtempSync(join(tmpdir(), 'rb-bench-'));
  try {
    // Only what the bot needs: no platform token may turn terminal mode into a chat mode.
    const env = { PATH: process.env.PATH ?? '', CORPUS_DIR: corpusDir, DATABASE_PATH: join(elsewhere, 'db.sqlite'), LOG_FILE: join(elsewhere, 'bot.log') };
    const q = 'How many hectares of coca were under cultivation at the end of 2020?';
    return {
      nodeAloneMs: wallTimes(['-e', '0'], { cwd: elsewhere, times }),
      builtBotMs: wallTimes([join(root, 'dist/main.js')], { cwd: elsewhere, env, input: `${q}\n`, times, expect: '88,200' }),
      builtCliMs: wallTimes([join(root, 'dist/cli.js'), 'ask', '--json', q], { cwd: elsewhere, env, times, expect: '88,200' }),
    };
  } finally {
    rmSync(elsewhere, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const childArg = args.indexOf('--child');
  if (childArg >= 0) return child(args[childArg + 1] as 'engine' | 'minisearch');
  if (args.includes('--latency')) return latencyChild();
  // The report + the 500 Brown corpus documents (scripts/bench-scale.ts runs on import).
  if (args.includes('--scale')) {
    await import('./bench-scale.ts');
    return;
  }
  // One large report: the bundled one repeated to N MB (scripts/bench-large.ts runs on import).
  if (args.includes('--large')) {
    await import('./bench-large.ts');
    return;
  }

  const questions = parseEvalFile(readFileSync(evalFile, 'utf8'), evalFile).map((i) => i.q);
  const engine = await Engine.load(corpusDir);
  const { engine: engineLatency, search: searchLatency, plain: plainLatency, baseline: baselineLatency } = runLatency();
  const engineProc = runChild('engine');
  const plainProc = runChild('minisearch');
  const stats = engine.stats();
  const cold = coldStart();

  const figures = {
    corpus: stats,
    questions: questions.length,
    rounds,
    node: process.version,
    answerMicros: engineLatency,
    searchMicros: searchLatency,
    plainMiniSearchSearchMicros: plainLatency,
    plainMiniSearchBotAnswerMicros: baselineLatency,
    engineProcess: engineProc,
    plainMiniSearchProcess: plainProc,
    coldStart: cold ?? null,
  };
  if (args.includes('--json')) {
    console.log(JSON.stringify(figures, null, 2));
    return;
  }
  const row = (name: string, a: string, b: string) => `| ${name.padEnd(34)} | ${a.padStart(16)} | ${b.padStart(22)} |`;
  const us = (n: number) => `${n.toFixed(1)} µs`;
  console.log(`report-bot bench — ${stats.documents} document(s), ${stats.passages} passages, ${stats.sentences} sentences; ${questions.length} questions × ${rounds} rounds; Node ${process.version}`);
  console.log('(latencies measured in a fresh process, both sides in it)\n');
  console.log(row('', 'report-bot', 'plain MiniSearch'));
  console.log(row('-'.repeat(34), '-'.repeat(16), '-'.repeat(22)));
  console.log(row('full answer p50', us(engineLatency.p50), `${us(baselineLatency.p50)} (bot)`));
  console.log(row('full answer p99', us(engineLatency.p99), `${us(baselineLatency.p99)} (bot)`));
  console.log(row('search only p50', us(searchLatency.p50), us(plainLatency.p50)));
  console.log(row('search only p99', us(searchLatency.p99), us(plainLatency.p99)));
  console.log(row('load corpus + build index', `${engineProc.buildMs} ms`, `${plainProc.buildMs} ms`));
  console.log(row('cold start to first answer', `${engineProc.coldStartMs} ms`, `${plainProc.coldStartMs} ms`));
  console.log(row('RSS after first answer', `${engineProc.rssMb} MB`, `${plainProc.rssMb} MB`));
  console.log(row('heap used after GC', `${engineProc.heapMb} MB`, `${plainProc.heapMb} MB`));
  if (cold) {
    const ms = (f: { medianMs: number; minMs: number }) => `${f.medianMs} ms (fastest ${f.minMs} ms)`;
    console.log(`\nCold start, start to exit after the first answer, median of 7 (production build, from another working directory):`);
    console.log(`  node -e 0                          ${ms(cold.nodeAloneMs)}`);
    console.log(`  node dist/main.js (terminal, piped) ${ms(cold.builtBotMs)}`);
    console.log(`  node dist/cli.js ask --json         ${ms(cold.builtCliMs)}`);
    console.log(`  Target: the bot's first answer within 500 ms — ${cold.builtBotMs.medianMs <= 500 ? 'met' : 'NOT met'}.`);
  } else {
    console.log('\nCold start of the production build: skipped, no dist/ (run npm run build first).');
  }
  console.log(`\nTarget: full answer p99 under 1 ms — ${engineLatency.p99 < 1000 ? 'met' : 'NOT met'} (${us(engineLatency.p99)}).`);
}

main().catch((err: unknown) => {
  console.error(`bench: ${(err as Error).message}`);
  process.exit(1);
});
