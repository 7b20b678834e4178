import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/answer/engine.ts';
import type { Excerpt, SearchHit } from '../../src/answer/types.ts';
import { buildCorpus, parseDocument } from '../../src/corpus/load.ts';
import { InputError } from '../../src/errors.ts';
import { fold } from '../../src/search/fold.ts';
import { sentencesOf } from '../../src/corpus/passage.ts';

const CORPUS_DIR = fileURLToPath(new URL('../../corpus', import.meta.url));
const TITLE = "The Evolution of Peru's Multidimensional Challenges, Part II: Transnational Organized Crime";

let engine: Engine;

beforeAll(async () => {
  engine = await Engine.load(CORPUS_DIR);
});

/** The excerpt is a verbatim slice of its document, inside its passage. */
function expectExactSlice(e: Excerpt): void {
  const doc = engine.corpus.documentsById.get(e.documentId)!;
  expect(doc.source.slice(e.start, e.end)).toBe(e.text);
  const passage = engine.corpus.byId.get(e.passageId!)!;
  // It starts in the cited passage, and ends there or in the passage named as the one it runs on into.
  const last = e.endPassageId === undefined ? passage : engine.corpus.byId.get(e.endPassageId)!;
  expect(e.start).toBeGreaterThanOrEqual(passage.start);
  expect(e.start).toBeLessThan(passage.end);
  expect(e.end).toBeLessThanOrEqual(last.end);
  if (e.endPassageId !== undefined) expect(e.end).toBeGreaterThan(passage.end);
  for (const h of e.highlights) {
    expect(h.start).toBeGreaterThanOrEqual(0);
    expect(h.end).toBeGreaterThan(h.start);
    expect(h.end).toBeLessThanOrEqual(e.text.length);
  }
}

/** Whole sentences of the cited passage (and of the one it runs on into), one to three of them. */
function sentencesIn(e: Excerpt): string[] {
  const passages = [e.passageId!, ...(e.endPassageId === undefined ? [] : [e.endPassageId])].map((id) => engine.corpus.byId.get(id)!);
  const inside = passages.flatMap((p) => sentencesOf(p)).filter((s) => s.start < e.end && s.end > e.start);
  expect(inside[0]!.start).toBe(e.start);
  expect(inside.at(-1)!.end).toBe(e.end);
  return inside.map((s) => s.text);
}

const HARBOR = `---
title: Harbor Notes
author: Ana Ruiz
date: 2023-03-01
publisher: Coastal Review
---

Ana Ruiz | March 1, 2023

## Fishing

The harbor fleet landed 4,200 tons of sardines in 2022. Most of the catch was sold in the northern market.

Fuel prices rose sharply because the refinery closed for repairs. Several boats stayed in port as a result.

## Storms

A storm in January damaged the eastern pier. The town council approved 3 million dollars for repairs.
`;

const ORCHARD = `Orchard survey

The orchard cooperative planted 900 apple trees along the river. Its members are mostly retired teachers.

Frost destroyed half of the blossoms in April, so the harvest was small.
`;

/** A two-document fixture: one with front matter and a byline, one with only a title line. */
function fixtureEngine(): Engine {
  return Engine.fromCorpus(buildCorpus([parseDocument('/fixtures/harbor.md', HARBOR), parseDocument('/fixtures/orchard.txt', ORCHARD, 100)]));
}

describe('Engine.answer on a small corpus', () => {
  const fx = fixtureEngine();

  it.each([
    ['How many tons of sardines did the fleet land in 2022?', '4,200 tons of sardines', 'harbor'],
    ['why did fuel prices go up?', 'the refinery closed for repairs', 'harbor'],
    ['how many apple trees were planted?', '900 apple trees', 'orchard'],
  ])('quotes "%s" word for word from the right document', (question, gold, doc) => {
    const a = fx.answer(question);
    expect(a.passages.map((p) => p.text).join(' ')).toContain(gold);
    const top = a.passages[0]!;
    expect(top.citation.documentId).toBe(doc);
    if (a.answer) {
      const source = fx.corpus.documentsById.get(a.answer.documentId)!.source;
      expect(source.slice(a.answer.start, a.answer.end)).toBe(a.answer.text);
      expect(a.answer.text.length).toBeLessThanOrEqual(500);
    }
  });

  it('labels a citation by author and year, or by title when there is no author', () => {
    const harbor = fx.answer('How many tons of sardines did the fleet land in 2022?').passages[0]!;
    expect(harbor.citation.label).toMatch(/^Ruiz 2023 · Fishing ¶1$/);
    const orchard = fx.answer('how many apple trees were planted?').passages[0]!;
    expect(orchard.citation.label).toMatch(/^Orchard survey · Introduction ¶1$/);
  });

  it('keeps the title line and the byline out of the passages', () => {
    const texts = fx.corpus.passages.map((p) => p.text);
    expect(texts).not.toContain('Orchard survey');
    expect(texts).not.toContain('Ana Ruiz | March 1, 2023');
  });

  it('answers who wrote a document from its byline, cited to the document, not to a passage', () => {
    const a = fx.answer('who wrote this?');
    expect(a.answered).toBe(true);
    expect(a.answer!.text).toBe('Ana Ruiz | March 1, 2023');
    expect(a.answer!.passageId).toBeNull();
    expect(a.answer!.citation).toMatchObject({ documentId: 'harbor', section: null, passageId: null, label: 'Ruiz 2023' });
    const source = fx.corpus.documentsById.get('harbor')!.source;
    expect(source.slice(a.answer!.start, a.answer!.end)).toBe(a.answer!.text);
  });

  it('answers when a document was published, and who published it, from its metadata', () => {
    expect(fx.answer('When was the report published?').answer!.text).toBe('Ana Ruiz | March 1, 2023');
    expect(fx.answer('who is the publisher of this report?').answer!.text).toBe('Coastal Review');
    // A noun naming the field after "which"/"what", or "where" opening the question, asks for the
    // publisher, not the date that "put out" or "published" could cue.
    expect(fx.answer('Which publication put this out?').answer!.text).toBe('Coastal Review');
    expect(fx.answer('Where was this published?').answer!.text).toBe('Coastal Review');
    expect(fx.answer('what year was this published?').answer!.text).toBe('Ana Ruiz | March 1, 2023');
  });

  it('lists every document for "what reports do you have?"', () => {
    const a = fx.answer('what reports do you have?');
    expect(a.answered).toBe(true);
    expect(a.documents!.map((d) => d.title)).toEqual(['Harbor Notes', 'Orchard survey']);
  });

  it.each(['thanks!', 'lol', 'good bot', 'who are you?', 'tell me a joke', 'gracias', 'ok ty 🙏'])('meets chit-chat "%s" with a pointer, not an answer', (q) => {
    const a = fx.answer(q);
    expect(a).toMatchObject({ answered: false, answer: null, reason: 'chitchat', passages: [] });
  });

  it('abstains on a question about something the documents never mention', () => {
    const a = fx.answer('what is the best pizza topping in Naples?');
    expect(a.answered).toBe(false);
    expect(a.reason).toMatch(/^(not-covered|unclear)$/);
  });

  it('lists the closest passages only when abstaining as unclear', () => {
    for (const q of ['what did the council decide about the pier budget for next decade?', 'pizza toppings in Naples']) {
      const a = fx.answer(q);
      if (a.answered) continue;
      if (a.reason === 'unclear') expect(a.passages.length).toBeGreaterThan(0);
      for (const p of a.passages) expect(fx.corpus.byId.get(p.passageId)!.text).toBe(p.text);
    }
  });

  it('explains a candidate as named features times weights', () => {
    const [best] = fx.explain('How many tons of sardines did the fleet land in 2022?');
    expect(best!.parts.length).toBeGreaterThan(0);
    const sum = best!.parts.reduce((n, p) => n + p.contribution, 0);
    expect(sum).toBeCloseTo(best!.score, 2);
    expect(best!.parts.every((p) => typeof p.description === 'string' && p.description.length > 0)).toBe(true);
  });
});

describe('Engine.answer on the bundled report', () => {
  const questions = [
    'how many cops died from covid',
    'What is the VRAEM?',
    'coca hectares 2020',
    'why did lima get a state of emergency',
    '¿Cuántas hectáreas de coca había en 2020?',
    'how many hectars of coca in 2020',
    'Where can I get the best pizza in Lima?',
  ];

  it.each(questions)('gives "%s" an exact slice of at most 500 characters and 1–3 whole sentences, or abstains', (question) => {
    const { answer, passages } = engine.answer(question);
    expect(passages.length).toBeLessThanOrEqual(3);
    if (!answer) return;
    expectExactSlice(answer);
    expect(answer.text.length).toBeLessThanOrEqual(500);
    const sentences = sentencesIn(answer);
    expect(sentences.length).toBeGreaterThanOrEqual(1);
    expect(sentences.length).toBeLessThanOrEqual(3);
  });

  it('gives a confidence between 0 and 1', () => {
    for (const q of questions) {
      const a = engine.answer(q);
      expect(a.confidence).toBeGreaterThanOrEqual(0);
      expect(a.confidence).toBeLessThanOrEqual(1);
    }
  });

  // The off-topic questions of the engine issue, which once got confident answers.
  it.each(['what is the capital of Brazil?', 'how do I reset my password?', 'tell me a joke', 'good bot'])('does not answer the off-topic "%s"', (q) => {
    expect(engine.answer(q)).toMatchObject({ answered: false, answer: null });
  });

  it('answers who wrote the report from the report’s own note on its author', () => {
    const a = engine.answer('who wrote this?');
    expect(a.answered).toBe(true);
    expect(a.answer!.text).toMatch(/^Evan Ellis is a /);
    expectExactSlice(a.answer!);
  });
});

describe('Engine.answer with bad input', () => {
  it.each([
    ['empty', ''],
    ['whitespace only', '   \n\t '],
    ['punctuation only', '?!?!'],
  ])('abstains on %s input without throwing', (_kind, question) => {
    const a = engine.answer(question);
    expect(a).toMatchObject({ answered: false, answer: null, passages: [] });
    expect(a.reason).toMatch(/^(empty|chitchat)$/);
  });

  it('handles a 10,000-character question without throwing', () => {
    const long = 'How many hectares of coca were grown? '.repeat(300).slice(0, 10_000);
    const a = engine.answer(long);
    expect(a.question.length).toBeLessThanOrEqual(engine.options.maxQuestionChars);
    if (a.answer) expectExactSlice(a.answer);
    expect(engine.answer('x'.repeat(10_000))).toMatchObject({ answered: false, answer: null });
  });

  it('ignores control characters', () => {
    const a = engine.answer('What\u0000 is\u0007 the VRAEM?');
    expect(a.question).toBe('What is the VRAEM?');
    expect(a).toEqual(engine.answer('What is the VRAEM?'));
  });

  it('ignores @everyone and <!channel>', () => {
    const a = engine.answer('@everyone <!channel> what is the VRAEM');
    expect(a.question).toBe('what is the VRAEM');
    expect(a).toEqual(engine.answer('what is the VRAEM'));
  });

  it('treats a missing question from a loose caller as empty', () => {
    expect(engine.answer(undefined as unknown as string)).toMatchObject({ answered: false, reason: 'empty' });
  });
});

describe('Engine determinism', () => {
  const questions = ['how many cops died from covid', 'What is the VRAEM?', 'Where can I get the best pizza in Lima?', 'coca hectares 2020', 'hello'];

  it('gives the same answer to the same question twice', () => {
    for (const q of questions) expect(engine.answer(q)).toEqual(engine.answer(q));
  });

  it('gives the same answers and searches from two engines built separately', async () => {
    const other = await Engine.load(CORPUS_DIR);
    for (const q of questions) {
      expect(other.answer(q)).toEqual(engine.answer(q));
      expect(other.search(q)).toEqual(engine.search(q));
    }
  });
});

describe('Engine.passage', () => {
  it('returns a whole passage by its full id', () => {
    const { passage, citation } = engine.passage('ellis-peru-2/cocaine/1');
    expect(passage.id).toBe('ellis-peru-2/cocaine/1');
    expect(passage.text).toMatch(/^Peru has long been a key producer of coca/);
    expect(citation.label).toBe('Ellis 2022 · Cocaine ¶1');
  });

  it('accepts an unambiguous ending of the id, in any case and in backticks', () => {
    expect(engine.passage('cocaine/1').passage.id).toBe('ellis-peru-2/cocaine/1');
    expect(engine.passage('COCAINE/1').passage.id).toBe('ellis-peru-2/cocaine/1');
    expect(engine.passage('`shining-path/3`').passage.id).toBe('ellis-peru-2/shining-path/3');
  });

  it('throws PASSAGE_NOT_FOUND naming an unknown id and pointing to /search', () => {
    let err: unknown;
    try {
      engine.passage('cocaine/99');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).code).toBe('PASSAGE_NOT_FOUND');
    expect((err as InputError).message).toBe('There is no passage "cocaine/99". Passage ids look like ellis-peru-2/introduction/1; find them with /search.');
  });

  it('refuses an ending that fits many passages', () => {
    expect(() => engine.passage('1')).toThrow('There is no passage "1". Passage ids look like ellis-peru-2/introduction/1; find them with /search.');
  });

  it('asks for an id when given none', () => {
    expect(() => engine.passage('  ')).toThrow('Give a passage id such as ellis-peru-2/introduction/1; find ids with /search.');
  });

  it('shortens a very long unknown id in the message', () => {
    expect(() => engine.passage('z'.repeat(500))).toThrow(`There is no passage "${'z'.repeat(60)}…".`);
  });
});

describe('Engine.citation', () => {
  it('is the citation of the passage', () => {
    expect(engine.citation('cocaine/3')).toEqual(engine.passage('ellis-peru-2/cocaine/3').citation);
  });

  it('throws for an unknown id', () => {
    expect(() => engine.citation('nowhere/1')).toThrow(InputError);
  });
});

describe('Engine.search', () => {
  const doc = () => engine.corpus.documents[0]!;

  it('ranks passages by score, with the best match first', () => {
    const hits = engine.search('coca hectares cultivation');
    expect(hits.length).toBe(5);
    expect(hits[0]!.passageId).toBe('ellis-peru-2/cocaine/3');
    const scores = hits.map((h) => h.score);
    expect(scores).toEqual([...scores].sort((x, y) => y - x));
  });

  it('gives each hit a snippet that is an exact slice of at most 300 characters, highlights in bounds', () => {
    const hits: SearchHit[] = engine.search('illegal gold mining Madre de Dios', { limit: 10 });
    expect(hits.length).toBe(10);
    for (const h of hits) {
      expect(h.snippet.passageId).toBe(h.passageId);
      expect(h.snippet.text.length).toBeLessThanOrEqual(300);
      expect(doc().source.slice(h.snippet.start, h.snippet.end)).toBe(h.snippet.text);
      expectExactSlice(h.snippet);
      for (const span of h.highlights) expect(span.end).toBeLessThanOrEqual(h.text.length);
    }
    expect(hits.some((h) => h.snippet.highlights.some((s) => /gold|mining/i.test(h.snippet.text.slice(s.start, s.end))))).toBe(true);
  });

  it('filters by section title or section id', () => {
    const byTitle = engine.search('coca', { section: 'Shining Path' });
    expect(byTitle.length).toBeGreaterThan(0);
    for (const h of byTitle) expect(h.section).toBe('Shining Path');
    expect(engine.search('coca', { section: 'shining-path' })).toEqual(byTitle);
    expect(engine.search('coca', { section: 'No Such Section' })).toEqual([]);
  });

  it('pages with limit and offset', () => {
    const first6 = engine.search('army navy air force', { limit: 6 });
    expect(first6).toHaveLength(6);
    expect(engine.search('army navy air force', { limit: 3 })).toEqual(first6.slice(0, 3));
    expect(engine.search('army navy air force', { limit: 3, offset: 3 })).toEqual(first6.slice(3));
    expect(engine.search('army navy air force', { offset: 10_000 })).toEqual([]);
  });

  it('caps the page size at 25', () => {
    expect(engine.search('Peru', { limit: 1000 }).length).toBe(25);
  });

  it.each(['', '   ', '?!?!', '🙂🙂', 'the of and', '\u0000\u0007'])('returns no hits, without throwing, for %j', (terms) => {
    expect(engine.search(terms)).toEqual([]);
  });

  it('survives a 10,000-character query', () => {
    expect(() => engine.search('coca '.repeat(2000))).not.toThrow();
  });
});

describe('Engine.stats', () => {
  it('counts documents, sections, passages and sentences', () => {
    const sentences = engine.corpus.passages.reduce((n, p) => n + p.sentenceCount, 0);
    expect(engine.stats()).toEqual({ documents: 1, sections: 9, passages: engine.corpus.passages.length, sentences });
    expect(engine.stats().passages).toBeGreaterThan(70);
  });
});

describe('Engine.documents', () => {
  it('lists the loaded reports', () => {
    expect(engine.documents.map((d) => d.id)).toEqual(['ellis-peru-2']);
  });
});

describe('Engine.passage and search edge cases', () => {
  it('matches an id ending only at a "/" boundary', () => {
    expect(() => engine.passage('ine/1')).toThrow(/There is no passage "ine\/1"/);
    expect(engine.passage('cocaine/1').passage.id).toBe('ellis-peru-2/cocaine/1');
  });

  it('falls back to the default page size for a limit that is not a number', () => {
    expect(engine.search('illegal mining', { limit: Number.NaN })).toHaveLength(5);
  });
});

describe('Engine.search paging', () => {
  it('pages through every match, past 25, without repeats', () => {
    const seen: string[] = [];
    for (let offset = 0; offset < 200; offset += 5) {
      const page = engine.search('Peru', { offset, limit: 5 });
      if (page.length === 0) break;
      seen.push(...page.map((h) => h.passageId));
    }
    expect(seen.length).toBeGreaterThan(25);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('leaves out the excluded passages, and only those', () => {
    const all = engine.search('illegal mining', { limit: 10 }).map((h) => h.passageId);
    const [first, second] = all;
    const rest = engine.search('illegal mining', { limit: 8, exclude: [first!, second!] }).map((h) => h.passageId);
    expect(rest).toEqual(all.slice(2));
  });
});

describe('Engine excerpts of text without spaces', () => {
  it('cuts one enormous token hard instead of returning an empty or inverted excerpt', () => {
    const giant = 'x'.repeat(700);
    const doc = parseDocument('/fixtures/giant.md', `---\ntitle: Giant\nauthor: A B\ndate: 2020-01-01\n---\n\n## Words\n\nThe code word is ${giant} zebra and nothing else.\n`);
    const giantEngine = Engine.fromCorpus(buildCorpus([doc]));
    const hits = giantEngine.search('zebra code word');
    expect(hits.length).toBeGreaterThan(0);
    for (const hit of hits) {
      expect(hit.snippet.end).toBeGreaterThan(hit.snippet.start);
      expect(hit.snippet.text.length).toBeGreaterThan(0);
      expect(hit.snippet.text.length).toBeLessThanOrEqual(300);
      expect(doc.source.slice(hit.snippet.start, hit.snippet.end)).toBe(hit.snippet.text);
    }
    const a = giantEngine.answer('what is the code word zebra');
    expect(a.answered).toBe(true);
    expect(a.answer!.end).toBeGreaterThan(a.answer!.start);
    expect(a.answer!.text.length).toBeLessThanOrEqual(500);
    expect(doc.source.slice(a.answer!.start, a.answer!.end)).toBe(a.answer!.text);
  });
});

