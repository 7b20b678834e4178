/**
 * Socket Mode: with SLACK_APP_TOKEN the adapter opens a WebSocket (URL from apps.connections.open on
 * SLACK_API_URL) instead of listening for HTTP, acknowledges each envelope, and answers as usual.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../src/answer/engine.ts';
import { loadConfig } from '../../../src/config.ts';
import { silentLogger } from '../../../src/log.ts';
import { Store } from '../../../src/store/store.ts';
import { loadRegistry } from '../../../commands/index.ts';
import { createSlackApp, type SlackHandle } from '../../../src/adapters/slack/index.ts';
import { buttons, startSlackStandIn, visibleText, type SlackStandIn } from './stand-in.ts';

const QUESTION = 'How many hectares of coca were under cultivation in 2020?';

let standIn: SlackStandIn;
let wss: WebSocketServer;
let dir: string;
let store: Store;
let engine: Engine;
let handle: SlackHandle;
let socket: WebSocket;
const received: Array<Record<string, unknown>> = [];
let onMessage: ((m: Record<string, unknown>) => void) | undefined;

beforeAll(async () => {
  standIn = await startSlackStandIn();
  wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => wss.once('listening', r));
  const connected = new Promise<WebSocket>((r) =>
    wss.once('connection', (ws) => {
      ws.on('message', (data) => {
        const m = JSON.parse(String(data)) as Record<string, unknown>;
        received.push(m);
        onMessage?.(m);
      });
      ws.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A1' }, debug_info: { host: 'local' } }));
      r(ws);
    }),
  );
  standIn.answer('apps.connections.open', { ok: true, url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/link` });
  engine = await Engine.load('corpus');
  dir = mkdtempSync(join(tmpdir(), 'report-bot-socket-'));
  store = new Store(join(dir, 'socket.sqlite'));
  const config = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-1-socket',
    SLACK_APP_TOKEN: 'xapp-1-socket',
    SLACK_API_URL: standIn.apiUrl,
    LOG_LEVEL: 'silent',
  });
  const slack = createSlackApp({ engine, registry: loadRegistry(), store, config, logger: silentLogger, reactionDelayMs: 60_000 });
  expect(slack.mode).toBe('socket');
  handle = await slack.start();
  socket = await connected;
});

afterAll(async () => {
  await handle?.stop(1000);
  store.close();
  await new Promise((r) => wss.close(r));
  await standIn.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Sends an envelope and resolves with the app's acknowledgement of it. */
function envelope(type: string, payload: Record<string, unknown>, id: string): Promise<Record<string, unknown>> {
  const acked = new Promise<Record<string, unknown>>((r) => {
    const prior = received.find((m) => m.envelope_id === id);
    if (prior) return r(prior);
    onMessage = (m) => {
      if (m.envelope_id === id) r(m);
    };
  });
  socket.send(JSON.stringify({ envelope_id: id, type, payload, accepts_response_payload: type !== 'events_api', retry_attempt: 0, retry_reason: '' }));
  return acked;
}

describe('Slack adapter in Socket Mode', () => {
  it('opens the connection through SLACK_API_URL with the app token', async () => {
    const open = standIn.calls.find((c) => c.method === 'apps.connections.open');
    expect(open?.authorization).toBe('Bearer xapp-1-socket');
    expect(handle.port).toBeUndefined();
  });

  it('acknowledges a DM event and answers it in the DM', async () => {
    const ack = await envelope(
      'events_api',
      {
        type: 'event_callback',
        team_id: 'T1',
        api_app_id: 'A1',
        event_id: 'EvS1',
        event_time: 1,
        event: { type: 'message', channel_type: 'im', channel: 'D77', user: 'U2', text: QUESTION, ts: '1700000500.000100' },
      },
      'env-1',
    );
    expect(ack.envelope_id).toBe('env-1');
    const post = await standIn.next((c) => c.method === 'chat.postMessage' && c.body.channel === 'D77');
    expect(visibleText(post.body).replace(/\*/g, '')).toContain(engine.answer(QUESTION).answer!.text);
    expect(buttons(post.body).rb_feedback_up).toMatch(/^\d+:/);
  });

  it('acknowledges a slash command at once and answers through its response_url', async () => {
    const responseUrl = standIn.responseUrl();
    const ack = await envelope(
      'slash_commands',
      {
        token: 't', team_id: 'T1', channel_id: 'C1', channel_name: 'general', user_id: 'U1', user_name: 'ana',
        command: '/ask', text: QUESTION, api_app_id: 'A1', response_url: responseUrl, trigger_id: '1',
      },
      'env-2',
    );
    expect(ack.envelope_id).toBe('env-2');
    const reply = await standIn.next((c) => c.url === responseUrl);
    expect(reply.body.response_type).toBe('ephemeral');
    expect(buttons(reply.body).rb_share).toBeDefined();
  });

  it('acknowledges a malformed button press and a retried event without answering them twice', async () => {
    const bad = await envelope('interactive', { type: 'block_actions', user: null, actions: {}, team: { id: 'T1' } }, 'env-3');
    expect(bad.envelope_id).toBe('env-3');
    const event = {
      type: 'event_callback', team_id: 'T1', api_app_id: 'A1', event_id: 'EvS9', event_time: 1,
      event: { type: 'message', channel_type: 'im', channel: 'D78', user: 'U2', text: QUESTION, ts: '1700000600.000100' },
    };
    await envelope('events_api', event, 'env-4');
    await standIn.next((c) => c.method === 'chat.postMessage' && c.body.channel === 'D78');
    // Slack redelivers the same event (a new envelope, the same event_id).
    await envelope('events_api', event, 'env-5');
    // A later, different DM is answered: everything before it has been dealt with.
    await envelope('events_api', { ...event, event_id: 'EvS10', event: { ...event.event, channel: 'D79', ts: '1700000601.000100' } }, 'env-6');
    await standIn.next((c) => c.method === 'chat.postMessage' && c.body.channel === 'D79');
    expect(standIn.calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === 'D78')).toHaveLength(1);
  });
});
