import { describe, expect, it } from 'vitest';
import { Engine, defaultEngineOptions } from '../../src/answer/engine.ts';
import { chooseThreshold, fitLogistic, fitRanker, folds } from '../../src/answer/fit.ts';
import { CANDIDATE_FEATURE_NAMES, candidates, sentenceMatches, termMatches } from '../../src/answer/features.ts';
import { decide, overlaps } from '../../src/answer/decide.ts';
import { analyzeQuestion } from '../../src/answer/question.ts';
import { queryTerms } from '../../src/answer/query.ts';
import { indexSentence } from '../../src/answer/sentence-index.ts';
import { buildCorpus, parseDocument } from '../../src/corpus/load.ts';
import { AliasTable } from '../../src/search/aliases.ts';
import { tokenize } from '../../src/search/analyze.ts';
import { MATCH_STRENGTH, Vocabulary, demonymOf, editDistance, sameFamily } from '../../src/search/vocabulary.ts';
import { sentencesOf } from '../../src/corpus/passage.ts';
import { excerptOf } from '../../src/answer/excerpt.ts';

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

  it('squares the coverage shares, so a fitted weight can reward a near-whole match more than two half matches', () => {
    // Each squared feature is its share squared, for the whole question matched and for part of it.
    const ferry = cands[0]!;
    const longer = analyzeQuestion('how many passengers does the ferry carry across the border?');
    const half = candidates(inputs, { q: longer, qts: queryTerms(longer, vocab, aliases, { unknownWeight: 0.8 }), maxChars: 500, maxSentences: 3, firstMention: () => null, subjectTerms: [], acronymSpans: [] })[0]!;
    for (const share of ['exact', 'local', 'focus', 'rare', 'concentration', 'retrieval', 'passage', 'document']) {
      expect(ferry.features[F(`${share}Squared`)]).toBeCloseTo(ferry.features[F(share)]! ** 2, 10);
      expect(half.features[F(`${share}Squared`)]).toBeCloseTo(half.features[F(share)]! ** 2, 10);
    }
    expect(half.features[F('exact')]).toBeLessThan(1);
    expect(half.features[F('exactSquared')]).toBeLessThan(half.features[F('exact')]!);
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

  it('measures how much of the question sits within six words of a new name or figure, for questions asking for one', () => {
    const port = fixture('# Port\n\nThe ferry is old, said Tom Reyes of the harbor office, who has run it for years. Today Marta Solis captains the ferry.\n\nThe ferry carries 300 passengers on a busy day.\n');
    const windowsFor = (question: string) => {
      const pq = analyzeQuestion(question);
      // Matches counted as the engine counts them (WordNet's relations widen retrieval only).
      return candidates(port.inputs, { q: pq, qts: queryTerms(pq, port.vocab, port.aliases, { unknownWeight: 0.8 }), maxChars: 500, maxSentences: 1, firstMention: () => null, subjectTerms: [], acronymSpans: [], matchTypes: new Set(defaultEngineOptions.featureMatchTypes) });
    };
    const context = (question: string, passage: number, sentence: number) => windowsFor(question).find((c) => c.passage === port.inputs[passage]!.passage && c.first === sentence)!.features[F('answerContext')]!;
    // "Marta Solis" stands beside "captains the ferry": the whole question around one new name.
    expect(context('who captains the ferry?', 0, 1)).toBeCloseTo(1, 5);
    // "Tom Reyes" is near "ferry" only; the question's "captains" is not within six words of him.
    const reyes = context('who captains the ferry?', 0, 0);
    expect(reyes).toBeGreaterThan(0);
    expect(reyes).toBeLessThan(1);
    // A figure for a "how many" question; a name the question itself names is not an answer.
    expect(context('how many passengers does the ferry carry?', 1, 0)).toBeCloseTo(1, 5);
    expect(context('who is Marta Solis?', 0, 1)).toBe(0);
    // Other kinds of question do not look for one.
    expect(context('why is the ferry old?', 0, 0)).toBe(0);
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
    const following = cands.filter((c) => c.passage === after && !c.opening);
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
    const windows = Engine.fromCorpus(corpus).analyze(question).candidates.filter((c) => c.passage === after && !c.opening);
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

describe('windows across the boundary of two passages', () => {
  // The sentence that names what is asked about closes one paragraph; the answer opens the next.
  const TEXT3 = `---
title: Harbour Notes
---

## Dredging

Storms filled the channel with silt. The harbour board then approved a dredging contract.

The firm of Carla Brandt won it. Work began in June.

---

The board paid the firm in full.

## Other

Nothing else happened.
`;
  const corpus = buildCorpus([parseDocument('/f/harbour.md', TEXT3)]);
  const source = corpus.documents[0]!.source;
  const F = (name: string) => CANDIDATE_FEATURE_NAMES.indexOf(name as never);
  const [approved, won, paid, other] = corpus.passages;
  const engine = Engine.fromCorpus(corpus);
  const question = 'which firm won the dredging contract the harbour board approved?';

  it('runs from the closing sentences of one passage into the opening ones of the next, as one slice of the source', () => {
    const a = engine.analyze(question);
    const across = a.candidates.filter((c) => c.opening);
    // Closing sentences of the first paragraph × opening sentences of the second, three sentences at most.
    expect(across.map((c) => [c.opening!.first, c.last]).sort()).toEqual([[0, 0], [1, 0], [1, 1]]);
    for (const c of across) {
      expect(c.opening!.passage).toBe(approved);
      expect(c.passage).toBe(won);
      expect(c.first).toBe(0);
      expect(c.features[F('crosses')]).toBe(1);
      const text = engine.candidateText(c, a.qts);
      const start = source.indexOf(text);
      expect(start).toBeGreaterThan(0);
      expect(source.slice(start, start + text.length)).toBe(text);
    }
    const joined = across.find((c) => c.opening!.first === 1 && c.last === 0)!;
    expect(engine.candidateText(joined, a.qts)).toBe('The harbour board then approved a dredging contract.\n\nThe firm of Carla Brandt won it.');
    // Two sentences, and every question word but none from outside the window.
    expect(joined.features[F('twoSentences')]).toBe(1);
    expect(joined.features[F('exact')]).toBeGreaterThan(Math.max(...a.candidates.filter((c) => !c.opening).map((c) => c.features[F('exact')]!)));
    expect(a.candidates.filter((c) => !c.opening).every((c) => c.features[F('crosses')] === 0)).toBe(true);
  });

  it('only when the closing sentences match a question word the opening ones do not (no padding in front of an answer)', () => {
    // "firm" and "won" are both in the opening sentence: the paragraph before adds nothing.
    expect(engine.analyze('which firm won?').candidates.some((c) => c.opening)).toBe(false);
    // "silt" is only in the paragraph before: the windows from it on cross; those from the next sentence do not.
    const across = engine.analyze('which firm won after the silt?').candidates.filter((c) => c.opening);
    expect(across.length).toBeGreaterThan(0);
    expect(across.every((c) => c.opening!.first === 0)).toBe(true);
  });

  it('never crosses into another section, past anything but white space (a rule), or when the option is off', () => {
    const all = engine.analyze('did the board pay the firm, and did nothing else happen?').candidates;
    expect(all.some((c) => c.passage === paid)).toBe(true);
    expect(all.some((c) => c.passage === other)).toBe(true);
    // "Work began in June." and "The board paid …" have a rule between them; the other section is another section.
    expect(all.filter((c) => c.opening).every((c) => c.opening!.passage === approved && c.passage === won)).toBe(true);
    const off = Engine.fromCorpus(corpus, { crossingWindows: false });
    expect(off.analyze(question).candidates.some((c) => c.opening)).toBe(false);
    // Nor onto another page of a paged report: a citation names one page.
    const paged = buildCorpus([parseDocument('/f/harbour.md', TEXT3)]);
    paged.passages.forEach((p, i) => (p.page = i === 0 ? 1 : 2));
    expect(Engine.fromCorpus(paged).analyze(question).candidates.some((c) => c.opening)).toBe(false);
    paged.passages.forEach((p) => (p.page = 1));
    expect(Engine.fromCorpus(paged).analyze(question).candidates.some((c) => c.opening)).toBe(true);
  });

  it('answers with the whole stretch, cited to the passage it starts in and naming the one it runs on into', () => {
    const weights = { candidate: { exact: 4, crosses: 2 }, confidence: { bias: 5 }, threshold: 0.5 };
    const fitted = Engine.fromCorpus(corpus, { weights });
    const a = fitted.answer(question);
    expect(a.answered).toBe(true);
    const e = a.answer!;
    expect(fitted.explain(question, 1)[0]).toMatchObject({ text: e.text, passageId: approved!.id });
    expect(e.text).toMatch(/^(Storms filled the channel with silt\. )?The harbour board then approved a dredging contract\.\n\nThe firm of Carla Brandt won it\.$/);
    expect(source.slice(e.start, e.end)).toBe(e.text);
    expect(e.passageId).toBe(approved!.id);
    expect(e.endPassageId).toBe(won!.id);
    expect(e.citation).toMatchObject({ passageId: approved!.id, paragraph: approved!.paragraph, lastParagraph: won!.paragraph });
    expect(e.citation.label).toMatch(new RegExp(`Dredging ¶${approved!.paragraph}–${won!.paragraph}$`));
    // Highlights are offsets into the excerpt, on both sides of the boundary.
    expect(e.highlights.map((h) => e.text.slice(h.start, h.end))).toEqual(expect.arrayContaining(['harbour', 'firm', 'won']));
    // The closest passages list it once, as the passage it is cited to.
    expect(a.passages.filter((p) => p.passageId === approved!.id)).toHaveLength(1);
  });

  it('overlaps the windows of either passage it covers, and no other', () => {
    const window = (passage: typeof won, first: number, last: number, opening?: { passage: typeof won; first: number }) => ({ passage: passage!, first, last, features: new Float64Array(), matched: [], ...(opening ? { opening: { passage: opening.passage!, first: opening.first } } : {}) });
    const joined = window(won, 0, 0, { passage: approved, first: 1 });
    expect(overlaps(joined, window(approved, 1, 1))).toBe(true);
    expect(overlaps(window(won, 0, 1), joined)).toBe(true);
    expect(overlaps(joined, window(won, 0, 0, { passage: approved, first: 0 }))).toBe(true);
    expect(overlaps(joined, window(won, 1, 1))).toBe(false);
    expect(overlaps(joined, window(approved, 0, 0))).toBe(false);
    expect(overlaps(joined, window(paid, 0, 0))).toBe(false);
    // Two windows across two boundaries in a row share the middle passage's sentences, or not.
    const next = window(paid, 0, 0, { passage: won, first: 1 });
    expect(overlaps(next, window(won, 0, 1, { passage: approved, first: 1 }))).toBe(true);
    expect(overlaps(window(won, 0, 0, { passage: approved, first: 1 }), next)).toBe(false);
    expect(overlaps(next, joined)).toBe(false);
  });

  it('is not cited past its end when the excerpt stays inside the first passage', () => {
    const p = approved!;
    const doc = corpus.documents[0]!;
    const e = excerptOf(corpus, p, [], p.start, p.end, [], won);
    expect(e.endPassageId).toBeUndefined();
    expect(e.citation.lastParagraph).toBeUndefined();
    expect(doc.source.slice(e.start, e.end)).toBe(e.text);
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

  it('chooses the threshold that makes the most right decisions when no lower one comes close', () => {
    expect(chooseThreshold([0.1, 0.2, 0.8, 0.9], [false, false, true, true])).toBeCloseTo(0.5, 5);
    expect(chooseThreshold([0.1, 0.2], [true, true])).toBeLessThan(0.1);
  });

  it('chooses the lowest threshold within one standard error of the most right decisions', () => {
    // 100 questions by rising confidence: 20 wrong, then 10 right, 10 wrong, then 60 right.
    const probs = Array.from({ length: 100 }, (_, i) => (i + 0.5) / 100);
    const right = probs.map((_, i) => (i >= 20 && i < 30) || i >= 40);
    // Abstaining below 0.20 makes 90 right decisions, below 0.40 90 as well: the tie goes lower.
    expect(chooseThreshold(probs, right, { standardErrors: 0 })).toBeCloseTo(0.2, 5);
    // Make the upper plateau better by 2 (two more wrong among the first right block).
    right[20] = false;
    right[21] = false;
    // Best: 92 at 0.40; 0.22 (past the 22 wrong) makes 90, within one standard error (√(92·8/100) ≈ 2.7) of it.
    expect(chooseThreshold(probs, right, { standardErrors: 0 })).toBeCloseTo(0.4, 5);
    expect(chooseThreshold(probs, right, { standardErrors: 1 })).toBeCloseTo(0.22, 5);
    expect(chooseThreshold(probs, right)).toBeCloseTo(0.22, 5);
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
