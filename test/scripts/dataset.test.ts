/** The cross-validation `npm run fit` and `npm run eval` share: a held-out set is measured, never fitted on. */
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/answer/engine.ts';
import { goldFold } from '../../src/answer/evaluate.ts';
import { citedPassage } from '../../src/answer/features.ts';
import { buildCorpus, parseDocument } from '../../src/corpus/load.ts';
import { SEED, crossValidate, rightDecisions, type Item } from '../../scripts/dataset.ts';
import { RIVER_TEXT } from '../support/river.ts';


const engine = Engine.fromCorpus(buildCorpus([parseDocument('/f/river.md', RIVER_TEXT)]));

function item(set: string, q: string, gold: string[] | null, heldOut = false): Item {
  const a = engine.analyze(q);
  const contains = (text: string) => gold !== null && gold.some((g) => goldFold(text).includes(goldFold(g)));
  return {
    set,
    heldOut,
    corpus: 'river',
    item: { id: q, q, gold },
    q: a.q,
    qts: a.qts,
    candidates: a.candidates,
    positive: a.candidates.map((c) => contains(engine.candidateText(c, a.qts))),
    passageHasGold: a.candidates.map((c) => contains(citedPassage(c).text)),
  };
}

const questions: Array<[string, string[] | null]> = [
  ['How many passengers does the ferry carry?', ['300 passengers']],
  ['Who is the captain of the ferry?', ['Marta Solis']],
  ['Why did smugglers move timber downstream?', ['border posts were unmanned']],
  ['When does the market open?', ['opens at dawn']],
  ['What is sold at the market?', ['Fish and cassava']],
  ['How much is the stall fee?', ['12 soles']],
  ['Who raised the stall fee?', ['town council']],
  ['How many boats does the captain own?', null],
  ['What did the ferry cost?', null],
  ['Where do the women of the villages live?', null],
];

describe('crossValidate', () => {
  const fitted = questions.map(([q, gold]) => item('dev', q, gold));
  const heldOut = [item('offtopic', 'What time does the river ferry leave on Sundays?', null, true), item('offtopic', 'Who is the mayor of the town?', null, true)];

  it('gives the sets it fits on the same outcomes whether a held-out set is there or not', () => {
    const alone = crossValidate(fitted, 'by-question');
    const withHeldOut = crossValidate([...fitted, ...heldOut], 'by-question');
    expect(withHeldOut.slice(0, fitted.length)).toEqual(alone);
  });

  it('still predicts every question of the held-out set', () => {
    const out = crossValidate([...fitted, ...heldOut], 'by-question');
    expect(out).toHaveLength(fitted.length + heldOut.length);
    for (const o of out.slice(fitted.length)) expect(typeof o.answered).toBe('boolean');
  });

  it('fits on a set that is not held out: the same questions marked as fitted change the others', () => {
    const asFitted = heldOut.map((h) => ({ ...h, heldOut: false }));
    const alone = crossValidate(fitted, 'by-question');
    const withThem = crossValidate([...fitted, ...asFitted], 'by-question');
    expect(withThem.slice(0, fitted.length).map((o) => o.confidence)).not.toEqual(alone.map((o) => o.confidence));
  });

  it('deals the folds with the committed seed unless given another, which deals them differently', () => {
    expect(crossValidate(fitted, 'by-question', SEED)).toEqual(crossValidate(fitted, 'by-question'));
    const confidences = (seed: number) => crossValidate(fitted, 'by-question', seed).map((o) => o.confidence);
    expect([SEED + 1, SEED + 2, SEED + 3].some((seed) => JSON.stringify(confidences(seed)) !== JSON.stringify(confidences(SEED)))).toBe(true);
  });
});

describe('rightDecisions', () => {
  it('counts a right answer or an abstention on an unanswerable question, over the sets fitted on', () => {
    const its = [item('dev', 'a?', ['x']), item('dev', 'b?', ['y']), item('dev', 'c?', null), item('offtopic', 'd?', null, true)];
    const outs = [
      { answered: true, hit1: true, hit3: true, confidence: 0.9 },
      { answered: true, hit1: false, hit3: true, confidence: 0.7 },
      { answered: false, hit1: false, hit3: false, confidence: 0.1 },
      { answered: true, hit1: false, hit3: false, confidence: 0.8 },
    ] as unknown as Parameters<typeof rightDecisions>[1];
    // Right: the first and the third; the held-out fourth is not counted.
    expect(rightDecisions(its, outs)).toBeCloseTo(2 / 3);
  });
});
