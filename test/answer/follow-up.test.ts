import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/answer/engine.ts';
import { readFollowUp, type Turn } from '../../src/answer/follow-up.ts';
import { buildCorpus, parseDocument } from '../../src/corpus/load.ts';

const TEXT = `---
title: Two Rivers
author: Ana Ruiz
date: 2023-03-01
---

## Farms

Farmers in Peru grew 900 hectares of quinoa in 2021. Farmers in Bolivia grew 1,400 hectares of quinoa in 2021.

The harvest was late because the rains came early.

## Markets

Most of the grain is sold in Lima.
`;

const engine = Engine.fromCorpus(buildCorpus([parseDocument('/f/rivers.md', TEXT)]));
const isName = (w: string) => engine.vocabulary.properNouns.has(w);

function turn(question: string): Turn {
  return { question, answer: engine.answer(question) };
}

describe('readFollowUp', () => {
  it('takes a question that stands on its own, or one with no previous turn, as it is', () => {
    expect(readFollowUp('How many hectares of quinoa did Bolivia grow?', turn('How many hectares of quinoa did Peru grow?'), isName)).toBeNull();
    expect(readFollowUp('and Bolivia?', undefined, isName)).toBeNull();
  });

  it('puts a new name in place of the previous one', () => {
    const f = readFollowUp('and what about Bolivia?', turn('How many hectares of quinoa did Peru grow?'), isName);
    expect(f).toEqual({ kind: 'rewrite', question: 'how many hectares quinoa grow bolivia' });
  });

  it('asks a bare question word of the previous subject', () => {
    expect(readFollowUp('why?', turn('Was the harvest late?'), isName)).toEqual({ kind: 'rewrite', question: 'why harvest late' });
  });

  it('reads "tell me more" and "the next one" as a request for more', () => {
    expect(readFollowUp('tell me more', turn('Was the harvest late?'), isName)).toEqual({ kind: 'more' });
    expect(readFollowUp('the next one', turn('Was the harvest late?'), isName)).toEqual({ kind: 'more' });
  });
});

describe('Engine.answer with the previous turn', () => {
  it('answers "and what about Bolivia?" about Bolivia, and says what it understood', () => {
    const a = engine.answer('and what about Bolivia?', turn('How many hectares of quinoa did Peru grow in 2021?'));
    expect(a.understood).toContain('bolivia');
    expect(a.passages[0]!.text).toContain('Bolivia grew 1,400 hectares');
  });

  /** A turn that showed the whole of `id` (and ran on into `through`, when given). */
  function shown(id: string, through?: string): Turn {
    const { passage, citation } = engine.passage(id);
    const end = through ? engine.corpus.byId.get(through)!.end : passage.end;
    const source = engine.corpus.documents[0]!.source;
    const answer = { text: source.slice(passage.start, end), passageId: passage.id, documentId: passage.documentId, start: passage.start, end, highlights: [], citation, ...(through ? { endPassageId: through } : {}) };
    return { question: 'q', answer: { question: 'q', answered: true, confidence: 0.9, answer, passages: [] } };
  }

  it('answers "tell me more" with the passage that follows, as an exact slice', () => {
    const a = engine.answer('tell me more', shown('rivers/farms/1'));
    expect(a.answered).toBe(true);
    expect(a.answer!.text).toBe('The harvest was late because the rains came early.');
    expect(a.understood).toMatch(/^the passage after /);
    const source = engine.corpus.documents[0]!.source;
    expect(source.slice(a.answer!.start, a.answer!.end)).toBe(a.answer!.text);
  });

  it('goes on after the passage an excerpt ran on into, not the one it started in', () => {
    const a = engine.answer('tell me more', shown('rivers/farms/1', 'rivers/farms/2'));
    expect(a.answer!.text).toBe('Most of the grain is sold in Lima.');
    // And after a real answer, whichever passage it ended in.
    const first = turn('How many hectares of quinoa did Peru grow in 2021?');
    const last = first.answer.answer!.endPassageId ?? first.answer.answer!.passageId!;
    const after = engine.corpus.passages[engine.corpus.passages.findIndex((p) => p.id === last) + 1]!;
    expect(engine.answer('tell me more', first).answer!.text).toBe(after.text);
  });

  it('says there is no more after the last passage of a document', () => {
    expect(engine.answer('tell me more', shown('rivers/markets/1'))).toMatchObject({ answered: false, reason: 'not-covered' });
  });
});
