/** The composition root's own parts: question-log retention, and the posters it hands the digests. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadRegistry } from '../commands/index.ts';
import type { Engine } from '../src/answer/engine.ts';
import type { Adapter } from '../src/adapters/types.ts';
import { postersOf, retentionPart, type Parts } from '../src/compose.ts';
import { loadConfig } from '../src/config.ts';
import { silentLogger } from '../src/log.ts';
import { Store } from '../src/store/store.ts';

const NOW = new Date('2026-06-30T12:00:00Z');
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000);

function parts(days: string): Parts {
  const store = new Store(join(mkdtempSync(join(tmpdir(), 'rb-compose-')), 'bot.sqlite'));
  for (const age of [200, 91, 89, 1]) {
    store.logQuestion({ platform: 'slack', userId: 'U', question: `${age} days old`, answered: true, confidence: 1, at: daysAgo(age) });
  }
  // The retention part reads nothing from the engine.
  return { store, config: loadConfig({ QUESTION_LOG_DAYS: days }), logger: silentLogger, registry: loadRegistry(), engine: {} as Engine };
}

const questions = (p: Parts) => (p.store.db.prepare('SELECT question FROM question_log ORDER BY id').all() as Array<{ question: string }>).map((r) => r.question);

describe('retentionPart', () => {
  afterEach(() => void vi.useRealTimers());

  it('purges questions older than QUESTION_LOG_DAYS at start, then once a day', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const p = parts('90');
    let now = NOW;
    const part = retentionPart(p, () => now);
    await part.start();
    expect(questions(p)).toEqual(['89 days old', '1 days old']);
    now = new Date(NOW.getTime() + 2 * 86_400_000);
    vi.advanceTimersByTime(86_400_000);
    expect(questions(p)).toEqual(['1 days old']);
    await part.stop(0);
    p.store.close();
  });

  it('keeps every question with QUESTION_LOG_DAYS=0', async () => {
    const p = parts('0');
    const part = retentionPart(p, () => NOW);
    await part.start();
    expect(questions(p)).toHaveLength(4);
    expect(part.ready()).toBe(true);
    await part.stop(0);
    p.store.close();
  });
});

describe('postersOf', () => {
  it('collects the posters of the adapters that have one, by name', () => {
    const poster = async () => ({ ref: '1' });
    const adapter = (name: string, withPoster: boolean): Adapter => ({
      name,
      start: async () => {},
      ready: () => true,
      quiesce: () => {},
      stop: async () => {},
      ...(withPoster ? { poster } : {}),
    });
    expect(postersOf([adapter('slack', true), adapter('terminal', false)])).toEqual({ slack: poster });
  });
});
