/**
 * Live updates of CORPUS_DIR (issue 9): reports added, replaced, corrupted and removed while questions
 * are answered; the debounce; the last good version of a report; digests and conversations after a
 * reload. No assertion depends on timing: the debounce runs on a fake timer, and the one test with the
 * real `fs.watch` waits for a condition with a generous timeout.
 */
import { appendFile, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRegistry } from '../commands/index.ts';
import { runCommand } from '../src/app.ts';
import { Engine } from '../src/answer/engine.ts';
import type { Answer } from '../src/answer/types.ts';
import { loadConfig } from '../src/config.ts';
import { DigestScheduler } from '../src/digest/scheduler.ts';
import { factsFor } from '../src/digest/facts.ts';
import { DigestStore } from '../src/digest/store.ts';
import { createLogger, silentLogger, type Logger } from '../src/log.ts';
import { CorpusWatcher, LiveCorpus, type ReloadOutcome, type WatchFn } from '../src/reload.ts';
import type { Timer } from '../src/timer.ts';
import { tempStore } from './digest/fixtures.ts';
import { makePdf } from './support/make-pdf.ts';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function folder(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'report-bot-reload-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

/** A small report: front matter, two sections, sentences naming `topic` and a figure. */
function report(slug: string, topic: string, figure: number): string {
  return [
    '---',
    `title: "A report on ${topic}"`,
    'author: Jane Doe',
    'date: 2024-05-01',
    `slug: ${slug}`,
    '---',
    '',
    '## Overview',
    '',
    `The ${topic} programme reached ${figure} villages in 2023. It was run by the regional office.`,
    '',
    '## Costs',
    '',
    `The ${topic} programme cost ${figure * 10} thousand dollars in its first year.`,
    '',
  ].join('\n');
}

/** A logger whose lines are collected. */
function capture(): { logger: Logger; lines: () => Array<Record<string, unknown>> } {
  const out: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, cb) => (out.push(String(chunk)), cb()) });
  return { logger: createLogger('debug', sink), lines: () => out.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

/** Waits for `cond` (polling), failing after a generous timeout. */
async function waitFor(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Every excerpt of an answer is an exact slice of its document's source in the engine that gave it. */
function checkExact(engine: Engine, a: Answer): void {
  if (!a.answer) return;
  const doc = engine.corpus.documentsById.get(a.answer.documentId);
  expect(doc, `document ${a.answer.documentId}`).toBeDefined();
  expect(doc?.source.slice(a.answer.start, a.answer.end)).toBe(a.answer.text);
}

describe('LiveCorpus', () => {
  it('adds, replaces, keeps the last good version of a corrupt report, and drops a removed one — while questions are answered', async () => {
    const dir = await folder({ 'alpha.md': report('alpha', 'irrigation', 120), 'beta.md': report('beta', 'vaccination', 45) });
    const { logger, lines } = capture();
    const live = await LiveCorpus.open(dir, { logger });
    expect(live.opened.fromCache).toBe(false);
    const betaIds = live.current().corpus.passages.filter((p) => p.documentId === 'beta').map((p) => p.id);

    // Every version each file has had: an answer must quote one of them whole, never a mix.
    const versions = new Map<string, Set<string>>([
      ['alpha', new Set([live.current().corpus.documentsById.get('alpha')?.source ?? ''])],
      ['beta', new Set([live.current().corpus.documentsById.get('beta')?.source ?? ''])],
    ]);
    let stop = false;
    let asked = 0;
    const failures: unknown[] = [];
    const questions = ['How many villages did the irrigation programme reach?', 'What did the vaccination programme cost?', 'How many villages did the sanitation programme reach?'];
    const loop = (async () => {
      while (!stop) {
        await new Promise((r) => setImmediate(r));
        const engine = live.current();
        for (const q of questions) {
          try {
            const a = engine.answer(q);
            checkExact(engine, a);
            if (a.answer) {
              const source = engine.corpus.documentsById.get(a.answer.documentId)?.source ?? '';
              const known = versions.get(a.answer.documentId);
              if (known) expect(known.has(source)).toBe(true);
            }
            asked++;
          } catch (err) {
            failures.push(err);
          }
        }
      }
    })();

    // Added.
    await writeFile(join(dir, 'gamma.md'), report('gamma', 'sanitation', 300));
    versions.set('gamma', new Set([(await import('node:fs')).readFileSync(join(dir, 'gamma.md'), 'utf8')]));
    let outcome = await live.reload();
    expect(outcome.kind).toBe('reloaded');
    expect(outcome.kind === 'reloaded' && outcome.read).toEqual(['gamma.md']);
    // Indexed in a worker thread while this thread went on answering.
    expect(outcome.kind === 'reloaded' && outcome.builtIn).toBe('worker');
    expect(live.current().answer(questions[2] ?? '').answer?.text).toContain('300 villages');
    // An unchanged report keeps its passage ids.
    expect(live.current().corpus.passages.filter((p) => p.documentId === 'beta').map((p) => p.id)).toEqual(betaIds);

    // Replaced.
    const alpha2 = report('alpha', 'irrigation', 999);
    versions.get('alpha')?.add(alpha2);
    await writeFile(join(dir, 'alpha.md'), alpha2);
    outcome = await live.reload();
    expect(outcome.kind === 'reloaded' && outcome.read).toEqual(['alpha.md']);
    expect(live.current().answer(questions[0] ?? '').answer?.text).toContain('999 villages');

    // Corrupted: invalid front matter. The last good version keeps serving, and the log names the file.
    await writeFile(join(dir, 'beta.md'), '---\ntitle: [unclosed\n---\n\n## X\n\nBroken.\n');
    outcome = await live.reload();
    expect(outcome.kind).toBe('reloaded');
    const afterCorrupt = live.current();
    expect(afterCorrupt.answer(questions[1] ?? '').answer?.text).toContain('450 thousand dollars');
    expect(afterCorrupt.corpus.kept?.map((k) => k.file)).toEqual(['beta.md']);
    expect(lines().some((l) => l.level === 40 && String(l.msg).includes('kept the previous version of beta.md'))).toBe(true);
    expect(afterCorrupt.corpus.passages.filter((p) => p.documentId === 'beta').map((p) => p.id)).toEqual(betaIds);

    // /reports says what is loaded and what is kept.
    const reply = await runCommand(loadRegistry(), 'reports', {}, {
      engine: afterCorrupt,
      store: undefined as never,
      config: loadConfig({}),
      logger: silentLogger,
      platform: 'console',
      user: { id: 'U' },
      channel: { id: 'C', kind: 'dm' },
      now: () => new Date(),
    });
    expect(reply.heading).toContain('3 reports');
    expect(reply.body).toContain('kept the version of beta.md');

    // Removed.
    await unlink(join(dir, 'gamma.md'));
    outcome = await live.reload();
    expect(outcome.kind === 'reloaded' && outcome.removed).toEqual(['gamma.md']);
    expect(live.current().corpus.documentsById.has('gamma')).toBe(false);
    expect(live.current().answer(questions[2] ?? '').answer?.text ?? '').not.toContain('300 villages');

    // Nothing changed: no rebuild.
    expect((await live.reload()).kind).toBe('unchanged');

    // Everything removed: the previous engine keeps serving.
    const before = live.current();
    await unlink(join(dir, 'alpha.md'));
    await unlink(join(dir, 'beta.md'));
    expect((await live.reload()).kind).toBe('failed');
    expect(live.current()).toBe(before);

    stop = true;
    await loop;
    expect(failures).toEqual([]);
    expect(asked).toBeGreaterThan(0);
  });

  it('a corrupt PDF keeps its last good version, a report never readable is skipped, and other changes still apply', async () => {
    const pdf = makePdf({
      pages: [[
        { x: 72, y: 720, size: 18, text: 'Mining in Madre de Dios' },
        { x: 72, y: 690, size: 11, text: 'Illegal gold mining cleared 9,800 hectares of forest in 2021.' },
      ]],
      info: { Title: 'Mining in Madre de Dios', Author: 'Ana Quispe' },
    });
    const dir = await folder({ 'alpha.md': report('alpha', 'irrigation', 120) });
    await writeFile(join(dir, 'mining.pdf'), pdf);
    const { logger, lines } = capture();
    const live = await LiveCorpus.open(dir, { logger });
    const question = 'How many hectares of forest did illegal gold mining clear?';
    expect(live.current().answer(question).answer?.text).toContain('9,800 hectares');
    await writeFile(join(dir, 'mining.pdf'), Buffer.concat([pdf.subarray(0, 40), Buffer.from('this is no longer a PDF')]));
    await writeFile(join(dir, 'broken.md'), '---\ntitle: [unclosed\n---\nx\n');
    await writeFile(join(dir, 'alpha.md'), report('alpha', 'irrigation', 121));
    const outcome = await live.reload();
    expect(outcome.kind === 'reloaded' && [...outcome.read].sort()).toEqual(['alpha.md', 'broken.md', 'mining.pdf']);
    const engine = live.current();
    expect(engine.corpus.kept?.map((k) => k.file)).toEqual(['mining.pdf']);
    expect(engine.corpus.skipped.map((s) => s.file)).toEqual(['broken.md']);
    expect(engine.answer(question).answer?.text).toContain('9,800 hectares');
    expect(engine.answer('How many villages did the irrigation programme reach?').answer?.text).toContain('121 villages');
    expect(lines().some((l) => l.level === 40 && String(l.msg).startsWith('kept the previous version of mining.pdf'))).toBe(true);
    // Fixed again: served from the new file, no longer listed as kept.
    await writeFile(join(dir, 'mining.pdf'), pdf);
    await live.reload();
    expect(live.current().corpus.kept).toBeUndefined();
  });

  it('a follow-up to a passage that a reload removed gets a clear answer', async () => {
    const dir = await folder({ 'alpha.md': report('alpha', 'irrigation', 120), 'beta.md': report('beta', 'vaccination', 45) });
    const live = await LiveCorpus.open(dir, { logger: silentLogger });
    const question = 'What did the vaccination programme cost?';
    const first = live.current().answer(question);
    expect(first.answer?.passageId).toMatch(/^beta\//);
    await unlink(join(dir, 'beta.md'));
    await live.reload();
    const more = live.current().answer('tell me more', { question, answer: first });
    expect(more.answered).toBe(false);
    expect(more.understood).toContain('no longer in them');
  });
});

describe('CorpusWatcher', () => {
  /** A timer whose callbacks run when the test says. */
  function fakeTimer(): Timer & { fire(): void; pending(): number } {
    let queue: Array<{ fn: () => void; id: number }> = [];
    let next = 0;
    return {
      set: (fn) => (queue.push({ fn, id: ++next }), next),
      clear: (h) => void (queue = queue.filter((t) => t.id !== h)),
      fire: () => {
        const due = queue;
        queue = [];
        for (const t of due) t.fn();
      },
      pending: () => queue.length,
    };
  }

  it('many writes to a growing file make one reload, and the file is read whole', async () => {
    const dir = await folder({ 'alpha.md': report('alpha', 'irrigation', 120) });
    const live = await LiveCorpus.open(dir, { logger: silentLogger });
    let emit = (): void => undefined;
    const watch: WatchFn = (_dir, onChange) => ((emit = onChange), { close: () => undefined });
    const timer = fakeTimer();
    const outcomes: ReloadOutcome[] = [];
    const watcher = new CorpusWatcher(live, { debounceMs: 1000, logger: silentLogger, watch, timer, onReload: (o) => outcomes.push(o) });
    watcher.start();
    const whole = report('delta', 'electrification', 77);
    const pieces = whole.match(/[\s\S]{1,40}/g) ?? [];
    for (const piece of pieces) {
      await appendFile(join(dir, 'delta.md'), piece);
      emit();
      emit();
      // The quiet period ends while the file is still growing: the sizes moved, so it waits again.
      timer.fire();
      await waitFor(() => timer.pending() > 0 || outcomes.length > 0, 'the watcher to look at the folder');
    }
    expect(outcomes).toHaveLength(0);
    // Now the folder holds still for a whole period: one reload.
    timer.fire();
    await waitFor(() => outcomes.length > 0, 'a reload');
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]?.kind === 'reloaded' && outcomes[0].read).toEqual(['delta.md']);
    expect(live.current().corpus.documentsById.get('delta')?.source).toBe(whole);
    await watcher.stop();
  });

  it('with the real fs.watch, a report copied in is served after the quiet period', async () => {
    const dir = await folder({ 'alpha.md': report('alpha', 'irrigation', 120) });
    const live = await LiveCorpus.open(dir, { logger: silentLogger });
    const watcher = new CorpusWatcher(live, { debounceMs: 50, logger: silentLogger });
    watcher.start();
    try {
      await writeFile(join(dir, 'epsilon.md'), report('epsilon', 'reforestation', 64));
      await waitFor(() => live.current().corpus.documentsById.has('epsilon'), 'epsilon to be served');
      expect(live.current().answer('How many villages did the reforestation programme reach?').answer?.text).toContain('64 villages');
    } finally {
      await watcher.stop();
    }
  });
});

describe('digests after a reload', () => {
  it('facts of a removed report leave the rotation and a new report\'s join', async () => {
    const dir = await folder({ 'alpha.md': report('alpha', 'irrigation', 120) });
    const live = await LiveCorpus.open(dir, { logger: silentLogger });
    const { store, cleanup } = tempStore();
    try {
      const now = () => ({ corpus: live.current().corpus, facts: factsFor(live.current().corpus) });
      const start = now();
      const scheduler = new DigestScheduler({ store: new DigestStore(store), corpus: start.corpus, facts: start.facts, posters: {}, current: now });
      const sub = { platform: 'slack' } as Parameters<DigestScheduler['replyFor']>[0];
      const alphaFacts = start.facts.map((f) => f.id);
      expect(alphaFacts.length).toBeGreaterThan(0);
      await writeFile(join(dir, 'zeta.md'), report('zeta', 'fisheries', 88));
      await unlink(join(dir, 'alpha.md'));
      await live.reload();
      const zetaFacts = factsFor(live.current().corpus).map((f) => f.id);
      expect(zetaFacts.every((id) => id.startsWith('zeta/'))).toBe(true);
      expect(scheduler.replyFor(sub, { factIds: alphaFacts, firstPosition: 1, lastPosition: 1, total: 1 }).items).toHaveLength(0);
      expect(scheduler.replyFor(sub, { factIds: zetaFacts.slice(0, 1), firstPosition: 1, lastPosition: 1, total: 1 }).items).toHaveLength(1);
    } finally {
      cleanup();
    }
  });
});
