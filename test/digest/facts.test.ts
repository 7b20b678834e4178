import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../../src/corpus/load.ts';
import { extractFacts, isBoilerplate, jaccard, opensUnresolved } from '../../src/digest/facts.ts';
import { corpusOf, TINY_REPORT, tinyCorpus } from './fixtures.ts';
import { sentencesOf } from '../../src/corpus/passage.ts';

const corpus = await loadCorpus(new URL('../../corpus', import.meta.url).pathname);
const facts = extractFacts(corpus);
const words = (t: string) => new Set(t.toLowerCase().match(/[\p{L}\p{N}]+/gu)!.filter((w) => w.length > 2));

describe('extractFacts on the bundled report', () => {
  it('finds well over 40 facts', () => {
    expect(facts.length).toBeGreaterThan(40);
  });

  it('makes every fact an exact slice of its document, inside its passage', () => {
    for (const f of facts) {
      const doc = corpus.documentsById.get(f.documentId)!;
      expect(doc.source.slice(f.start, f.end)).toBe(f.text);
      const passage = corpus.byId.get(f.passageId)!;
      expect(f.start).toBeGreaterThanOrEqual(passage.start);
      expect(f.end).toBeLessThanOrEqual(passage.end);
    }
  });

  it('never includes a sentence the scrape cut off', () => {
    for (const f of facts) {
      const sentences = sentencesOf(corpus.byId.get(f.passageId)!).filter((s) => s.start < f.end && s.end > f.start);
      expect(sentences.length).toBeGreaterThan(0);
      for (const s of sentences) expect(s.complete, s.text).toBe(true);
      // Fact boundaries are sentence boundaries.
      expect(sentences[0]!.start).toBe(f.start);
      expect(sentences.at(-1)!.end).toBe(f.end);
    }
    const cutOff = corpus.passages.flatMap((p) => sentencesOf(p).filter((s) => !s.complete).map((s) => ({ s, p })));
    expect(cutOff.length).toBeGreaterThan(10);
    for (const { s, p } of cutOff) {
      const overlapping = facts.filter((f) => f.documentId === p.documentId && f.start < s.end && f.end > s.start);
      expect(overlapping, s.text).toEqual([]);
    }
  });

  it('skips cut-off paragraph openings the loader marks complete', () => {
    expect(facts.some((f) => f.text.startsWith('2018-2019, which focused'))).toBe(false);
    expect(facts.some((f) => f.text.startsWith('“emergency zones”'))).toBe(false);
  });

  it('draws facts from every section of the report', () => {
    const sections = corpus.documents[0]!.sections;
    expect(sections.length).toBe(9);
    for (const s of sections) expect(facts.filter((f) => f.sectionId === s.id).length, s.title).toBeGreaterThan(0);
  });

  it('keeps every fact between 40 and 350 characters', () => {
    for (const f of facts) {
      expect(f.text.length).toBeGreaterThanOrEqual(40);
      expect(f.text.length).toBeLessThanOrEqual(350);
    }
  });

  it('leaves out boilerplate, captions, questions and unresolved openings', () => {
    for (const f of facts) {
      expect(f.text).not.toMatch(/click here|^This article represents|^Image:|Source: VOA|The views expressed/i);
      expect(f.text).not.toMatch(/\?["”’)]*$/);
      expect(opensUnresolved(f.text), f.text).toBe(false);
    }
  });

  it('joins a sentence opening with an unresolved reference to the sentence before it', () => {
    const joined = facts.find((f) => f.text.includes('It was also making progress toward combating the group in the VRAEM'));
    expect(joined?.text).toMatch(/^In 2012, the government captured Artemio/);
    expect(joined?.id).toBe('ellis-peru-2/shining-path/3#1-2');
  });

  it('includes the concrete findings the issue names', () => {
    expect(facts.some((f) => f.text.includes('reaching 88,200 hectares'))).toBe(true);
    expect(facts.some((f) => f.text.includes('Operation Mercury'))).toBe(true);
  });

  it('has no near-duplicates and no overlapping facts', () => {
    for (let i = 0; i < facts.length; i++) {
      for (let j = i + 1; j < facts.length; j++) {
        const a = facts[i]!;
        const b = facts[j]!;
        expect(jaccard(words(a.text), words(b.text))).toBeLessThan(0.6);
        if (a.documentId === b.documentId) expect(a.end <= b.start || b.end <= a.start).toBe(true);
      }
    }
  });

  it('gives each fact a unique id made of its passage and sentence positions, the same on every run', () => {
    expect(new Set(facts.map((f) => f.id)).size).toBe(facts.length);
    for (const f of facts) expect(f.id).toMatch(new RegExp(`^${f.passageId.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}#\\d+(-\\d+)?$`));
    expect(extractFacts(corpus).map((f) => f.id)).toEqual(facts.map((f) => f.id));
  });

  it('cites each fact like the engine does', () => {
    const f = facts.find((x) => x.text.includes('88,200 hectares'))!;
    expect(f.citation).toMatchObject({ passageId: f.passageId, section: 'Cocaine', label: 'Ellis 2022 · Cocaine ¶3', author: 'Evan Ellis' });
  });
});

describe('extractFacts on small fixtures', () => {
  const tiny = extractFacts(tinyCorpus());

  it('keeps sentences with a figure, date, place, organization or person', () => {
    expect(tiny.map((f) => f.text)).toEqual([
      'The Alpha River carries 1,200 cubic metres of water per second past Lima. It floods every March.',
      'In 2019 the Beta Agency counted 42 dams on the Gamma River.',
      'Fishers in Puno landed 8,000 tonnes of trout in 2021.',
      'The Delta Cooperative sells most of it in Cusco.',
      'The Epsilon Lake lost 12 percent of its area between 2010 and 2020, according to the Zeta Institute.',
      'Officials in Arequipa recorded 300 illegal nets during Operation Heron in May 2022.',
    ]);
  });

  it('drops a sentence with nothing concrete in it', () => {
    const doc = `---\ntitle: T\nauthor: A B\ndate: 2024-01-01\nslug: plain\n---\n\nThe situation is complicated and remains difficult for everyone involved.\n\nIn 2020 the Omega Agency counted 31 boats on the river.\n`;
    expect(extractFacts(corpusOf({ name: 'plain.md', text: doc })).map((f) => f.text)).toEqual([
      'In 2020 the Omega Agency counted 31 boats on the river.',
    ]);
  });

  it('drops an unresolved sentence when the one before it cannot be joined', () => {
    const doc = `---\ntitle: T\nauthor: A B\ndate: 2024-01-01\nslug: drop\n---\n\nThis broader network supplies 40 villages near Vizcatan with food.\n`;
    expect(extractFacts(corpusOf({ name: 'drop.md', text: doc }))).toEqual([]);
  });

  it('keeps only the first of two near-identical sentences', () => {
    const doc = `---\ntitle: T\nauthor: A B\ndate: 2024-01-01\nslug: dup\n---\n\nThe Sigma Agency counted 42 dams on the Gamma River in 2019.\n\n## Again\n\nAs noted, the Sigma Agency counted 42 dams on the Gamma River in 2019.\n`;
    const found = extractFacts(corpusOf({ name: 'dup.md', text: doc }));
    expect(found.map((f) => f.sectionId)).toEqual(['introduction']);
  });

  it('adds the facts of a new report without changing the existing ones', () => {
    const second = TINY_REPORT.replace('slug: tiny', 'slug: tiny-two').replace(/Alpha|Beta|Gamma|Delta|Epsilon|Zeta|Heron/g, (w) => `${w}${w}`)
      .replace(/1,200|42|8,000|12 percent|300/g, (n) => `${n}7`)
      .replace(/Puno|Cusco|Arequipa|Lima/g, (p) => `New ${p}`);
    const both = extractFacts(corpusOf({ name: 'a.md', text: TINY_REPORT }, { name: 'b.md', text: second }));
    expect(both.slice(0, tiny.length).map((f) => [f.id, f.text])).toEqual(tiny.map((f) => [f.id, f.text]));
    expect(both.length).toBeGreaterThan(tiny.length);
    expect(both.slice(tiny.length).every((f) => f.documentId === 'tiny-two')).toBe(true);
  });
});

describe('isBoilerplate', () => {
  it('recognizes series notes, link prompts, captions and acknowledgements', () => {
    expect(isBoilerplate('This article represents the second in a series on Peru.')).toBe(true);
    expect(isBoilerplate('Click here to read Part I and click here to read Part III.')).toBe(true);
    expect(isBoilerplate('Image: A Peruvian military helicopter flies over the VRAEM.')).toBe(true);
    expect(isBoilerplate('Source: VOA.')).toBe(true);
    expect(isBoilerplate('The author thanks the Center for Strategic Studies.')).toBe(true);
    expect(isBoilerplate('The rainforest comprises 60 percent of the national territory.')).toBe(false);
  });
});
