/**
 * Digests through the real platform libraries: a Bolt app (HTTP receiver, signed requests) and a
 * discord.js client, both against the 127.0.0.1 stand-ins the adapter tests use; the real engine,
 * commands and a SQLite file. Subscribing happens through the adapters, posting through the
 * adapters' clients (`chat.postMessage`, `POST /channels/:id/messages`).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { webApi } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/answer/engine.ts';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/log.ts';
import { Store } from '../../src/store/store.ts';
import { loadRegistry } from '../../commands/index.ts';
import { RateLimiter } from '../../src/rate-limit.ts';
import { createSlackApp, type SlackHandle } from '../../src/adapters/slack/index.ts';
import { startDiscord, type DiscordBot } from '../../src/adapters/discord/index.ts';
import { escapeMrkdwn, renderReply as renderSlack } from '../../src/adapters/slack/render.ts';
import type { Reply } from '../../commands/types.ts';
import { digestReply } from '../../src/digest/message.ts';
import { factsFor, type Fact } from '../../src/digest/facts.ts';
import { DigestScheduler } from '../../src/digest/scheduler.ts';
import { DigestStore } from '../../src/digest/store.ts';
import { discordPoster, discordRejected } from '../../src/adapters/discord/poster.ts';
import { slackPoster } from '../../src/adapters/slack/poster.ts';
import { Routes } from 'discord.js';
import { nextOccurrence, wallTime } from '../../src/digest/time.ts';
import { buttonBody, buttons, postSigned, slashBody, startSlackStandIn, visibleText, type SlackStandIn } from '../adapters/slack/stand-in.ts';
import {
  APP_ID,
  CHANNEL_ID,
  DELETED_CHANNEL_ID,
  DiscordStandIn,
  FORBIDDEN_CHANNEL_ID,
  PERMISSIONS,
  TOKEN,
  slashCommand,
  buttonClick,
  type RecordedCall,
} from '../adapters/discord/stand-in.ts';
import { customIds, expectWithinLimits } from '../adapters/discord/limits.ts';
import { tempDir } from './fixtures.ts';

let engine: Engine;
let facts: Fact[];
let dir: string;
let cleanup: () => void;

beforeAll(async () => {
  engine = await Engine.load('corpus');
  facts = factsFor(engine.corpus);
  ({ dir, cleanup } = tempDir());
});
afterAll(() => cleanup());

describe('digests on Slack (real Bolt app, Web API stand-in)', () => {
  const SECRET = 'digest-signing-secret';
  const TOKEN_SLACK = 'xoxb-digest-test-token';
  let standIn: SlackStandIn;
  let handle: SlackHandle;
  let store: Store;
  let url: string;

  beforeAll(async () => {
    standIn = await startSlackStandIn();
    const config = loadConfig({ SLACK_BOT_TOKEN: TOKEN_SLACK, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: standIn.apiUrl, PORT: '0', LOG_LEVEL: 'silent', DEFAULT_TIMEZONE: 'America/Lima' });
    store = new Store(join(dir, 'slack.sqlite'));
    const app = createSlackApp({
      engine,
      registry: loadRegistry(),
      store,
      config,
      logger: silentLogger,
      services: { limiter: new RateLimiter({ limit: 1000 }) },
      reactionDelayMs: 60_000,
    });
    handle = await app.start({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${handle.port}/slack/events`;
  });
  afterAll(async () => {
    await handle.stop(1000);
    await standIn.close();
    store.close();
  });

  async function slash(command: string, text: string, channel = 'C1') {
    const responseUrl = standIn.responseUrl();
    const res = await postSigned(url, slashBody({ command, text, channel, responseUrl }), 'application/x-www-form-urlencoded', { secret: SECRET });
    expect(res.status).toBe(200);
    return (await standIn.next((c) => c.method === 'respond' && c.url === responseUrl)).body;
  }

  it('subscribes from a slash command, announced in the channel, and posts the digest with chat.postMessage', async () => {
    const announced = await slash('/digest', 'subscribe 08:30 America/Lima 2 daily');
    expect(announced.response_type).toBe('in_channel');
    expect(visibleText(announced)).toContain('@ana subscribed this channel to daily facts');

    const scheduler = new DigestScheduler({ store: new DigestStore(store), corpus: engine.corpus, facts, posters: { slack: slackPoster(handle.client) } });
    // The subscription was made "now" (the adapter's clock); its first time is the next 08:30 in Lima.
    const sub = new DigestStore(store).find('slack', 'C1')!;
    const due = nextOccurrence(sub, sub.activeSince);
    expect(wallTime(due, 'America/Lima')).toMatchObject({ hour: 8, minute: 30 });
    const report = await scheduler.runDue(due);
    expect(report.posted).toHaveLength(1);
    await scheduler.runDue(new Date(due.getTime() + 3_600_000));

    const posts = standIn.calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === 'C1');
    expect(posts).toHaveLength(1);
    const post = posts[0]!;
    expect(post.authorization).toBe(`Bearer ${TOKEN_SLACK}`);
    expect(String(post.body.unfurl_links)).toBe('false');
    const text = visibleText(post.body);
    expect(text).toMatch(new RegExp(`Daily facts from The Evolution of Peru's Multidimensional Challenges, Part II: Transnational Organized Crime — Facts 1–2 of ${facts.length}`));
    const delivery = new DigestStore(store).deliveries(sub.id)[0]!;
    expect(delivery).toMatchObject({ status: 'sent', platformRef: expect.stringMatching(/^\d+\.\d+$/) });
    for (const id of delivery.factIds) {
      const fact = facts.find((f) => f.id === id)!;
      expect(text).toContain(escapeMrkdwn(fact.text));
      expect(text).toContain(fact.citation.label);
    }
    expect(text).toContain('Curious? Ask about any of these with /ask followed by your question.');
    // One Full passage button per fact, each with its own action id (Slack refuses repeats).
    const pressable = buttons(post.body);
    expect(Object.keys(pressable)).toEqual(['rb_full_passage_1', 'rb_full_passage_2']);
    const second = facts.find((f) => f.id === delivery.factIds[1])!;
    const responseUrl = standIn.responseUrl();
    const pressed = await postSigned(
      url,
      buttonBody({ actionId: 'rb_full_passage_2', value: pressable.rb_full_passage_2!, responseUrl, message: { ts: post.body.ts ?? delivery.platformRef! } }),
      'application/x-www-form-urlencoded',
      { secret: SECRET },
    );
    expect(pressed.status).toBe(200);
    const full = await standIn.next((c) => (c.method === 'chat.postMessage' || c.method === 'respond') && c !== post && visibleText(c.body).includes(escapeMrkdwn(second.text)));
    expect(visibleText(full.body)).toContain(`id \`${second.passageId}\``);
  });

  it('closes a digest Slack refuses (invalid_blocks) without retrying, and posts other facts the next day', async () => {
    const digests = new DigestStore(store);
    const { subscription } = digests.subscribe({ platform: 'slack', channelId: 'C6', time: '09:00', timezone: 'UTC', count: 2, days: 'daily', userId: 'U1', now: new Date('2026-01-01T00:00:00Z') });
    // A renderer with the old defect: every Full passage button has the same action id.
    const sameIds = (reply: Reply) => {
      const m = renderSlack(reply, { shareable: false });
      for (const b of m.blocks) if (b.type === 'actions') for (const e of b.elements as Array<Record<string, unknown>>) e.action_id = 'rb_full_passage';
      return m;
    };
    const sleeps: number[] = [];
    const only = onlySubscription(digests, subscription.id);
    const broken = new DigestScheduler({ store: only, corpus: engine.corpus, facts, posters: { slack: slackPoster(handle.client, sameIds) }, sleep: async (ms) => void sleeps.push(ms) });
    const report = await broken.runDue(new Date('2026-01-02T09:00:00Z'));
    const reason = 'Slack refused the message blocks (invalid_blocks)';
    expect(report.failed).toEqual([{ subscriptionId: subscription.id, localDate: '2026-01-02', error: reason }]);
    expect(sleeps).toEqual([]);
    expect(digests.delivery(subscription.id, '2026-01-02')).toMatchObject({ status: 'failed', attempts: 1, nextAttemptAt: null, message: reason });
    const fixed = new DigestScheduler({ store: only, corpus: engine.corpus, facts, posters: { slack: slackPoster(handle.client) } });
    expect((await fixed.runDue(new Date('2026-01-02T10:00:00Z'))).posted).toEqual([]);
    expect((await fixed.runDue(new Date('2026-01-03T09:00:00Z'))).posted).toHaveLength(1);
    const refused = digests.delivery(subscription.id, '2026-01-02')!;
    const next = digests.delivery(subscription.id, '2026-01-03')!;
    expect(next).toMatchObject({ status: 'sent', firstPosition: 3, lastPosition: 4 });
    expect(next.factIds.some((id) => refused.factIds.includes(id))).toBe(false);
  });

  it('answers /fact with a quoted, cited fact', async () => {
    const body = await slash('/fact', '', 'C2');
    const text = visibleText(body);
    expect(text).toMatch(/Ask about this: \/ask followed by your question/);
    const quoted = facts.filter((f) => text.includes(escapeMrkdwn(f.text)));
    expect(quoted).toHaveLength(1);
  });

  it('refuses a bad zone in words and stores nothing', async () => {
    const body = await slash('/digest', 'subscribe 08:30 Narnia/Cair', 'C3');
    expect(body.response_type).toBe('ephemeral');
    expect(visibleText(body)).toContain('is not a time zone I know. Use an IANA time zone name such as America/Lima');
    expect(new DigestStore(store).find('slack', 'C3')).toBeUndefined();
  });

  it('pauses when Slack says the bot was removed, and /digest status says why', async () => {
    await slash('/digest', 'subscribe 07:00 UTC 1 daily', 'C4');
    // A Web API that refuses this channel the way Slack does after the bot is removed.
    const refusing: Server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: 'not_in_channel' }));
    });
    await new Promise<void>((r) => refusing.listen(0, '127.0.0.1', r));
    try {
      const web = new webApi.WebClient(TOKEN_SLACK, {
        slackApiUrl: `http://127.0.0.1:${(refusing.address() as AddressInfo).port}/api/`,
        retryConfig: { retries: 0 },
      });
      const digests = new DigestStore(store);
      const sub = digests.find('slack', 'C4')!;
      // Only this subscription: the other channels' digests are not what this test is about.
      const scheduler = new DigestScheduler({ store: onlySubscription(digests, sub.id), corpus: engine.corpus, facts, posters: { slack: slackPoster(web) } });
      const report = await scheduler.runDue(nextOccurrence(sub, sub.activeSince));
      expect(report.paused).toEqual([{ subscriptionId: sub.id, reason: 'the bot was removed from the channel (not_in_channel)' }]);
    } finally {
      await new Promise((r) => refusing.close(r));
    }
    const status = await slash('/digest', 'status', 'C4');
    expect(visibleText(status)).toMatch(/Paused since .+: the bot was removed from the channel \(not_in_channel\)\. Subscribe again to resume\./);
  });
});

/** A DigestStore whose `running()` lists only one subscription (the rest of the file is shared). */
function onlySubscription(digests: DigestStore, id: number): DigestStore {
  const view = Object.create(digests) as DigestStore;
  view.running = () => digests.running().filter((s) => s.id === id);
  return view;
}

describe('digests on Discord (real discord.js client, REST + gateway stand-in)', () => {
  let standIn: DiscordStandIn;
  let bot: DiscordBot;
  let store: Store;

  beforeAll(async () => {
    standIn = await DiscordStandIn.start();
    const config = loadConfig({ DISCORD_TOKEN: TOKEN, DISCORD_APPLICATION_ID: APP_ID, DISCORD_API_URL: standIn.apiUrl, DEFAULT_TIMEZONE: 'Europe/Berlin' });
    store = new Store(join(dir, 'discord.sqlite'));
    bot = await startDiscord({ config, engine, registry: loadRegistry(), store, logger: silentLogger, services: { limiter: new RateLimiter({ limit: 1000 }) } });
  });
  afterAll(async () => {
    await bot.stop();
    await standIn.close();
    store.close();
  });

  /** Dispatches an interaction and returns the body of the message that answers it (`deferral`: its first callback). */
  async function interact(i: { id: string; token: string } & Record<string, unknown>) {
    const from = standIn.calls.length;
    standIn.dispatch('INTERACTION_CREATE', i);
    const callback = await standIn.waitForCall((c) => c.method === 'POST' && c.path === `/interactions/${i.id}/${i.token}/callback`, 5000, from);
    const final = await standIn.waitForCall(
      (c: RecordedCall) => (c.method === 'PATCH' && c.path === `/webhooks/${APP_ID}/${i.token}/messages/@original`) || (c.method === 'POST' && c.path === `/webhooks/${APP_ID}/${i.token}`),
      5000,
      from,
    );
    return { ...final.body, deferral: callback.body, via: final.method };
  }

  it('lets only members who can manage the channel subscribe', async () => {
    const body = await interact(slashCommand('digest', { time: '08:00' }, { subcommand: 'subscribe' }));
    expect(body.embeds[0].title).toBe('Only members who can manage this channel (Manage Channels permission) can subscribe it to daily facts.');
    expect(new DigestStore(store).find('discord', CHANNEL_ID)).toBeUndefined();
  });

  it('subscribes with typed options, announces it publicly and posts the digest to the channel', async () => {
    const manager = PERMISSIONS.viewChannel | PERMISSIONS.sendMessages | PERMISSIONS.manageChannels;
    const body = await interact(
      slashCommand('digest', { time: '07:45', timezone: 'Europe/Berlin', count: 3, days: 'weekdays' }, { subcommand: 'subscribe', permissions: manager }),
    );
    // Answers are deferred privately; the public announcement comes as a follow-up without the
    // ephemeral flag, so the whole channel sees who subscribed it.
    expect(body.via).toBe('POST');
    expect((body.flags ?? 0) & 64).toBe(0);
    expect(body.embeds[0].title).toMatch(/ subscribed this channel to daily facts from The Evolution of Peru/);
    expect(body.embeds[0].description).toContain('3 facts every weekday (Monday–Friday) at 07:45 (Europe/Berlin)');

    const digests = new DigestStore(store);
    const sub = digests.find('discord', CHANNEL_ID)!;
    const scheduler = new DigestScheduler({ store: digests, corpus: engine.corpus, facts, posters: { discord: discordPoster(bot.client) } });
    // The first weekday 07:45 in Berlin after subscribing (the adapter's clock).
    const first = nextOccurrence(sub, sub.activeSince);
    expect(wallTime(first, 'Europe/Berlin')).toMatchObject({ hour: 7, minute: 45 });
    expect([1, 2, 3, 4, 5]).toContain(wallTime(first, 'Europe/Berlin').weekday);
    {
      const from = standIn.calls.length;
      await scheduler.runDue(first);
      await scheduler.runDue(new Date(first.getTime() + 15 * 60_000));
      const posts = standIn.calls.slice(from).filter((c) => c.method === 'POST' && c.path === `/channels/${CHANNEL_ID}/messages`);
      expect(posts).toHaveLength(1);
      const message = posts[0]!.body;
      expect(posts[0]!.authorization).toBe(`Bot ${TOKEN}`);
      expect(message.allowed_mentions).toEqual({ parse: [] });
      const embed = message.embeds[0];
      expect(embed.title).toBe(`Daily facts from The Evolution of Peru's Multidimensional Challenges, Part II: Transnational Organized Crime — Facts 1–3 of ${facts.length}`);
      expect(embed.fields).toHaveLength(3);
      const delivery = digests.deliveries(sub.id)[0]!;
      expect(delivery.status).toBe('sent');
      delivery.factIds.forEach((id, i) => {
        const fact = facts.find((f) => f.id === id)!;
        expect(embed.fields[i].value).toContain(fact.citation.label);
        expect(embed.fields[i].value).toContain(`\`${fact.passageId}\``);
      });
      expect(embed.footer.text).toBe('Curious? Ask about any of these with /ask followed by your question.');
    }
    const status = await interact(slashCommand('digest', {}, { subcommand: 'status' }));
    expect(status.deferral.data.flags).toBe(64);
    expect(status.embeds[0].description).toMatch(/^Next digest: .+ 07:45 \(Europe\/Berlin\)\.\nProgress: shown 3 of \d+\./);
  });

  it('answers /fact with a fact of the report', async () => {
    const body = await interact(slashCommand('fact'));
    const embed = body.embeds[0];
    expect(embed.title).toBe("A fact from The Evolution of Peru's Multidimensional Challenges, Part II: Transnational Organized Crime");
    expect(embed.footer.text).toMatch(/^Ellis 2022 · .+ ¶\d+\nAsk about this: \/ask followed by your question/);
  });

  it('posts a digest whose facts share a paragraph, each button with its own custom id', async () => {
    // Two facts of one paragraph: both Full passage buttons point at the same passage.
    const first = facts.find((f, i) => facts.findIndex((g) => g.passageId === f.passageId) !== i)!;
    const pair = facts.filter((f) => f.passageId === first.passageId).slice(0, 2);
    const other = facts.find((f) => f.passageId !== pair[0]!.passageId)!;
    const reply = digestReply(engine.corpus, [...pair, other], { first: 1, last: 3, total: facts.length });
    const from = standIn.calls.length;
    const posted = await discordPoster(bot.client)(
      { platform: 'discord', channelId: CHANNEL_ID } as Parameters<ReturnType<typeof discordPoster>>[0],
      reply,
    );
    expect(posted).toMatchObject({ ref: expect.stringMatching(/^\d+$/) });
    const post = standIn.calls.slice(from).find((c) => c.method === 'POST' && c.path === `/channels/${CHANNEL_ID}/messages`)!;
    expectWithinLimits(post.body);
    const ids = customIds(post.body);
    expect(ids).toHaveLength(3);
    expect(ids[0]).not.toBe(ids[1]);
    // Pressing the second button shows the shared paragraph.
    const click = buttonClick(ids[1]!, { components: post.body.components });
    const answer = await interact(click);
    expect(answer.embeds[0].fields).toEqual(expect.arrayContaining([{ name: 'Passage', value: `\`${pair[1]!.passageId}\``, inline: true }]));
  });

  it('stamps a nonce on a digest, so a repeated post returns the first message, and finds an interrupted one in the channel', async () => {
    const digests = new DigestStore(store);
    const { subscription } = digests.subscribe({ platform: 'discord', channelId: CHANNEL_ID, time: '09:00', timezone: 'UTC', count: 2, days: 'daily', userId: '1', now: new Date('2026-01-01T00:00:00Z') });
    const due = new Date('2026-02-02T09:00:00Z');
    // A process claims, posts and dies before recording the post.
    const claim = digests.claim({ subscription, localDate: '2026-02-02', scheduledAt: due, now: due, factIds: facts.map((f) => f.id), catchupMs: 6 * 3_600_000, leaseMs: 15 * 60_000, owner: 'dead' });
    if (claim.kind !== 'claimed') throw new Error('expected a claim');
    const scheduler = new DigestScheduler({ store: onlySubscription(digests, subscription.id), corpus: engine.corpus, facts, posters: { discord: discordPoster(bot.client) }, sleep: async () => {} });
    const key = { id: claim.delivery.id, subscriptionId: subscription.id, localDate: '2026-02-02', claimedAt: due };
    const reply = scheduler.replyFor(subscription, claim.delivery);
    const first = await discordPoster(bot.client)(subscription, reply, key);
    const again = await discordPoster(bot.client)(subscription, reply, key);
    expect(again).toEqual(first);
    const from = standIn.calls.length;
    await scheduler.runDue(new Date(due.getTime() + 16 * 60_000));
    expect(standIn.calls.slice(from).filter((c) => c.method === 'POST' && c.path === `/channels/${CHANNEL_ID}/messages`)).toHaveLength(0);
    expect(digests.delivery(subscription.id, '2026-02-02')).toMatchObject({ status: 'sent', platformRef: (first as { ref: string }).ref });
  });

  it('does not retry a digest Discord refuses (400, 50035) and records why', async () => {
    const digests = new DigestStore(store);
    const { subscription } = digests.subscribe({ platform: 'discord', channelId: '100000000000000011', time: '09:00', timezone: 'UTC', count: 1, days: 'daily', userId: '1', now: new Date('2026-01-01T00:00:00Z') });
    // A body with the old defect: two buttons with one custom id, sent through the real discord.js REST client.
    let posts = 0;
    const refusing = async (sub: { channelId: string }) => {
      posts++;
      const button = { type: 2, style: 2, label: 'Full passage', custom_id: 'rb:full_passage:p:x' };
      try {
        await bot.client.rest.post(Routes.channelMessages(sub.channelId), { body: { content: 'digest', components: [{ type: 1, components: [button, { ...button, label: 'Again' }] }] } });
      } catch (err) {
        throw discordRejected(err) ?? err;
      }
    };
    const sleeps: number[] = [];
    const scheduler = new DigestScheduler({ store: onlySubscription(digests, subscription.id), corpus: engine.corpus, facts, posters: { discord: refusing }, sleep: async (ms) => void sleeps.push(ms) });
    const report = await scheduler.runDue(new Date('2026-01-02T09:00:00Z'));
    await scheduler.runDue(new Date('2026-01-02T10:00:00Z'));
    expect(posts).toBe(1);
    expect(sleeps).toEqual([]);
    expect(report.failed).toEqual([{ subscriptionId: subscription.id, localDate: '2026-01-02', error: expect.stringMatching(/^Discord refused the message \(HTTP 400, error 50035: Invalid Form Body/) }]);
    expect(digests.delivery(subscription.id, '2026-01-02')).toMatchObject({ status: 'failed', attempts: 1, nextAttemptAt: null });
    expect(digests.byId(subscription.id)!.pausedReason).toBeNull();
  });

  for (const [channelId, reason] of [
    [DELETED_CHANNEL_ID, 'the channel no longer exists (Discord error 10003)'],
    [FORBIDDEN_CHANNEL_ID, 'the bot lost access to the channel (Discord error 50001)'],
  ] as const) {
    it(`pauses a subscription when Discord answers: ${reason}`, async () => {
      const digests = new DigestStore(store);
      const { subscription } = digests.subscribe({ platform: 'discord', channelId, time: '09:00', timezone: 'UTC', count: 1, days: 'daily', userId: '1', now: new Date('2026-01-01T00:00:00Z') });
      const scheduler = new DigestScheduler({ store: onlySubscription(digests, subscription.id), corpus: engine.corpus, facts, posters: { discord: discordPoster(bot.client) }, sleep: async () => {} });
      const report = await scheduler.runDue(new Date('2026-01-02T09:00:00Z'));
      expect(report.paused).toEqual([{ subscriptionId: subscription.id, reason }]);
      expect(digests.byId(subscription.id)!.pausedReason).toBe(reason);
      expect(digests.delivery(subscription.id, '2026-01-02')).toMatchObject({ status: 'failed', attempts: 1 });
    });
  }
});

