/**
 * Malformed Discord payloads (issue 8, item 6): a real discord.js Client against the gateway and REST
 * stand-in receives interactions and messages whose fields have the wrong types. Each is answered
 * with a short ephemeral notice (or ignored, for a message) and logged; the bot keeps answering.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRegistry } from '../../../commands/index.ts';
import { Engine } from '../../../src/answer/engine.ts';
import { loadConfig } from '../../../src/config.ts';
import { createLogger } from '../../../src/log.ts';
import { Store } from '../../../src/store/store.ts';
import { startDiscord, type DiscordBot } from '../../../src/adapters/discord/index.ts';
import { APP_ID, DiscordStandIn, TOKEN, buttonClick, slashCommand, userMessage, type RecordedCall } from './stand-in.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const EPHEMERAL = 64;
let standIn: DiscordStandIn;
let bot: DiscordBot;
let store: Store;
let dir: string;
const logs: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  standIn = await DiscordStandIn.start();
  dir = mkdtempSync(join(tmpdir(), 'report-bot-discord-hostile-'));
  const config = loadConfig({ DISCORD_TOKEN: TOKEN, DISCORD_APPLICATION_ID: APP_ID, DISCORD_API_URL: standIn.apiUrl, DATABASE_PATH: join(dir, 'bot.sqlite'), CORPUS_DIR: FIXTURES });
  store = new Store(config.DATABASE_PATH);
  bot = await startDiscord({
    config,
    engine: await Engine.load(FIXTURES),
    registry: loadRegistry(),
    store,
    logger: createLogger('info', { write: (line: string) => void logs.push(JSON.parse(line)) }),
  });
});
afterAll(async () => {
  await bot.stop();
  await standIn.close();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const callbackOf = (i: { id: string; token: string }) => (c: RecordedCall) => c.method === 'POST' && c.path === `/interactions/${i.id}/${i.token}/callback`;
const ignoredLines = () => logs.filter((l) => l.msg === 'discord payload ignored: unexpected shape');

describe('Discord adapter under malformed payloads', () => {
  it('answers a button whose custom id is not a string with a private notice and a log line', async () => {
    const click = buttonClick('rb:full_passage:x', {});
    (click.data as Record<string, unknown>).custom_id = 12345;
    const from = standIn.calls.length;
    standIn.dispatch('INTERACTION_CREATE', click);
    const callback = await standIn.waitForCall(callbackOf(click), 5000, from);
    expect(callback.body).toMatchObject({ type: 4, data: { flags: EPHEMERAL } });
    expect(JSON.stringify(callback.body)).toContain("I couldn't read that request.");
    expect(ignoredLines().at(-1)!.reason).toMatch(/^customId:/);
  });

  it('answers a command whose option value is an object with a private notice', async () => {
    const i = slashCommand('ask', { question: 'x' });
    (i.data.options as Array<Record<string, unknown>>)[0]!.value = { $gt: '' };
    const from = standIn.calls.length;
    standIn.dispatch('INTERACTION_CREATE', i);
    const callback = await standIn.waitForCall(callbackOf(i), 5000, from);
    expect(JSON.stringify(callback.body)).toContain("I couldn't read that request.");
    expect(ignoredLines().at(-1)!.reason).toMatch(/^options\.data\.0\.value/);
  });

  it('ignores a DM whose content is not text, and still answers the next one', async () => {
    const before = ignoredLines().length;
    const bad = userMessage('x', { dm: true });
    (bad as Record<string, unknown>).content = ['What is the VRAEM?'];
    standIn.dispatch('MESSAGE_CREATE', bad);
    const good = userMessage('Who carries cocaine out of the VRAEM?', { dm: true });
    const from = standIn.calls.length;
    standIn.dispatch('MESSAGE_CREATE', good);
    await standIn.waitForCall((c) => c.method === 'POST' && /\/channels\/\d+\/messages$/.test(c.path), 5000, from);
    expect(ignoredLines().length).toBe(before + 1);
  });
});
