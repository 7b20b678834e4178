import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/answer/engine.ts';
import type { Excerpt, SearchHit } from '../../src/answer/types.ts';
import { buildCorpus, parseDocument } from '../../src/corpus/load.ts';
import { InputError } from '../../src/errors.ts';
import { fold } from '../../src/search/fold.ts';

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
  const passage = engine.corpus.byId.get(e.passageId)!;
  expect(e.start).toBeGreaterThanOrEqual(passage.start);
  expect(e.end).toBeLessThanOrEqual(passage.end);
  for (const h of e.highlights) {
    expect(h.start).toBeGreaterThanOrEqual(0);
    expect(h.end).toBeGreaterThan(h.start);
    expect(h.end).toBeLessThanOrEqual(e.text.length);
  }
}

/** Whole sentences of the cited passage, one to three of them. */
function sentencesIn(e: Excerpt): string[] {
  const passage = engine.corpus.byId.get(e.passageId)!;
  const inside = passage.sentences.filter((s) => s.start < e.end && s.end > e.start);
  expect(inside[0]!.start).toBe(e.start);
  expect(inside.at(-1)!.end).toBe(e.end);
  return inside.map((s) => s.text);
}

describe('Engine.answer', () => {
  // Paraphrases, casual wording and typos — not the eval set's wording.
  const questions: Array<[question: string, gold: string, section: string]> = [
    ['how many cops died from covid', '500 Peruvian police', 'Cocaine'],
    ['how much coca was grown by the end of 2020', '88,200 hectares', 'Cocaine'],
    ['how many hectars of coca in 2020', '88,200 hectares', 'Cocaine'],
    ['how much cocaine did peru make in 2021', '810 metric tons', 'Cocaine'],
    ['how much does a coca farmer earn each day', '140 Soles', 'Cocaine'],
    ['how much gold is illegally mined, as a percentage', '28 percent', 'Illegal Mining'],
    ['how many soldiers and police went into La Pampa', '1,200 police and 300 military', 'Illegal Mining'],
    ['which governor took bribes', 'governor of Madre de Dios', 'Illegal Timber'],
    ['what did the criminals use ambulances for', 'used ambulances to smuggle cocaine', 'Introduction'],
    ['when did the state of emergency in Lima start', 'February 2022', 'Introduction'],
    ['who is Artemio loyal to', 'Abimael Guzman', 'Shining Path'],
    ['how many venezuelans fled', '7 million', 'Venezuelan Migrants'],
    ['what percent of controlled substances does SUNAT catch', 'less than 1 percent', 'Challenges'],
  ];

  it.each(questions)('answers "%s" with an excerpt containing "%s"', (question, gold, section) => {
    const a = engine.answer(question);
    expect(a.answered).toBe(true);
    expect(a.reason).toBeUndefined();
    expect(a.answer!.text).toContain(gold);
    expect(a.answer!.citation.section).toBe(section);
    expect(a.confidence).toBeGreaterThanOrEqual(engine.options.minConfidence);
    expect(a.confidence).toBeLessThanOrEqual(1);
  });

  it.each(questions)('gives "%s" an exact slice of at most 500 characters and 1–3 whole sentences', (question) => {
    const { answer } = engine.answer(question);
    expectExactSlice(answer!);
    expect(answer!.text.length).toBeLessThanOrEqual(500);
    const sentences = sentencesIn(answer!);
    expect(sentences.length).toBeGreaterThanOrEqual(1);
    expect(sentences.length).toBeLessThanOrEqual(3);
  });

  it('cites document, author, date, section, paragraph and passage with a short label', () => {
    const a = engine.answer('how many cops died from covid');
    const passage = engine.corpus.byId.get(a.answer!.passageId)!;
    expect(a.answer!.citation).toEqual({
      documentId: 'ellis-peru-2',
      document: TITLE,
      author: 'Evan Ellis',
      date: '2022-07-25',
      section: 'Cocaine',
      sectionId: 'cocaine',
      paragraph: passage.paragraph,
      passageId: passage.id,
      label: `Ellis 2022 · Cocaine ¶${passage.paragraph}`,
    });
    expect(a.answer!.citation.label).toMatch(/^Ellis 2022 · Cocaine ¶\d+$/);
    expect(passage.id).toBe(`ellis-peru-2/cocaine/${passage.paragraph}`);
  });

  it('highlights the question’s words inside the excerpt', () => {
    const { answer } = engine.answer('how many cops died from covid');
    const marked = answer!.highlights.map((h) => fold(answer!.text.slice(h.start, h.end)));
    expect(marked).toEqual(expect.arrayContaining(['police', 'died', 'covid-19']));
  });

  it('lists up to three passages, best first, the answer’s among them', () => {
    const a = engine.answer('how much cocaine did peru make in 2021');
    expect(a.passages.length).toBeGreaterThan(0);
    expect(a.passages.length).toBeLessThanOrEqual(3);
    expect(a.passages.map((p) => p.passageId)).toContain(a.answer!.passageId);
    const scores = a.passages.map((p) => p.score);
    expect(scores).toEqual([...scores].sort((x, y) => y - x));
    for (const p of a.passages) {
      expect(p.text).toBe(engine.corpus.byId.get(p.passageId)!.text);
      expect(p.citation.passageId).toBe(p.passageId);
      expect(p.section).toBe(p.citation.section);
    }
  });

  it('answers who wrote the report from the report’s own text', () => {
    const a = engine.answer('who wrote this?');
    expect(a.answered).toBe(true);
    expect(a.answer!.text).toMatch(/^Evan Ellis is a /);
    expectExactSlice(a.answer!);
  });
});

describe('Engine.answer abstaining', () => {
  const abstains: Array<[why: string, question: string]> = [
    ['the question is off-topic', 'Where can I get the best pizza in Lima?'],
    ['the question names a country the passages never tie to the figure', 'How many hectares of coca are there in Bolivia?'],
    ['the report has no figure for what is counted', 'What is the population of Lima?'],
    ['the question is about something the report never mentions', 'who won the 2018 world cup?'],
  ];

  it.each(abstains)('abstains when %s: "%s"', (_why, question) => {
    const a = engine.answer(question);
    expect(a.answered).toBe(false);
    expect(a.answer).toBeNull();
    expect(a.reason).toMatch(/^(no-match|not-covered|missing-entity|wrong-kind)$/);
    // The closest passages, so the user can read on.
    expect(a.passages.length).toBeGreaterThanOrEqual(1);
    expect(a.passages.length).toBeLessThanOrEqual(3);
    for (const p of a.passages) expect(engine.corpus.byId.get(p.passageId)!.text).toBe(p.text);
  });

  it('abstains on a greeting, with nothing to search for', () => {
    const a = engine.answer('hello');
    expect(a).toMatchObject({ answered: false, answer: null, reason: 'empty', confidence: 0 });
    expect(a.passages).toEqual([]);
  });

  it('says a country is missing rather than answering for Peru', () => {
    expect(engine.answer('How many hectares of coca are there in Bolivia?').reason).toBe('missing-entity');
    // The same question about Peru is answered.
    expect(engine.answer('How many hectares of coca are there in Peru?').answer?.text).toContain('88,200');
  });
});

describe('Engine.answer excerpts that refer back', () => {
  const HARBOR = `---
title: Harbor Notes
author: Ana Ruiz
date: 2023-03-01
slug: harbor
---

## Lighthouse

Keepers repaint the lighthouse tower every spring with white marine paint. This keeps it visible to passing trawlers even in thick winter fog. Gulls nest on the gallery rail during the summer months.

## Ferries

The old ferry crosses the bay twice a day from the northern pier. It carries about ninety commuters and their bicycles on each crossing. The timetable changes every winter.

## Markets

Fish traders gather at the covered hall before dawn on weekdays. They auction the night's catch to restaurants within a single hour. Prices are posted on a chalkboard.

## Nets

Net makers work in the old rope sheds beside the slipway. Trawler crews from the northern fleet buy new nets every March.
`;
  let harbor: Engine;

  beforeAll(() => {
    harbor = Engine.fromCorpus(buildCorpus([parseDocument('/fixtures/harbor.md', HARBOR)]));
  });

  it.each([
    ['This', 'what keeps it visible to passing trawlers in thick fog', 'Keepers repaint the lighthouse tower every spring with white marine paint. This keeps it visible to passing trawlers even in thick winter fog.'],
    ['It', 'what carries ninety commuters and their bicycles', 'The old ferry crosses the bay twice a day from the northern pier. It carries about ninety commuters and their bicycles on each crossing.'],
    ['They', "who auctions the night's catch to restaurants", "Fish traders gather at the covered hall before dawn on weekdays. They auction the night's catch to restaurants within a single hour."],
  ])('adds the previous sentence when the best one starts with "%s"', (_pronoun, question, excerpt) => {
    const a = harbor.answer(question);
    expect(a.answered).toBe(true);
    expect(a.answer!.text).toBe(excerpt);
    const doc = harbor.corpus.documentsById.get(a.answer!.documentId)!;
    expect(doc.source.slice(a.answer!.start, a.answer!.end)).toBe(excerpt);
  });

  it('does not add the previous sentence when the best one stands on its own', () => {
    expect(harbor.answer('who buys new nets every March').answer?.text).toBe('Trawler crews from the northern fleet buy new nets every March.');
  });

  it('cites the fixture’s own author and year', () => {
    expect(harbor.answer('who buys new nets every March').answer?.citation.label).toBe('Ruiz 2023 · Nets ¶1');
  });
});

describe('Engine with several reports', () => {
  let several: Engine;

  beforeAll(() => {
    const harbor = parseDocument('/fixtures/harbor.md', '---\ntitle: Harbor Notes\nauthor: Ana Ruiz\ndate: 2023-03-01\nslug: harbor\n---\n\n## Fees\n\nIn 2021 the harbor doubled the mooring fee for visiting yachts.\n');
    several = Engine.fromCorpus(buildCorpus([...engine.corpus.documents, harbor], engine.corpus.glossary));
  });

  it('cites the report each answer comes from', () => {
    expect(several.answer('When did the harbor double the mooring fee?').answer?.citation).toMatchObject({ documentId: 'harbor', label: 'Ruiz 2023 · Fees ¶1' });
    expect(several.answer('how many cops died from covid').answer?.citation.documentId).toBe('ellis-peru-2');
  });

  it('finds passages of any report by an id ending', () => {
    expect(several.passage('fees/1').passage.id).toBe('harbor/fees/1');
    expect(several.stats()).toMatchObject({ documents: 2, sections: 10 });
  });
});

describe('Engine.answer with bad input', () => {
  it.each([
    ['empty', ''],
    ['whitespace only', '   \n\t '],
    ['punctuation only', '?!?!'],
    ['emoji only', '🙂🙂'],
  ])('abstains on %s input without throwing', (_kind, question) => {
    const a = engine.answer(question);
    expect(a).toMatchObject({ answered: false, answer: null, reason: 'empty', passages: [] });
  });

  it('handles a 10,000-character question without throwing', () => {
    const long = 'How many hectares of coca were grown? '.repeat(300).slice(0, 10_000);
    expect(long).toHaveLength(10_000);
    const a = engine.answer(long);
    expect(a.question.length).toBeLessThanOrEqual(engine.options.maxQuestionChars);
    if (a.answer) expectExactSlice(a.answer);
    expect(engine.answer('x'.repeat(10_000))).toMatchObject({ answered: false, answer: null });
  });

  it('ignores control characters and still answers', () => {
    const a = engine.answer('What\u0000 is\u0007 the VRAEM?');
    expect(a.question).toBe('What is the VRAEM?');
    expect(a.answered).toBe(true);
    expect(a).toEqual(engine.answer('What is the VRAEM?'));
  });

  it('ignores @everyone and <!channel> and still answers from the report', () => {
    const a = engine.answer('@everyone <!channel> what is the VRAEM');
    expect(a.question).toBe('what is the VRAEM');
    expect(a.answered).toBe(true);
    expectExactSlice(a.answer!);
    expect(a.answer!.text).toContain('VRAEM');
    expect(a.answer!.text).not.toMatch(/@everyone|<!channel>/);
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
    const sentences = engine.corpus.passages.reduce((n, p) => n + p.sentences.length, 0);
    expect(engine.stats()).toEqual({ documents: 1, sections: 9, passages: engine.corpus.passages.length, sentences });
    expect(engine.stats().passages).toBeGreaterThan(70);
  });
});

describe('Engine.documents', () => {
  it('lists the loaded reports', () => {
    expect(engine.documents.map((d) => d.id)).toEqual(['ellis-peru-2']);
  });
});

describe('Engine.answer on tricky wording', () => {
  it('abstains on a keyword question whose unit the report gives only for another country', () => {
    const a = engine.answer('hectares of coca in Bolivia');
    expect(a.answered).toBe(false);
    expect(a.reason).toBe('missing-entity');
  });

  it('abstains when a "how many" excerpt would only repeat the question\'s own figure', () => {
    expect(engine.answer("What was Peru's homicide rate per 100,000 people in 2021?").answered).toBe(false);
  });

  it('abstains when the figure counts something other than what was asked', () => {
    const a = engine.answer('How many tons of gold does Peru export each year?');
    expect(a.answered).toBe(false);
    expect(a.reason).toBe('wrong-kind');
  });

  it('abstains when the question names something the report never mentions', () => {
    const a = engine.answer("What percentage of Peru's illegal timber goes to China?");
    expect(a.answered).toBe(false);
    expect(a.reason).toBe('missing-entity');
  });

  it('treats "stand for" and "meaning" as scaffolding of a definition question', () => {
    for (const q of ['what does VRAEM stand for', 'VRAEM meaning']) {
      const a = engine.answer(q);
      expect(a.answered, q).toBe(true);
      expect(fold(a.answer!.text)).toMatch(/apurimac.{1,3}ene.{1,5}mantaro/);
    }
  });

  it('does not take a generic counter ("people") for the thing a question counts', () => {
    const a = engine.answer('how many people fled venezuela');
    expect(a.answered).toBe(true);
    expect(a.answer!.text).toContain('7 million');
  });

  it('does not answer "who wrote X" about something other than the report with the author note', () => {
    const a = engine.answer('Who wrote the Peruvian Constitution?');
    expect(a.answer?.text ?? '').not.toContain('Evan Ellis is a Latin America Research Professor');
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

  it('leaves out an excluded passage', () => {
    const first = engine.search('illegal mining', { limit: 1 })[0]!.passageId;
    expect(engine.search('illegal mining', { limit: 10, exclude: first }).map((h) => h.passageId)).not.toContain(first);
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

describe('Engine.answer and picture captions', () => {
  it('prefers the prose that defines an acronym over a picture caption that mentions it', () => {
    const a = engine.answer('What is the VRAEM?');
    expect(a.answered).toBe(true);
    expect(a.answer!.text).not.toMatch(/^Image:/);
    expect(a.answer!.text).toContain('Apurimac-Ene-Mantaro River valley (VRAEM)');
  });
});

describe('Engine.answer in Spanish and with years', () => {
  it('reads Spanish cognates ("comités de defensa", "ley")', () => {
    const a = engine.answer('¿Por qué preocupa la nueva ley de comités de defensa?');
    expect(a.answered).toBe(true);
    expect(a.answer!.text).toContain('defense committees');
  });

  it('abstains when the passage gives the asked year only for another figure', () => {
    const a = engine.answer('How many hectares of coca were under cultivation in Peru in 2021?');
    expect(a.answered).toBe(false);
    expect(a.reason).toBe('missing-entity');
  });

  it('still answers a year the report names only as "the prior year"', () => {
    const a = engine.answer('How many hectares of coca were cultivated in 2019?');
    expect(a.answered).toBe(true);
    expect(a.answer!.text).toContain('72,000 hectares');
  });
});

describe('Engine.answer for "what did X do" and "how long"', () => {
  it('introduces the subject of "what did X do" with its first mention', () => {
    const a = engine.answer('what did operation mercury do');
    expect(a.answer!.text).toMatch(/^In February 2019, .* launched "Operation Mercury,"/);
  });

  it('answers "how long" with the figure measured in a length unit', () => {
    const a = engine.answer('how long is the border with colombia');
    expect(a.answered).toBe(true);
    expect(a.answer!.text).toContain('1,626 kilometer jungle border with Colombia');
  });
});

describe('Engine.answer with a name in the lead-in sentence', () => {
  it('accepts a name from the sentence just before an excerpt too long to include it', () => {
    const a = engine.answer('Who pays for part of PIAS operations?');
    expect(a.answered).toBe(true);
    expect(a.answer!.text).toContain('the Ministries leveraging the system pay for part of platform operation costs');
  });
});

describe('Engine.answer with Spanish cognates, singular and plural', () => {
  it('matches singular "comité" to committees, never to "committed"', () => {
    const a = engine.answer('¿Qué es un comité de autodefensa?');
    expect(a.answer?.text ?? '').not.toContain('has committed to using its engineering capabilities');
  });

  it('reads "policías" as police, not policies', () => {
    const a = engine.answer('¿Cuántos policías murieron de COVID-19?');
    expect(a.answer!.text).toContain('More than 500 Peruvian police died of COVID-19');
    expect(a.answer!.highlights.length).toBeGreaterThan(0);
  });
});
