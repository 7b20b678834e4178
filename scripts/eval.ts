/**
 * `npm run eval [-- --verbose] [--seeds N]`: every development set of `eval/sets.json`, asked of its own corpus,
 * scored three ways side by side — cross-validated by question, cross-validated by corpus (a model fitted
 * only on the other corpus), and with the committed weights — beside plain MiniSearch; then the figures
 * per kind of question and a reliability table of the cross-validated confidence. `--seeds N` also
 * cross-validates by question with N fold seeds (the committed one first) and prints each seed's
 * overall figures and their mean: how much of a difference the fold split alone makes.
 */
import { HEADER, K, SEED, baselineRows, crossValidate, engines, figures, items, outcome, readSets, rightDecisions, row, type Item, type Outcome } from './dataset.ts';
import { Model, fittedWeights } from '../src/answer/model.ts';

const verbose = process.argv.includes('--verbose') || process.argv.includes('-v');
const seedsAt = process.argv.indexOf('--seeds');
const seedCount = seedsAt >= 0 ? Math.max(1, Math.floor(Number(process.argv[seedsAt + 1]) || 1)) : 0;
const sets = readSets();
const byCorpus = await engines(sets);
const all = items(sets, byCorpus);
const byQuestion = crossValidate(all, 'by-question');
const byCorpusCv = crossValidate(all, 'by-corpus');
const committed = new Model(fittedWeights);
const inSample = all.map((it) => outcome(it, { ranker: committed.candidate, confidence: committed.confidence, threshold: committed.threshold }));

function table(title: string, outs: Outcome[], group: (it: Item) => string): void {
  console.log(`\n${title}\n${HEADER}`);
  const keys = [...new Set(all.map(group))];
  for (const k of keys) {
    const idx = all.map((it, i) => (group(it) === k ? i : -1)).filter((i) => i >= 0);
    console.log(row(k, figures(idx.map((i) => all[i]!), idx.map((i) => outs[i]!))));
  }
  console.log(row('all', figures(all, outs)));
}

table(`cross-validated, ${K} folds by question`, byQuestion, (it) => it.set);
table('cross-validated by corpus (the report sets predicted by a model fitted on the other documents, and back)', byCorpusCv, (it) => it.set);
table('committed weights (src/answer/weights.json), in sample', inSample, (it) => it.set);
console.log(`\nplain MiniSearch (defaults, paragraphs, best-overlap sentence)\n${HEADER}`);
for (const r of baselineRows(sets, byCorpus)) console.log(r);
table(`by kind of question, cross-validated by question`, byQuestion, (it) => it.item.kind ?? 'none');

// Reliability: of the answers given at each confidence, how many were right.
console.log('\nreliability of the cross-validated confidence (answers given)\n| confidence | answers | right |\n|---|---|---|');
for (let lo = 0; lo < 1; lo += 0.1) {
  const hi = lo + 0.1;
  const bin = all.map((it, i) => ({ it, o: byQuestion[i]! })).filter(({ it, o }) => !it.fixed && o.answered && o.confidence >= lo && (o.confidence < hi || hi >= 1));
  if (bin.length === 0) continue;
  const right = bin.filter(({ o }) => o.hit1).length;
  console.log(`| ${lo.toFixed(1)}–${hi.toFixed(1)} | ${bin.length} | ${right} (${((100 * right) / bin.length).toFixed(0)}%) |`);
}

// Where the answerable questions are lost: retrieval (no candidate holds the answer), ranking (one
// does, but another ranks first), or the decision (the best candidate holds it, yet the engine abstains).
console.log('\nwhere answerable questions are lost (cross-validated by question)\n| set | answerable | right | no candidate holds the answer | a wrong candidate ranked first | best candidate right, abstained |\n|---|---|---|---|---|---|');
// Sets with answerable questions only (the off-topic set has none to lose).
for (const name of [...new Set(all.filter((it) => it.item.gold !== null).map((it) => it.set)), 'all']) {
  let n = 0, right = 0, retrieval = 0, ranking = 0, decision = 0;
  all.forEach((it, i) => {
    if (it.item.gold === null || (name !== 'all' && it.set !== name)) return;
    const o = byQuestion[i]!;
    n++;
    if (o.hit1) right++;
    else if (it.fixed ? !it.fixed.hit1 : !it.positive.some(Boolean)) retrieval++;
    else if (!o.top) ranking++;
    else decision++;
  });
  console.log(`| ${name} | ${n} | ${right} | ${retrieval} | ${ranking} | ${decision} |`);
}

if (verbose) {
  console.log('\nMisses (cross-validated by question):');
  all.forEach((it, i) => {
    const o = byQuestion[i]!;
    const ok = it.item.gold === null ? !o.answered : o.hit1;
    if (!ok) console.log(`${it.set} ${it.item.id} [${it.item.kind}] ${o.answered ? 'answered' : 'abstained'}${o.hit3 ? ' (in top 3)' : ''}: ${it.item.q}`);
  });
}

if (seedCount > 0) {
  console.log(`\ncross-validated by question with ${seedCount} fold seeds (the committed ${SEED} first); right decisions over the questions fitted on`);
  console.log('| seed | hit@1 | hit@3 | wrongly abstained | unanswerable abstained | right decisions |\n|---|---|---|---|---|---|');
  const rows: number[][] = [];
  for (let s = 0; s < seedCount; s++) {
    const seed = SEED + s;
    const outs = s === 0 ? byQuestion : crossValidate(all, 'by-question', seed);
    const f = figures(all, outs);
    const r = [(100 * f.hit1) / f.answerable, (100 * f.hit3) / f.answerable, f.wronglyAbstained, f.abstained, 100 * rightDecisions(all, outs)];
    rows.push(r);
    console.log(`| ${seed} | ${r[0]!.toFixed(1)}% | ${r[1]!.toFixed(1)}% | ${r[2]}/${f.answerable} | ${r[3]}/${f.unanswerable} | ${r[4]!.toFixed(2)}% |`);
  }
  const mean = (k: number) => rows.reduce((n, r) => n + r[k]!, 0) / rows.length;
  const span = (k: number) => `${Math.min(...rows.map((r) => r[k]!)).toFixed(1)}–${Math.max(...rows.map((r) => r[k]!)).toFixed(1)}`;
  console.log(`| mean | ${mean(0).toFixed(2)}% | ${mean(1).toFixed(2)}% | ${mean(2).toFixed(1)} | ${mean(3).toFixed(1)} | ${mean(4).toFixed(2)}% |`);
  console.log(`| range | ${span(0)} | ${span(1)} | ${span(2)} | ${span(3)} | ${span(4)} |`);
}
