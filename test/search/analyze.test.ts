import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/answer/engine.ts';
import { buildCorpus, loadCorpus } from '../../src/corpus/load.ts';
import { normalizeToken, STOP_WORDS, tokenize, toTerms, words } from '../../src/search/analyze.ts';

const CORPUS_DIR = fileURLToPath(new URL('../../corpus', import.meta.url));

const terms = (text: string) => tokenize(text).map((t) => t.term);

describe('normalizeToken', () => {
  it('reads 88,200 and 88200 as the same number', () => {
    expect(normalizeToken('88,200')).toEqual(['88200']);
    expect(normalizeToken('88200')).toEqual(['88200']);
    expect(normalizeToken('1,626')).toEqual(normalizeToken('1626'));
  });

  it('keeps decimals whole', () => {
    expect(normalizeToken('1.45')).toEqual(['1.45']);
  });

  it('splits a hyphenated word into its parts plus the joined form', () => {
    expect(normalizeToken('narco-trafficking')).toEqual(['narco', 'trafficking', 'narcotrafficking']);
    expect(normalizeToken('COVID-19')).toEqual(['covid', '19']);
  });

  it('drops possessives, straight or curly', () => {
    expect(normalizeToken('Peru’s')).toEqual(['peru']);
    expect(normalizeToken("Peru's")).toEqual(['peru']);
  });
});

describe('toTerms', () => {
  it('stems word families to one term: cultivated = cultivation', () => {
    expect(toTerms('cultivated')).toEqual(toTerms('cultivation'));
    expect(toTerms('hectares')).toEqual(toTerms('hectare'));
  });

  it('folds before stemming: Apurímac = apurimac', () => {
    expect(toTerms('Apurímac')).toEqual(['apurimac']);
  });

  it('gives a hyphenated word the joined term its unhyphenated spelling has', () => {
    expect(toTerms('narco-trafficking')).toContain(toTerms('narcotrafficking')[0]);
  });

  it('returns nothing for a stop word', () => {
    for (const w of ['the', 'What', 'does', 'report', 'please', 'hello', 'cuantos']) expect(toTerms(w), w).toEqual([]);
  });
});

describe('tokenize', () => {
  it('keeps only content terms, each with the offsets of its word', () => {
    const text = 'What is the VRAEM?';
    expect(tokenize(text)).toEqual([{ term: 'vraem', surface: 'vraem', start: 12, end: 17 }]);
  });

  it('gives the same terms to curly and straight quotes and to both number forms', () => {
    expect(terms('Peru’s “Cajas Rurales” grew to 88,200 hectares')).toEqual(terms(`Peru's "Cajas Rurales" grew to 88200 hectares`));
  });

  it('points every term at its word in the text', () => {
    const text = 'Coca production in the Apurímac valley reached 88,200 hectares.';
    expect(tokenize(text).map((t) => text.slice(t.start, t.end))).toEqual(['Coca', 'production', 'Apurímac', 'valley', 'reached', '88,200', 'hectares']);
  });
});

describe('words', () => {
  it('keeps stop words, folded, for question-word checks', () => {
    expect(words('How many Peruvian police died?')).toEqual(['how', 'many', 'peruvian', 'police', 'died']);
  });
});



describe('STOP_WORDS', () => {
  it('holds question words but not content words of the report', () => {
    for (const w of ['what', 'how', 'many', 'when', 'does']) expect(STOP_WORDS.has(w), w).toBe(true);
    for (const w of ['coca', 'police', 'gold', 'army', 'mining']) expect(STOP_WORDS.has(w), w).toBe(false);
  });
});

describe('analysis in search over the report (no glossary, so only the analyzer can match)', () => {
  let engine: Engine;
  const hits = (q: string) => engine.search(q, { limit: 25 }).map((h) => h.passageId);

  beforeAll(async () => {
    const corpus = await loadCorpus(CORPUS_DIR);
    engine = Engine.fromCorpus(buildCorpus(corpus.documents, new Map()));
  });

  it('finds "Apurímac" when asked for apurimac, and the reverse', () => {
    expect(hits('apurimac')).toContain('ellis-peru-2/introduction/2'); // written "Apurímac"
    expect(hits('Apurímac')).toContain('ellis-peru-2/introduction/14'); // written "Apurimac"
  });

  it('finds 88,200 when asked for 88200', () => {
    expect(hits('88200')).toContain('ellis-peru-2/cocaine/3');
    expect(hits('88,200')).toContain('ellis-peru-2/cocaine/3');
  });

  it('finds narco-trafficking when asked for narcotrafficking, and the reverse', () => {
    expect(hits('narcotrafficking')).toContain('ellis-peru-2/introduction/6'); // only "narco-trafficking"
    expect(hits('narco-trafficking')).toContain('ellis-peru-2/introduction/9'); // only "narcotrafficking"
  });

  it('finds "cultivation" when asked for cultivated', () => {
    expect(hits('cultivated')).toContain('ellis-peru-2/cocaine/3');
  });

  it('finds nothing for stop words alone', () => {
    expect(hits('what is the')).toEqual([]);
  });
});
