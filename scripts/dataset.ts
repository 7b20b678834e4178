/**
 * The development data as the fit and the evaluation see it: every question of every set in
 * `eval/sets.json`, asked of its own corpus, turned into candidates with features and labels (does the
 * candidate's excerpt contain a gold string?). Also the cross-validation that `npm run fit` and
 * `npm run eval` share: folds by question, and one fold per corpus.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Engine } from '../src/answer/engine.ts';
import { evaluate, goldFold, parseEvalFile, type EvalItem } from '../src/answer/evaluate.ts';
import { confidenceFeatures, decide } from '../src/answer/decide.ts';
import { CANDIDATE_FEATURE_NAMES, citedPassage, type Candidate } from '../src/answer/features.ts';
import { chooseThreshold, fitLogistic, fitRanker, folds } from '../src/answer/fit.ts';
import { CONFIDENCE_FEATURE_NAMES, sigmoid, type ModelWeights } from '../src/answer/model.ts';
import type { QueryTerm } from '../src/answer/query.ts';
import type { QuestionAnalysis } from '../src/answer/question.ts';
import { loadCorpora } from '../src/corpus/load.ts';
import { defaultEngineOptions, unknownName } from '../src/answer/engine.ts';
import { BaselineBot } from './baseline.ts';

export const ROOT = resolve(import.meta.dirname, '..');

export interface SetSpec {
  file: string;
  corpus: string;
  /**
   * Never fitted on: measured only, by models fitted on the other sets (a set of one kind of question,
   * such as off-topic ones, would otherwise pull the threshold its way for every other kind).
   */
  heldOut?: boolean;
}

export interface SetsFile {
  sets: SetSpec[];
  corpora: Record<string, string[]>;
}

/** One question ready for fitting and scoring. */
export interface Item {
  set: string;
  /** From a held-out set: predicted, never fitted on. */
  heldOut: boolean;
  corpus: string;
  item: EvalItem;
  /** Set when the engine answers without the model (documents' metadata, chit-chat, nothing to look up). */
  fixed?: { answered: boolean; hit1: boolean; hit3: boolean };
  q: QuestionAnalysis;
  qts: QueryTerm[];
  candidates: Candidate[];
  positive: boolean[];
  /** Per candidate: its passage's whole text contains a gold string. */
  passageHasGold: boolean[];
}

export function readSets(): SetsFile {
  return JSON.parse(readFileSync(join(ROOT, 'eval', 'sets.json'), 'utf8')) as SetsFile;
}

/** Engines, one per corpus group, built with the default options but the given weights. */
export async function engines(sets: SetsFile, weights?: ModelWeights): Promise<Map<string, Engine>> {
  const out = new Map<string, Engine>();
  for (const [name, dirs] of Object.entries(sets.corpora)) {
    const corpus = await loadCorpora(dirs.map((d) => join(ROOT, d)));
    out.set(name, Engine.fromCorpus(corpus, weights ? { weights } : {}));
  }
  return out;
}

/** Every question of every set, with its candidates and labels. */
export function items(sets: SetsFile, byCorpus: Map<string, Engine>): Item[] {
  const out: Item[] = [];
  for (const spec of sets.sets) {
    const engine = byCorpus.get(spec.corpus)!;
    const file = join(ROOT, 'eval', spec.file);
    for (const item of parseEvalFile(readFileSync(file, 'utf8'), spec.file)) {
      const a = engine.analyze(item.q);
      const contains = (text: string) => item.gold !== null && item.gold.some((g) => goldFold(text).includes(goldFold(g)));
      const base: Item = { set: spec.file, heldOut: spec.heldOut === true, corpus: spec.corpus, item, q: a.q, qts: a.qts, candidates: a.candidates, positive: [], passageHasGold: [] };
      if (a.candidates.length === 0) {
        const ans = engine.answer(item.q);
        const hit = ans.answered && ans.answer !== null && contains(ans.answer.text);
        out.push({ ...base, fixed: { answered: ans.answered, hit1: hit, hit3: hit } });
        continue;
      }
      base.positive = a.candidates.map((c) => contains(engine.candidateText(c, a.qts)));
      base.passageHasGold = a.candidates.map((c) => contains(citedPassage(c).text));
      out.push(base);
    }
  }
  return out;
}

/** A model as vectors. */
export interface Fitted {
  ranker: Float64Array;
  confidence: Float64Array;
  threshold: number;
}

export interface Outcome {
  answered: boolean;
  hit1: boolean;
  hit3: boolean;
  confidence: number;
  /** The best-ranked candidate contains a gold string, answered or not. */
  top: boolean;
}

function scoresOf(it: Item, w: Float64Array): Float64Array {
  return Float64Array.from(it.candidates, (c) => {
    let s = 0;
    for (let d = 0; d < w.length; d++) s += w[d]! * c.features[d]!;
    return s;
  });
}

function orderOf(it: Item, scores: Float64Array): number[] {
  const c = it.candidates;
  return c.map((_, i) => i).sort((i, j) => scores[j]! - scores[i]! || c[i]!.passage.order - c[j]!.passage.order || c[i]!.first - c[j]!.first || c[i]!.last - c[j]!.last);
}

/** What the engine would do with these weights. */
export function outcome(it: Item, m: Fitted): Outcome {
  if (it.fixed) return { ...it.fixed, confidence: it.fixed.answered ? 1 : 0, top: it.fixed.hit1 };
  const scores = scoresOf(it, m.ranker);
  const order = orderOf(it, scores);
  const x = confidenceFeatures(it.q, it.qts, it.candidates, scores, order);
  let z = 0;
  for (let d = 0; d < x.length; d++) z += x[d]! * m.confidence[d]!;
  const p = sigmoid(z);
  const best = it.candidates[order[0]!]!;
  const verdict = decide(best, p, m.threshold, defaultEngineOptions.decision, unknownName(it.q, it.qts));
  const top = it.positive[order[0]!]!;
  const seen = new Set<string>();
  let hit3 = top;
  for (const i of order) {
    const id = citedPassage(it.candidates[i]!).id;
    if (seen.has(id)) continue;
    seen.add(id);
    if (it.passageHasGold[i]) hit3 = true;
    if (seen.size === 3) break;
  }
  return { answered: verdict.answered, hit1: verdict.answered && top, hit3: it.item.gold !== null && hit3, confidence: p, top };
}

/** Fits ranker, confidence and threshold on the training items. */
export function fit(train: Item[]): Fitted {
  const learn = train.filter((t) => !t.fixed);
  const ranker = fitRanker(
    learn.filter((t) => t.item.gold !== null).map((t) => ({ features: t.candidates.map((c) => c.features), positive: t.positive })),
    CANDIDATE_FEATURE_NAMES.length,
  );
  const X: Float64Array[] = [];
  const y: boolean[] = [];
  const focus: boolean[] = [];
  for (const t of learn) {
    const scores = scoresOf(t, ranker);
    const order = orderOf(t, scores);
    X.push(confidenceFeatures(t.q, t.qts, t.candidates, scores, order));
    y.push(t.item.gold !== null && t.positive[order[0]!]!);
    focus.push(decide(t.candidates[order[0]!]!, 1, 0, defaultEngineOptions.decision, unknownName(t.q, t.qts)).answered);
  }
  const confidence = fitLogistic(X, y);
  const probs = X.map((x) => sigmoid(x.reduce((s, v, d) => s + v * confidence[d]!, 0)));
  const keep = probs.map((_, i) => focus[i]!);
  const threshold = chooseThreshold(probs.filter((_, i) => keep[i]), y.filter((_, i) => keep[i]));
  return { ranker, confidence, threshold };
}

export function toWeights(m: Fitted, provenance: unknown): ModelWeights {
  const round = (v: number) => Math.round(v * 10000) / 10000;
  return {
    candidate: Object.fromEntries(CANDIDATE_FEATURE_NAMES.map((n, i) => [n, round(m.ranker[i]!)])),
    confidence: Object.fromEntries(CONFIDENCE_FEATURE_NAMES.map((n, i) => [n, round(m.confidence[i]!)])),
    threshold: round(m.threshold),
    provenance,
  };
}

export const SEED = 20261201;
export const K = 5;

/**
 * Cross-validated outcomes. `by-question`: k folds of questions (each set shuffled with `seed`, the
 * committed {@link SEED} unless another is asked for, and dealt round-robin, so every fold holds every set). `by-corpus`: each corpus group predicted by a
 * model fitted on the others only.
 */
export function crossValidate(all: Item[], mode: 'by-question' | 'by-corpus', seed = SEED): Outcome[] {
  const fold = new Array<number>(all.length);
  let groups: number;
  if (mode === 'by-question') {
    groups = K;
    const sets = [...new Set(all.map((i) => i.set))];
    for (const s of sets) {
      const idx = all.map((it, i) => (it.set === s ? i : -1)).filter((i) => i >= 0);
      const f = folds(idx.length, K, seed);
      idx.forEach((i, j) => (fold[i] = f[j]!));
    }
  } else {
    const corpora = [...new Set(all.map((i) => (i.corpus === 'report' ? 'report' : 'other')))];
    groups = corpora.length;
    all.forEach((it, i) => (fold[i] = corpora.indexOf(it.corpus === 'report' ? 'report' : 'other')));
  }
  const out = new Array<Outcome>(all.length);
  for (let f = 0; f < groups; f++) {
    const m = fit(all.filter((it, i) => fold[i] !== f && !it.heldOut));
    all.forEach((it, i) => {
      if (fold[i] === f) out[i] = outcome(it, m);
    });
  }
  return out;
}

/**
 * Right decisions: answered right, or abstained on an unanswerable question — over the questions
 * fitted on (the held-out sets left out, as the fit's own figure does).
 */
export function rightDecisions(all: Item[], outs: Outcome[]): number {
  let right = 0;
  let n = 0;
  all.forEach((it, i) => {
    if (it.heldOut) return;
    n++;
    const o = outs[i]!;
    if (it.item.gold === null ? !o.answered : o.hit1) right++;
  });
  return n ? right / n : 0;
}

export interface Figures {
  questions: number;
  answerable: number;
  hit1: number;
  hit3: number;
  wronglyAbstained: number;
  unanswerable: number;
  abstained: number;
}

export function figures(its: Item[], outs: Outcome[]): Figures {
  const f: Figures = { questions: its.length, answerable: 0, hit1: 0, hit3: 0, wronglyAbstained: 0, unanswerable: 0, abstained: 0 };
  its.forEach((it, i) => {
    const o = outs[i]!;
    if (it.item.gold === null) {
      f.unanswerable++;
      if (!o.answered) f.abstained++;
      return;
    }
    f.answerable++;
    if (o.hit1) f.hit1++;
    if (o.hit3) f.hit3++;
    if (!o.answered) f.wronglyAbstained++;
  });
  return f;
}

const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)}%` : '—');

export function row(name: string, f: Figures): string {
  return `| ${name} | ${f.questions} | ${pct(f.hit1, f.answerable)} | ${pct(f.hit3, f.answerable)} | ${f.wronglyAbstained}/${f.answerable} | ${f.abstained}/${f.unanswerable} |`;
}

export const HEADER = '| set | questions | hit@1 | hit@3 | wrongly abstained | unanswerable abstained |\n|---|---|---|---|---|---|';

/** Plain MiniSearch on each set, scored the same way. */
export function baselineRows(sets: SetsFile, byCorpus: Map<string, Engine>): string[] {
  const rows: string[] = [];
  for (const spec of sets.sets) {
    const engine = byCorpus.get(spec.corpus)!;
    const evalItems = parseEvalFile(readFileSync(join(ROOT, 'eval', spec.file), 'utf8'), spec.file);
    const r = evaluate(new BaselineBot(engine.corpus), evalItems);
    rows.push(row(spec.file, { questions: evalItems.length, answerable: r.answerable, hit1: r.hit1, hit3: r.hit3, wronglyAbstained: r.wronglyAbstained, unanswerable: r.unanswerable, abstained: r.abstainedCorrectly }));
  }
  return rows;
}
