import { describe, expect, it } from 'vitest';
import { emptyRotation, progress, reconcile, seededShuffle, selectNext } from '../../src/digest/rotation.ts';

const ids = Array.from({ length: 10 }, (_, i) => `f${i}`);

describe('seededShuffle', () => {
  it('is a permutation that depends only on the seed, the salt and the set of ids', () => {
    const a = seededShuffle(ids, 'seed', 1);
    expect([...a].sort()).toEqual([...ids].sort());
    expect(seededShuffle([...ids].reverse(), 'seed', 1)).toEqual(a);
    expect(seededShuffle(ids, 'seed', 2)).not.toEqual(a);
    expect(seededShuffle(ids, 'other', 1)).not.toEqual(a);
  });
});

describe('selectNext', () => {
  it('walks a round without repeats, never spans two rounds, then reshuffles', () => {
    let state = emptyRotation();
    const seen: string[][] = [];
    const labels: string[] = [];
    for (let day = 0; day < 8; day++) {
      const s = selectNext(state, ids, 3, 'seed');
      seen.push(s.factIds);
      labels.push(`${s.state.cycle}:${s.first}-${s.last}/${s.total}`);
      state = { ...s.state, position: s.last };
    }
    expect(labels).toEqual(['1:1-3/10', '1:4-6/10', '1:7-9/10', '1:10-10/10', '2:1-3/10', '2:4-6/10', '2:7-9/10', '2:10-10/10']);
    expect(new Set(seen.slice(0, 4).flat()).size).toBe(10);
    expect(new Set(seen.slice(4).flat()).size).toBe(10);
  });
});

describe('reconcile', () => {
  it('adds facts of a new report to the unshown part of the round and drops facts that vanished', () => {
    const order = seededShuffle(ids, 's', 1);
    const state = { cycle: 1, position: 4, order };
    const now = [...ids.filter((id) => id !== order[1] && id !== order[7]), 'new1', 'new2'];
    const r = reconcile(state, now, 's');
    expect(r.position).toBe(3);
    expect(r.order.slice(0, 3)).toEqual([order[0], order[2], order[3]]);
    expect(r.order.slice(3, 8)).toEqual(order.slice(4).filter((id) => id !== order[7]));
    expect([...r.order.slice(8)].sort()).toEqual(['new1', 'new2']);
    expect(progress(state, now, 's')).toEqual({ shown: 3, total: 10, cycle: 1 });
  });

  it('leaves an unchanged round alone', () => {
    const state = { cycle: 2, position: 5, order: seededShuffle(ids, 's', 2) };
    expect(reconcile(state, ids, 's')).toBe(state);
    expect(progress(emptyRotation(), ids, 's')).toEqual({ shown: 0, total: 10, cycle: 0 });
  });
});
