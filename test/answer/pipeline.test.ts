import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/answer/engine.ts';
import { chooseThreshold, fitLogistic, fitRanker, folds } from '../../src/answer/fit.ts';
import { CANDIDATE_FEATURE_NAMES, candidates, sentenceMatches, termMatches } from '../../src/answer/features.ts';
import { decide } from '../../src/answer/decide.ts';
import { analyzeQuestion } from '../../src/answer/question.ts';
import { queryTerms } from '../../src/answer/query.ts';
import { indexSentence } from '../../src/answer/sentence-index.ts';
import { buildCorpus, parseDocument } from '../../src/corpus/load.ts';
import { AliasTable } from '../../src/search/aliases.ts';
import { tokenize } from '../../src/search/analyze.ts';
import { MATCH_STRENGTH, Vocabulary, demonymOf, editDistance, sameFamily } from '../../src/search/vocabulary.ts';
import { sentencesOf } from '../../src/corpus/passage.ts';

const MATCH = (type: keyof typeof MATCH_STRENGTH) => MATCH_STRENGTH[type];

const TEXT = `---
title: River Towns
author: Lea Moss
date: 2021-05-02
---

## Boats

The ferry carries 300 passengers a day across the river. Its captain is Marta Solis.

Smugglers moved timber downstream because the border posts were unmanned.
`;

function fixture(text = TEXT) {
  const corpus = buildCorpus([parseDocument('/f/river.md', text)]);
  const tokens = corpus.passages.map((p) => sentencesOf(p).map((s) => tokenize(s.text)));
  const vocab = new Vocabulary(corpus, tokens);
  const aliases = new AliasTable([], corpus.glossary);
  const inputs = corpus.passages.map((p, rank) => ({
    passage: p,
    sentences: sentencesOf(p).map((s, i) => indexSentence(s, p, tokens[corpus.passages.indexOf(p)]![i]!)),
    score: 10 - rank,
    rank,
    contextTerms: new Set<string>(),
    documentTerms: new Set(tokens.flat(2).map((t) => t.term)),
  }));
  return { corpus, vocab, aliases, inputs };
}

describe('Vocabulary', () => {
  const { vocab } = fixture();

  it('corrects a misspelled corpus word, but never an English word', () => {
    expect(vocab.correct('pasengers')).toBe('passeng');
    expect(vocab.isEnglishWord('joke')).toBe(true);
    expect(vocab.isEnglishWord('pasengers')).toBe(false);
  });

  it('relates a question word to corpus words through WordNet', () => {
    const related = new Map(vocab.related('lumber'));
    expect(related.get('timber')).toBeDefined();
  });

  it('knows word families and demonyms', () => {
    expect(sameFamily('produc', 'product')).toBe(true);
    expect(sameFamily('chang', 'exchang')).toBe(false);
    expect(demonymOf('mexico', 'mexican')).toBe(true);
    expect(editDistance('froce', 'force', 1)).toBe(1);
  });
});

describe('query terms', () => {
  const { vocab, aliases } = fixture();

  it('weighs words by rarity and marks stand-ins by how they stand in', () => {
    const qts = queryTerms(analyzeQuestion('who moved lumber?'), vocab, aliases, { unknownWeight: 0.8 });
    const lumber = qts.find((t) => t.surface === 'lumber')!;
    expect(lumber.known).toBe(true);
    expect(lumber.credits.get('timber')).toMatch(/synonym|derived|broader/);
  });

  it('leaves an English word it does not know unknown instead of correcting it', () => {
    const qts = queryTerms(analyzeQuestion('tell me about the jokes'), vocab, aliases, { unknownWeight: 0.8 });
    expect(qts.find((t) => t.surface === 'jokes')).toMatchObject({ known: false, corrected: false });
  });
});

describe('candidate features', () => {
  const { vocab, aliases, inputs } = fixture();
  const q = analyzeQuestion('how many passengers does the ferry carry?');
  const qts = queryTerms(q, vocab, aliases, { unknownWeight: 0.8 });
  const cands = candidates(inputs, { q, qts, maxChars: 500, maxSentences: 3, firstMention: () => null, subjectTerms: [], acronymSpans: [] });
  const F = (name: string) => CANDIDATE_FEATURE_NAMES.indexOf(name as never);

  it('makes every window of one to three sentences that matches a word of the question a candidate', () => {
    // The second sentence of the first passage ("Its captain …") matches nothing alone.
    const first = inputs[0]!.passage;
    expect(cands.filter((c) => c.passage === first).map((c) => [c.first, c.last])).toEqual([[0, 0], [0, 1]]);
  });

  it('gives the sentence with the figure and the question words the full word-for-word share and a type fit', () => {
    const first = cands[0]!;
    expect(first.features[F('exact')]).toBeCloseTo(1, 5);
    expect(first.features[F('typeFit')]).toBe(1);
    expect(cands[1]!.features[F('exact')]).toBeCloseTo(1, 5);
  });

  it('records, per sentence, how each query term is matched', () => {
    const { types } = sentenceMatches(inputs[0]!.sentences[0]!, qts);
    expect([...types].every((t) => t === 0)).toBe(true);
  });

  it('looks each word of a sentence up once: the query terms it matches, how, and only the counted ways', () => {
    const qt = (term: string, credits: Array<[string, 'alias' | 'family' | 'synonym']>) => ({ ...qts[0]!, term, credits: new Map(credits) });
    const terms = [qt('boat', [['ferri', 'synonym'], ['vessel', 'family']]), qt('ferri', []), qt('river', [['vessel', 'alias']])];
    const all = termMatches(terms);
    expect(all.get('ferri')).toEqual([[0, MATCH('synonym')], [1, 0]]);
    expect(all.get('vessel')).toEqual([[0, MATCH('family')], [2, MATCH('alias')]]);
    const counted = termMatches(terms, new Set(['exact', 'alias']));
    expect(counted.get('ferri')).toEqual([[1, 0]]);
    expect(counted.get('vessel')).toEqual([[2, MATCH('alias')]]);
    expect(counted.has('boat')).toBe(true);
  });

  it('finds neighbouring question words within two words of each other, in either order', () => {
    const near = fixture('# Port\n\nThe harbor ferry left. A ferry, then the old harbor. The harbor stood far north, well away from every passing ferry.\n');
    const nq = analyzeQuestion('harbor ferry');
    const nqts = queryTerms(nq, near.vocab, near.aliases, { unknownWeight: 0.8 });
    const windows = candidates(near.inputs, { q: nq, qts: nqts, maxChars: 500, maxSentences: 1, firstMention: () => null, subjectTerms: [], acronymSpans: [] });
    const bigram = (sentence: number) => windows.find((c) => c.first === sentence)!.features[F('bigram')];
    expect(bigram(0)).toBe(1);
    expect(bigram(1)).toBe(1);
    expect(bigram(2)).toBe(0);
  });

  it('weighs a question word by its rarity among the retrieved sentences: the word they all share counts little', () => {
    const harbor = fixture('# Port\n\nThe harbor has a lighthouse. The harbor has a ferry. The harbor has a market.\n');
    const hq = analyzeQuestion('harbor ferry');
    const hqts = queryTerms(hq, harbor.vocab, harbor.aliases, { unknownWeight: 0.8 });
    const windows = candidates(harbor.inputs, { q: hq, qts: hqts, maxChars: 500, maxSentences: 1, firstMention: () => null, subjectTerms: [], acronymSpans: [] });
    const local = (sentence: number) => windows.find((c) => c.first === sentence)!.features[F('local')]!;
    // "harbor" is in all three sentences, "ferry" in one: log(1 + 3/4) against log(1 + 3/2).
    expect(local(1)).toBeCloseTo(1, 5);
    expect(local(0)).toBeCloseTo(Math.log(1.75) / (Math.log(1.75) + Math.log(2.5)), 5);
    expect(local(2)).toBeCloseTo(local(0), 5);
  });

  it('does not match a word the question writes in lower case, among capitalized names, with a word inside a name', () => {
    const corpus = buildCorpus([parseDocument('/f/b.md', '# Gangs\n\nBrazil’s First Capital Command is present in Peru. Lima is the capital.\n')]);
    const tokens = corpus.passages.map((p) => sentencesOf(p).map((s) => tokenize(s.text)));
    const vocab = new Vocabulary(corpus, tokens);
    const sentence = indexSentence(sentencesOf(corpus.passages[0]!)[0]!, corpus.passages[0]!, tokens[0]![0]!);
    const matched = (question: string) => {
      const terms = queryTerms(analyzeQuestion(question), vocab, new AliasTable([], corpus.glossary), { unknownWeight: 0.8 });
      const { types } = sentenceMatches(sentence, terms);
      return terms.filter((_, i) => types[i] !== 255).map((t) => t.surface);
    };
    // "capital" the common noun is not the C of "Capital Command"; "Brazil" is the name either way.
    expect(matched('What is the capital of Brazil?')).toEqual(['brazil']);
    // Written as a name, or in a question typed all in lower case, it matches. (A word the corpus
    // writes only as part of names counts as a name whatever the question's case.)
    expect(matched('What is the First Capital Command of Brazil?')).toEqual(['first', 'capital', 'command', 'brazil']);
    expect(matched('what is the capital command')).toEqual(['capital', 'command']);
  });
});

describe('the passage after a retrieved one', () => {
  // Retrieval keeps one passage here (candidatePassages: 1): the first paragraph, which holds most of
  // the question's words. The answer opens the next paragraph, which shares only "dredging".
  const TEXT2 = `---
title: Harbour Notes
---

## Dredging

The harbour board finally approved the dredging contract last spring.

Dredging began in June under Carla Brandt. Her crews worked on the contract at night. The silt went to the east bank. The board paid the contract in full.

## Other

The board approved the dredging contract again.
`;
  const corpus = buildCorpus([parseDocument('/f/harbour.md', TEXT2)]);
  const F = (name: string) => CANDIDATE_FEATURE_NAMES.indexOf(name as never);
  const [approved, after, other] = corpus.passages;
  const question = 'when did the harbour board approve the dredging contract, and who ran it?';
  const oneRetrieved = Engine.fromCorpus(corpus, { candidatePassages: 1 });

  it('offers the windows that open it as candidates, with the retrieved passage\'s last sentence as their lead-in', () => {
    const cands = oneRetrieved.analyze(question).candidates;
    expect(cands.some((c) => c.passage === approved)).toBe(true);
    const following = cands.filter((c) => c.passage === after);
    // Only windows that open the passage, though its fourth sentence matches the question too.
    expect(following.map((c) => [c.first, c.last])).toEqual([[0, 0], [0, 1], [0, 2]]);
    for (const c of following) {
      expect(c.features[F('follows')]).toBe(1);
      expect(c.features[F('retrieval')]).toBe(0);
      // "harbour", "board", "approve", "contract" are in the lead-in, not in the window.
      expect(c.features[F('leadIn')]).toBeGreaterThan(0.3);
    }
    expect(cands.filter((c) => c.passage === approved).every((c) => c.features[F('follows')] === 0)).toBe(true);
  });

  it('is never brought in from another section, nor when the option is off', () => {
    expect(other!.sectionId).not.toBe(approved!.sectionId);
    expect(oneRetrieved.analyze(question).candidates.some((c) => c.passage === other)).toBe(false);
    const off = Engine.fromCorpus(corpus, { candidatePassages: 1, followingPassages: false });
    expect(off.analyze(question).candidates.some((c) => c.passage === after)).toBe(false);
  });

  it('is a candidate once, and in full, when retrieval brings it in itself', () => {
    const windows = Engine.fromCorpus(corpus).analyze(question).candidates.filter((c) => c.passage === after);
    expect(windows.every((c) => c.features[F('follows')] === 0)).toBe(true);
    expect(windows.some((c) => c.first === 3)).toBe(true);
    expect(new Set(windows.map((c) => `${c.first}-${c.last}`)).size).toBe(windows.length);
  });

  it('gives a retrieved passage the last sentence of the passage before as the lead-in of its first sentence', () => {
    const cands = Engine.fromCorpus(corpus).analyze('who ran it: Carla Brandt?').candidates;
    const opening = cands.find((c) => c.passage === after && c.first === 0 && c.last === 0)!;
    expect(opening.features[F('leadIn')]).toBe(0);
    const led = Engine.fromCorpus(corpus).analyze('did Carla Brandt run the work the harbour board approved?').candidates.find((c) => c.passage === after && c.first === 0 && c.last === 0)!;
    expect(led.features[F('leadIn')]).toBeGreaterThan(0);
  });
});

describe('fitting', () => {
  it('learns to rank the candidate that has the answer first', () => {
    const examples = Array.from({ length: 20 }, () => ({
      features: [Float64Array.of(1, 0), Float64Array.of(0, 1), Float64Array.of(0.5, 0.5)],
      positive: [true, false, false],
    }));
    const w = fitRanker(examples, 2, { iterations: 200, learningRate: 0.5, l2: 0 });
    expect(w[0]).toBeGreaterThan(w[1]!);
  });

  it('fits a logistic model whose probabilities follow the label', () => {
    const X = [0, 0.2, 0.4, 0.6, 0.8, 1].map((v) => Float64Array.of(1, v));
    const w = fitLogistic(X, [false, false, false, true, true, true]);
    expect(w[1]).toBeGreaterThan(0);
  });

  it('chooses the threshold that makes the most right decisions', () => {
    expect(chooseThreshold([0.1, 0.2, 0.8, 0.9], [false, false, true, true])).toBeCloseTo(0.5, 5);
    expect(chooseThreshold([0.1, 0.2], [true, true])).toBeLessThan(0.1);
  });

  it('deals items over folds deterministically and evenly', () => {
    const f = folds(10, 5, 7);
    expect(folds(10, 5, 7)).toEqual(f);
    expect([0, 1, 2, 3, 4].map((k) => f.filter((x) => x === k).length)).toEqual([2, 2, 2, 2, 2]);
  });
});

describe('decision', () => {
  const { vocab, aliases, inputs } = fixture();
  const q = analyzeQuestion('how many passengers does the ferry carry?');
  const qts = queryTerms(q, vocab, aliases, { unknownWeight: 0.8 });
  const [best] = candidates(inputs, { q, qts, maxChars: 500, maxSentences: 1, firstMention: () => null, subjectTerms: [], acronymSpans: [] });

  it('answers at or above the threshold and abstains below it, in two wordings', () => {
    expect(decide(best!, 0.9, 0.5, { closeConfidence: 0.15, closeCoverage: 0.6 })).toEqual({ answered: true });
    expect(decide(best!, 0.3, 0.5, { closeConfidence: 0.15, closeCoverage: 0.6 })).toEqual({ answered: false, reason: 'unclear' });
    expect(decide(best!, 0.1, 0.5, { closeConfidence: 0.15, closeCoverage: 0.6 })).toEqual({ answered: false, reason: 'not-covered' });
  });

  it('says "not covered" when the question names something the corpus never mentions', () => {
    expect(decide(best!, 0.99, 0.5, { closeConfidence: 0.15, closeCoverage: 0.6 }, true)).toEqual({ answered: false, reason: 'not-covered' });
  });
});
