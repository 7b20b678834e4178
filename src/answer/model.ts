/**
 * The fitted model, the fifth stage: a candidate's score is the sum of its features times fitted
 * weights (printable, Lucene-`Explanation` style), and the answer's confidence is a logistic model
 * over a few facts about the best candidate — a calibrated probability that the answer is right.
 * The weights, the threshold and how they were made live in `weights.json`, written by `npm run fit`.
 */
import fitted from './weights.json' with { type: 'json' };
import { CANDIDATE_FEATURE_NAMES, CANDIDATE_FEATURES, type Candidate } from './features.ts';
import { defined } from '../checked.ts';

/** Facts about the best candidate that the confidence is computed from. */
export const CONFIDENCE_FEATURES = {
  bias: 'a constant 1',
  score: "the best candidate's score",
  margin: 'its lead over the best candidate that does not overlap it',
  coverage: 'share of the question it matches, any way (context included)',
  exact: 'share of the question it matches word for word',
  unknown: 'share of the question the corpus knows no word for',
  focus: 'share of what the question asks about that it matches',
  entityMissing: 'share of the names the question hinges on that it lacks',
  typeMiss: 'it lacks the kind of answer asked for',
  single: 'one over the number of content words of the question',
  corrected: 'share of the question that was typo-corrected or translated',
  foreign: 'the question is not in English',
  yearMissing: 'a year the question names is not in it',
  rarestMissing: "the weight of the rarest question word it does not match, over the rarest possible",
  documentShare: "share of the question its document contains word for word",
} as const;

export type ConfidenceFeature = keyof typeof CONFIDENCE_FEATURES;
export const CONFIDENCE_FEATURE_NAMES = Object.keys(CONFIDENCE_FEATURES) as ConfidenceFeature[];

/** What `npm run fit` writes. */
export interface ModelWeights {
  /** Candidate feature name → weight. */
  candidate: Record<string, number>;
  /** Confidence feature name → weight (logistic). */
  confidence: Record<string, number>;
  /** Answer when the confidence is at least this; else abstain. */
  threshold: number;
  /** How the weights were made: sets, folds, seed, figures. */
  provenance?: unknown;
}

/** The committed fitted weights. */
export const fittedWeights: ModelWeights = fitted as ModelWeights;

/** Weights as vectors in feature order, for fast scoring. */
export class Model {
  readonly candidate: Float64Array;
  readonly confidence: Float64Array;
  readonly threshold: number;

  constructor(readonly weights: ModelWeights) {
    this.candidate = Float64Array.from(CANDIDATE_FEATURE_NAMES, (n) => weights.candidate[n] ?? 0);
    this.confidence = Float64Array.from(CONFIDENCE_FEATURE_NAMES, (n) => weights.confidence[n] ?? 0);
    this.threshold = weights.threshold;
  }

  score(features: Float64Array): number {
    return dot(features, this.candidate);
  }

  /** A calibrated probability from confidence features. */
  probability(features: Float64Array): number {
    return sigmoid(dot(features, this.confidence));
  }

  /** The parts of a candidate's score, largest first, each with what it measures. */
  explain(c: Candidate): Array<{ feature: string; value: number; weight: number; contribution: number; description: string }> {
    return CANDIDATE_FEATURE_NAMES.map((name, i) => {
      const value = defined(c.features[i]);
      const weight = defined(this.candidate[i]);
      return { feature: name, value, weight, contribution: value * weight, description: CANDIDATE_FEATURES[name] };
    })
      .filter((p) => p.value !== 0)
      .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
  }
}

/** Σ a[i]·b[i] over the elements of `a`; `b` must be at least as long. */
export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += defined(a[i]) * defined(b[i]);
  return s;
}

export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}
