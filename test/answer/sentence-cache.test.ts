/**
 * The bounded sentence cache: it keeps at most its bound of passages, drops the least recently used,
 * and makes a dropped passage's sentences again equal to the first ones; an engine whose cache holds
 * only a few passages (so nearly every passage is made again from its text, or from a snapshot's
 * integers) answers, searches, explains and snapshots exactly as one that keeps them all.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/answer/engine.ts';
import { parseEvalFile } from '../../src/answer/evaluate.ts';
import { CANDIDATE_FEATURE_NAMES } from '../../src/answer/features.ts';
import { SentenceCache } from '../../src/answer/sentence-cache.ts';
import { decodeSnapshot } from '../../src/answer/snapshot.ts';
import { indexSentence, type IndexedSentence } from '../../src/answer/sentence-index.ts';
import type { Corpus } from '../../src/corpus/types.ts';
import { tokenize } from '../../src/search/analyze.ts';
import { Vocabulary } from '../../src/search/vocabulary.ts';
import { textTermTest } from '../../src/search/index.ts';
import { sentencesOf } from '../../src/corpus/passage.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const questions = parseEvalFile(readFileSync(join(ROOT, 'eval/dev.jsonl'), 'utf8'), 'dev.jsonl').map((i) => i.q);
questions.push('What is the VRAEM?', 'who wrote this?', 'Who leads the Shining Path?', 'hello', 'How many hectares of coca in 2020?');

let all: Engine;
let tiny: Engine;
beforeAll(async () => {
  all = await Engine.load(join(ROOT, 'corpus'));
  tiny = Engine.fromCorpus(all.corpus, { sentenceCachePassages: 2 });
});

function make(corpus: Corpus, calls: string[]): (id: string) => IndexedSentence[] | undefined {
  return (id) => {
    calls.push(id);
    const p = corpus.byId.get(id);
    return p ? sentencesOf(p).map((s) => indexSentence(s, p, tokenize(s.text))) : undefined;
  };
}

/** Everything a user can see, and what the features made of each question. */
function observe(engine: Engine): string {
  return JSON.stringify({
    answers: questions.map((q) => engine.answer(q)),
    more: engine.answer('tell me more', { question: questions[0] ?? '', answer: engine.answer(questions[0] ?? '') }),
    search: questions.slice(0, 12).map((q) => engine.search(q, { limit: 8 })),
    explain: questions.slice(0, 12).map((q) => engine.explain(q, 5)),
    features: questions.map((q) => engine.analyze(q).candidates.map((c) => [c.passage.id, c.first, c.last, [...c.features]])),
  });
}

describe('SentenceCache', () => {
  it('keeps at most its bound, drops the least recently used, and makes a dropped passage again, equal', () => {
    const ids = all.corpus.passages.slice(0, 3).map((p) => p.id);
    const [a = '', b = '', c = ''] = ids;
    const calls: string[] = [];
    const cache = new SentenceCache(2, make(all.corpus, calls));
    const first = cache.get(a);
    cache.get(b);
    cache.get(a); // a is now the most recently used: c drops b, not a
    cache.get(c);
    expect(cache.size).toBe(2);
    expect(cache.peek(b)).toBeUndefined();
    expect(cache.peek(a)).toBe(first);
    expect(calls).toEqual([a, b, c]);
    const again = cache.get(b);
    expect(calls).toEqual([a, b, c, b]);
    expect(cache.made).toBe(4);
    expect(cache.peek(a)).toBeUndefined(); // a was the least recently used of a and c
    // Made again: new objects, the same sentences.
    cache.get(a);
    expect(cache.get(a)).not.toBe(first);
    expect(cache.get(a)).toEqual(first);
    expect(again?.length).toBe(all.corpus.byId.get(b)?.sentenceCount);
  });

  it('makes nothing for an unknown passage and keeps nothing for it', () => {
    const cache = new SentenceCache(2, make(all.corpus, []));
    expect(cache.get('no/such/passage')).toBeUndefined();
    expect(cache.size).toBe(0);
    expect(cache.made).toBe(0);
  });

  it('peekOrMake walks passages without filling the cache; put evicts beyond the bound', () => {
    const calls: string[] = [];
    const cache = new SentenceCache(1, make(all.corpus, calls));
    const [p, q] = all.corpus.passages;
    expect(cache.peekOrMake(p?.id ?? '')?.length).toBe(p?.sentenceCount);
    expect(cache.size).toBe(0);
    cache.put(p?.id ?? '', []);
    cache.put(q?.id ?? '', []);
    expect(cache.size).toBe(1);
    expect(cache.peek(p?.id ?? '')).toBeUndefined();
    expect(cache.peekOrMake(q?.id ?? '')).toEqual([]);
    expect(calls).toEqual([p?.id]);
  });

  it('refuses a bound below one passage', () => {
    expect(() => new SentenceCache(0, () => [])).toThrow(RangeError);
    expect(() => new SentenceCache(1.5, () => [])).toThrow(RangeError);
  });
});

describe('the build, one passage at a time', () => {
  it("reads whether a passage's text has a term off MiniSearch's postings", () => {
    const has = textTermTest((all as unknown as { index: Parameters<typeof textTermTest>[0] }).index);
    expect(has).not.toBeNull();
    const terms = [...all.vocabulary.df.keys()].slice(0, 400);
    let yes = 0;
    for (const p of all.corpus.passages) {
      const own = new Set(sentencesOf(p).flatMap((s) => tokenize(s.text).map((t) => t.term)));
      for (const t of terms) {
        expect(has?.(p.id, t)).toBe(own.has(t));
        if (own.has(t)) yes++;
      }
    }
    expect(yes).toBeGreaterThan(100);
    expect(has?.('no/such/passage', terms[0] ?? '')).toBe(false);
  });

  it('counts the same vocabulary as all the tokens at once', () => {
    const corpus = all.corpus;
    const tokens = corpus.passages.map((p) => sentencesOf(p).map((s) => tokenize(s.text)));
    const counting = Vocabulary.counting(corpus);
    corpus.passages.forEach((p, i) => counting.add(p, tokens[i] ?? []));
    const state = counting.done().snapshot();
    expect(state).toEqual(new Vocabulary(corpus, tokens).snapshot());
    expect(state.properNouns.length).toBeGreaterThan(0);
  });
});

describe('an engine with a tiny sentence cache', () => {
  it('keeps every passage of a corpus that fits, from the build on', () => {
    const stats = all.sentenceCacheStats();
    expect(stats.kept).toBe(all.corpus.passages.length);
    expect(stats.made).toBe(0);
  });

  it('answers exactly as one that keeps every passage, while dropping and making passages again', () => {
    expect(observe(tiny)).toBe(observe(all));
    const stats = tiny.sentenceCacheStats();
    expect(stats.kept).toBeLessThanOrEqual(2);
    // Far more lists made than the corpus has passages: most were dropped and made again.
    expect(stats.made).toBeGreaterThan(all.corpus.passages.length);
  });

  it('finds the first mention of a subject the same way, whichever passages the cache holds', () => {
    const at = CANDIDATE_FEATURE_NAMES.indexOf('firstMention');
    const marked = (engine: Engine) => questions.flatMap((q) => engine.analyze(q).candidates.filter((c) => c.features[at] === 1).map((c) => `${q} → ${c.passage.id}#${c.first}-${c.last}`));
    const withAll = marked(all);
    // The development questions do reach the feature: the comparison is not of two empty lists.
    expect(withAll.length).toBeGreaterThan(0);
    expect(marked(tiny)).toEqual(withAll);
  });

  it('finds the first mention of any terms where a walk of every sentence in order finds it', () => {
    type At = { passageId: string; index: number } | null;
    const firstAt = (engine: Engine, d: string, terms: string[]): At => (engine as unknown as { firstMentionAt(d: string, t: string[]): At }).firstMentionAt(d, terms);
    const corpus = all.corpus;
    const doc = corpus.documents[0]?.id ?? '';
    // What the engine did before: every sentence of the document, in order, made from its text.
    const sentences = corpus.passages.flatMap((p) => sentencesOf(p).map((s, index) => ({ p, index, indexed: indexSentence(s, p, tokenize(s.text)) })));
    const walk = (terms: string[]): At => {
      const hit = sentences.find(({ indexed }) => !indexed.caption && terms.every((t) => indexed.terms.includes(t)));
      return hit ? { passageId: hit.p.id, index: hit.index } : null;
    };
    const vocabulary = [...all.vocabulary.df.keys()];
    const asked = [...vocabulary.map((t) => [t]), ...vocabulary.slice(0, 300).map((t, i) => [t, vocabulary[(i * 7) % vocabulary.length] ?? '']), ['no-such-term'], ['peru', 'no-such-term']];
    const expected = asked.map(walk);
    // Mentions first made far into the report, past the passages read in order, are among them.
    const order = new Map(corpus.passages.map((p, i) => [p.id, i]));
    expect(expected.filter((at) => at && (order.get(at.passageId) ?? 0) >= 40).length).toBeGreaterThan(20);
    expect(expected.filter((at) => at === null).length).toBeGreaterThan(1);
    expect(asked.map((t) => firstAt(all, doc, t))).toEqual(expected);
    expect(asked.map((t) => firstAt(tiny, doc, t))).toEqual(expected);
    // A MiniSearch that does not show its postings: the passages that can hold a mention come from a search.
    const searching = Engine.fromCorpus(corpus, { sentenceCachePassages: 2 });
    delete (searching as unknown as { index: { _idToShortId?: unknown } }).index._idToShortId;
    expect(asked.map((t) => firstAt(searching, doc, t))).toEqual(expected);
  });

  it('makes the same snapshot, and a snapshot read back with a tiny cache answers the same', () => {
    const bytes = all.toSnapshot();
    expect(tiny.toSnapshot().equals(bytes)).toBe(true);
    // Encoded during the build: the same bytes, and an engine that answers the same.
    for (const bound of [2, 4096]) {
      const built = Engine.fromCorpusWithSnapshot(all.corpus, { sentenceCachePassages: bound });
      expect(built.snapshot.equals(bytes)).toBe(true);
      // A corpus that fits keeps its sentences from the build; one that does not keeps none yet.
      expect(built.engine.sentenceCacheStats().kept).toBe(bound >= all.corpus.passages.length ? all.corpus.passages.length : 0);
    }
    const restored = Engine.fromSnapshot(bytes, { sentenceCachePassages: 3 });
    expect(observe(restored)).toBe(observe(all));
    expect(restored.sentenceCacheStats().kept).toBeLessThanOrEqual(3);
    // Its token integers were let go: sentences come from the text, as in a built engine.
    const decoded = decodeSnapshot(bytes).sentences;
    const id = all.corpus.passages[5]?.id ?? '';
    expect(decoded.make(id)).toEqual((all as unknown as { sentences: SentenceCache }).sentences.peekOrMake(id));
    decoded.release();
    expect(() => decoded.make(id)).toThrow(/released/);
    expect(() => decoded.forEachTerm(0, () => undefined)).toThrow(/released/);
  });
});
