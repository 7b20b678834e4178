/**
 * `npm run eval [-- --verbose] [--file eval/dev.jsonl]`: runs the development questions through the
 * engine and prints hit@1, hit@3, abstention figures and (with --verbose) every miss.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Engine } from '../src/answer/engine.ts';
import { evaluate, parseEvalFile } from '../src/answer/evaluate.ts';
import { loadConfig } from '../src/config.ts';
import { BaselineBot } from './baseline.ts';

const args = process.argv.slice(2);
const verbose = args.includes('--verbose') || args.includes('-v');
const fileArg = args.indexOf('--file');
const file = resolve(fileArg >= 0 ? args[fileArg + 1]! : 'eval/dev.jsonl');

try {
  const config = loadConfig();
  const engine = await Engine.load(config.CORPUS_DIR);
  const items = parseEvalFile(readFileSync(file, 'utf8'), file);
  const report = evaluate(engine, items);
  console.log(report.summary);
  if (args.includes('--baseline')) {
    const base = evaluate(new BaselineBot(engine.corpus), items);
    console.log(`\nplain MiniSearch baseline (defaults, paragraphs, best-overlap sentence):\n${base.summary}`);
  }
  if (verbose && report.misses.length) {
    console.log('\nMisses:');
    for (const m of report.misses) console.log(m);
  }
} catch (err) {
  console.error(`eval: ${(err as Error).message}`);
  process.exit(1);
}
