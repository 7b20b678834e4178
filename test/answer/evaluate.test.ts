import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/answer/engine.ts';
import { evaluate, goldFold, parseEvalFile, type EvalReport } from '../../src/answer/evaluate.ts';

const CORPUS_DIR = fileURLToPath(new URL('../../corpus', import.meta.url));
const evalFile = (name: string) => fileURLToPath(new URL(`../../eval/${name}`, import.meta.url));

let engine: Engine;

beforeAll(async () => {
  engine = await Engine.load(CORPUS_DIR);
});

async function run(name: string): Promise<EvalReport> {
  return evaluate(engine, parseEvalFile(await readFile(evalFile(name), 'utf8'), name));
}

describe('evaluate on the development questions', () => {
  let r: EvalReport;

  beforeAll(async () => {
    r = await run('dev.jsonl');
  });

  it('holds 42 answerable and 8 unanswerable questions', () => {
    expect([r.answerable, r.unanswerable]).toEqual([42, 8]);
  });

  it('reaches hit@1 ≥ 0.90', () => {
    expect(r.hit1 / r.answerable, r.misses.join('\n')).toBeGreaterThanOrEqual(0.9);
  });

  it('reaches hit@3 ≥ 0.97', () => {
    expect(r.hit3 / r.answerable, r.misses.join('\n')).toBeGreaterThanOrEqual(0.97);
  });

  it('abstains on at least 6 of the 8 unanswerable questions', () => {
    expect(r.abstainedCorrectly, r.misses.join('\n')).toBeGreaterThanOrEqual(6);
  });

  it('wrongly abstains on at most one answerable question', () => {
    expect(r.wronglyAbstained, r.misses.join('\n')).toBeLessThanOrEqual(1);
  });
});

describe('evaluate on the held-out questions', () => {
  let r: EvalReport;

  beforeAll(async () => {
    r = await run('holdout.jsonl');
  });

  it('holds 45 answerable and 15 unanswerable questions', () => {
    expect([r.answerable, r.unanswerable]).toEqual([45, 15]);
  });

  it('reaches hit@1 ≥ 0.85', () => {
    expect(r.hit1 / r.answerable, r.misses.join('\n')).toBeGreaterThanOrEqual(0.85);
  });

  it('reaches hit@3 ≥ 0.95', () => {
    expect(r.hit3 / r.answerable, r.misses.join('\n')).toBeGreaterThanOrEqual(0.95);
  });

  it('abstains on at least 9 of the 15 unanswerable questions', () => {
    expect(r.abstainedCorrectly, r.misses.join('\n')).toBeGreaterThanOrEqual(9);
  });

  it('wrongly abstains on at most two answerable questions', () => {
    expect(r.wronglyAbstained, r.misses.join('\n')).toBeLessThanOrEqual(2);
  });
});

describe('evaluate on the second held-out set', () => {
  let r: EvalReport;

  beforeAll(async () => {
    r = await run('holdout2.jsonl');
  });

  it('holds 38 answerable and 12 unanswerable questions', () => {
    expect([r.answerable, r.unanswerable]).toEqual([38, 12]);
  });

  it('reaches hit@1 ≥ 0.85 and hit@3 ≥ 0.95', () => {
    expect(r.hit1 / r.answerable, r.misses.join('\n')).toBeGreaterThanOrEqual(0.85);
    expect(r.hit3 / r.answerable, r.misses.join('\n')).toBeGreaterThanOrEqual(0.95);
  });

  it('abstains on at least 8 of the 12 unanswerable questions, and wrongly on at most two answerable ones', () => {
    expect(r.abstainedCorrectly, r.misses.join('\n')).toBeGreaterThanOrEqual(8);
    expect(r.wronglyAbstained, r.misses.join('\n')).toBeLessThanOrEqual(2);
  });
});

describe('evaluate scoring', () => {
  it('counts a hit only when the answer contains a gold string, and an abstention only when gold is null', () => {
    const r = evaluate(engine, [
      { id: 'a', q: 'how many cops died from covid', gold: ['500 Peruvian police'] },
      { id: 'b', q: 'how many cops died from covid', gold: ['a string the report never contains'] },
      { id: 'c', q: 'Where can I get the best pizza in Lima?', gold: null },
      { id: 'd', q: 'how many cops died from covid', gold: null },
    ]);
    expect(r).toMatchObject({ answerable: 2, unanswerable: 2, hit1: 1, hit3: 1, abstainedCorrectly: 1, wronglyAbstained: 0 });
    expect(r.misses.map((m) => m.split(' ')[0])).toEqual(['b', 'd']);
    expect(r.summary).toContain('hit@1: 50.0% (1/2)');
  });
});

describe('goldFold', () => {
  it('folds case, accents, curly quotes and white space', () => {
    expect(goldFold('  Apurímac,\n Ene y  Mantaro ')).toBe('apurimac, ene y mantaro');
    expect(goldFold('Peru’s “no')).toBe(`peru's "no`);
  });
});

describe('parseEvalFile', () => {
  it('reads one item a line, skipping blank lines', () => {
    expect(parseEvalFile('{"id":"x","q":"Q?","gold":null}\n\n{"id":"y","q":"R?","gold":["r"]}\n')).toEqual([
      { id: 'x', q: 'Q?', gold: null },
      { id: 'y', q: 'R?', gold: ['r'] },
    ]);
  });

  it('names the line of an entry that is not JSON', () => {
    expect(() => parseEvalFile('{"id":"x","q":"Q?","gold":null}\n{oops', 'dev.jsonl')).toThrow('dev.jsonl line 2 is not valid JSON');
  });

  it('names the line of an entry without "q" and "gold"', () => {
    expect(() => parseEvalFile('{"id":"x","q":"Q?"}', 'dev.jsonl')).toThrow('dev.jsonl line 1 needs "q" and "gold"');
  });
});
