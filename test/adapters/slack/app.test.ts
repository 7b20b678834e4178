/**
 * The Slack adapter end to end: a real Bolt app (HTTP receiver on 127.0.0.1, port 0) receiving
 * correctly signed requests, answering through a local Web API stand-in and `response_url`s, with the
 * real engine on the bundled corpus and a real SQLite file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../src/answer/engine.ts';
import { loadConfig } from '../../../src/config.ts';
import { createLogger, silentLogger, type Logger } from '../../../src/log.ts';
import { Store } from '../../../src/store/store.ts';
import { loadRegistry } from '../../../commands/index.ts';
import { createSlackApp, type SlackHandle } from '../../../src/adapters/slack/index.ts';
import {
  buttonBody,
  buttons,
  eventBody,
  postSigned,
  slashBody,
  startSlackStandIn,
  visibleText,
  type Call,
  type SlackStandIn,
} from './stand-in.ts';

const SECRET = 'test-signing-secret';
const BOT_TOKEN = 'xoxb-1111-2222-test-token';
const QUESTION = 'How many hectares of coca were under cultivation in 2020?';

let standIn: SlackStandIn;
let engine: Engine;
let dir: string;
const running: SlackHandle[] = [];

beforeAll(async () => {
  standIn = await startSlackStandIn();
  engine = await Engine.load('corpus');
  dir = mkdtempSync(join(tmpdir(), 'report-bot-slack-'));
});

afterAll(async () => {
  await Promise.all(running.map((r) => r.stop(1000)));
  await standIn.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Bot {
  url: string;
  store: Store;
  dbPath: string;
  handle: Awaited<ReturnType<ReturnType<typeof createSlackApp>['start']>>;
}

let botCount = 0;

/** Starts a Bolt app against the stand-in with its own database file. */
async function startBot(
  env: Record<string, string> = {},
  extra: { engine?: Engine; logger?: Logger; reactionDelayMs?: number } = {},
): Promise<Bot> {
  const config = loadConfig({
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: standIn.apiUrl,
    PORT: '0',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const dbPath = join(dir, `bot-${++botCount}.sqlite`);
  const store = new Store(dbPath);
  const slack = createSlackApp({
    engine: extra.engine ?? engine,
    registry: loadRegistry(),
    store,
    config,
    logger: extra.logger ?? silentLogger,
    reactionDelayMs: extra.reactionDelayMs ?? 60_000,
  });
  const handle = await slack.start({ port: 0, host: '127.0.0.1' });
  running.push(handle);
  return { url: `http://127.0.0.1:${handle.port}/slack/events`, store, dbPath, handle };
}

const slash = (bot: Bot, command: string, text: string, user = 'U1') => {
  const responseUrl = standIn.responseUrl();
  const post = postSigned(bot.url, slashBody({ command, text, user, responseUrl }), 'application/x-www-form-urlencoded', { secret: SECRET });
  return { responseUrl, post };
};

async function event(bot: Bot, ev: Record<string, unknown>) {
  const res = await postSigned(bot.url, eventBody(ev), 'application/json', { secret: SECRET });
  expect(res.status).toBe(200);
}

async function press(
  bot: Bot,
  actionId: string,
  value: string,
  where: { ephemeral?: boolean; message?: { ts: string; thread_ts?: string }; channel?: string; user?: string },
) {
  const responseUrl = standIn.responseUrl();
  const res = await postSigned(bot.url, buttonBody({ actionId, value, responseUrl, ...where }), 'application/x-www-form-urlencoded', {
    secret: SECRET,
  });
  expect(res.status).toBe(200);
  return responseUrl;
}

/** What a user reads, with mrkdwn bold and quote markers removed and entities decoded. */
const readable = (body: Record<string, any>): string =>
  visibleText(body)
    .replace(/^>/gm, '')
    .replace(/\*/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

let ts = 1_700_000_100;
const nextTs = () => `${++ts}.000100`;

describe('Slack adapter', () => {
  let bot: Bot;
  beforeAll(async () => {
    bot = await startBot();
  });

  it('answers /ask privately with the cited excerpt and the five buttons', async () => {
    const answer = engine.answer(QUESTION);
    expect(answer.answered).toBe(true);
    const reply = await slashAnswerByUrl(bot, '/ask', QUESTION);
    expect(reply.body.response_type).toBe('ephemeral');
    expect(readable(reply.body)).toContain(answer.answer!.text);
    expect(readable(reply.body)).toContain(answer.answer!.citation.label);
    const b = buttons(reply.body);
    expect(Object.keys(b).sort()).toEqual(['rb_feedback_down', 'rb_feedback_up', 'rb_full_passage', 'rb_more_results', 'rb_share']);
    for (const value of Object.values(b)) expect(value.length).toBeLessThanOrEqual(80);
    // Matched terms are bold.
    expect(visibleText(reply.body)).toMatch(/\*hectares\*/);
  });

  it('logs the question with a hashed user id', async () => {
    await slashAnswerByUrl(bot, '/ask', 'What is the VRAEM?', 'U777');
    const db = new Database(bot.dbPath, { readonly: true });
    const row = db.prepare("SELECT * FROM question_log WHERE question = 'What is the VRAEM?'").get() as Record<string, unknown>;
    db.close();
    expect(row).toMatchObject({ platform: 'slack', answered: 1, channel_id: 'C1' });
    expect(row.user_hash).not.toContain('U777');
  });

  it('shares a private answer publicly, marked as shared by the user', async () => {
    const reply = await slashAnswerByUrl(bot, '/ask', QUESTION);
    const url = await press(bot, 'rb_share', buttons(reply.body).rb_share!, { ephemeral: true });
    const shared = await standIn.next((c) => c.method === 'respond' && c.url === url);
    expect(shared.body.response_type).toBe('in_channel');
    expect(visibleText(shared.body)).toContain('Shared by <@U1>');
    expect(readable(shared.body)).toContain(engine.answer(QUESTION).answer!.text);
    expect(buttons(shared.body).rb_share).toBeUndefined();
  });

  it('shows the full passage privately for a private answer', async () => {
    const reply = await slashAnswerByUrl(bot, '/ask', QUESTION);
    const id = buttons(reply.body).rb_full_passage!;
    const url = await press(bot, 'rb_full_passage', id, { ephemeral: true });
    const full = await standIn.next((c) => c.method === 'respond' && c.url === url);
    expect(full.body.response_type).toBe('ephemeral');
    expect(readable(full.body)).toContain(engine.passage(id).passage.text);
  });

  it('brings the next passages with More results, without repeating the answer', async () => {
    const reply = await slashAnswerByUrl(bot, '/ask', QUESTION);
    const answered = buttons(reply.body).rb_full_passage!;
    const url = await press(bot, 'rb_more_results', buttons(reply.body).rb_more_results!, { ephemeral: true });
    const more = await standIn.next((c) => c.method === 'respond' && c.url === url);
    expect(more.body.response_type).toBe('ephemeral');
    const text = visibleText(more.body);
    expect(text).toMatch(/Passages matching/);
    expect(text).not.toContain(`id \`${answered}\``);
    expect((text.match(/ · id `/g) ?? []).length).toBe(3);
  });

  it('stores 👍 and 👎 in the database and thanks the voter privately', async () => {
    const reply = await slashAnswerByUrl(bot, '/ask', QUESTION, 'U5');
    const url = await press(bot, 'rb_feedback_up', buttons(reply.body).rb_feedback_up!, { ephemeral: true, user: 'U5' });
    const thanks = await standIn.next((c) => c.method === 'respond' && c.url === url);
    expect(thanks.body.response_type).toBe('ephemeral');
    expect(visibleText(thanks.body)).toContain('Thanks for the 👍');

    // 👎 under a public answer in a thread: thanked with an ephemeral message in that thread.
    const threadTs = nextTs();
    await press(bot, 'rb_feedback_down', buttons(reply.body).rb_feedback_down!, {
      message: { ts: nextTs(), thread_ts: threadTs },
      user: 'U6',
    });
    const eph = await standIn.next((c) => c.method === 'chat.postEphemeral' && c.body.user === 'U6');
    expect(eph.body.thread_ts).toBe(threadTs);
    expect(visibleText(eph.body)).toContain('Thanks for the 👎');

    const db = new Database(bot.dbPath, { readonly: true });
    const rows = db.prepare('SELECT vote, passage_id, question_log_id FROM feedback ORDER BY id').all() as Array<Record<string, unknown>>;
    db.close();
    const logId = Number(buttons(reply.body).rb_feedback_up!.split(':')[0]);
    expect(rows).toEqual([
      { vote: 1, passage_id: buttons(reply.body).rb_full_passage, question_log_id: logId },
      { vote: -1, passage_id: buttons(reply.body).rb_full_passage, question_log_id: logId },
    ]);
  });

  it('answers an @mention publicly in the thread of the mention, without a Share button', async () => {
    const mentionTs = nextTs();
    await event(bot, { type: 'app_mention', user: 'U2', text: `<@UBOT> ${QUESTION}`, ts: mentionTs, channel: 'C1', event_ts: mentionTs });
    const post = await standIn.next((c) => c.method === 'chat.postMessage' && c.body.thread_ts === mentionTs);
    expect(post.body.channel).toBe('C1');
    expect(readable(post.body)).toContain(engine.answer(QUESTION).answer!.text);
    expect(buttons(post.body).rb_share).toBeUndefined();
    expect(buttons(post.body).rb_full_passage).toBeDefined();
  });

  it('treats a reply in a thread it answered as a new question, and ignores other threads', async () => {
    const mentionTs = nextTs();
    await event(bot, { type: 'app_mention', user: 'U2', text: '<@UBOT> What is the VRAEM?', ts: mentionTs, channel: 'C1', event_ts: mentionTs });
    await standIn.next((c) => c.method === 'chat.postMessage' && c.body.thread_ts === mentionTs);

    const strangerThread = nextTs();
    await event(bot, { type: 'message', channel_type: 'channel', channel: 'C1', user: 'U2', text: QUESTION, ts: nextTs(), thread_ts: strangerThread });

    const followTs = nextTs();
    await event(bot, { type: 'message', channel_type: 'channel', channel: 'C1', user: 'U3', text: QUESTION, ts: followTs, thread_ts: mentionTs });
    const post = await standIn.next((c) => c.method === 'chat.postMessage' && c.body.thread_ts === mentionTs);
    expect(readable(post.body)).toContain(engine.answer(QUESTION).answer!.text);
    expect(standIn.calls.some((c) => c.body.thread_ts === strangerThread)).toBe(false);
  });

  it('reads a reply in an answered thread as a follow-up of the question before it, and says so', async () => {
    const mentionTs = nextTs();
    await event(bot, { type: 'app_mention', user: 'U2', text: `<@UBOT> ${QUESTION}`, ts: mentionTs, channel: 'C1', event_ts: mentionTs });
    await standIn.next((c) => c.method === 'chat.postMessage' && c.body.thread_ts === mentionTs);
    await event(bot, { type: 'message', channel_type: 'channel', channel: 'C1', user: 'U2', text: 'tell me more', ts: nextTs(), thread_ts: mentionTs });
    const post = await standIn.next((c) => c.method === 'chat.postMessage' && c.body.thread_ts === mentionTs);
    expect(readable(post.body)).toMatch(/Continuing with the passage after \S+\//);
  });

  it('answers a DM in the DM', async () => {
    const dmTs = nextTs();
    await event(bot, { type: 'message', channel_type: 'im', channel: 'D42', user: 'U2', text: QUESTION, ts: dmTs });
    const post = await standIn.next((c) => c.method === 'chat.postMessage' && c.body.channel === 'D42');
    expect(post.body.thread_ts).toBeUndefined();
    expect(readable(post.body)).toContain(engine.answer(QUESTION).answer!.text);
  });

  it('takes no new question once shutdown began (quiesce), and says so on /healthz', async () => {
    const quiet = await startBot();
    quiet.handle.quiesce();
    await event(quiet, { type: 'message', channel_type: 'im', channel: 'D77', user: 'U2', text: QUESTION, ts: nextTs() });
    const health = await fetch(quiet.url.replace('/slack/events', '/healthz'));
    expect(health.status).toBe(503);
    // A later DM to the still-running main bot is answered; the quiesced one never posted.
    await event(bot, { type: 'message', channel_type: 'im', channel: 'D78', user: 'U2', text: QUESTION, ts: nextTs() });
    await standIn.next((c) => c.method === 'chat.postMessage' && c.body.channel === 'D78');
    expect(standIn.calls.filter((c) => c.body.channel === 'D77')).toEqual([]);
  });

  it('never answers its own messages or other bots', async () => {
    await event(bot, { type: 'message', channel_type: 'im', channel: 'D50', user: 'UBOT', bot_id: 'BBOT', text: QUESTION, ts: nextTs() });
    await event(bot, { type: 'message', subtype: 'bot_message', channel_type: 'im', channel: 'D51', bot_id: 'B999', text: QUESTION, ts: nextTs() });
    await event(bot, { type: 'message', channel_type: 'im', channel: 'D52', user: 'U9', bot_id: 'B998', text: QUESTION, ts: nextTs() });
    // A human DM afterwards is answered; by then the bot messages have long been dropped.
    await event(bot, { type: 'message', channel_type: 'im', channel: 'D53', user: 'U2', text: QUESTION, ts: nextTs() });
    await standIn.next((c) => c.method === 'chat.postMessage' && c.body.channel === 'D53');
    expect(standIn.calls.filter((c) => ['D50', 'D51', 'D52'].includes(c.body.channel))).toEqual([]);
  });

  it('escapes <!channel>, <!here> and user mentions typed by a user', async () => {
    const mentionTs = nextTs();
    await event(bot, {
      type: 'app_mention',
      user: 'U2',
      text: '<@UBOT> <!channel> <!here> <@U999> what about coca & gold?',
      ts: mentionTs,
      channel: 'C1',
      event_ts: mentionTs,
    });
    const post = await standIn.next((c) => c.method === 'chat.postMessage' && c.body.thread_ts === mentionTs);
    const raw = JSON.stringify(post.body);
    expect(raw).not.toContain('<!channel>');
    expect(raw).not.toContain('<!here>');
    expect(raw).not.toContain('<@U999>');
    expect(visibleText(post.body)).toContain('&lt;!channel&gt; &lt;!here&gt; &lt;@U999&gt; what about coca &amp; gold?');

    const search = await slashAnswerByUrl(bot, '/search', '<!everyone> coca');
    // Button values are never displayed; everything displayed must be escaped.
    expect(`${search.body.text}\n${visibleText(search.body)}`).not.toContain('<!everyone>');
    expect(visibleText(search.body)).toContain('Passages matching “&lt;!everyone&gt; coca”');
  });

  it('refuses an over-long question with a short explanation', async () => {
    const reply = await slashAnswerByUrl(bot, '/ask', 'why '.repeat(300));
    expect(reply.body.response_type).toBe('ephemeral');
    expect(visibleText(reply.body)).toContain("That's too long for me: 1,199 characters.");
    expect(visibleText(reply.body)).toContain('under 1,000 characters');
  });

  it('explains an unknown passage id and how to find ids', async () => {
    const reply = await slashAnswerByUrl(bot, '/source', 'no-such/passage/9');
    expect(visibleText(reply.body)).toContain('There is no passage with the id “no-such/passage/9”.');
    expect(visibleText(reply.body)).toContain('/search');
  });

  it('pages /search results with More results', async () => {
    const reply = await slashAnswerByUrl(bot, '/search', 'illegal mining');
    expect(visibleText(reply.body)).toContain('Passages matching “illegal mining” (1–5)');
    expect(visibleText(reply.body)).toMatch(/\*mining\*/i);
    const url = await press(bot, 'rb_more_results', buttons(reply.body).rb_more_results!, { ephemeral: true });
    const more = await standIn.next((c) => c.method === 'respond' && c.url === url);
    expect(visibleText(more.body)).toContain('Passages matching “illegal mining” (6–8)');
  });

  it('follows up a public answer in its thread', async () => {
    const mentionTs = nextTs();
    await event(bot, { type: 'app_mention', user: 'U2', text: `<@UBOT> ${QUESTION}`, ts: mentionTs, channel: 'C1', event_ts: mentionTs });
    const post = await standIn.next((c) => c.method === 'chat.postMessage' && c.body.thread_ts === mentionTs);
    await press(bot, 'rb_full_passage', buttons(post.body).rb_full_passage!, { message: { ts: nextTs(), thread_ts: mentionTs } });
    const full = await standIn.next((c) => c.method === 'chat.postMessage' && c.body.thread_ts === mentionTs);
    expect(readable(full.body)).toContain(engine.passage(buttons(post.body).rb_full_passage!).passage.text);
  });

  it('lists every command under /report-help', async () => {
    const reply = await slashAnswerByUrl(bot, '/report-help', '');
    const text = visibleText(reply.body);
    for (const c of ['/ask', '/search', '/source', '/report-help']) expect(text).toContain(`${c} — `);
  });

  it('rejects a bad signature and a stale timestamp with 401', async () => {
    const body = slashBody({ command: '/ask', text: QUESTION, responseUrl: standIn.responseUrl() });
    const bad = await postSigned(bot.url, body, 'application/x-www-form-urlencoded', { secret: 'not-the-secret' });
    expect(bad.status).toBe(401);
    const stale = await postSigned(bot.url, body, 'application/x-www-form-urlencoded', {
      secret: SECRET,
      timestamp: Math.floor(Date.now() / 1000) - 10 * 60,
    });
    expect(stale.status).toBe(401);
  });

  it('answers GET /healthz', async () => {
    const res = await fetch(bot.url.replace('/slack/events', '/healthz'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });
});

describe('Slack adapter settings', () => {
  it('posts slash answers publicly when ANSWER_VISIBILITY=public, without Share', async () => {
    const bot = await startBot({ ANSWER_VISIBILITY: 'public' });
    const reply = await slashAnswerByUrl(bot, '/ask', QUESTION);
    expect(reply.body.response_type).toBe('in_channel');
    expect(buttons(reply.body).rb_share).toBeUndefined();
  });

  it('renames every slash command with SLACK_COMMAND_PREFIX', async () => {
    const bot = await startBot({ SLACK_COMMAND_PREFIX: 'rb-' });
    const reply = await slashAnswerByUrl(bot, '/rb-ask', QUESTION);
    expect(readable(reply.body)).toContain(engine.answer(QUESTION).answer!.text);
    const help = await slashAnswerByUrl(bot, '/rb-report-help', '');
    expect(visibleText(help.body)).toContain('/rb-search — ');
  });

  it('answers politely when a user hits the rate limit', async () => {
    const bot = await startBot({ RATE_LIMIT_PER_MINUTE: '2' });
    await slashAnswerByUrl(bot, '/ask', QUESTION, 'U8');
    await slashAnswerByUrl(bot, '/search', 'coca', 'U8');
    const third = await slashAnswerByUrl(bot, '/ask', QUESTION, 'U8');
    expect(visibleText(third.body)).toContain("You're asking faster than I can keep up with.");
    expect(visibleText(third.body)).toMatch(/limit: 2 questions a minute/);
    // Another user is not affected.
    const other = await slashAnswerByUrl(bot, '/ask', QUESTION, 'U9');
    expect(readable(other.body)).toContain(engine.answer(QUESTION).answer!.text);
  });

  it('turns an exception into an apology with an error id, and logs the stack', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const broken = Object.create(engine, {
      answer: {
        value: () => {
          throw new Error('index exploded');
        },
      },
    }) as Engine;
    const bot = await startBot({}, { engine: broken, logger: createLogger('error', sink) });
    const reply = await slashAnswerByUrl(bot, '/ask', QUESTION);
    const text = visibleText(reply.body);
    expect(text).toContain('Sorry — something went wrong on my side.');
    const id = /error id[^:]*: ([0-9a-f]{8})/.exec(text)?.[1];
    expect(id).toBeDefined();
    const logged = lines.map((l) => JSON.parse(l)).find((l) => l.errorId === id);
    expect(logged.err.stack).toContain('index exploded');
    expect(text).not.toContain('index exploded');
  });

  describe('the 👀 on a slow answer', () => {
    const reactionsOn = (messageTs: string) =>
      standIn.calls.filter((c) => c.method.startsWith('reactions.') && c.body.timestamp === messageTs);
    const indexOf = (pred: (c: Call) => boolean) => standIn.calls.findIndex(pred);

    it('adds none when the answer is posted within the moment', async () => {
      const quick = await startBot({}, { reactionDelayMs: 60_000 });
      const fastTs = nextTs();
      await event(quick, { type: 'message', channel_type: 'im', channel: 'D60', user: 'U2', text: QUESTION, ts: fastTs });
      await standIn.next((c) => c.method === 'chat.postMessage' && c.body.channel === 'D60');
      expect(reactionsOn(fastTs)).toEqual([]);
    });

    it('shows 👀 while a slow post is on its way and takes it off once the answer is posted', async () => {
      const slow = await startBot({}, { reactionDelayMs: 50 });
      // Slack answers the post only once 👀 is on the question.
      const release = standIn.hold('chat.postMessage');
      try {
        const slowTs = nextTs();
        await event(slow, { type: 'message', channel_type: 'im', channel: 'D61', user: 'U2', text: QUESTION, ts: slowTs });
        await standIn.next((c) => c.method === 'reactions.add' && c.body.timestamp === slowTs);
        release();
        const removed = await standIn.next((c) => c.method === 'reactions.remove' && c.body.timestamp === slowTs);
        expect(removed.body).toMatchObject({ channel: 'D61', name: 'eyes' });
        expect(reactionsOn(slowTs).map((c) => c.method)).toEqual(['reactions.add', 'reactions.remove']);
        expect(reactionsOn(slowTs)[0]!.body).toMatchObject({ channel: 'D61', name: 'eyes' });
        // Taken off only after the answer is there (the stand-in records a delayed post when it answers it).
        const posted = indexOf((c) => c.method === 'chat.postMessage' && c.body.channel === 'D61');
        expect(posted).toBeGreaterThanOrEqual(0);
        expect(indexOf((c) => c === removed)).toBeGreaterThan(posted);
      } finally {
        release();
      }
    });

    it('shows 👀 when finding the answer itself is slow, and takes it off after posting', async () => {
      // An engine that keeps the (synchronous) answer busy for longer than the threshold.
      const slowEngine = Object.create(engine, {
        answer: {
          value: (...args: Parameters<Engine['answer']>) => {
            const until = Date.now() + 200;
            while (Date.now() < until) {
              /* busy: the engine blocks the event loop */
            }
            return engine.answer(...args);
          },
        },
      }) as Engine;
      const bot = await startBot({}, { engine: slowEngine, reactionDelayMs: 50 });
      const slowTs = nextTs();
      await event(bot, { type: 'message', channel_type: 'im', channel: 'D62', user: 'U2', text: QUESTION, ts: slowTs });
      const removed = await standIn.next((c) => c.method === 'reactions.remove' && c.body.timestamp === slowTs);
      expect(reactionsOn(slowTs).map((c) => c.method)).toEqual(['reactions.add', 'reactions.remove']);
      const posted = indexOf((c) => c.method === 'chat.postMessage' && c.body.channel === 'D62');
      expect(posted).toBeGreaterThanOrEqual(0);
      expect(indexOf((c) => c === removed)).toBeGreaterThan(posted);
    });
  });
});

/** Sends a slash command and returns the post that arrived on its response_url. */
async function slashAnswerByUrl(bot: Bot, command: string, text: string, user = 'U1'): Promise<Call> {
  const { responseUrl, post } = slash(bot, command, text, user);
  expect((await post).status).toBe(200);
  return standIn.next((c) => c.method === 'respond' && c.url === responseUrl);
}
