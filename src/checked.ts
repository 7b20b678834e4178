/**
 * A checked read for code whose indices are right by construction — numeric loops over parallel
 * arrays, a regular expression's mandatory groups — where `noUncheckedIndexedAccess` types every
 * read as possibly `undefined`: `defined(xs[i])`. Undefined there is a bug in the caller, so it
 * throws an internal error rather than letting `undefined` (or a default that would hide the bug)
 * flow on. The read itself stays at the call site, where the engine sees one kind of array, so a
 * hot numeric loop stays as fast as with a bare index.
 */
export function defined<T>(x: T | undefined): T {
  if (x === undefined) throw new RangeError('internal error: read out of range (an index past the end of its array, or a missing match group)');
  return x;
}
