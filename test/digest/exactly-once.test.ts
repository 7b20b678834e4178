/**
 * Exactly-once digests when things go wrong after the post (issue 8, item 1): a locked or full
 * database right after a successful post, a process killed between posting and recording, and the
 * reconciliation that follows. Real SQLite files throughout; the kill is a real SIGKILL of a child.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { extractFacts } from '../../src/digest/facts.ts';
import { DigestStore } from '../../src/digest/store.ts';
import { DigestScheduler, type SchedulerDeps } from '../../src/digest/scheduler.ts';
import type { DeliveryKey, Poster } from '../../src/digest/posters.ts';
import { Store } from '../../src/store/store.ts';
import { tempDir, tempStore, tinyCorpus } from './fixtures.ts';
import { webApi } from '@slack/bolt';
import { slackPoster } from '../../src/adapters/slack/poster.ts';
import { startSlackStandIn } from '../adapters/slack/stand-in.ts';

const corpus = tinyCorpus();
const facts = extractFacts(corpus);
const DUE = new Date('2026-01-05T09:00:00Z');
const MIN = 60_000;

let cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

/** A poster that keeps what it posted, as the channel would, and can look it up again. */
function channelPoster(): Poster & { posts: DeliveryKey[]; lookups: number } {
  const posts: DeliveryKey[] = [];
  const poster = (async (_sub, _reply, key) => {
    posts.push(key!);
    return { ref: `ts-${posts.length}` };
  }) as Poster & { posts: DeliveryKey[]; lookups: number };
  poster.posts = posts;
  poster.lookups = 0;
  poster.find = async (_sub, _reply, key) => {
    poster.lookups++;
    const i = posts.findIndex((p) => p.id === key.id);
    return i >= 0 ? { ref: `ts-${i + 1}` } : null;
  };
  return poster;
}

function setup(path?: string) {
  let store: Store;
  if (path) {
    store = new Store(path);
    cleanups.push(() => store.close());
  } else {
    const t = tempStore();
    cleanups.push(t.cleanup);
    store = t.store;
    path = t.path;
  }
  const digests = new DigestStore(store);
  const { subscription } = digests.subscribe({
    platform: 'slack', channelId: 'C1', time: '09:00', timezone: 'UTC', count: 2, days: 'daily', userId: 'U1',
    now: new Date('2026-01-01T00:00:00Z'), seed: 'fixed-seed',
  });
  const scheduler = (poster: Poster, deps: Partial<SchedulerDeps> = {}) =>
    new DigestScheduler({ store: digests, corpus, facts, posters: { slack: poster }, sleep: async () => {}, ...deps });
  return { store, path, digests, subscription, scheduler };
}

describe('a digest whose record fails after a successful post', () => {
  it('is posted once and recorded once the lock held by another connection is released', async () => {
    const { path, digests, subscription, scheduler } = setup();
    const other = new Database(path);
    cleanups.push(() => other.close());
    const poster = channelPoster();
    let sleeps = 0;
    const locking: Poster = async (sub, reply, key) => {
      const r = await poster(sub, reply, key);
      other.exec('BEGIN IMMEDIATE'); // another process takes the write lock just as the post returns
      return r;
    };
    const report = await scheduler(locking, {
      sleep: async () => {
        if (++sleeps === 2) other.exec('COMMIT');
      },
    }).runDue(DUE);
    expect(poster.posts).toHaveLength(1);
    expect(report.posted).toHaveLength(1);
    expect(report.failed).toEqual([]);
    expect(digests.delivery(subscription.id, '2026-01-05')).toMatchObject({ status: 'sent', platformRef: 'ts-1', attempts: 1 });
  });

  it('is recorded by the next run when the disk was full, and never posted again', async () => {
    const { digests, subscription, scheduler } = setup();
    const poster = channelPoster();
    const markSent = digests.markSent.bind(digests);
    let full = true;
    digests.markSent = (...args) => {
      if (full) throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
      markSent(...args);
    };
    const s = scheduler(poster);
    await s.runDue(DUE);
    expect(s.unrecordedCount).toBe(1);
    expect(digests.delivery(subscription.id, '2026-01-05')!.status).toBe('claimed');
    await s.runDue(new Date(DUE.getTime() + 5 * MIN));
    expect(poster.posts).toHaveLength(1);
    full = false;
    await s.runDue(new Date(DUE.getTime() + 10 * MIN));
    expect(poster.posts).toHaveLength(1);
    expect(s.unrecordedCount).toBe(0);
    expect(digests.delivery(subscription.id, '2026-01-05')).toMatchObject({ status: 'sent', platformRef: 'ts-1' });
  });
});

describe('a claim left by a process that never reported back', () => {
  const abandon = (digests: DigestStore, sub: ReturnType<typeof setup>['subscription']) =>
    digests.claim({ subscription: sub, localDate: '2026-01-05', scheduledAt: DUE, now: DUE, factIds: facts.map((f) => f.id), catchupMs: 6 * 60 * MIN, leaseMs: 15 * MIN, owner: 'dead' });

  it('is recorded as sent when its message is found in the channel', async () => {
    const { digests, subscription, scheduler } = setup();
    const poster = channelPoster();
    const claim = abandon(digests, subscription);
    if (claim.kind !== 'claimed') throw new Error('expected a claim');
    poster.posts.push({ id: claim.delivery.id, subscriptionId: subscription.id, localDate: '2026-01-05', claimedAt: DUE }); // it did reach the channel
    const s = scheduler(poster);
    await s.runDue(new Date(DUE.getTime() + 5 * MIN)); // inside the lease: left alone
    expect(poster.lookups).toBe(0);
    await s.runDue(new Date(DUE.getTime() + 16 * MIN));
    expect(poster.posts).toHaveLength(1);
    expect(digests.delivery(subscription.id, '2026-01-05')).toMatchObject({ status: 'sent', platformRef: 'ts-1' });
  });

  it('is posted once when its message is not in the channel', async () => {
    const { digests, subscription, scheduler } = setup();
    const poster = channelPoster();
    abandon(digests, subscription);
    await scheduler(poster).runDue(new Date(DUE.getTime() + 16 * MIN));
    await scheduler(poster).runDue(new Date(DUE.getTime() + 40 * MIN));
    expect(poster.posts).toHaveLength(1);
    expect(digests.delivery(subscription.id, '2026-01-05')!.status).toBe('sent');
  });

  it('is given up (at most once) when the channel cannot be checked', async () => {
    const { digests, subscription, scheduler } = setup();
    const poster = channelPoster();
    poster.find = async () => {
      throw new Error('missing_scope');
    };
    abandon(digests, subscription);
    const report = await scheduler(poster).runDue(new Date(DUE.getTime() + 16 * MIN));
    expect(poster.posts).toHaveLength(0);
    expect(report.skipped.find((r) => r.localDate === '2026-01-05')!.reason).toMatch(/could not be checked \(missing_scope\)/);
    expect(digests.delivery(subscription.id, '2026-01-05')!.status).toBe('skipped');
  });
});

describe('SIGKILL during digest run-due', () => {
  const { dir, cleanup } = tempDir();
  afterAll(cleanup);

  async function killMidway(db: string, platformLog: string, mode: 'after-post' | 'before-post'): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'support', 'kill-worker.ts'), db, platformLog, DUE.toISOString(), mode], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += String(d)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += String(d);
        if (/posted|posting/.test(out)) resolve();
      });
      child.on('close', () => reject(new Error(`worker ended early: ${err}`)));
    });
    const closed = new Promise((r) => child.on('close', r));
    child.kill('SIGKILL');
    await closed;
  }

  /** The platform as the killed worker left it: one line per message that reached it. */
  const platformPoster = (platformLog: string): Poster & { posts: number } => {
    const poster = (async (sub, _reply, key) => {
      writeFileSync(platformLog, `${sub.channelId} ${key!.id} ${key!.localDate}\n`, { flag: 'a' });
      poster.posts++;
      return { ref: `ts-${key!.id}` };
    }) as Poster & { posts: number };
    poster.posts = 0;
    poster.find = async (sub, _reply, key) =>
      existsSync(platformLog) && readFileSync(platformLog, 'utf8').split('\n').includes(`${sub.channelId} ${key.id} ${key.localDate}`) ? { ref: `ts-${key.id}` } : null;
    return poster;
  };

  it('killed after the post: the restarted scheduler finds the message and does not post again', async () => {
    const db = join(dir, 'after.sqlite');
    const platformLog = join(dir, 'after.log');
    const { digests, subscription, scheduler, store } = setup(db);
    await killMidway(db, platformLog, 'after-post');
    expect(digests.delivery(subscription.id, '2026-01-05')).toMatchObject({ status: 'claimed', claimedBy: 'doomed' });
    const poster = platformPoster(platformLog);
    await scheduler(poster).runDue(new Date(DUE.getTime() + 16 * MIN));
    expect(poster.posts).toBe(0);
    expect(readFileSync(platformLog, 'utf8').trim().split('\n')).toHaveLength(1);
    expect(digests.delivery(subscription.id, '2026-01-05')!.status).toBe('sent');
    store.close();
  }, 30_000);

  it('killed before the post: the restarted scheduler posts it once', async () => {
    const db = join(dir, 'before.sqlite');
    const platformLog = join(dir, 'before.log');
    const { digests, subscription, scheduler, store } = setup(db);
    await killMidway(db, platformLog, 'before-post');
    const poster = platformPoster(platformLog);
    await scheduler(poster).runDue(new Date(DUE.getTime() + 16 * MIN));
    await scheduler(poster).runDue(new Date(DUE.getTime() + 30 * MIN));
    expect(poster.posts).toBe(1);
    expect(digests.delivery(subscription.id, '2026-01-05')!.status).toBe('sent');
    store.close();
  }, 30_000);
});

describe('the Slack poster', () => {
  it('stamps the delivery on the message and finds it again with conversations.history', async () => {
    const standIn = await startSlackStandIn();
    try {
      const web = new webApi.WebClient('xoxb-1-2-test', { slackApiUrl: standIn.apiUrl, retryConfig: { retries: 0 } });
      const { digests, subscription, scheduler } = setup();
      const poster = slackPoster(web);
      // A process posts and dies before recording: here, its post is made and its record never written.
      const claim = digests.claim({ subscription, localDate: '2026-01-05', scheduledAt: DUE, now: DUE, factIds: facts.map((f) => f.id), catchupMs: 6 * 60 * MIN, leaseMs: 15 * MIN, owner: 'dead' });
      if (claim.kind !== 'claimed') throw new Error('expected a claim');
      const s = scheduler(poster);
      const posted = await poster(subscription, s.replyFor(subscription, claim.delivery), { id: claim.delivery.id, subscriptionId: subscription.id, localDate: '2026-01-05', claimedAt: new Date(0) });
      await s.runDue(new Date(DUE.getTime() + 16 * MIN));
      const posts = standIn.calls.filter((c) => c.method === 'chat.postMessage');
      expect(posts).toHaveLength(1);
      expect(posts[0]!.body.metadata).toEqual({ event_type: 'report_bot_digest', event_payload: { delivery: claim.delivery.id, subscription: subscription.id, local_date: '2026-01-05' } });
      expect(digests.delivery(subscription.id, '2026-01-05')).toMatchObject({ status: 'sent', platformRef: (posted as { ref: string }).ref });
    } finally {
      await standIn.close();
    }
  });
});
