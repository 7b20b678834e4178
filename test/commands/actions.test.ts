import { describe, expect, it } from 'vitest';
import {
  bindQuestionLogId,
  decodeFeedback,
  decodeView,
  encodeFeedback,
  encodeView,
  excerptRef,
  passageRef,
  resolveExcerptRef,
  MAX_ACTION_VALUE,
} from '../../src/actions.ts';
import { buildCorpus, parseDocument } from '../../src/corpus/load.ts';

describe('action values', () => {
  it('round-trips every view', () => {
    for (const view of [
      { kind: 'ask', logId: 12 },
      { kind: 'ask-more', logId: 12, offset: 3 },
      { kind: 'search', terms: 'coca: prices', offset: 6 },
      { kind: 'search', terms: 'gold', offset: 0, section: 'illegal-mining' },
      { kind: 'source', ref: 'ellis-peru-2/cocaine/4' },
    ] as const) {
      expect(decodeView(encodeView(view))).toEqual(view);
    }
  });

  it('keeps long search terms out of the value but still pages them', () => {
    const terms = 'mining '.repeat(40).trim();
    const value = encodeView({ kind: 'search', terms, offset: 3 });
    expect(value.length).toBeLessThanOrEqual(MAX_ACTION_VALUE);
    expect(decodeView(value)).toEqual({ kind: 'search', terms, offset: 3 });
  });

  it('calls an unknown search key expired and garbage malformed', () => {
    expect(decodeView('k:0::zzzz')).toBe('expired');
    expect(decodeView('nonsense')).toBeUndefined();
    expect(decodeView('m:x:1')).toBeUndefined();
  });

  it('binds the question-log id into placeholder values', () => {
    expect(bindQuestionLogId(encodeView({ kind: 'ask', logId: null }), 7)).toBe('q:7');
    expect(bindQuestionLogId(encodeView({ kind: 'ask-more', logId: null, offset: 0 }), 7)).toBe('m:7:0');
    expect(bindQuestionLogId(encodeFeedback(null, 'a/b/1'), 7)).toBe('7:a/b/1');
    expect(decodeView('q:@')).toBe('expired');
  });

  it('encodes feedback as log id and passage', () => {
    expect(decodeFeedback(encodeFeedback(42, 'a/b/1'))).toEqual({ logId: 42, ref: 'a/b/1' });
    expect(decodeFeedback('@:a/b/1')).toEqual({ logId: null, ref: 'a/b/1' });
    expect(decodeFeedback('x')).toBeUndefined();
  });

  it('refers to a passage with an absurdly long id by its position', () => {
    expect(passageRef({ id: 'a/b/1', order: 3 })).toBe('a/b/1');
    expect(passageRef({ id: `doc/${'s'.repeat(80)}/1`, order: 3 })).toBe('#3');
  });

  it('refers to an excerpt that ran on into the next passage as the passage with "+", and finds both again', () => {
    const corpus = buildCorpus([parseDocument('/f/d.md', '---\ntitle: D\n---\n\n## A\n\nOne.\n\nTwo.\n\n## B\n\nThree.\n')]);
    const [one, two, three] = corpus.passages;
    expect(excerptRef(one!)).toBe('d/a/1');
    expect(excerptRef(one!, true)).toBe('d/a/1+');
    expect(excerptRef({ id: `doc/${'s'.repeat(80)}/1`, order: 3 }, true)).toBe('#3+');
    expect(resolveExcerptRef(corpus, 'd/a/1+')).toEqual({ passage: one, through: two });
    expect(resolveExcerptRef(corpus, `#${one!.order}+`)).toEqual({ passage: one, through: two });
    expect(resolveExcerptRef(corpus, 'd/a/1')).toEqual({ passage: one });
    // Never into another section; an unknown passage is unknown.
    expect(resolveExcerptRef(corpus, 'd/a/2+')).toEqual({ passage: two });
    expect(three!.sectionId).toBe('b');
    expect(resolveExcerptRef(corpus, 'd/z/9+')).toBeUndefined();
  });
});
