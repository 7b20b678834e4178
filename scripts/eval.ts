/**
 * `npm run eval [-- --verbose]`: every development set of `eval/sets.json`, asked of its own corpus,
 * scored three ways side by side — cross-validated by question, cross-validated by corpus (a model fitted
 * only on the other corpus), and with the committed weights — beside plain MiniSearch; then the figures
 * per kind of question and a reliability table of the cross-validated confidence.
 */
import { HEADER, K, baselineRows, crossValidate, engines, figures, items, outcome, readSets, row, type Item, type Outcome } from './dataset.ts';
import { Model, fittedWeights } from '../src/answer/model.ts';

const verbose = process.argv.includes('--verbose') || process.argv.includes('-v');
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
