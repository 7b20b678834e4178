/**
 * The index cache: an engine read back from a snapshot answers exactly as the built one; a hit, a miss
 * (another corpus, other options), a corrupt, truncated or foreign file, and a folder that cannot be
 * written — each passed over with a warning, never a crash or a different answer.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IndexCache } from '../../src/answer/cache.ts';
import { Engine } from '../../src/answer/engine.ts';
import { parseEvalFile } from '../../src/answer/evaluate.ts';
import { createLogger, type Logger } from '../../src/log.ts';
import { LiveCorpus } from '../../src/reload.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dirs: string[] = [];
const temp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'report-bot-cache-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function capture(): { logger: Logger; warnings: () => string[] } {
  const out: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, cb) => (out.push(String(chunk)), cb()) });
  return {
    logger: createLogger('debug', sink),
    warnings: () =>
      out
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { level: number; msg: string })
        .filter((l) => l.level === 40)
        .map((l) => l.msg),
  };
}

/** The bundled report, its glossary and a second, plain-text document. */
let corpusDir: string;
const questions = parseEvalFile(readFileSync(join(ROOT, 'eval/dev.jsonl'), 'utf8'), 'dev.jsonl')
  .map((i) => i.q)
  .slice(0, 25);
questions.push('What is the VRAEM?', 'who wrote this?', 'what reports do you have?', 'How many villages got water?', 'hello');

beforeAll(() => {
  corpusDir = temp();
  copyFileSync(join(ROOT, 'corpus/ellis-peru-2.md'), join(corpusDir, 'ellis-peru-2.md'));
  copyFileSync(join(ROOT, 'corpus/glossary.yaml'), join(corpusDir, 'glossary.yaml'));
  writeFileSync(
    join(corpusDir, 'water.txt'),
    'Rural Water Access\n\nJane Doe | March 3, 2024\n\nThe water programme reached 412 villages in 2023. It cost 3.2 million dollars.\n\nMost villages got a well. The VRAEM was not part of it.\n',
  );
  smallDir = temp();
  copyFileSync(join(corpusDir, 'water.txt'), join(smallDir, 'water.txt'));
  writeFileSync(join(smallDir, 'roads.md'), '---\ntitle: Rural Roads\nauthor: John Roe\ndate: 2024-01-09\n---\n\n## Building\n\nThe roads programme paved 180 kilometres in 2023.\n\n## Cost\n\nIt cost 14 million dollars, most of it for bridges.\n');
});

/** A small corpus for the cases that only need some engine: two short documents. */
let smallDir: string;

/** Everything a user can see, as JSON. */
function observe(engine: Engine, asked = questions): string {
  return JSON.stringify({
    stats: engine.stats(),
    answers: asked.map((q) => engine.answer(q)),
    followUp: engine.answer('tell me more', { question: questions[0] ?? '', answer: engine.answer(questions[0] ?? '') }),
    search: questions.slice(0, 8).map((q) => engine.search(q, { limit: 5 })),
    passage: engine.passage(engine.corpus.passages[1]?.id ?? ''),
    documents: engine.documents.map((d) => [d.id, d.title, d.author, d.date, d.label, d.metaSpans]),
  });
}

describe('index cache', () => {
  it('a restart on an unchanged corpus reads the cache, and the cached engine answers exactly as the built one', async () => {
    const cacheDir = join(temp(), 'cache');
    const { logger, warnings } = capture();
    const first = await LiveCorpus.open(corpusDir, { cache: new IndexCache(cacheDir, logger), logger });
    expect(first.opened.fromCache).toBe(false);
    expect(readdirSync(cacheDir).filter((n) => n.endsWith('.rbindex'))).toHaveLength(1);
    const second = await LiveCorpus.open(corpusDir, { cache: new IndexCache(cacheDir, logger), logger });
    expect(second.opened.fromCache).toBe(true);
    const built = await Engine.load(corpusDir);
    expect(observe(second.current())).toBe(observe(built));
    expect(observe(first.current())).toBe(observe(built));
    expect(warnings()).toEqual([]);
    // The cached corpus is what a reload starts from: an unchanged folder needs nothing.
    expect((await second.reload()).kind).toBe('unchanged');
  });

  it('another corpus or other engine options miss the cache', async () => {
    const cacheDir = join(temp(), 'cache');
    const { logger } = capture();
    await LiveCorpus.open(corpusDir, { cache: new IndexCache(cacheDir, logger), logger });
    const other = await LiveCorpus.open(corpusDir, { options: { maxExcerptChars: 300 }, cache: new IndexCache(cacheDir, logger), logger });
    expect(other.opened.fromCache).toBe(false);
    const changed = temp();
    for (const n of readdirSync(corpusDir)) copyFileSync(join(corpusDir, n), join(changed, n));
    writeFileSync(join(changed, 'water.txt'), `${readFileSync(join(changed, 'water.txt'), 'utf8')}\nOne more sentence was added here.\n`);
    const edited = await LiveCorpus.open(changed, { cache: new IndexCache(cacheDir, logger), logger });
    expect(edited.opened.fromCache).toBe(false);
    expect(edited.current().corpus.passages.some((p) => p.text.includes('One more sentence'))).toBe(true);
  });

  it.each([
    ['truncated', (b: Buffer) => b.subarray(0, Math.floor(b.length / 2))],
    ['one byte changed', (b: Buffer) => Buffer.concat([b.subarray(0, 5000), Buffer.from([b[5000] === 65 ? 66 : 65]), b.subarray(5001)])],
    ['another format', (b: Buffer) => Buffer.concat([b.subarray(0, 6), Buffer.from([250]), b.subarray(7)])],
    ['not a snapshot', () => Buffer.from('hello')],
    ['empty', () => Buffer.alloc(0)],
  ])('a %s cache file is ignored with a warning, and the engine is built', async (_what, damage) => {
    const cacheDir = join(temp(), 'cache');
    const { logger, warnings } = capture();
    await LiveCorpus.open(smallDir, { cache: new IndexCache(cacheDir, logger), logger });
    const file = join(cacheDir, readdirSync(cacheDir).find((n) => n.endsWith('.rbindex')) ?? '');
    writeFileSync(file, damage(readFileSync(file)));
    const again = await LiveCorpus.open(smallDir, { cache: new IndexCache(cacheDir, logger), logger });
    expect(again.opened.fromCache).toBe(false);
    expect(warnings().some((w) => w.startsWith('index cache ignored'))).toBe(true);
    const asked = ['How many kilometres did the roads programme pave?', 'How many villages got water?', 'who wrote this?'];
    expect(observe(again.current(), asked)).toBe(observe(await Engine.load(smallDir), asked));
    // Rebuilt and saved again: the next start reads it.
    expect((await LiveCorpus.open(smallDir, { cache: new IndexCache(cacheDir, logger), logger })).opened.fromCache).toBe(true);
  });

  it('a cache folder that cannot be written is warned about once, and the bot goes on', async () => {
    // A path under a regular file can never be created (a read-only folder, as root, still could be).
    const blocker = join(temp(), 'not-a-folder');
    writeFileSync(blocker, 'x');
    const { logger, warnings } = capture();
    const cache = new IndexCache(join(blocker, 'cache'), logger);
    const dir = temp();
    for (const n of readdirSync(smallDir)) copyFileSync(join(smallDir, n), join(dir, n));
    const live = await LiveCorpus.open(dir, { cache, logger });
    expect(live.opened.fromCache).toBe(false);
    expect(warnings()).toEqual(['cannot write the index cache (INDEX_CACHE_DIR); going on without it']);
    writeFileSync(join(dir, 'extra.md'), '---\ntitle: Extra\n---\n\nAn extra paragraph about llamas.\n');
    expect((await live.reload()).kind).toBe('reloaded');
    expect(warnings()).toHaveLength(1);
  });
});
