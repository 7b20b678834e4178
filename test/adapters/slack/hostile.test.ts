/**
 * The Slack adapter under hostile and unlucky requests (issue 8, items 2, 3 and 6): a real Bolt app
 * over HTTP on 127.0.0.1 with signed requests, a real SQLite file, the local Web API stand-in.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../src/answer/engine.ts';
import { loadConfig } from '../../../src/config.ts';
import { createLogger } from '../../../src/log.ts';
import { Store } from '../../../src/store/store.ts';
import { writeQueueFor } from '../../../src/store/write-queue.ts';
import Database from 'better-sqlite3';
import { loadRegistry } from '../../../commands/index.ts';
import { createSlackApp, type SlackHandle } from '../../../src/adapters/slack/index.ts';
import { checkSlackBody } from '../../../src/adapters/slack/validate.ts';
import { eventBody, signature, slashBody, startSlackStandIn, type SlackStandIn } from './stand-in.ts';

const SECRET = 'test-signing-secret';
let standIn: SlackStandIn;
let engine: Engine;
let dir: string;
const running: SlackHandle[] = [];
const stores: Store[] = [];

beforeAll(async () => {
  standIn = await startSlackStandIn();
  engine = await Engine.load('corpus');
  dir = mkdtempSync(join(tmpdir(), 'report-bot-hostile-'));
});
afterAll(async () => {
  await Promise.all(running.map((r) => r.stop(1000)));
  for (const s of stores) s.close();
  await standIn.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Bot {
  url: string;
  logs: Array<Record<string, unknown>>;
}

async function startBot(dbFile = `bot-${stores.length}.sqlite`): Promise<Bot> {
  const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1-2-test', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: standIn.apiUrl, PORT: '0', LOG_LEVEL: 'info' });
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const store = new Store(join(dir, dbFile));
  stores.push(store);
  const slack = createSlackApp({ engine, registry: loadRegistry(), store, config, logger: createLogger('info', sink), reactionDelayMs: 60_000 });
  const handle = await slack.start({ port: 0, host: '127.0.0.1' });
  running.push(handle);
  return { url: `http://127.0.0.1:${handle.port}/slack/events`, logs };
}

/** A request signed as Slack signs it, with optional extra headers (X-Slack-Retry-Num). */
async function post(
  url: string,
  body: string,
  contentType: string,
  opts: { timestamp?: number; headers?: Record<string, string> } = {},
): Promise<number> {
  const ts = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': contentType, 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signature(SECRET, ts, body), ...opts.headers },
    body,
  });
  await res.text();
  return res.status;
}

const form = 'application/x-www-form-urlencoded';
const json = 'application/json';
const payload = (p: unknown) => new URLSearchParams({ payload: JSON.stringify(p) }).toString();

let seq = 1_700_100_000;
const mention = (text: string, channel = 'C9') => {
  const ts = `${++seq}.000100`;
  return { ts, body: eventBody({ type: 'app_mention', user: 'U2', text: `<@UBOT> ${text}`, ts, channel, event_ts: ts }) };
};
const answersIn = (ts: string) => standIn.calls.filter((c) => c.method === 'chat.postMessage' && c.body.thread_ts === ts);

/** Posts a fresh mention and waits for its answer: everything sent before it has been dealt with. */
async function barrier(bot: Bot): Promise<void> {
  const m = mention('What is the VRAEM?', 'CBARRIER');
  expect(await post(bot.url, m.body, json)).toBe(200);
  await standIn.next((c) => c.method === 'chat.postMessage' && c.body.thread_ts === m.ts);
}

describe('Slack adapter under hostile requests', () => {
  let bot: Bot;
  beforeAll(async () => {
    bot = await startBot();
  });

  it('survives signed bodies that are null, arrays or not objects, and answers the next question', async () => {
    for (const [body, type] of [
      ['payload=null', form],
      ['null', json],
      ['[]', json],
      ['"text"', json],
      ['payload=42', form],
      ['text=a&text=b&command=/ask&user_id=U1&channel_id=C1&response_url=http://127.0.0.1:1/x', form],
    ] as const) {
      expect(await post(bot.url, body, type)).toBe(200);
    }
    expect(bot.logs.filter((l) => l.msg === 'slack payload ignored: unexpected shape').length).toBeGreaterThanOrEqual(6);
    await barrier(bot);
  });

  it('acknowledges malformed button presses with 200 and a log line, never a 500', async () => {
    const base = {
      type: 'block_actions',
      user: { id: 'U1' },
      channel: { id: 'C1' },
      container: { channel_id: 'C1', is_ephemeral: true },
      actions: [{ type: 'button', action_id: 'rb_full_passage', value: 'cocaine/3' }],
    };
    const bad = [
      { ...base, user: null },
      { ...base, actions: {} },
      { ...base, actions: [{ type: 'button', action_id: 'rb_full_passage', value: 7 }] },
      { ...base, actions: [{ type: 'button', action_id: null }] },
    ];
    const before = bot.logs.length;
    for (const p of bad) expect(await post(bot.url, payload(p), form)).toBe(200);
    const lines = bot.logs.slice(before).filter((l) => l.msg === 'slack payload ignored: unexpected shape');
    expect(lines).toHaveLength(bad.length);
    expect(bot.logs.slice(before).some((l) => l.level === 50)).toBe(false);
    await barrier(bot);
  });

  it('refuses a timestamp more than five minutes away, in the future as in the past', async () => {
    const now = Math.floor(Date.now() / 1000);
    const m = mention('What is the VRAEM?');
    expect(await post(bot.url, m.body, json, { timestamp: now + 600 })).toBe(401);
    expect(await post(bot.url, m.body, json, { timestamp: now - 600 })).toBe(401);
    expect(bot.logs.some((l) => l.msg === 'slack request refused: bad signature' && /600 s in the future/.test(String(l.reason)))).toBe(true);
    await barrier(bot);
    expect(answersIn(m.ts)).toHaveLength(0);
  });

  it('answers a mention once although Slack retries it (same event_id, X-Slack-Retry-Num)', async () => {
    const m = mention('What is the VRAEM?');
    expect(await post(bot.url, m.body, json)).toBe(200);
    await standIn.next((c) => c.method === 'chat.postMessage' && c.body.thread_ts === m.ts);
    for (const n of ['1', '2']) {
      expect(await post(bot.url, m.body, json, { headers: { 'x-slack-retry-num': n, 'x-slack-retry-reason': 'http_timeout' } })).toBe(200);
    }
    await barrier(bot);
    expect(answersIn(m.ts)).toHaveLength(1);
  });

  it('answers a replayed slash command (the same signed request) once', async () => {
    const responseUrl = standIn.responseUrl();
    const body = slashBody({ command: '/ask', text: 'What is the VRAEM?', responseUrl });
    const ts = Math.floor(Date.now() / 1000);
    expect(await post(bot.url, body, form, { timestamp: ts })).toBe(200);
    await standIn.next((c) => c.method === 'respond' && c.url === responseUrl);
    expect(await post(bot.url, body, form, { timestamp: ts })).toBe(200);
    await barrier(bot);
    expect(standIn.calls.filter((c) => c.method === 'respond' && c.url === responseUrl)).toHaveLength(1);
  });

  it('acknowledges and answers every question while another connection holds the database lock', async () => {
    const locked = await startBot('locked.sqlite');
    const other = new Database(join(dir, 'locked.sqlite'));
    other.exec('BEGIN IMMEDIATE');
    try {
      const urls = Array.from({ length: 20 }, () => standIn.responseUrl());
      const statuses = await Promise.all(
        urls.map((responseUrl, i) => post(locked.url, slashBody({ command: '/ask', text: `What is the VRAEM? ${i}`, responseUrl }), form)),
      );
      expect(statuses).toEqual(urls.map(() => 200));
      const health = await fetch(locked.url.replace('/slack/events', '/healthz'));
      expect(health.status).toBe(200);
      await Promise.all(urls.map((u) => standIn.next((c) => c.method === 'respond' && c.url === u)));
      expect(locked.logs.some((l) => l.msg === 'database write deferred')).toBe(true);
    } finally {
      other.exec('COMMIT');
      other.close();
    }
    const store = stores.at(-1)!;
    writeQueueFor(store).flush();
    expect(store.db.prepare("SELECT COUNT(*) AS n FROM question_log WHERE question LIKE 'What is the VRAEM?%'").get()).toEqual({ n: 20 });
  });

  it('two bots on one database file answer one event once between them', async () => {
    const a = await startBot('shared.sqlite');
    const b = await startBot('shared.sqlite');
    const m = mention('What is the VRAEM?');
    expect(await post(a.url, m.body, json)).toBe(200);
    await standIn.next((c) => c.method === 'chat.postMessage' && c.body.thread_ts === m.ts);
    expect(await post(b.url, m.body, json, { headers: { 'x-slack-retry-num': '1' } })).toBe(200);
    await barrier(b);
    expect(answersIn(m.ts)).toHaveLength(1);
  });
});

describe('checkSlackBody', () => {
  it('names what is wrong with a payload', () => {
    expect(checkSlackBody(null)).toEqual({ ok: false, reason: 'the body is null, not an object' });
    expect(checkSlackBody({ type: 'block_actions', user: { id: 'U1' }, actions: {} })).toMatchObject({ ok: false, reason: expect.stringMatching(/^actions:/) });
    expect(checkSlackBody({ type: 'view_submission' })).toEqual({ ok: true, kind: 'other', type: 'view_submission' });
  });
});
