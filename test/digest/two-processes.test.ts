/** Two scheduler processes on one SQLite file, started at the same instant: every digest is posted once. */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.ts';
import { DigestStore } from '../../src/digest/store.ts';
import { tempDir } from './fixtures.ts';

const { dir, cleanup } = tempDir();
afterAll(() => cleanup());

function worker(args: string[]): { ready: Promise<void>; done: Promise<{ code: number | null; out: string; err: string }> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'support', 'run-due-worker.ts'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let markReady: () => void;
  const ready = new Promise<void>((r) => (markReady = r));
  child.stdout.on('data', (d: Buffer) => {
    out += String(d);
    if (out.includes('ready\n')) markReady();
  });
  child.stderr.on('data', (d: Buffer) => (err += String(d)));
  const done = new Promise<{ code: number | null; out: string; err: string }>((resolve) => child.on('close', (code) => resolve({ code, out, err })));
  return { ready, done };
}

describe('two scheduler processes on one database file', () => {
  it('post each due digest exactly once between them', async () => {
    const db = join(dir, 'shared.sqlite');
    const log = join(dir, 'posts.log');
    const go = join(dir, 'go');
    writeFileSync(log, '');
    const store = new Store(db);
    const digests = new DigestStore(store);
    for (let i = 0; i < 30; i++) {
      digests.subscribe({ platform: 'slack', channelId: `C${i}`, time: '09:00', timezone: 'UTC', count: 2, days: 'daily', userId: 'U', now: new Date('2026-01-01T00:00:00Z') });
    }
    const now = '2026-01-05T09:00:00Z';
    const a = worker([db, log, now, go, 'A']);
    const b = worker([db, log, now, go, 'B']);
    await Promise.all([a.ready, b.ready]);
    writeFileSync(go, 'go');
    const [ra, rb] = await Promise.all([a.done, b.done]);
    expect(ra.err).toBe('');
    expect(rb.err).toBe('');
    expect([ra.code, rb.code]).toEqual([0, 0]);
    expect(existsSync(go)).toBe(true);

    const posts = readFileSync(log, 'utf8').trim().split('\n');
    const ids = posts.map((l) => l.split(' ')[1]);
    expect(posts).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
    const postedBy = (name: string) => JSON.parse((name === 'A' ? ra : rb).out.split('\n').filter(Boolean).at(-1)!).posted as number;
    expect(postedBy('A') + postedBy('B')).toBe(30);
    for (const s of digests.running()) expect(digests.delivery(s.id, '2026-01-05')).toMatchObject({ status: 'sent', attempts: 1 });
    store.close();
  }, 30_000);
});
