/**
 * The order in which a subscription shows facts: a seeded shuffle of every fact, walked from the
 * start; a new shuffle (the next "round") begins only after every fact of the current one was shown.
 * Pure functions over a small state that the store persists, so a restart resumes exactly.
 */
import { defined } from '../checked.ts';

/** Persisted rotation of one subscription. `order.slice(0, position)` have been shown this round. */
export interface RotationState {
  /** 1-based round; 0 before the first digest. */
  cycle: number;
  position: number;
  /** Fact ids in the order this round shows them. */
  order: string[];
}

/** The facts the next digest shows. */
export interface Selection {
  /** The state after reconciling with the current facts (and starting a new round when one ended). */
  state: RotationState;
  factIds: string[];
  /** 1-based positions of the first and last fact within the round: "Facts 24–26 of 87". */
  first: number;
  last: number;
  total: number;
}

/** A fresh state: the first selection starts round 1. */
export const emptyRotation = (): RotationState => ({ cycle: 0, position: 0, order: [] });

/**
 * A 32-bit hash of a string (cyrb53's mixing, truncated), used to turn a stored seed into PRNG state.
 */
export function hashSeed(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h1 ^ h2) >>> 0;
}

/** mulberry32: a tiny deterministic PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Fisher–Yates shuffle of `ids` driven by `seed` and `salt` (the round, or "new" for facts added
 * mid-round). The input is sorted first, so the result depends only on the set of ids and the seed.
 */
export function seededShuffle(ids: readonly string[], seed: string, salt: string | number): string[] {
  const out = [...new Set(ids)].sort();
  const random = mulberry32(hashSeed(`${seed}:${salt}`));
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [defined(out[j]), defined(out[i])];
  }
  return out;
}

/**
 * Brings a state in line with the facts that exist now: facts that vanished (a report was removed or
 * re-cut) drop out, facts that appeared (a new report) join the unshown part of the round, shuffled.
 */
export function reconcile(state: RotationState, factIds: readonly string[], seed: string): RotationState {
  // Before the first round there is nothing to reconcile; the first selection shuffles everything.
  if (state.order.length === 0) return state;
  const exists = new Set(factIds);
  const shown = state.order.slice(0, state.position).filter((id) => exists.has(id));
  const rest = state.order.slice(state.position).filter((id) => exists.has(id));
  const known = new Set(state.order);
  const added = factIds.filter((id) => !known.has(id));
  if (added.length === 0 && shown.length + rest.length === state.order.length) return state;
  const appended = seededShuffle(added, seed, `${state.cycle}:new:${state.order.length}`);
  return { cycle: state.cycle, position: shown.length, order: [...shown, ...rest, ...appended] };
}

/**
 * Picks the next `count` facts. A digest never spans two rounds: near the end of a round it shows
 * what is left, and the next digest starts a freshly shuffled round.
 */
export function selectNext(state: RotationState, factIds: readonly string[], count: number, seed: string): Selection {
  let s = reconcile(state, factIds, seed);
  if (s.position >= s.order.length && factIds.length > 0) {
    const cycle = s.cycle + 1;
    s = { cycle, position: 0, order: seededShuffle(factIds, seed, cycle) };
  }
  const picked = s.order.slice(s.position, s.position + count);
  return { state: s, factIds: picked, first: s.position + 1, last: s.position + picked.length, total: s.order.length };
}

/** How far the current round has come: "shown 23 of 87". */
export function progress(state: RotationState, factIds: readonly string[], seed: string): { shown: number; total: number; cycle: number } {
  const s = reconcile(state, factIds, seed);
  if (s.order.length === 0) return { shown: 0, total: factIds.length, cycle: s.cycle };
  return { shown: s.position, total: s.order.length, cycle: s.cycle };
}
