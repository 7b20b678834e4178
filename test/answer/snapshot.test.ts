/** The index cache's snapshot, read back: an engine made from it keeps copies, not the file's bytes. */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/answer/engine.ts';
import { buildCorpus, parseDocument } from '../../src/corpus/load.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const paragraph = (n: number) => `Ferry ${n} carries ${100 + n} passengers a day across the river, and its captain keeps a log of the timber on board.`;
const TEXT = `---\ntitle: River Towns\n---\n\n## Boats\n\n${Array.from({ length: 60 }, (_, i) => paragraph(i)).join('\n\n')}\n`;

describe('Engine.fromSnapshot', () => {
  it.each([2, 4096])('lets the snapshot bytes go once read (sentence cache of %i passages)', async (bound) => {
    const corpus = buildCorpus([parseDocument('/f/river.md', TEXT)]);
    const built = Engine.fromCorpus(corpus);
    let bytes: Buffer | null = built.toSnapshot();
    // A buffer of its own (not Node's shared pool for small ones), so that its memory can be watched.
    expect(bytes.length).toBeGreaterThan(8192);
    const freed = new WeakRef(bytes.buffer);
    const restored = Engine.fromSnapshot(bytes, { sentenceCachePassages: bound });
    bytes = null;
    await new Promise((r) => setTimeout(r, 10));
    gc();
    await new Promise((r) => setTimeout(r, 10));
    gc();
    expect(freed.deref()).toBeUndefined();
    expect(restored.answer('How many passengers does ferry 7 carry?')).toEqual(built.answer('How many passengers does ferry 7 carry?'));
  });
});
