import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/answer/engine.ts';
import { buildCorpus, loadCorpus, parseDocument } from '../../src/corpus/load.ts';
import type { Corpus } from '../../src/corpus/types.ts';
import { toTerms, words } from '../../src/search/analyze.ts';
import { AliasTable, learnAcronyms, type Acronym } from '../../src/search/aliases.ts';

const CORPUS_DIR = fileURLToPath(new URL('../../corpus', import.meta.url));

/** A made-up report, so nothing about its acronyms can be typed into the engine. */
const HARBOR = `---
title: Harbor Notes
author: Ana Ruiz
date: 2023-03-01
slug: harbor
---

## Ports

The Blue Harbor Authority (BHA) runs the northern docks and the customs shed.

## Fees

In 2021 the BHA doubled the mooring fee for visiting yachts.

## History

The Blue Harbor Authority was founded in 1952 by the fishing guilds.

## Ferries

Commuters ride the Grey Island Ferry Service, also known as the GIFS, to work. Tickets are paid in dollars (USD) at the pier.
`;

const termsOf = (phrase: string) => words(phrase).flatMap(toTerms);

let corpus: Corpus;
let acronyms: Acronym[];

beforeAll(async () => {
  corpus = await loadCorpus(CORPUS_DIR);
  acronyms = learnAcronyms(corpus);
});

describe('learnAcronyms on the report', () => {
  const source = () => corpus.documents[0]!.source;
  const find = (acronym: string) => acronyms.filter((a) => a.acronym === acronym);

  it('learns VRAEM from "Apurimac-Ene-Mantaro River valley (VRAEM)" and from "…, also known as the VRAEM"', () => {
    expect(find('VRAEM')).toContainEqual(expect.objectContaining({ longForm: 'Apurimac-Ene-Mantaro River valley', passageId: 'ellis-peru-2/introduction/14' }));
    expect(find('VRAEM').map((a) => a.longForm)).toContain('valle de los Ríos Apurímac, Ene y Mantaro');
    // "and" lends no letter: the long form keeps its first word.
    expect(find('VRAEM').map((a) => a.longForm)).toContain('Apurimac, Ene and Mantaro River valley');
  });

  it('learns ONDCP and PIAS from their bracketed definitions', () => {
    expect(find('ONDCP')).toEqual([expect.objectContaining({ passageId: 'ellis-peru-2/cocaine/3' })]);
    expect(find('ONDCP')[0]!.longForm).toBe('Office of National Drug Control Policy');
    expect(find('PIAS')).toEqual([expect.objectContaining({ passageId: 'ellis-peru-2/the-peruvian-state-policy-response/19' })]);
    expect(find('PIAS')[0]!.longForm).toBe('Platforms for Itinerant Social Action');
  });

  it('points each definition at its exact place in the source, long form first', () => {
    expect(acronyms.length).toBeGreaterThanOrEqual(8);
    for (const a of acronyms) {
      const slice = source().slice(a.start, a.end);
      expect(slice.startsWith(a.longForm), `${a.acronym}: ${slice}`).toBe(true);
      expect(slice.endsWith(`(${a.acronym})`) || slice.endsWith(`known as the ${a.acronym}`), slice).toBe(true);
    }
  });

  it('learns nothing from a bracketed word the text never spells out', () => {
    expect(find('CEEEP')).toEqual([]);
    expect(find('CV')).toEqual([]);
  });
});

describe('learnAcronyms on a made-up report', () => {
  const harbor = () => learnAcronyms(buildCorpus([parseDocument('/fixtures/harbor.md', HARBOR)]));

  it('learns an acronym defined in brackets', () => {
    const bha = harbor().find((a) => a.acronym === 'BHA');
    expect(bha).toMatchObject({ longForm: 'Blue Harbor Authority', passageId: 'harbor/ports/1' });
  });

  it('learns an acronym introduced with "also known as"', () => {
    const gifs = harbor().find((a) => a.acronym === 'GIFS');
    expect(gifs).toMatchObject({ longForm: 'Grey Island Ferry Service', passageId: 'harbor/ferries/1' });
  });

  it('ignores a bracketed abbreviation whose words are not before it', () => {
    expect(harbor().map((a) => a.acronym)).not.toContain('USD');
  });
});

describe('AliasTable', () => {
  it('expands an acronym to the terms of its long form, and the long form to the acronym', () => {
    const table = new AliasTable(acronyms, new Map());
    const fromAcronym = table.expand(words('what does the ONDCP estimate'));
    expect(fromAcronym).toContainEqual({ matched: ['ondcp'], terms: expect.arrayContaining(termsOf('National Drug Control Policy')) });
    const fromLongForm = table.expand(words('the Apurimac-Ene-Mantaro River valley'));
    expect(fromLongForm.some((e) => e.terms.join(' ') === 'vraem')).toBe(true);
  });

  it('expands glossary phrases both ways, longest phrase first', () => {
    const table = new AliasTable([], new Map([['sendero luminoso', ['shining path']], ['shining path', ['sendero luminoso']]]));
    expect(table.expand(words('Is Sendero Luminoso active?'))).toEqual([{ matched: ['sendero', 'luminoso'], terms: termsOf('shining path') }]);
    expect(table.expand(words('the Shining Path'))).toEqual([{ matched: ['shining', 'path'], terms: termsOf('sendero luminoso') }]);
    expect(table.expand(words('a luminous path'))).toEqual([]);
  });
});

describe('acronyms and glossary in retrieval', () => {
  let engine: Engine;
  let bare: Engine;
  let harbor: Engine;
  const hits = (e: Engine, q: string) => e.search(q, { limit: 25 }).map((h) => h.passageId);

  beforeAll(() => {
    engine = Engine.fromCorpus(corpus);
    bare = Engine.fromCorpus(buildCorpus(corpus.documents, new Map()));
    harbor = Engine.fromCorpus(buildCorpus([parseDocument('/fixtures/harbor.md', HARBOR)]));
  });

  it('finds a passage that only says "PIAS" when asked for Itinerant Social Action', () => {
    expect(corpus.byId.get('ellis-peru-2/the-peruvian-state-policy-response/20')!.text).not.toMatch(/Itinerant/);
    expect(hits(bare, 'Itinerant Social Action')).toContain('ellis-peru-2/the-peruvian-state-policy-response/20');
  });

  it('finds passages that only say "VRAEM" when asked for the Apurimac-Ene-Mantaro River valley', () => {
    const vraemOnly = hits(bare, 'Apurimac-Ene-Mantaro River valley').filter((id) => {
      const text = corpus.byId.get(id)!.text;
      return /\bVRAEM\b/.test(text) && !/Apur|Mantaro|\bEne\b|river|valley/i.test(text);
    });
    expect(vraemOnly.length).toBeGreaterThan(0);
  });

  it('finds the made-up acronym both ways in a made-up report', () => {
    expect(hits(harbor, 'Blue Harbor Authority')).toContain('harbor/fees/1'); // says only "BHA"
    expect(hits(harbor, 'BHA')).toContain('harbor/history/1'); // says only "Blue Harbor Authority"
    expect(hits(harbor, 'GIFS')).toEqual(['harbor/ferries/1']);
  });

  it('answers a question that names the long form from a passage that uses only the acronym', () => {
    const a = harbor.answer('When did the Blue Harbor Authority double the mooring fee?');
    expect(a.answered).toBe(true);
    expect(a.answer!.text).toBe('In 2021 the BHA doubled the mooring fee for visiting yachts.');
  });

  it('retrieves Shining Path passages for a question about Sendero Luminoso', () => {
    const a = engine.answer('how many adherents does Sendero Luminoso have');
    expect(a.passages[0]!.section).toBe('Shining Path');
    expect(a.passages[0]!.text).toContain('200-300 adherents');
    expect(hits(engine, 'Sendero Luminoso').slice(0, 5).every((id) => id.startsWith('ellis-peru-2/shining-path/'))).toBe(true);
  });

  it('finds police for "cops"', () => {
    const [top] = engine.search('cops');
    expect(top!.text).toMatch(/\bpolice\b/);
    const a = engine.answer('how many cops died from covid');
    expect(a.answered).toBe(true);
    expect(a.answer!.text).toContain('500 Peruvian police');
  });

  it('cannot do either without the glossary', () => {
    expect(hits(bare, 'Sendero Luminoso').filter((id) => id.includes('/shining-path/')).length).toBeLessThan(3);
    expect(bare.search('cops').filter((h) => /\bpolice\b/.test(h.text))).toEqual([]);
  });
});
