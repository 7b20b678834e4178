/**
 * The decision, the last stage: answer with the best candidate, or abstain. The confidence is the
 * fitted model's calibrated probability; besides it there is one general check — what the question
 * asks about (its focus) must be matched, exactly or softly, by the excerpt or its section. Two kinds
 * of abstention: nothing close ("not-covered"), or close passages but no confident answer ("unclear").
 */
import { CONFIDENCE_FEATURE_NAMES, type ConfidenceFeature } from './model.ts';
import { CANDIDATE_FEATURE_NAMES, type Candidate, type CandidateFeature } from './features.ts';
import type { QueryTerm } from './query.ts';
import type { QuestionAnalysis } from './question.ts';
import type { AbstainReason } from './types.ts';
import { defined } from '../checked.ts';

const C = Object.fromEntries(CANDIDATE_FEATURE_NAMES.map((n, i) => [n, i])) as Record<CandidateFeature, number>;

/** A candidate's value of one feature. */
function feature(c: Candidate, name: CandidateFeature): number {
  return defined(c.features[C[name]]);
}

/** Share of the question a candidate matches, any way (context included). */
function coverage(c: Candidate): number {
  return feature(c, 'exact') + feature(c, 'alias') + feature(c, 'family') + feature(c, 'synonym') + feature(c, 'derived') + feature(c, 'broader') + feature(c, 'context');
}

/** Decision settings. */
export interface DecisionOptions {
  /** Below this confidence an abstention says the report does not cover the question at all. */
  closeConfidence: number;
  /**
   * Nor is a passage "close" that matches less than this share of the question (by rarity weight):
   * "best pizza in Lima" shares only the city with the report.
   */
  closeCoverage: number;
}

/** True when two candidates share a sentence (a window across two passages covers a stretch of each). */
export function overlaps(a: Candidate, b: Candidate): boolean {
  if (!a.opening && !b.opening) return a.passage === b.passage && a.first <= b.last && b.first <= a.last;
  // Within the passage each ends in, both run from `first` to `last`.
  if (a.passage === b.passage && a.first <= b.last && b.first <= a.last) return true;
  // In the passage before, a window across the boundary runs from `opening.first` to its end.
  if (a.opening && b.opening && a.opening.passage === b.opening.passage) return true;
  if (a.opening && a.opening.passage === b.passage && b.last >= a.opening.first) return true;
  return b.opening !== undefined && b.opening.passage === a.passage && a.last >= b.opening.first;
}

/** The confidence features of the best candidate (`order` = candidate indices, best first). */
export function confidenceFeatures(q: QuestionAnalysis, qts: QueryTerm[], cands: Candidate[], scores: ArrayLike<number>, order: number[]): Float64Array {
  const f = new Float64Array(CONFIDENCE_FEATURE_NAMES.length);
  const set = (name: ConfidenceFeature, v: number) => (f[CONFIDENCE_FEATURE_NAMES.indexOf(name)] = v);
  set('bias', 1);
  const total = qts.reduce((n, t) => n + t.weight, 0) || 1;
  set('unknown', qts.reduce((n, t) => n + (t.known ? 0 : t.weight), 0) / total);
  set('single', qts.length ? 1 / qts.length : 1);
  set('corrected', qts.reduce((n, t) => n + (t.corrected ? t.weight : 0), 0) / total);
  set('foreign', q.language.code === 'en' ? 0 : 1);
  const best = order[0];
  if (best === undefined) return f;
  const c = defined(cands[best]);
  const runnerUp = order.slice(1).find((i) => !overlaps(defined(cands[i]), c));
  set('score', defined(scores[best]));
  set('margin', runnerUp === undefined ? 1 : defined(scores[best]) - defined(scores[runnerUp]));
  set('coverage', coverage(c));
  set('exact', feature(c, 'exact'));
  set('focus', feature(c, 'focus'));
  set('entityMissing', feature(c, 'entityMissing'));
  set('typeMiss', feature(c, 'typeMiss'));
  set('yearMissing', feature(c, 'yearMissing'));
  set('documentShare', feature(c, 'document'));
  // The rarest word the window leaves unmatched: a detail the report may simply not give.
  let rarest = 0;
  const maxWeight = Math.max(...qts.map((t) => t.weight), 1e-9);
  qts.forEach((t, i) => {
    if (!c.matched[i]) rarest = Math.max(rarest, t.weight);
  });
  set('rarestMissing', rarest / maxWeight);
  return f;
}

/**
 * Answer, or why not. A name the question writes with a capital that the corpus never uses at all
 * (nor anything standing in for it) means the documents do not cover the question.
 */
export function decide(best: Candidate, confidence: number, threshold: number, options: DecisionOptions, unknownName = false): { answered: true } | { answered: false; reason: AbstainReason } {
  if (unknownName) return { answered: false, reason: 'not-covered' };
  const focusMatched = feature(best, 'focus') > 0;
  if (focusMatched && confidence >= threshold) return { answered: true };
  const close = focusMatched && confidence >= options.closeConfidence && coverage(best) >= options.closeCoverage;
  return { answered: false, reason: close ? 'unclear' : 'not-covered' };
}

