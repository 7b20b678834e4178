/**
 * `npm run fit`: learns the candidate weights, the confidence model and the abstention threshold from
 * every development set at once, reports their cross-validated figures, and writes the weights fitted
 * on all the data to `src/answer/weights.json` with how they were made. Deterministic: the same sets
 * give the same file.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HEADER, K, ROOT, SEED, crossValidate, engines, figures, fit, items, readSets, row, toWeights } from './dataset.ts';

const sets = readSets();
const all = items(sets, await engines(sets));
const cv = crossValidate(all, 'by-question');
const perSet = sets.sets.map((s) => {
  const idx = all.map((it, i) => (it.set === s.file ? i : -1)).filter((i) => i >= 0);
  return { set: s.file, ...figures(idx.map((i) => all[i]!), idx.map((i) => cv[i]!)) };
});
const model = fit(all.filter((it) => !it.heldOut));
const weights = toWeights(model, {
  how: `npm run fit: listwise softmax ranker and logistic confidence, full-batch Adam from zero weights with L2; threshold the lowest within one standard error of the most right decisions; ${K}-fold cross-validation by question (each set dealt over the folds), seed ${SEED}`,
  sets: sets.sets.map((s) => s.file),
  questions: all.filter((it) => !it.heldOut).length,
  heldOut: sets.sets.filter((s) => s.heldOut).map((s) => s.file),
  crossValidated: perSet,
});
writeFileSync(join(ROOT, 'src', 'answer', 'weights.json'), `${JSON.stringify(weights, null, 2)}\n`);
console.log(`fitted on ${all.filter((it) => !it.heldOut).length} questions (held out, measured only: ${sets.sets.filter((s) => s.heldOut).map((s) => s.file).join(', ') || 'none'}); cross-validated (${K} folds by question):\n${HEADER}`);
for (const s of perSet) console.log(row(s.set, s));
const total = figures(all, cv);
console.log(row('all', total));
console.log(`right decisions (answered right, or abstained on an unanswerable): ${(((total.hit1 + total.abstained) / total.questions) * 100).toFixed(1)}%`);
console.log(`\nthreshold ${weights.threshold}; weights written to src/answer/weights.json`);
