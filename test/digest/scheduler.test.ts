import { afterEach, describe, expect, it, vi } from 'vitest';
import { Writable } from 'node:stream';
import { Store } from '../../src/store/store.ts';
import { createLogger } from '../../src/log.ts';
import { extractFacts } from '../../src/digest/facts.ts';
import { DigestStore, type SubscribeInput } from '../../src/digest/store.ts';
import { DigestScheduler, type SchedulerDeps, type Timer } from '../../src/digest/scheduler.ts';
import { ChannelGoneError, MessageRejectedError, type Poster } from '../../src/digest/posters.ts';
import { wallTime } from '../../src/digest/time.ts';
import { corpusOf, fakeClock, recordingPoster, tempStore, TINY_REPORT, tinyCorpus } from './fixtures.ts';

const corpus = tinyCorpus();
const facts = extractFacts(corpus);
const HOUR = 3_600_000;

let cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.reverse()) c();
  cleanups = [];
});

function setup(sub: Partial<SubscribeInput> = {}, deps: Partial<SchedulerDeps> = {}) {
  const t = tempStore();
  cleanups.push(t.cleanup);
  const digests = new DigestStore(t.store);
  const { subscription } = digests.subscribe({
    platform: 'slack',
    channelId: 'C1',
    time: '09:00',
    timezone: 'America/Lima',
    count: 2,
    days: 'daily',
    userId: 'U1',
    now: new Date('2026-01-01T00:00:00Z'),
    seed: 'fixed-seed',
    ...sub,
  });
  const poster = recordingPoster();
  const sleeps: number[] = [];
  const scheduler = new DigestScheduler({
    store: digests,
    corpus,
    facts,
    posters: { slack: poster },
    sleep: async (ms) => void sleeps.push(ms),
    ...deps,
  });
  return { ...t, digests, subscription, poster, sleeps, scheduler };
}

/** Runs the scheduler every `stepMinutes` from `from` to `to`, like the production loop would. */
async function tick(scheduler: DigestScheduler, from: string, to: string, stepMinutes = 15): Promise<void> {
  for (let t = new Date(from).getTime(); t <= new Date(to).getTime(); t += stepMinutes * 60_000) {
    await scheduler.runDue(new Date(t));
  }
}

describe('DigestScheduler', () => {
  it('posts once at the local time and not before', async () => {
    const { scheduler, poster } = setup();
    // 09:00 in Lima (UTC−5) is 14:00 UTC.
    await scheduler.runDue(new Date('2026-01-05T13:59:00Z'));
    expect(poster.posts).toHaveLength(0);
    const report = await scheduler.runDue(new Date('2026-01-05T14:00:00Z'));
    expect(report.posted).toEqual([{ subscriptionId: 1, localDate: '2026-01-05', attempts: 1 }]);
    await scheduler.runDue(new Date('2026-01-05T18:00:00Z'));
    await scheduler.runDue(new Date('2026-01-06T04:30:00Z'));
    expect(poster.posts).toHaveLength(1);
    await scheduler.runDue(new Date('2026-01-06T14:00:00Z'));
    expect(poster.posts).toHaveLength(2);
    expect(poster.posts[0]!.reply.kind).toBe('digest');
    expect(poster.posts[0]!.subscription.channelId).toBe('C1');
  });

  it('posts on weekdays only when days is weekdays', async () => {
    const { scheduler, poster, digests } = setup({ days: 'weekdays' });
    // Thursday 1 January to Thursday 8 January 2026, every half hour.
    await tick(scheduler, '2026-01-01T00:00:00Z', '2026-01-08T23:30:00Z', 30);
    const dates = digests.deliveries(1).filter((d) => d.status === 'sent').map((d) => d.localDate);
    expect(dates).toEqual(['2026-01-01', '2026-01-02', '2026-01-05', '2026-01-06', '2026-01-07', '2026-01-08']);
    expect(poster.posts).toHaveLength(6);
  });

  const dstWeeks: Array<[string, string, string, number]> = [
    // zone, first day, last day, expected UTC offset change in hours across the week
    ['America/New_York', '2026-03-05', '2026-03-12', 1],
    ['America/New_York', '2026-10-29', '2026-11-05', -1],
    ['Europe/Berlin', '2026-03-26', '2026-04-02', 1],
    ['Europe/Berlin', '2026-10-22', '2026-10-29', -1],
    ['America/Lima', '2026-03-05', '2026-03-12', 0],
    ['America/Lima', '2026-10-29', '2026-11-05', 0],
  ];
  for (const [zone, first, last, shift] of dstWeeks) {
    it(`posts at 09:00 local every day of the week ${first}…${last} in ${zone}`, async () => {
      const { scheduler, poster } = setup({ timezone: zone });
      const times: Date[] = [];
      const clock = { t: new Date(`${first}T00:00:00Z`).getTime() };
      const end = new Date(`${last}T23:59:00Z`).getTime();
      for (; clock.t <= end; clock.t += 15 * 60_000) {
        const before = poster.posts.length;
        await scheduler.runDue(new Date(clock.t));
        if (poster.posts.length > before) times.push(new Date(clock.t));
      }
      expect(times.length).toBeGreaterThanOrEqual(7);
      for (const t of times) expect(wallTime(t, zone)).toMatchObject({ hour: 9, minute: 0 });
      const days = times.map((t) => `${wallTime(t, zone).year}-${wallTime(t, zone).month}-${wallTime(t, zone).day}`);
      expect(new Set(days).size).toBe(days.length);
      // The UTC hour of the post moves with the zone's change (or stays, in Lima).
      const utcHours = times.map((t) => t.getUTCHours());
      expect(utcHours[0]! - utcHours.at(-1)!).toBe(shift);
    });
  }

  it('still posts on the spring-forward day when the time falls in the gap, and once when it occurs twice', async () => {
    const spring = setup({ timezone: 'America/New_York', time: '02:30' });
    await tick(spring.scheduler, '2026-03-07T00:00:00Z', '2026-03-09T23:45:00Z');
    expect(spring.digests.deliveries(1).filter((d) => d.status === 'sent').map((d) => `${d.localDate} ${d.scheduledAt.toISOString()}`)).toEqual([
      '2026-03-07 2026-03-07T07:30:00.000Z',
      '2026-03-08 2026-03-08T07:30:00.000Z', // 03:30 EDT: the clocks jumped from 02:00 to 03:00
      '2026-03-09 2026-03-09T06:30:00.000Z',
    ]);
    const autumn = setup({ timezone: 'America/New_York', time: '01:30', channelId: 'C2' });
    await tick(autumn.scheduler, '2026-10-31T00:00:00Z', '2026-11-02T23:45:00Z');
    expect(autumn.poster.posts).toHaveLength(3);
    expect(autumn.digests.delivery(1, '2026-11-01')!.scheduledAt.toISOString()).toBe('2026-11-01T05:30:00.000Z'); // the first 01:30 (EDT)
  });

  it('does not post again after a restart in the middle of the day', async () => {
    const first = setup();
    await first.scheduler.runDue(new Date('2026-01-05T14:00:00Z'));
    expect(first.poster.posts).toHaveLength(1);
    first.store.close();

    const store = new Store(first.path);
    cleanups.push(() => store.close());
    const poster = recordingPoster();
    const restarted = new DigestScheduler({ store: new DigestStore(store), corpus, facts, posters: { slack: poster } });
    await restarted.runDue(new Date('2026-01-05T17:00:00Z'));
    await restarted.runDue(new Date('2026-01-05T23:00:00Z'));
    expect(poster.posts).toHaveLength(0);
    await restarted.runDue(new Date('2026-01-06T14:00:00Z'));
    expect(poster.posts).toHaveLength(1);
  });

  it('retries a failed post with backoff and posts it once', async () => {
    const { scheduler, digests, sleeps } = setup();
    const flaky = recordingPoster([new Error('socket hang up'), new Error('HTTP 502')]);
    const s = new DigestScheduler({ store: digests, corpus, facts, posters: { slack: flaky }, sleep: async (ms) => void sleeps.push(ms) });
    const report = await s.runDue(new Date('2026-01-05T14:00:00Z'));
    expect(flaky.posts).toHaveLength(1);
    expect(sleeps).toEqual([2000, 4000]);
    expect(report.posted).toEqual([{ subscriptionId: 1, localDate: '2026-01-05', attempts: 3 }]);
    expect(digests.delivery(1, '2026-01-05')).toMatchObject({ status: 'sent', attempts: 3 });
    await scheduler.runDue(new Date('2026-01-05T15:00:00Z'));
    await s.runDue(new Date('2026-01-05T15:00:00Z'));
    expect(flaky.posts).toHaveLength(1);
  });

  it('leaves a day that keeps failing for a later run with a growing wait, and posts it once the platform is back', async () => {
    const { digests } = setup();
    const down = recordingPoster(Array.from({ length: 6 }, () => new Error('HTTP 503')));
    // A frozen clock: no time passes during a run, so retry times are exact.
    const frozen = () => new Date('2026-01-01T00:00:00Z');
    const s = new DigestScheduler({ store: digests, corpus, facts, posters: { slack: down }, sleep: async () => {}, now: frozen });
    const r1 = await s.runDue(new Date('2026-01-05T14:00:00Z'));
    expect(r1.failed).toHaveLength(1);
    const failed = digests.delivery(1, '2026-01-05')!;
    expect(failed).toMatchObject({ status: 'failed', attempts: 3, message: 'HTTP 503' });
    expect(failed.nextAttemptAt!.toISOString()).toBe('2026-01-05T14:05:00.000Z');
    // Not yet due for a retry.
    await s.runDue(new Date('2026-01-05T14:03:00Z'));
    expect(digests.delivery(1, '2026-01-05')!.attempts).toBe(3);
    // Second run fails too; the next retry waits twice as long.
    await s.runDue(new Date('2026-01-05T14:05:00Z'));
    expect(digests.delivery(1, '2026-01-05')).toMatchObject({ status: 'failed', attempts: 6 });
    expect(digests.delivery(1, '2026-01-05')!.nextAttemptAt!.toISOString()).toBe('2026-01-05T14:15:00.000Z');
    // The platform is back: the same facts are posted, once.
    await s.runDue(new Date('2026-01-05T14:15:00Z'));
    expect(down.posts).toHaveLength(1);
    expect(digests.delivery(1, '2026-01-05')).toMatchObject({ status: 'sent', attempts: 7 });
  });

  it('gives a failing day up once it is later than the catch-up window', async () => {
    const { digests } = setup();
    const down = recordingPoster(Array.from({ length: 3 }, () => new Error('HTTP 503')));
    const s = new DigestScheduler({ store: digests, corpus, facts, posters: { slack: down }, sleep: async () => {} });
    await s.runDue(new Date('2026-01-05T14:00:00Z'));
    const report = await s.runDue(new Date('2026-01-05T20:30:00Z'));
    expect(report.skipped).toHaveLength(1);
    expect(digests.delivery(1, '2026-01-05')).toMatchObject({ status: 'skipped' });
    expect(down.posts).toHaveLength(0);
  });

  it('lets exactly one of two schedulers on one database file post', async () => {
    const a = setup();
    const storeB = new Store(a.path);
    cleanups.push(() => storeB.close());
    const posterB = recordingPoster();
    const b = new DigestScheduler({ store: new DigestStore(storeB), corpus, facts, posters: { slack: posterB } });
    const now = new Date('2026-01-05T14:00:00Z');
    await Promise.all([a.scheduler.runDue(now), b.runDue(now), a.scheduler.runDue(now), b.runDue(now)]);
    expect(a.poster.posts.length + posterB.posts.length).toBe(1);
    await Promise.all([a.scheduler.runDue(new Date('2026-01-05T14:15:00Z')), b.runDue(new Date('2026-01-05T14:15:00Z'))]);
    expect(a.poster.posts.length + posterB.posts.length).toBe(1);
  });

  it('still posts a digest missed by less than the catch-up window', async () => {
    const { scheduler, poster, digests } = setup();
    // Down from before 09:00 until 14:59 Lima time: 5 h 59 min late, inside the default 6 h.
    const report = await scheduler.runDue(new Date('2026-01-05T19:59:00Z'));
    expect(report.posted).toHaveLength(1);
    expect(poster.posts).toHaveLength(1);
    expect(digests.delivery(1, '2026-01-05')!.scheduledAt.toISOString()).toBe('2026-01-05T14:00:00.000Z');
  });

  it('skips and logs a digest missed by more than the catch-up window', async () => {
    const lines: string[] = [];
    const logger = createLogger('info', new Writable({ write: (chunk, _e, cb) => { lines.push(String(chunk)); cb(); } }));
    const { scheduler, poster, digests } = setup({ now: new Date('2026-01-05T00:00:00Z') }, { logger, options: { catchupHours: 2 } });
    const report = await scheduler.runDue(new Date('2026-01-05T16:30:00Z'));
    expect(poster.posts).toHaveLength(0);
    expect(report.skipped).toEqual([{ subscriptionId: 1, localDate: '2026-01-05', reason: 'missed by 2.5 h; the catch-up window is 2 h' }]);
    expect(digests.delivery(1, '2026-01-05')).toMatchObject({ status: 'skipped' });
    expect(lines.some((l) => l.includes('digest skipped') && l.includes('2026-01-05'))).toBe(true);
    // Logged once, not on every run.
    await scheduler.runDue(new Date('2026-01-05T17:00:00Z'));
    expect(lines.filter((l) => l.includes('digest skipped'))).toHaveLength(1);
    // The next day is posted normally.
    await scheduler.runDue(new Date('2026-01-06T14:00:00Z'));
    expect(poster.posts).toHaveLength(1);
  });

  it('after days of downtime posts only the digest that is due and records the older days as skipped', async () => {
    const { scheduler, poster, digests } = setup({ days: 'weekdays', now: new Date('2026-01-02T00:00:00Z') });
    await scheduler.runDue(new Date('2026-01-02T14:00:00Z')); // Friday, posted
    // Down from Friday afternoon until Wednesday 10:00 in Lima (one hour after the digest time).
    const report = await scheduler.runDue(new Date('2026-01-07T15:00:00Z'));
    expect(report.posted.map((p) => p.localDate)).toEqual(['2026-01-07']);
    expect(report.skipped.map((s) => s.localDate)).toEqual(['2026-01-06', '2026-01-05']);
    expect(digests.deliveries(1).map((d) => `${d.localDate} ${d.status}`)).toEqual([
      '2026-01-02 sent',
      '2026-01-05 skipped',
      '2026-01-06 skipped',
      '2026-01-07 sent',
    ]);
    expect(poster.posts).toHaveLength(2);
    const again = await scheduler.runDue(new Date('2026-01-07T16:00:00Z'));
    expect(again.skipped).toEqual([]);
  });

  it('does not post a time that passed before the channel subscribed', async () => {
    const { scheduler, poster } = setup({ now: new Date('2026-01-05T15:00:00Z') });
    await scheduler.runDue(new Date('2026-01-05T15:30:00Z'));
    expect(poster.posts).toHaveLength(0);
    await scheduler.runDue(new Date('2026-01-06T14:00:00Z'));
    expect(poster.posts).toHaveLength(1);
  });

  it('stops posting after unsubscribe', async () => {
    const { scheduler, poster, digests } = setup();
    await scheduler.runDue(new Date('2026-01-05T14:00:00Z'));
    expect(digests.unsubscribe('slack', 'C1', new Date('2026-01-05T15:00:00Z'))).toBe(true);
    await tick(scheduler, '2026-01-06T00:00:00Z', '2026-01-09T00:00:00Z', 60);
    expect(poster.posts).toHaveLength(1);
    expect(digests.unsubscribe('slack', 'C1', new Date('2026-01-09T00:00:00Z'))).toBe(false);
  });

  it('shows every fact once before any fact repeats', async () => {
    const { scheduler, poster, digests } = setup({ count: 4 });
    await tick(scheduler, '2026-01-01T14:00:00Z', '2026-01-06T14:00:00Z', 24 * 60);
    const shown = poster.posts.map((p) => p.reply.items.map((q) => q.text));
    // 6 facts, 4 a day: a round is 4 + 2, then a new shuffle.
    expect(shown.map((s) => s.length)).toEqual([4, 2, 4, 2, 4, 2]);
    for (let round = 0; round < 3; round++) {
      const texts = [...shown[round * 2]!, ...shown[round * 2 + 1]!];
      expect(new Set(texts).size).toBe(facts.length);
      expect([...texts].sort()).toEqual(facts.map((f) => f.text).sort());
    }
    expect(poster.posts.map((p) => p.reply.heading?.replace(/^.* — /, ''))).toEqual([
      'Facts 1–4 of 6',
      'Facts 5–6 of 6',
      'Facts 1–4 of 6',
      'Facts 5–6 of 6',
      'Facts 1–4 of 6',
      'Facts 5–6 of 6',
    ]);
    // The seeded shuffles differ between rounds and are stored.
    expect(digests.rotation(1).cycle).toBe(3);
    expect(shown[0]).not.toEqual(shown[2]);
  });

  it('pauses a subscription whose channel is gone and posts nothing more', async () => {
    const { digests } = setup();
    const gone = recordingPoster([new ChannelGoneError('the bot was removed from the channel (not_in_channel)')]);
    const s = new DigestScheduler({ store: digests, corpus, facts, posters: { slack: gone }, sleep: async () => {} });
    const report = await s.runDue(new Date('2026-01-05T14:00:00Z'));
    expect(report.paused).toEqual([{ subscriptionId: 1, reason: 'the bot was removed from the channel (not_in_channel)' }]);
    expect(digests.byId(1)!.pausedReason).toBe('the bot was removed from the channel (not_in_channel)');
    await s.runDue(new Date('2026-01-06T14:00:00Z'));
    expect(gone.posts).toHaveLength(0);
    // Subscribing again resumes.
    digests.subscribe({ platform: 'slack', channelId: 'C1', time: '09:00', timezone: 'America/Lima', count: 2, days: 'daily', userId: 'U2', now: new Date('2026-01-06T15:00:00Z') });
    await s.runDue(new Date('2026-01-07T14:00:00Z'));
    expect(gone.posts).toHaveLength(1);
  });

  it('does not repost a day whose claiming process stopped mid-post', async () => {
    const { digests, scheduler, poster } = setup();
    // A process claims the day and dies before reporting back.
    digests.claim({
      subscription: digests.byId(1)!,
      localDate: '2026-01-05',
      scheduledAt: new Date('2026-01-05T14:00:00Z'),
      now: new Date('2026-01-05T14:00:00Z'),
      factIds: facts.map((f) => f.id),
      catchupMs: 6 * HOUR,
      leaseMs: 15 * 60_000,
      owner: 'crashed',
    });
    await scheduler.runDue(new Date('2026-01-05T14:05:00Z'));
    await scheduler.runDue(new Date('2026-01-05T14:30:00Z'));
    expect(poster.posts).toHaveLength(0);
    expect(digests.delivery(1, '2026-01-05')).toMatchObject({ status: 'skipped', message: 'interrupted while posting; not posted again to avoid a duplicate' });
    // The unposted facts come first the next day: the rotation only advances on success.
    await scheduler.runDue(new Date('2026-01-06T14:00:00Z'));
    expect(poster.posts[0]!.reply.heading).toMatch(/Facts 1–2 of 6$/);
  });

  it('waits for a platform without a poster instead of claiming its days', async () => {
    const { digests } = setup({ platform: 'discord', channelId: '123456' });
    const s = new DigestScheduler({ store: digests, corpus, facts, posters: {} });
    await s.runDue(new Date('2026-01-05T14:00:00Z'));
    expect(digests.deliveries(1)).toEqual([]);
  });

  it('folds the facts of a report added mid-round into the round, each shown once', async () => {
    const { digests, poster } = setup({ count: 2 });
    const first = new DigestScheduler({ store: digests, corpus, facts, posters: { slack: poster } });
    await first.runDue(new Date('2026-01-05T14:00:00Z'));
    // A second report is dropped into the corpus and the bot restarts.
    const second = TINY_REPORT.replace('slug: tiny', 'slug: more').replace(/Alpha|Beta|Delta|Epsilon|Zeta|Heron|Puno|Cusco|Arequipa/g, (w) => `New${w}`);
    const bigger = corpusOf({ name: 'a.md', text: TINY_REPORT }, { name: 'b.md', text: second });
    const biggerFacts = extractFacts(bigger);
    expect(biggerFacts.length).toBeGreaterThan(facts.length);
    const restarted = new DigestScheduler({ store: digests, corpus: bigger, facts: biggerFacts, posters: { slack: poster } });
    for (let day = 6; day <= 12; day++) await restarted.runDue(new Date(`2026-01-${String(day).padStart(2, '0')}T14:00:00Z`));
    const shown = poster.posts.flatMap((p) => p.reply.items.map((q) => `${q.passageId}|${q.text}`));
    const round = shown.slice(0, biggerFacts.length);
    expect(new Set(round).size).toBe(biggerFacts.length);
    expect(poster.posts[1]!.reply.heading).toMatch(new RegExp(`Facts 3–4 of ${biggerFacts.length}$`));
  });

  it('closes a day whose claimed facts left the corpus instead of posting an empty digest', async () => {
    const { digests, scheduler, poster } = setup();
    digests.claim({
      subscription: digests.byId(1)!,
      localDate: '2026-01-05',
      scheduledAt: new Date('2026-01-05T14:00:00Z'),
      now: new Date('2026-01-05T14:00:00Z'),
      factIds: ['gone/report/1#0', 'gone/report/2#0'],
      catchupMs: 6 * HOUR,
      leaseMs: 15 * 60_000,
      owner: 'other',
    });
    digests.markFailed(digests.delivery(1, '2026-01-05')!, 'other', 1, 'HTTP 502', new Date('2026-01-05T14:01:00Z'));
    await scheduler.runDue(new Date('2026-01-05T14:05:00Z'));
    expect(poster.posts).toHaveLength(0);
    expect(digests.delivery(1, '2026-01-05')).toMatchObject({ status: 'failed', nextAttemptAt: null, message: 'the facts of this digest are no longer in the corpus' });
  });

  it('wakes at the next scheduled time and stops cleanly', async () => {
    const clock = fakeClock('2026-01-05T13:50:00Z');
    const pending: Array<{ fn: () => void; ms: number }> = [];
    const timer: Timer = { set: (fn, ms) => pending.push({ fn, ms }), clear: () => void pending.splice(0) };
    const { scheduler, poster } = setup({}, { now: clock.now, timer });
    scheduler.start();
    await new Promise((r) => setImmediate(r));
    // The next digest (14:00 UTC) is ten minutes away; the loop still wakes within a minute.
    expect(pending.at(-1)!.ms).toBe(60_000);
    clock.set('2026-01-05T13:59:30Z');
    pending.pop()!.fn();
    await new Promise((r) => setImmediate(r));
    expect(pending.at(-1)!.ms).toBe(30_000);
    clock.set('2026-01-05T14:00:00Z');
    pending.pop()!.fn();
    await new Promise((r) => setImmediate(r));
    await scheduler.stop();
    expect(poster.posts).toHaveLength(1);
    expect(pending).toHaveLength(0);
  });
  it('closes a day the platform refuses without retrying it, and moves on to other facts the next day', async () => {
    const { digests } = setup();
    const reason = 'Slack refused the message blocks (invalid_blocks)';
    const refused = recordingPoster([new MessageRejectedError(reason)]);
    const sleeps: number[] = [];
    const s = new DigestScheduler({ store: digests, corpus, facts, posters: { slack: refused }, sleep: async (ms) => void sleeps.push(ms) });
    const report = await s.runDue(new Date('2026-01-05T14:00:00Z'));
    expect(sleeps).toEqual([]);
    expect(report.failed).toEqual([{ subscriptionId: 1, localDate: '2026-01-05', error: reason }]);
    expect(digests.delivery(1, '2026-01-05')).toMatchObject({ status: 'failed', attempts: 1, message: reason, nextAttemptAt: null });
    // Later runs the same day leave it alone.
    await s.runDue(new Date('2026-01-05T14:30:00Z'));
    await s.runDue(new Date('2026-01-05T19:00:00Z'));
    expect(digests.delivery(1, '2026-01-05')!.attempts).toBe(1);
    // The next day is not the same refused digest again: the rotation moved past its facts.
    await s.runDue(new Date('2026-01-06T14:00:00Z'));
    expect(refused.posts).toHaveLength(1);
    expect(refused.posts[0]!.reply.heading).toMatch(/Facts 3–4 of 6$/);
    const refusedIds = digests.delivery(1, '2026-01-05')!.factIds;
    expect(digests.delivery(1, '2026-01-06')!.factIds.some((id) => refusedIds.includes(id))).toBe(false);
  });

  it('keeps serving the other subscriptions when one of them throws, and logs which one', async () => {
    const lines: string[] = [];
    const logger = createLogger('info', new Writable({ write: (chunk, _e, cb) => { lines.push(String(chunk)); cb(); } }));
    const { scheduler, poster, digests, store } = setup({}, { logger });
    digests.subscribe({ platform: 'slack', channelId: 'C2', time: '09:00', timezone: 'America/Lima', count: 2, days: 'daily', userId: 'U1', now: new Date('2026-01-01T00:00:00Z') });
    // A row no code path writes (a hand edit, an older build): its zone is not a zone.
    store.db.prepare(`UPDATE digest_subscription SET timezone = 'Not/AZone' WHERE id = 1`).run();
    const report = await scheduler.runDue(new Date('2026-01-05T14:00:00Z'));
    expect(report.errors).toEqual([{ subscriptionId: 1, error: expect.stringContaining('Not/AZone') }]);
    expect(report.posted).toEqual([{ subscriptionId: 2, localDate: '2026-01-05', attempts: 1 }]);
    expect(poster.posts.map((p) => p.subscription.channelId)).toEqual(['C2']);
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'digest subscription failed');
    expect(logged).toMatchObject({ subscriptionId: 1, platform: 'slack' });
  });

  it('stops promptly during a backoff wait, leaving the day to be retried, not posted twice', async () => {
    const { digests } = setup();
    const attempts: number[] = [];
    const failing: Poster = async () => {
      attempts.push(Date.now());
      throw new Error('HTTP 503');
    };
    // The real sleep: a one-minute backoff that stop() must cut short.
    const s = new DigestScheduler({ store: digests, corpus, facts, posters: { slack: failing }, options: { retryBaseMs: 60_000 } });
    const run = s.runDue(new Date('2026-01-05T14:00:00Z'));
    await vi.waitFor(() => expect(attempts).toHaveLength(1), { timeout: 10_000 });
    // Without the cut the wait would outlast the test's own timeout.
    await s.stop(5_000);
    const report = await run;
    expect(attempts).toHaveLength(1);
    expect(report.failed).toEqual([{ subscriptionId: 1, localDate: '2026-01-05', error: 'HTTP 503' }]);
    const day = digests.delivery(1, '2026-01-05')!;
    expect(day).toMatchObject({ status: 'failed', attempts: 1 });
    expect(day.nextAttemptAt).not.toBeNull();
    // The next process retries it once its wait is over, and posts it once.
    const poster = recordingPoster();
    const next = new DigestScheduler({ store: digests, corpus, facts, posters: { slack: poster } });
    await next.runDue(new Date(day.nextAttemptAt!.getTime()));
    await next.runDue(new Date(day.nextAttemptAt!.getTime() + 60_000));
    expect(poster.posts).toHaveLength(1);
  });

  it('gives a post in flight at most the grace period, and never posts that day again', async () => {
    const { digests } = setup();
    let called = 0;
    // A platform call that never answers.
    const hanging: Poster = () => {
      called++;
      return new Promise(() => {});
    };
    const s = new DigestScheduler({ store: digests, corpus, facts, posters: { slack: hanging } });
    void s.runDue(new Date('2026-01-05T14:00:00Z'));
    await vi.waitFor(() => expect(called).toBe(1), { timeout: 10_000 });
    const started = Date.now();
    await s.stop(100);
    // It waited out the grace period, and then no longer: the post never answers.
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    // The claim stays: nobody knows whether the post arrived.
    expect(digests.delivery(1, '2026-01-05')).toMatchObject({ status: 'claimed' });
    const poster = recordingPoster();
    const next = new DigestScheduler({ store: digests, corpus, facts, posters: { slack: poster } });
    await next.runDue(new Date('2026-01-05T14:05:00Z'));
    await next.runDue(new Date('2026-01-05T14:30:00Z'));
    expect(poster.posts).toHaveLength(0);
    expect(digests.delivery(1, '2026-01-05')).toMatchObject({ status: 'skipped', message: 'interrupted while posting; not posted again to avoid a duplicate' });
  });
});
