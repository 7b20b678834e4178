/**
 * A checked read for code whose indices are right by construction — numeric loops over parallel
 * arrays, a regular expression's mandatory groups — where `noUncheckedIndexedAccess` types every
 * read as possibly `undefined`. A read out of range is a bug in the caller, so it throws an internal
 * error naming the index rather than letting `undefined` (or a default that would hide the bug) flow on.
 */
export function at<T>(list: ArrayLike<T>, i: number): T {
  const x = list[i];
  if (x === undefined) throw new RangeError(`internal error: index ${i} read out of range (length ${list.length})`);
  return x;
}
