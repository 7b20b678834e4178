/**
 * Health in every chat mode: `/healthz` and `/readyz` on HEALTH_PORT, with the real bot (`main`) on
 * Discord (discord.js against the local stand-in) and on Slack Socket Mode (Bolt against a local
 * Web API and WebSocket), plus the database check on real SQLite files.
 */
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { WebSocketServer } from 'ws';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { databaseWritable, readiness, startHealthServer } from '../src/health.ts';
import { main } from '../src/main.ts';
import { Store } from '../src/store/store.ts';
import { DiscordStandIn, TOKEN as DISCORD_TOKEN } from './adapters/discord/stand-in.ts';
import { startSlackStandIn } from './adapters/slack/stand-in.ts';

const ROOT = resolve(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'rb-health-'));
const base = { CORPUS_DIR: join(ROOT, 'corpus'), INDEX_CACHE_DIR: join(dir, 'index-cache'), LOG_LEVEL: 'silent', HEALTH_PORT: '0', HEALTH_HOST: '127.0.0.1' };

/** A port nothing listens on now (for a server whose port must be known before it starts). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function get(port: number, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('readiness', () => {
  it('is ready only when every check passes, and names what is not', () => {
    expect(readiness({ a: () => true, b: () => true })).toEqual({ ready: true, checks: { a: 'ok', b: 'ok' } });
    expect(readiness({ a: () => true, b: () => 'starting', c: () => { throw new Error('boom'); } })).toEqual({
      ready: false,
      checks: { a: 'ok', b: 'starting', c: 'boom' },
    });
  });
});

describe('databaseWritable', () => {
  it('says yes for a database that takes writes', () => {
    const store = new Store(join(dir, 'ok.sqlite'));
    expect(databaseWritable(store)).toBe(true);
    store.close();
    expect(databaseWritable(store)).toBe('the database is closed');
  });

  it('says no at once, without waiting out the busy timeout, while another connection holds the write lock', () => {
    const path = join(dir, 'locked.sqlite');
    const store = new Store(path);
    // A busy timeout longer than the test's own: were the probe to wait it out, the test would fail.
    store.db.pragma('busy_timeout = 60000');
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    try {
      expect(databaseWritable(store)).toMatch(/does not take writes: database is locked/);
      // The store's own busy timeout is restored after the probe.
      expect(store.db.pragma('busy_timeout', { simple: true })).toBe(60000);
    } finally {
      other.exec('ROLLBACK');
      other.close();
      store.close();
    }
  });
});

describe('startHealthServer', () => {
  it('answers /healthz while /readyz is 503 with the part still starting, then 200', async () => {
    let starting = true;
    const server = await startHealthServer({ port: 0, host: '127.0.0.1', checks: () => ({ discord: () => (starting ? 'starting' : true) }) });
    try {
      expect(await get(server.port, '/healthz')).toEqual({ status: 200, body: { status: 'alive' } });
      expect(await get(server.port, '/readyz')).toEqual({ status: 503, body: { ready: false, checks: { discord: 'starting' } } });
      starting = false;
      expect(await get(server.port, '/readyz')).toEqual({ status: 200, body: { ready: true, checks: { discord: 'ok' } } });
      expect((await get(server.port, '/metrics')).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});

describe('the bot on HEALTH_PORT', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('serves /healthz and /readyz in Discord mode, ready with every part up', async () => {
    const standIn = await DiscordStandIn.start();
    cleanups.push(() => standIn.close());
    const running = await main({ ...base, DISCORD_TOKEN, DISCORD_API_URL: standIn.apiUrl, DATABASE_PATH: join(dir, 'discord.sqlite') });
    cleanups.push(() => running.stop());
    expect(running.adapters).toEqual(['digest', 'discord']);
    const port = running.healthPort ?? 0;
    expect((await get(port, '/healthz')).status).toBe(200);
    expect(await get(port, '/readyz')).toEqual({
      status: 200,
      body: { ready: true, checks: { corpus: 'ok', database: 'ok', discord: 'ok', digest: 'ok', retention: 'ok' } },
    });
    await running.stop();
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });

  it('says 503 on /readyz, naming the part, until Discord has connected; /healthz is 200 all along', async () => {
    const standIn = await DiscordStandIn.start();
    cleanups.push(() => standIn.close());
    // Discord answers the gateway request only when the test says so.
    const release = standIn.hold(/^GET \/gateway\/bot$/);
    const port = await freePort();
    const starting = main({ ...base, HEALTH_PORT: String(port), DISCORD_TOKEN, DISCORD_API_URL: standIn.apiUrl, DATABASE_PATH: join(dir, 'starting.sqlite') });
    try {
      // The engine loads first; on a loaded machine that can take a while.
      await vi.waitFor(async () => expect((await get(port, '/healthz')).status).toBe(200), { timeout: 15_000, interval: 20 });
      expect(await get(port, '/readyz')).toEqual({
        status: 503,
        body: { ready: false, checks: { corpus: 'ok', database: 'ok', discord: 'starting', digest: 'starting', retention: 'starting' } },
      });
    } finally {
      release();
    }
    const running = await starting;
    cleanups.push(() => running.stop());
    expect((await get(port, '/readyz')).status).toBe(200);
  });

  it('serves them in Slack Socket Mode too', async () => {
    const slack = await startSlackStandIn();
    cleanups.push(() => slack.close());
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    cleanups.push(() => new Promise((r) => wss.close(() => r())));
    await new Promise((r) => wss.once('listening', r));
    wss.on('connection', (ws) => ws.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A1' }, debug_info: { host: 'local' } })));
    slack.answer('apps.connections.open', { ok: true, url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/link` });
    const running = await main({
      ...base,
      SLACK_BOT_TOKEN: 'xoxb-1-health',
      SLACK_APP_TOKEN: 'xapp-1-health',
      SLACK_API_URL: slack.apiUrl,
      DATABASE_PATH: join(dir, 'socket.sqlite'),
    });
    cleanups.push(() => running.stop());
    expect(running.adapters).toEqual(['digest', 'slack']);
    const ready = await get(running.healthPort ?? 0, '/readyz');
    expect(ready).toEqual({ status: 200, body: { ready: true, checks: { corpus: 'ok', database: 'ok', slack: 'ok', digest: 'ok', retention: 'ok' } } });
  });
});
