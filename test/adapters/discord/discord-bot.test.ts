/**
 * The Discord adapter end to end: a real discord.js Client logs in against the REST + gateway stand-in
 * on 127.0.0.1, receives interactions and messages, and answers through the real engine, commands,
 * runCommand and a SQLite store in a temporary folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createRegistry, commandModules, type Registry } from '../../../commands/index.ts';
import type { Command } from '../../../commands/types.ts';
import { ABSTENTION_HEADING } from '../../../commands/ask.ts';
import { Engine } from '../../../src/answer/engine.ts';
import { loadConfig, type Config } from '../../../src/config.ts';
import { ConfigError, type ReportBotError } from '../../../src/errors.ts';
import { createLogger, silentLogger } from '../../../src/log.ts';
import { RateLimiter } from '../../../src/rate-limit.ts';
import { Store } from '../../../src/store/store.ts';
import { INTENTS, startDiscord, type DiscordBot } from '../../../src/adapters/discord/index.ts';
import { ChannelUnavailableError, sendToChannel } from '../../../src/adapters/discord/poster.ts';
import {
  APP_ID,
  CHANNEL_ID,
  DELETED_CHANNEL_ID,
  DM_CHANNEL_ID,
  DiscordStandIn,
  FORBIDDEN_CHANNEL_ID,
  OTHER_BOT_ID,
  PERMISSIONS,
  TOKEN,
  BOT_ID,
  BOT_ROLE_ID,
  autocomplete,
  buttonClick,
  slashCommand,
  user,
  userMessage,
  type RecordedCall,
} from './stand-in.ts';
import { customIds, expectWithinLimits } from './limits.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const REPORT_TITLE = 'Coca, Gold and Timber: A Field Report from the Peruvian Amazon';
const EPHEMERAL = 64;
const DEFERRED_CHANNEL_MESSAGE = 5;
const DEFERRED_UPDATE_MESSAGE = 6;
const AUTOCOMPLETE_RESULT = 8;

/**
 * A command shaped like /digest (subcommands, a camel-cased time-zone option) that echoes what the
 * adapter passed, so these tests do not depend on the digest feature's own behaviour.
 */
const digestLike: Command = {
  name: 'schedule',
  description: 'Daily report facts in this channel',
  options: z.object({
    subcommand: z.enum(['subscribe', 'status']),
    time: z.string().optional(),
    timeZone: z.string().optional(),
  }),
  subcommands: [
    {
      name: 'subscribe',
      description: 'Post a fact here every day',
      options: z.object({
        time: z.string().describe('Time of day, HH:MM'),
        timeZone: z.string().optional().describe('IANA time zone'),
      }),
    },
    { name: 'status', description: 'Show this channel’s digest', options: z.object({}) },
  ],
  async execute(ctx) {
    const o = ctx.options as { subcommand: string; time?: string; timeZone?: string };
    return {
      kind: 'notice',
      heading: `${o.subcommand} ${o.time ?? ''} ${o.timeZone ?? ''} manage=${String(ctx.canManageChannel)}`,
      items: [],
      actions: [],
    };
  },
};

/** A command that fails the way an internal bug would. */
const boom: Command = {
  name: 'boom',
  description: 'Always fails',
  options: z.object({}),
  async execute() {
    throw new Error('engine exploded');
  },
};

interface Harness {
  standIn: DiscordStandIn;
  bot: DiscordBot;
  store: Store;
  engine: Engine;
  config: Config;
  registry: Registry;
  dir: string;
  /** JSON log lines the bot wrote. */
  logs: string[];
}

async function startHarness(
  env: Record<string, string> = {},
  limit = 1000,
  onFatal?: (err: ReportBotError) => void,
): Promise<Harness> {
  const standIn = await DiscordStandIn.start();
  const dir = mkdtempSync(join(tmpdir(), 'report-bot-discord-'));
  const config = loadConfig({
    DISCORD_TOKEN: TOKEN,
    DISCORD_APPLICATION_ID: APP_ID,
    DISCORD_API_URL: standIn.apiUrl,
    DATABASE_PATH: join(dir, 'bot.sqlite'),
    CORPUS_DIR: FIXTURES,
    ...env,
  });
  const engine = await Engine.load(FIXTURES);
  const store = new Store(config.DATABASE_PATH);
  const registry = createRegistry([...commandModules, digestLike, boom]);
  const logs: string[] = [];
  const bot = await startDiscord({
    config,
    engine,
    registry,
    store,
    logger: createLogger('info', { write: (line: string) => void logs.push(line) }),
    services: { limiter: new RateLimiter({ limit }), newErrorId: () => 'e4a1b2c3' },
    ...(onFatal ? { onFatal } : {}),
  });
  return { standIn, bot, store, engine, config, registry, dir, logs };
}

async function stopHarness(h: Harness): Promise<void> {
  await h.bot.stop();
  await h.standIn.close();
  h.store.close();
  rmSync(h.dir, { recursive: true, force: true });
}

type Interaction = { id: string; token: string };

const callbackOf = (i: Interaction) => (c: RecordedCall) => c.method === 'POST' && c.path === `/interactions/${i.id}/${i.token}/callback`;
const originalEditOf = (i: Interaction) => (c: RecordedCall) =>
  c.method === 'PATCH' && c.path === `/webhooks/${APP_ID}/${i.token}/messages/@original`;
const followUpOf = (i: Interaction) => (c: RecordedCall) => c.method === 'POST' && c.path === `/webhooks/${APP_ID}/${i.token}`;

/** Dispatches an interaction and returns the deferral callback and the final message body. */
async function run(h: Harness, interaction: Interaction & Record<string, unknown>) {
  const from = h.standIn.calls.length;
  h.standIn.dispatch('INTERACTION_CREATE', interaction);
  const callback = await h.standIn.waitForCall(callbackOf(interaction), 5000, from);
  const final = await h.standIn.waitForCall(
    (c) => originalEditOf(interaction)(c) || followUpOf(interaction)(c),
    5000,
    from,
  );
  return { callback: callback.body, final: final.body, finalCall: final };
}

describe('Discord bot (real discord.js client against the stand-in)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await stopHarness(h);
  });

  it('identifies with Guilds, GuildMessages and DirectMessages only — no privileged MessageContent intent', () => {
    const expected = INTENTS.reduce((a, b) => a | b, 0);
    expect(h.standIn.lastIntents).toBe(expected);
    expect(h.standIn.lastIntents & (1 << 15)).toBe(0);
    expect(h.standIn.calls[0]).toMatchObject({ method: 'GET', path: '/gateway/bot', authorization: `Bot ${TOKEN}` });
  });

  it('answers /ask privately: deferred ephemeral, then an embed with the bold excerpt, the report as author and the citation', async () => {
    const i = slashCommand('ask', { question: 'Who carries cocaine out of the VRAEM?' });
    const { callback, final } = await run(h, i);
    expect(callback).toEqual({ type: DEFERRED_CHANNEL_MESSAGE, data: { flags: EPHEMERAL } });
    expectWithinLimits(final);
    const embed = final.embeds[0];
    expect(embed.author.name).toBe(REPORT_TITLE);
    expect(embed.description).toContain('**Cocaine** leaves the **VRAEM**');
    // The report's *mochileros* is escaped so it shows exactly as written, not as italics.
    expect(embed.description).toContain('\\*mochileros\\*');
    expect(embed.footer.text).toContain('Cocaine ¶2');
    expect(embed.fields).toContainEqual(expect.objectContaining({ name: 'Passage', value: '`field-report/cocaine/2`' }));
    expect(final.content).toBe('**Q:** Who carries cocaine out of the VRAEM?');
    const ids = customIds(final);
    expect(ids).toEqual(expect.arrayContaining([expect.stringMatching(/^rb:share:/), expect.stringMatching(/^rb:full_passage:/)]));
    expect(ids.some((id) => id.startsWith('rb:feedback_up:'))).toBe(true);
    expect(ids.some((id) => id.startsWith('rb:feedback_down:'))).toBe(true);
  });

  it('abstains honestly on a question about something the report never names', async () => {
    const { final } = await run(h, slashCommand('ask', { question: 'What is the price of gold in Tokyo?' }));
    expectWithinLimits(final);
    const embed = final.embeds[0];
    expect(embed.title).toBe(ABSTENTION_HEADING);
    expect(embed.description).toContain('No passage comes close');
    for (const f of embed.fields ?? []) expect(f.value).toMatch(/`field-report\/[a-z-]+\/\d+`$/);
  });

  it('does not let @everyone in a question ping anyone', async () => {
    for (const i of [
      slashCommand('ask', { question: '@everyone how do miners bind the gold? <@&123456789012345678>' }),
      slashCommand('search', { terms: '@everyone @here gold' }),
    ]) {
      const { final } = await run(h, i);
      expectWithinLimits(final);
      expect(final.allowed_mentions).toEqual({ parse: [] });
      // Even the visible text carries no live mention syntax (button ids are never shown).
      expect(JSON.stringify([final.content, final.embeds])).not.toMatch(/@everyone|@here|<@&/);
    }
    const { final } = await run(h, slashCommand('search', { terms: '@everyone gold' }));
    expect(final.content).toBe('**Q:** @\u200beveryone gold');
  });

  it('runs /search with a section and lists results within the limits', async () => {
    const { final } = await run(h, slashCommand('search', { terms: 'gold', section: 'illegal-mining' }));
    expectWithinLimits(final);
    const embed = final.embeds[0];
    expect(embed.title).toMatch(/^Passages matching “gold”/);
    expect(embed.fields.every((f: { value: string }) => f.value.includes('field-report/illegal-mining/'))).toBe(true);
  });

  it('shows a whole passage with /source and explains an unknown id privately', async () => {
    const known = await run(h, slashCommand('source', { id: 'field-report/illegal-timber/1' }));
    expect(known.final.embeds[0].description).toContain('Loggers cut mahogany and cedar');
    const unknown = await run(h, slashCommand('source', { id: 'no/such/passage' }));
    expect(unknown.final.embeds[0].title).toContain('There is no passage with the id');
    expect(unknown.final.components).toEqual([]);
  });

  it('lists the commands with /help', async () => {
    const { callback, final } = await run(h, slashCommand('help'));
    expect(callback.data.flags).toBe(EPHEMERAL);
    expect(final.embeds[0].description).toContain('/ask');
    expect(final.embeds[0].description).toContain('/search');
  });

  it('turns an internal failure into an apology with an error id', async () => {
    const { final } = await run(h, slashCommand('boom'));
    expect(final.embeds[0].title).toBe('Sorry — something went wrong on my side.');
    expect(final.embeds[0].footer.text).toContain('e4a1b2c3');
    expect(JSON.stringify(final)).not.toContain('engine exploded');
  });

  it('logs a request Discord refused without the interaction token or the question', async () => {
    const i = slashCommand('ask', { question: 'a private question about gold' }, { expired: true });
    h.standIn.dispatch('INTERACTION_CREATE', i);
    await h.standIn.waitForCall(callbackOf(i));
    await expect.poll(() => h.logs.find((l) => l.includes('discord interaction failed'))).toBeDefined();
    const line = h.logs.find((l) => l.includes('discord interaction failed'))!;
    expect(JSON.parse(line).err).toMatchObject({ code: 10062, status: 404 });
    expect(line).not.toContain(i.token);
    expect(h.logs.join('\n')).not.toContain('a private question');
  });

  it('passes subcommands and camel-cased options through, with Manage Channels as canManageChannel', async () => {
    const member = await run(
      h,
      slashCommand('schedule', { time: '08:30', time_zone: 'Europe/Berlin' }, { subcommand: 'subscribe' }),
    );
    expect(member.final.embeds[0].title).toBe('subscribe 08:30 Europe/Berlin manage=false');
    const manager = await run(
      h,
      slashCommand('schedule', { time: '09:00' }, { subcommand: 'subscribe', permissions: PERMISSIONS.manageChannels }),
    );
    expect(manager.final.embeds[0].title).toContain('manage=true');
    const dm = await run(h, slashCommand('schedule', {}, { subcommand: 'status', dm: true }));
    expect(dm.final.embeds[0].title).toContain('status');
    expect(dm.final.embeds[0].title).toContain('manage=true');
  });

  it('runs the real /digest: subscribing needs Manage Channels, and its time zone autocompletes', async () => {
    const refused = await run(h, slashCommand('digest', { time: '08:30' }, { subcommand: 'subscribe' }));
    expect(refused.final.embeds[0].title).toContain('Only members who can manage this channel');
    const i = autocomplete('digest', { timezone: 'Lim' }, 'timezone', { subcommand: 'subscribe' });
    h.standIn.dispatch('INTERACTION_CREATE', i);
    const call = await h.standIn.waitForCall(callbackOf(i));
    expect(call.body.data.choices[0]).toEqual({ name: 'America/Lima', value: 'America/Lima' });
  });

  it('suggests passage ids with their section names for /source', async () => {
    const i = autocomplete('source', { id: 'mining' }, 'id');
    h.standIn.dispatch('INTERACTION_CREATE', i);
    const call = await h.standIn.waitForCall(callbackOf(i));
    expect(call.body.type).toBe(AUTOCOMPLETE_RESULT);
    const choices = call.body.data.choices as { name: string; value: string }[];
    expect(choices.map((c) => c.value)).toEqual(['field-report/illegal-mining/1', 'field-report/illegal-mining/2']);
    expect(choices[0]!.name).toBe('Illegal Mining ¶1 — field-report/illegal-mining/1');
  });

  it('suggests section names for /search', async () => {
    const i = autocomplete('search', { terms: 'gold', section: 'ill' }, 'section');
    h.standIn.dispatch('INTERACTION_CREATE', i);
    const call = await h.standIn.waitForCall(callbackOf(i));
    expect(call.body.data.choices).toEqual([
      { name: 'Illegal Mining', value: 'illegal-mining' },
      { name: 'Illegal Timber', value: 'illegal-timber' },
    ]);
  });

  it('suggests at most 25 IANA time zones for a time-zone option, each name ≤ 100 characters', async () => {
    const i = autocomplete('schedule', { time: '08:00', time_zone: 'America' }, 'time_zone', { subcommand: 'subscribe' });
    h.standIn.dispatch('INTERACTION_CREATE', i);
    const call = await h.standIn.waitForCall(callbackOf(i));
    const choices = call.body.data.choices as { name: string; value: string }[];
    expect(choices).toHaveLength(25);
    expect(choices.every((c) => c.value.startsWith('America/') && c.name.length <= 100)).toBe(true);
    const berlin = autocomplete('schedule', { time_zone: 'berl' }, 'time_zone', { subcommand: 'subscribe' });
    h.standIn.dispatch('INTERACTION_CREATE', berlin);
    const call2 = await h.standIn.waitForCall(callbackOf(berlin));
    expect(call2.body.data.choices).toEqual([{ name: 'Europe/Berlin', value: 'Europe/Berlin' }]);
  });

  describe('buttons', () => {
    /** Asks a question and returns the final message body and the custom id of a given button kind. */
    async function askAndFind(kind: string) {
      const { final } = await run(h, slashCommand('ask', { question: 'How is gold laundered?' }));
      const id = customIds(final).find((c) => c.startsWith(`rb:${kind}:`));
      if (!id) throw new Error(`no ${kind} button in ${JSON.stringify(final.components)}`);
      return { message: { ...final, flags: EPHEMERAL }, id };
    }

    it('Full passage shows the whole passage privately', async () => {
      const { message, id } = await askAndFind('full_passage');
      const { callback, final } = await run(h, buttonClick(id, message));
      expect(callback).toEqual({ type: DEFERRED_CHANNEL_MESSAGE, data: { flags: EPHEMERAL } });
      expectWithinLimits(final);
      expect(final.embeds[0].description).toBe(
        'Traders launder the gold through exporters in Lima, mixing it with gold from legal mines before it is sold abroad.',
      );
    });

    it('More results lists further passages', async () => {
      const { message, id } = await askAndFind('more_results');
      const { final } = await run(h, buttonClick(id, message));
      expectWithinLimits(final);
      expect(final.embeds[0].fields.length).toBeGreaterThan(0);
      expect(JSON.stringify(final.embeds[0].fields)).not.toContain('field-report/illegal-mining/2`');
    });

    it('👍 and 👎 are stored in the feedback table and thanked privately', async () => {
      const up = await askAndFind('feedback_up');
      const { final } = await run(h, buttonClick(up.id, up.message));
      expect(final.embeds[0].title).toContain('Thanks for the 👍');
      const down = await askAndFind('feedback_down');
      await run(h, buttonClick(down.id, down.message, { userId: '100000000000000042' }));
      const rows = h.store.db
        .prepare("SELECT vote, passage_id AS passageId FROM feedback WHERE platform = 'discord' ORDER BY id")
        .all();
      expect(rows).toEqual([
        { vote: 1, passageId: 'field-report/illegal-mining/2' },
        { vote: -1, passageId: 'field-report/illegal-mining/2' },
      ]);
    });

    it('Share posts the answer publicly and removes the Share button from the private copy', async () => {
      const { message, id } = await askAndFind('share');
      const click = buttonClick(id, message);
      const from = h.standIn.calls.length;
      h.standIn.dispatch('INTERACTION_CREATE', click);
      const callback = await h.standIn.waitForCall(callbackOf(click), 5000, from);
      expect(callback.body).toEqual({ type: DEFERRED_UPDATE_MESSAGE });
      const shared = await h.standIn.waitForCall(followUpOf(click), 5000, from);
      expectWithinLimits(shared.body);
      expect(shared.body.flags ?? 0).toBe(0);
      expect(shared.body.content).toContain(`Shared by <@${'100000000000000006'}>`);
      expect(shared.body.embeds[0].description).toContain('**launder**');
      expect(customIds(shared.body).some((c) => c.startsWith('rb:share:'))).toBe(false);
      const edited = await h.standIn.waitForCall(originalEditOf(click), 5000, from);
      expect(customIds(edited.body).some((c) => c.startsWith('rb:share:'))).toBe(false);
      expect(customIds(edited.body).some((c) => c.startsWith('rb:full_passage:'))).toBe(true);
    });

    it('answers an unknown button privately instead of failing', async () => {
      const click = buttonClick('something-else', { flags: EPHEMERAL });
      h.standIn.dispatch('INTERACTION_CREATE', click);
      const call = await h.standIn.waitForCall(callbackOf(click));
      expect(call.body.type).toBe(4);
      expect(call.body.data.flags).toBe(EPHEMERAL);
      expect(call.body.data.content).toContain('expired');
    });
  });

  describe('messages', () => {
    const replyTo = (messageId: string) => (c: RecordedCall) =>
      c.method === 'POST' && c.body?.message_reference?.message_id === messageId;

    it('answers an @mention in a channel with a reply to that message, pinging nobody', async () => {
      const msg = userMessage(`<@${BOT_ID}> @everyone who carries cocaine out of the VRAEM?`, { mentionsBot: true });
      h.standIn.dispatch('MESSAGE_CREATE', msg);
      const call = await h.standIn.waitForCall(replyTo(msg.id));
      expect(call.path).toBe(`/channels/${CHANNEL_ID}/messages`);
      expectWithinLimits(call.body);
      expect(call.body.allowed_mentions).toEqual({ parse: [] });
      expect(call.body.flags ?? 0).toBe(0);
      // If the question is deleted meanwhile, Discord still posts the answer.
      expect(call.body.message_reference.fail_if_not_exists).toBe(false);
      expect(call.body.embeds[0].description).toContain('**Cocaine**');
      // A public message has nothing to share.
      expect(customIds(call.body).some((c) => c.startsWith('rb:share:'))).toBe(false);
    });

    it('answers a mention of the bot’s own role like a mention of the bot', async () => {
      const msg = userMessage(`<@&${BOT_ROLE_ID}> how is gold laundered?`);
      h.standIn.dispatch('MESSAGE_CREATE', msg);
      const call = await h.standIn.waitForCall(replyTo(msg.id));
      expect(call.body.embeds[0].description).toContain('**launder**');
    });

    it('answers a DM with a reply', async () => {
      const msg = userMessage('How is gold laundered?', { dm: true });
      h.standIn.dispatch('MESSAGE_CREATE', msg);
      const call = await h.standIn.waitForCall(replyTo(msg.id));
      expect(call.path).toBe(`/channels/${DM_CHANNEL_ID}/messages`);
      expect(call.body.embeds[0].description).toContain('**launder**');
    });

    it('reads a DM as a follow-up of the DM before it, and says so', async () => {
      const first = userMessage('How is gold laundered?', { dm: true });
      h.standIn.dispatch('MESSAGE_CREATE', first);
      await h.standIn.waitForCall(replyTo(first.id));
      const more = userMessage('tell me more', { dm: true });
      h.standIn.dispatch('MESSAGE_CREATE', more);
      const call = await h.standIn.waitForCall(replyTo(more.id));
      expect(call.body.embeds[0].description).toMatch(/Continuing with the passage after/);
    });

    it('ignores other bots, itself, and channel messages that do not mention it', async () => {
      const fromBot = userMessage(`<@${BOT_ID}> who carries cocaine?`, {
        mentionsBot: true,
        author: user(OTHER_BOT_ID, { bot: true }),
      });
      const fromItself = userMessage(`<@${BOT_ID}> who carries cocaine?`, { author: { ...user(BOT_ID), bot: true } });
      const chatter = userMessage('who carries cocaine?');
      const marker = userMessage('How is gold laundered?', { dm: true });
      for (const m of [fromBot, fromItself, chatter, marker]) h.standIn.dispatch('MESSAGE_CREATE', m);
      // Events are handled in order; once the last one is answered, the others would have been too.
      await h.standIn.waitForCall(replyTo(marker.id));
      for (const m of [fromBot, fromItself, chatter]) {
        expect(h.standIn.calls.some(replyTo(m.id))).toBe(false);
      }
    });

    it('answers an over-long question with a short notice, within the limits', async () => {
      const msg = userMessage(`<@${BOT_ID}> ${'why '.repeat(1200)}`, { mentionsBot: true });
      h.standIn.dispatch('MESSAGE_CREATE', msg);
      const call = await h.standIn.waitForCall(replyTo(msg.id));
      expectWithinLimits(call.body);
      expect(call.body.embeds[0].title).toMatch(/^That's too long for me/);
    });

    it('answers a bare mention with the help text', async () => {
      const msg = userMessage(`<@${BOT_ID}>`, { mentionsBot: true });
      h.standIn.dispatch('MESSAGE_CREATE', msg);
      const call = await h.standIn.waitForCall(replyTo(msg.id));
      expect(call.body.embeds[0].title).toContain('I answer questions about the report');
    });
  });

  describe('posting to a channel (digests)', () => {
    const fact = {
      kind: 'fact' as const,
      heading: 'Fact of the day',
      items: [],
      actions: [],
      quote: {
        text: 'Peru is the world’s second largest producer of cocaine.',
        highlights: [],
        citation: {
          documentId: 'field-report',
          document: REPORT_TITLE,
          author: 'Ana Quispe',
          date: '2023-03-01',
          section: 'Cocaine',
          sectionId: 'cocaine',
          paragraph: 1,
          passageId: 'field-report/cocaine/1',
          label: 'Quispe 2023 · Cocaine ¶1',
        },
        passageId: 'field-report/cocaine/1',
      },
    };

    it('posts a reply publicly to a channel', async () => {
      const from = h.standIn.calls.length;
      const id = await sendToChannel(h.bot.client, CHANNEL_ID, fact);
      expect(id).toMatch(/^\d+$/);
      const call = await h.standIn.waitForCall((c) => c.path === `/channels/${CHANNEL_ID}/messages`, 1000, from);
      expectWithinLimits(call.body);
      expect(call.body.embeds[0].footer.text).toContain('Quispe 2023 · Cocaine ¶1');
    });

    it('throws ChannelUnavailableError for a deleted channel (10003) and a lost one (50001)', async () => {
      await expect(sendToChannel(h.bot.client, DELETED_CHANNEL_ID, fact)).rejects.toMatchObject({
        name: 'ChannelUnavailableError',
        discordCode: 10003,
        channelId: DELETED_CHANNEL_ID,
      });
      const lost = await sendToChannel(h.bot.client, FORBIDDEN_CHANNEL_ID, fact).catch((e: unknown) => e);
      expect(lost).toBeInstanceOf(ChannelUnavailableError);
      expect((lost as ChannelUnavailableError).discordCode).toBe(50001);
    });
  });

  it('reconnects after the gateway drops and keeps answering', async () => {
    const sessions = h.standIn.identifies + h.standIn.resumes;
    h.standIn.dropConnection();
    await h.standIn.waitForSession(sessions + 1);
    const msg = userMessage('How is gold laundered?', { dm: true });
    h.standIn.dispatch('MESSAGE_CREATE', msg);
    const call = await h.standIn.waitForCall((c) => c.body?.message_reference?.message_id === msg.id);
    expect(call.body.embeds[0].description).toContain('**launder**');
    // RESUME (op 6) rather than a second IDENTIFY: no events are lost.
    expect(h.standIn.resumes).toBe(1);
  });
});

describe('Discord bot with ANSWER_VISIBILITY=public and a low rate limit', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ ANSWER_VISIBILITY: 'public' }, 2);
  });
  afterAll(async () => {
    await stopHarness(h);
  });

  it('answers publicly without a Share button', async () => {
    const { callback, final } = await run(h, slashCommand('ask', { question: 'How is gold laundered?' }));
    expect(callback.type).toBe(DEFERRED_CHANNEL_MESSAGE);
    expect(callback.data.flags & EPHEMERAL).toBe(0);
    expect(customIds(final).some((c) => c.startsWith('rb:share:'))).toBe(false);
    expect(customIds(final).some((c) => c.startsWith('rb:full_passage:'))).toBe(true);
  });

  it('keeps a private notice private: the public placeholder is replaced by an ephemeral follow-up', async () => {
    const i = slashCommand('help');
    const { final, finalCall } = await run(h, i);
    expect(finalCall.method).toBe('POST');
    expect(final.flags).toBe(EPHEMERAL);
    expect(h.standIn.calls.some((c) => c.method === 'DELETE' && c.path.includes(i.token))).toBe(true);
  });

  it('applies the per-user rate limit, privately', async () => {
    await run(h, slashCommand('ask', { question: 'How is gold laundered?' }));
    const { final } = await run(h, slashCommand('ask', { question: 'How is gold laundered?' }));
    expect(final.embeds[0].title).toBe("You're asking faster than I can keep up with.");
    expect(final.flags).toBe(EPHEMERAL);
  });
});

describe('Discord bot shutting down', () => {
  const replyTo = (messageId: string) => (c: RecordedCall) =>
    c.method === 'POST' && c.body?.message_reference?.message_id === messageId;
  const loggedQuestions = (store: Store) =>
    (store.db.prepare('SELECT question FROM question_log ORDER BY id').all() as { question: string }[]).map((r) => r.question);
  /** Resolves when a request matching `route` reaches the stand-in (before it is answered). */
  const arrival = (standIn: DiscordStandIn, route: RegExp) =>
    new Promise<void>((resolve) => {
      const listener = (c: RecordedCall) => {
        if (!route.test(`${c.method} ${c.path}`)) return;
        standIn.off('request', listener);
        resolve();
      };
      standIn.on('request', listener);
    });

  it('posts the reply to a mention in flight before it disconnects, and takes no new mentions meanwhile', async () => {
    const h = await startHarness();
    try {
      const replies = /^POST \/channels\/\d+\/messages$/;
      const release = h.standIn.hold(replies);
      const msg = userMessage(`<@${BOT_ID}> how is gold laundered?`, { mentionsBot: true });
      const posting = arrival(h.standIn, replies);
      h.standIn.dispatch('MESSAGE_CREATE', msg);
      await posting;

      const stopped = h.bot.stop(5000);
      // Arrives while the first answer is still being posted: shutdown no longer takes work.
      const late = userMessage(`<@${BOT_ID}> who carries cocaine?`, { mentionsBot: true });
      h.standIn.dispatch('MESSAGE_CREATE', late);
      // Discord answers the post only now, after shutdown began.
      release();
      await stopped;

      // What main.ts does next is close the database: by now the answer is out and the question logged.
      expect(h.standIn.calls.find(replyTo(msg.id))?.body.embeds[0].description).toContain('**launder**');
      expect(loggedQuestions(h.store)).toEqual(['how is gold laundered?']);
      expect(h.standIn.calls.some(replyTo(late.id))).toBe(false);
    } finally {
      await stopHarness(h);
    }
  });

  it('finishes a slash command whose deferral is in flight: the question is logged and the answer edited in', async () => {
    const h = await startHarness();
    try {
      const callbacks = /^POST \/interactions\/\d+\/[^/]+\/callback$/;
      const release = h.standIn.hold(callbacks);
      const interaction = slashCommand('ask', { question: 'How is gold laundered?' });
      const deferring = arrival(h.standIn, callbacks);
      h.standIn.dispatch('INTERACTION_CREATE', interaction);
      await deferring;

      // The answer (and its question log row) comes after the deferral, i.e. after stop was called.
      const stopped = h.bot.stop(5000);
      release();
      await stopped;
      expect(loggedQuestions(h.store)).toEqual(['How is gold laundered?']);
      const final = h.standIn.calls.find(originalEditOf(interaction));
      expect(final?.body.embeds[0].description).toContain('**launder**');
    } finally {
      await stopHarness(h);
    }
  });

  it('does not wait past the grace period for an answer that hangs', async () => {
    const h = await startHarness();
    try {
      const replies = /^POST \/channels\/\d+\/messages$/;
      // Discord never answers this post while the bot stops.
      const release = h.standIn.hold(replies);
      const msg = userMessage(`<@${BOT_ID}> how is gold laundered?`, { mentionsBot: true });
      const posting = arrival(h.standIn, replies);
      h.standIn.dispatch('MESSAGE_CREATE', msg);
      await posting;
      await h.bot.stop(50);
      // It gave up on the hanging post rather than waiting for it.
      expect(h.standIn.calls.some(replyTo(msg.id))).toBe(false);
      release();
    } finally {
      await stopHarness(h);
    }
  });
});

describe('Discord bot whose token is revoked while running', () => {
  it('reports one clear DISCORD_TOKEN error through onFatal when the gateway closes with 4004', async () => {
    const fatal: ReportBotError[] = [];
    const h = await startHarness({}, 1000, (err) => fatal.push(err));
    try {
      h.standIn.closeWith(4004, 'Authentication failed.');
      await expect.poll(() => fatal.length, { timeout: 5000 }).toBe(1);
      expect(fatal[0]).toBeInstanceOf(ConfigError);
      expect(fatal[0]!.message).toMatch(/^Discord rejected DISCORD_TOKEN/);
      // It does not reconnect with a token Discord refused.
      expect(h.standIn.identifies + h.standIn.resumes).toBe(1);
      await h.bot.stop();
    } finally {
      await stopHarness(h);
    }
  });
});

describe('Discord bot with a rejected token', () => {
  for (const where of ['rest', 'gateway'] as const) {
    it(`fails with one clear error naming DISCORD_TOKEN (${where === 'rest' ? '401 on /gateway/bot' : 'gateway close 4004'})`, async () => {
      const standIn = await DiscordStandIn.start({ rejectToken: where });
      const dir = mkdtempSync(join(tmpdir(), 'report-bot-discord-'));
      try {
        const config = loadConfig({
          DISCORD_TOKEN: TOKEN,
          DISCORD_API_URL: standIn.apiUrl,
          DATABASE_PATH: join(dir, 'bot.sqlite'),
        });
        const store = new Store(config.DATABASE_PATH);
        const err = await startDiscord({
          config,
          engine: await Engine.load(FIXTURES),
          registry: createRegistry(commandModules),
          store,
          logger: silentLogger,
        }).catch((e: unknown) => e);
        store.close();
        expect(err).toBeInstanceOf(ConfigError);
        expect((err as Error).message).toMatch(/^Discord rejected DISCORD_TOKEN/);
        expect((err as Error).message).not.toContain(TOKEN);
        if (where === 'gateway') expect(standIn.gatewayOps).toContain(2);
      } finally {
        await standIn.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it('refuses to start without DISCORD_TOKEN', async () => {
    await expect(
      startDiscord({
        config: loadConfig({}),
        engine: await Engine.load(FIXTURES),
        registry: createRegistry(commandModules),
        store: new Store(':memory:'),
        logger: silentLogger,
      }),
    ).rejects.toThrow('DISCORD_TOKEN is not set');
  });
});
