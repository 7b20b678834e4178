/** /fact and /digest through the real runCommand, engine and a SQLite file, as both adapters call them. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplicationCommandOptionType } from 'discord.js';
import { Engine } from '../../src/answer/engine.ts';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/log.ts';
import { Store } from '../../src/store/store.ts';
import { loadRegistry } from '../../commands/index.ts';
import { runCommand, type Invocation } from '../../src/app.ts';
import { RateLimiter } from '../../src/rate-limit.ts';
import digest, { parseDigestText } from '../../commands/digest.ts';
import { buildCommandJson } from '../../src/adapters/discord/commands.ts';
import { DigestStore } from '../../src/digest/store.ts';
import { DigestScheduler } from '../../src/digest/scheduler.ts';
import { factsFor } from '../../src/digest/facts.ts';
import { recordingPoster, tempStore } from './fixtures.ts';

let engine: Engine;
let store: Store;
let cleanup: () => void;
const registry = loadRegistry();
const config = loadConfig({ DEFAULT_TIMEZONE: 'Europe/Berlin' });
const services = { limiter: new RateLimiter({ limit: 10_000 }) };

beforeAll(async () => {
  engine = await Engine.load('corpus');
  ({ store, cleanup } = tempStore());
});
afterAll(() => cleanup());

let channelSeq = 0;
const ctx = (over: Partial<Invocation> = {}): Invocation => ({
  engine,
  store,
  config,
  logger: silentLogger,
  platform: 'slack',
  user: { id: 'U1', name: 'alice' },
  channel: { id: `C${++channelSeq}`, kind: 'channel' },
  // Friday 27 November 2026, 12:00 UTC.
  now: () => new Date('2026-11-27T12:00:00Z'),
  ...over,
});

/** Runs `/digest <text>` the way the Slack adapter does. */
const slack = (text: string, c: Invocation) => runCommand(registry, 'digest', parseDigestText(text), c, services);

describe('/fact', () => {
  it('quotes one fact verbatim with its citation, a Full passage button and an "Ask about this" hint', async () => {
    const reply = await runCommand(registry, 'fact', {}, ctx({ commandLabel: (n) => `/rb-${n}` }), services);
    expect(reply.kind).toBe('fact');
    const q = reply.quote!;
    const doc = engine.corpus.documentsById.get(q.citation.documentId)!;
    expect(doc.source).toContain(q.text);
    expect(factsFor(engine.corpus).some((f) => f.text === q.text && f.passageId === q.passageId)).toBe(true);
    expect(q.citation.label).toMatch(/^Ellis 2022 · .+ ¶\d+$/);
    expect(reply.footer).toMatch(/^Ask about this: \/rb-ask followed by your question, e\.g\. \/rb-ask What does the report say about .+\?$/);
    expect(reply.actions).toEqual([{ kind: 'full_passage', label: 'Full passage', value: q.passageId }]);
  });

  it('is reproducible for the same channel and instant, and varies over time', async () => {
    const c = ctx();
    const a = await runCommand(registry, 'fact', {}, c, services);
    const b = await runCommand(registry, 'fact', {}, c, services);
    expect(b.quote!.text).toBe(a.quote!.text);
    const texts = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const r = await runCommand(registry, 'fact', {}, ctx({ now: () => new Date(Date.UTC(2026, 0, 1, 0, i)) }), services);
      texts.add(r.quote!.text);
    }
    expect(texts.size).toBeGreaterThan(10);
  });
});

describe('parseDigestText', () => {
  it('reads positional options in any order', () => {
    expect(parseDigestText('subscribe 08:30 America/Lima 2 daily')).toEqual({
      subcommand: 'subscribe',
      time: '08:30',
      timezone: 'America/Lima',
      count: '2',
      days: 'daily',
    });
    expect(parseDigestText('subscribe weekdays 3 Europe/Berlin 7:05')).toMatchObject({ time: '7:05', timezone: 'Europe/Berlin', count: '3', days: 'weekdays' });
  });

  it('reads named options', () => {
    expect(parseDigestText('subscribe time 08:30 tz=Asia/Tokyo count:4 days weekday')).toEqual({
      subcommand: 'subscribe',
      time: '08:30',
      timezone: 'Asia/Tokyo',
      count: '4',
      days: 'weekdays',
    });
  });

  it('collects words that fit no option', () => {
    expect(parseDigestText('subscribe 08:30 Europe/Berlin please now')).toMatchObject({ timezone: 'Europe/Berlin', extra: 'please now' });
    expect(parseDigestText('')).toEqual({});
    expect(parseDigestText('STATUS')).toEqual({ subcommand: 'status' });
  });
});

describe('/digest subscribe', () => {
  it('subscribes with the given time, zone, count and days and announces it publicly', async () => {
    const c = ctx();
    const reply = await slack('subscribe 08:30 America/Lima 2 daily', c);
    expect(reply.kind).toBe('notice');
    expect(reply.visibility).toBe('public');
    expect(reply.heading).toBe(
      "@alice subscribed this channel to daily facts from The Evolution of Peru's Multidimensional Challenges, Part II: Transnational Organized Crime.",
    );
    const facts = factsFor(engine.corpus).length;
    expect(reply.body).toBe(
      [
        `2 facts every day at 08:30 (America/Lima), each quoted and cited — none repeated until all ${facts} have been shown.`,
        'First digest: Fri, 27 Nov 2026, 08:30 (America/Lima).',
        'Change it with /digest subscribe, stop it with /digest unsubscribe.',
      ].join('\n'),
    );
    expect(new DigestStore(store).find('slack', c.channel.id)).toMatchObject({ time: '08:30', timezone: 'America/Lima', count: 2, days: 'daily' });
  });

  it('uses 09:00, DEFAULT_TIMEZONE, 3 facts and weekdays by default', async () => {
    const c = ctx();
    const reply = await slack('subscribe', c);
    expect(reply.body).toMatch(/^3 facts every weekday \(Monday–Friday\) at 09:00 \(Europe\/Berlin\)/);
    // Friday 13:00 in Berlin: the first digest is on Monday.
    expect(reply.body).toContain('First digest: Mon, 30 Nov 2026, 09:00 (Europe/Berlin).');
    expect(new DigestStore(store).find('slack', c.channel.id)).toMatchObject({ time: '09:00', timezone: 'Europe/Berlin', count: 3, days: 'weekdays' });
  });

  it('takes typed Discord options and says when it changed an existing subscription', async () => {
    const c = ctx({ platform: 'discord', canManageChannel: true, user: { id: '42', name: 'Bob' } });
    await runCommand(registry, 'digest', { subcommand: 'subscribe', time: '07:15', timezone: 'Asia/Tokyo', count: 5, days: 'daily' }, c, services);
    const again = await runCommand(registry, 'digest', { subcommand: 'subscribe', count: 1 }, c, services);
    expect(again.heading).toBe("@Bob changed this channel's daily facts.");
    expect(new DigestStore(store).find('discord', c.channel.id)).toMatchObject({ time: '09:00', timezone: 'Europe/Berlin', count: 1 });
  });

  const bad: Array<[string, RegExp]> = [
    ['subscribe 25:00', /^"25:00" is not a valid time\. Use a 24-hour time HH:MM between 00:00 and 23:59, e\.g\. 08:30 or 17:05\.$/],
    ['subscribe 9am', /^"9am" is not a valid time\. Use a 24-hour time HH:MM/],
    ['subscribe 08:00 Mars/Olympus', /^"Mars\/Olympus" is not a time zone I know\. Use an IANA time zone name such as America\/Lima, Europe\/Berlin or UTC\.$/],
    ['subscribe 08:00 Lima', /^"Lima" is not a time zone I know\. .* Did you mean America\/Lima\?$/],
    ['subscribe count=two', /^“two” is not a count\. Use a whole number from 1 to 5 \(facts per digest\)\.$/],
    ['subscribe 08:00 UTC please', /^I didn't understand “please”\. Use \/digest subscribe \[HH:MM\] \[time zone\] \[count 1–5\] \[daily\|weekdays\]/],
  ];
  for (const [text, message] of bad) {
    it(`refuses "/digest ${text}" saying what is accepted`, async () => {
      const c = ctx();
      const reply = await slack(text, c);
      expect(reply.kind).toBe('notice');
      expect(reply.visibility).toBe('private');
      expect(reply.heading).toMatch(message);
      expect(new DigestStore(store).find('slack', c.channel.id)).toBeUndefined();
    });
  }

  it('refuses a count outside 1–5 and days other than daily or weekdays', async () => {
    for (const [raw, line] of [
      [{ subcommand: 'subscribe', count: '9' }, 'count: must be a whole number from 1 to 5 (facts per digest)'],
      [{ subcommand: 'subscribe', count: 0 }, 'count: must be a whole number from 1 to 5 (facts per digest)'],
      [{ subcommand: 'subscribe', days: 'monthly' }, 'days: must be "daily" or "weekdays"'],
      [{ subcommand: 'frobnicate' }, 'subcommand: must be one of subscribe, unsubscribe, status, preview'],
    ] as const) {
      const reply = await runCommand(registry, 'digest', raw, ctx(), services);
      expect(reply.heading).toBe("I couldn't read that.");
      expect(reply.body).toBe(line);
    }
  });

  it('lets only members who can manage the channel subscribe or unsubscribe', async () => {
    const c = ctx({ platform: 'discord', canManageChannel: false });
    for (const sub of ['subscribe', 'unsubscribe']) {
      const reply = await runCommand(registry, 'digest', { subcommand: sub }, c, services);
      expect(reply.heading).toMatch(/^Only members who can manage this channel \(Manage Channels permission\) can /);
    }
    expect(new DigestStore(store).find('discord', c.channel.id)).toBeUndefined();
    const status = await runCommand(registry, 'digest', { subcommand: 'status' }, c, services);
    expect(status.heading).toBe('This channel is not subscribed to daily facts.');
  });
});

describe('/digest status, preview and unsubscribe', () => {
  it('shows the next post in the channel zone and the progress, which advances as digests are posted', async () => {
    const c = ctx();
    await slack('subscribe 08:30 America/Lima 3 daily', c);
    const before = await slack('status', c);
    const total = factsFor(engine.corpus).length;
    expect(before.heading).toBe('Daily facts here: 3 facts every day at 08:30 (America/Lima).');
    // 12:00 UTC is 07:00 in Lima: today's 08:30 is still ahead.
    expect(before.body).toBe(`Next digest: Fri, 27 Nov 2026, 08:30 (America/Lima).\nProgress: shown 0 of ${total}.`);

    const poster = recordingPoster();
    const scheduler = new DigestScheduler({ store: new DigestStore(store), corpus: engine.corpus, facts: factsFor(engine.corpus), posters: { slack: poster } });
    await scheduler.runDue(new Date('2026-11-27T13:30:00Z'));
    await scheduler.runDue(new Date('2026-11-28T13:30:00Z'));
    const mine = poster.posts.filter((p) => p.subscription.channelId === c.channel.id);
    expect(mine).toHaveLength(2);
    expect(mine[1]!.reply.heading).toMatch(new RegExp(`— Facts 4–6 of ${total}$`));

    const after = await slack('status', ctx({ channel: c.channel, now: () => new Date('2026-11-28T15:00:00Z') }));
    expect(after.body).toBe(
      `Next digest: Sun, 29 Nov 2026, 08:30 (America/Lima).\nProgress: shown 6 of ${total}.\nLast digest: Sat, 28 Nov 2026, 08:30 (America/Lima).`,
    );
  });

  it('shows why a paused subscription stopped', async () => {
    const c = ctx();
    await slack('subscribe', c);
    const digests = new DigestStore(store);
    digests.pause(digests.find('slack', c.channel.id)!.id, 'the bot was removed from the channel (not_in_channel)', new Date('2026-11-30T08:00:00Z'));
    const reply = await slack('status', c);
    expect(reply.body).toMatch(
      /^Paused since Mon, 30 Nov 2026, 09:00 \(Europe\/Berlin\): the bot was removed from the channel \(not_in_channel\)\. Subscribe again to resume\.\nProgress: shown 0 of \d+\.$/,
    );
  });

  it('previews the next digest privately without moving the rotation', async () => {
    const c = ctx();
    await slack('subscribe 10:00 UTC 4 daily', c);
    const first = await slack('preview', c);
    const second = await slack('preview', c);
    expect(first.kind).toBe('digest');
    expect(first.visibility).toBe('private');
    expect(first.heading).toMatch(/^Preview — Daily facts from .+ — Facts 1–4 of \d+$/);
    expect(first.items).toHaveLength(4);
    expect(second.items.map((q) => q.text)).toEqual(first.items.map((q) => q.text));
    expect(first.body).toBe('This is what the next digest here will look like (4 facts every day at 10:00 (UTC)).');
    const notSubscribed = await slack('preview', ctx());
    expect(notSubscribed.items).toHaveLength(3);
    expect(notSubscribed.body).toMatch(/^A sample digest\. Subscribe this channel with \/digest subscribe/);
  });

  it('unsubscribes publicly, then says there is nothing to stop', async () => {
    const c = ctx();
    await slack('subscribe', c);
    const reply = await slack('unsubscribe', c);
    expect(reply).toMatchObject({ kind: 'notice', visibility: 'public', heading: '@alice unsubscribed this channel from daily facts.' });
    const again = await slack('unsubscribe', c);
    expect(again).toMatchObject({ visibility: 'private', heading: 'This channel is not subscribed to daily facts.' });
    expect((await slack('status', c)).heading).toBe('This channel is not subscribed to daily facts.');
    expect((await slack('', c)).heading).toBe('This channel is not subscribed to daily facts.');
  });
});

describe('/digest on Discord', () => {
  it('becomes four subcommands with typed options and time-zone autocomplete', () => {
    const json = buildCommandJson(registry).find((c) => c.name === 'digest')!;
    const subs = json.options!;
    expect(subs.map((s) => [s.name, s.type])).toEqual([
      ['subscribe', ApplicationCommandOptionType.Subcommand],
      ['unsubscribe', ApplicationCommandOptionType.Subcommand],
      ['status', ApplicationCommandOptionType.Subcommand],
      ['preview', ApplicationCommandOptionType.Subcommand],
    ]);
    const options = (subs[0] as unknown as { options: Array<Record<string, unknown>> }).options;
    expect(options.map((o) => o.name)).toEqual(['time', 'timezone', 'count', 'days']);
    expect(options.find((o) => o.name === 'timezone')).toMatchObject({ type: ApplicationCommandOptionType.String, autocomplete: true, required: false });
    expect(options.find((o) => o.name === 'count')).toMatchObject({ type: ApplicationCommandOptionType.Integer, min_value: 1, max_value: 5 });
    expect(options.find((o) => o.name === 'days')).toMatchObject({ choices: [{ name: 'daily', value: 'daily' }, { name: 'weekdays', value: 'weekdays' }] });
    expect(digest.subcommands!.map((s) => s.name)).toEqual(['subscribe', 'unsubscribe', 'status', 'preview']);
  });
});
