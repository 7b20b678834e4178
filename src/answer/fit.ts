/**
 * Fitting the model: pure, deterministic numerics used by `npm run fit` and `npm run eval`.
 * - the candidate weights by a listwise softmax objective (per question, the probability mass on
 *   candidates that contain the answer), which trains exactly what is used: the best candidate;
 * - the confidence by logistic regression on whether the best candidate is right;
 * - the threshold: the lowest within one standard error of the most right decisions (right answers
 *   plus right abstentions).
 * Full-batch gradient descent from zero weights with L2: the same data give the same weights.
 */
import { defined } from '../checked.ts';

/** One training question for the ranker: its candidates' features and which contain the answer. */
export interface RankingExample {
  features: Float64Array[];
  positive: boolean[];
}

export interface FitOptions {
  iterations: number;
  learningRate: number;
  /** L2 penalty on the weights. */
  l2: number;
}

export const defaultRankerFit: FitOptions = { iterations: 800, learningRate: 0.5, l2: 0.002 };
export const defaultLogisticFit: FitOptions = { iterations: 800, learningRate: 0.5, l2: 0.001 };

/** Listwise softmax ranking: maximizes Σ log Σ_{positive} softmax(w·x). Questions without a positive are skipped. */
export function fitRanker(examples: RankingExample[], dims: number, opts: FitOptions = defaultRankerFit): Float64Array {
  const usable = examples.filter((e) => e.positive.some(Boolean) && e.positive.some((p) => !p));
  const w = new Float64Array(dims);
  const grad = new Float64Array(dims);
  // Adam: robust to features of different scales, deterministic.
  const m = new Float64Array(dims);
  const v = new Float64Array(dims);
  const b1 = 0.9;
  const b2 = 0.999;
  for (let it = 1; it <= opts.iterations; it++) {
    grad.fill(0);
    for (const e of usable) {
      const s = e.features.map((x) => dotp(w, x));
      const max = Math.max(...s);
      const exp = s.map((x) => Math.exp(x - max));
      const z = exp.reduce((a, b) => a + b, 0);
      const zPos = exp.reduce((a, b, i) => a + (e.positive[i] ? b : 0), 0);
      // d/dw [log zPos - log z] = Σ_pos (exp/zPos) x - Σ (exp/z) x
      exp.forEach((ex, i) => {
        const coef = (e.positive[i] ? ex / zPos : 0) - ex / z;
        if (coef !== 0) addScaled(grad, coef, defined(e.features[i]));
      });
    }
    const n = usable.length || 1;
    w.forEach((wd, d) => {
      const g = -defined(grad[d]) / n + opts.l2 * wd;
      const md = b1 * defined(m[d]) + (1 - b1) * g;
      const vd = b2 * defined(v[d]) + (1 - b2) * g * g;
      m[d] = md;
      v[d] = vd;
      const mh = md / (1 - b1 ** it);
      const vh = vd / (1 - b2 ** it);
      w[d] = wd - (opts.learningRate * 0.1 * mh) / (Math.sqrt(vh) + 1e-8);
    });
  }
  return w;
}

/** Logistic regression; returns weights (the first feature is expected to be a constant bias). */
export function fitLogistic(X: Float64Array[], y: boolean[], opts: FitOptions = defaultLogisticFit): Float64Array {
  const dims = X[0]?.length ?? 0;
  const w = new Float64Array(dims);
  const m = new Float64Array(dims);
  const v = new Float64Array(dims);
  const grad = new Float64Array(dims);
  for (let it = 1; it <= opts.iterations; it++) {
    grad.fill(0);
    X.forEach((x, i) => {
      const p = sigmoid(dotp(w, x));
      const err = p - (y[i] ? 1 : 0);
      addScaled(grad, err, x);
    });
    const n = X.length || 1;
    w.forEach((wd, d) => {
      const g = defined(grad[d]) / n + (d === 0 ? 0 : opts.l2 * wd);
      const md = 0.9 * defined(m[d]) + 0.1 * g;
      const vd = 0.999 * defined(v[d]) + 0.001 * g * g;
      m[d] = md;
      v[d] = vd;
      w[d] = wd - (opts.learningRate * 0.1 * (md / (1 - 0.9 ** it))) / (Math.sqrt(vd / (1 - 0.999 ** it)) + 1e-8);
    });
  }
  return w;
}

/** How the abstention threshold is chosen from the training questions' confidences. */
export interface ThresholdOptions {
  /**
   * How many standard errors of the most right decisions a threshold may fall short by and still be
   * chosen; the lowest such threshold is (answer more). Near its best the curve of right decisions
   * is flat — thresholds 0.25 to 0.42 were within a point of each other over the development sets —
   * so the single best is a draw of the fold split; the lowest within one standard error (the
   * "one-standard-error rule" of model selection) made more right decisions cross-validated and on
   * the held-out sets (README). 0 chooses the best alone.
   */
  standardErrors: number;
}

export const defaultThresholdFit: ThresholdOptions = { standardErrors: 1 };

/**
 * The threshold that makes (nearly) the most right decisions: answering a question whose best
 * candidate is right, abstaining otherwise. Of the thresholds within `standardErrors` binomial
 * standard errors of the best count, the lowest (answer more); ties go lower too. Candidates are the
 * midpoints between sorted probabilities.
 */
export function chooseThreshold(probabilities: number[], right: boolean[], opts: ThresholdOptions = defaultThresholdFit): number {
  const order = probabilities.map((p, i) => [p, defined(right[i])] as const).sort((a, b) => a[0] - b[0]);
  // Start with "answer everything" and raise the threshold past one question at a time.
  let correct = order.filter(([, r]) => r).length;
  const lowest = order[0];
  const curve: Array<readonly [threshold: number, correct: number]> = [[lowest ? Math.max(0, lowest[0] - 1e-6) : 0.5, correct]];
  for (const [i, [p, r]] of order.entries()) {
    correct += r ? -1 : 1;
    const next = order[i + 1];
    if (next && next[0] === p) continue;
    curve.push([next ? (p + next[0]) / 2 : p + 1e-6, correct]);
  }
  const best = Math.max(...curve.map(([, c]) => c));
  const n = order.length;
  const floor = n ? best - opts.standardErrors * Math.sqrt((best * (n - best)) / n) : best;
  return defined(curve.find(([, c]) => c >= floor - 1e-9))[0];
}

/** Deterministic fold assignment: item i → fold, shuffled by a seeded generator. */
export function folds(n: number, k: number, seed: number): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  let s = seed >>> 0;
  const rand = () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [idx[i], idx[j]] = [defined(idx[j]), defined(idx[i])];
  }
  const out = new Array<number>(n);
  idx.forEach((item, pos) => (out[item] = pos % k));
  return out;
}

function dotp(w: Float64Array, x: Float64Array): number {
  let s = 0;
  for (let d = 0; d < x.length; d++) s += defined(w[d]) * defined(x[d]);
  return s;
}

/** `sum += scale · x`, element by element. */
function addScaled(sum: Float64Array, scale: number, x: Float64Array): void {
  for (let d = 0; d < x.length; d++) sum[d] = defined(sum[d]) + scale * defined(x[d]);
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}
