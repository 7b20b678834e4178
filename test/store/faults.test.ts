/**
 * The store under faults (issue 8, items 4 and 10): a write lock held by another connection, a full
 * disk (an injected write failure), files that are not databases or cannot be written. Real SQLite
 * files; the "other process" is a second connection holding `BEGIN IMMEDIATE`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Engine } from '../../src/answer/engine.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger, silentLogger } from '../../src/log.ts';
import { migrations } from '../../src/store/migrations.ts';
import { Store } from '../../src/store/store.ts';
import { WriteQueue, writeQueueFor } from '../../src/store/write-queue.ts';
import { loadRegistry } from '../../commands/index.ts';
import { handleAction, runCommand, type Invocation } from '../../src/app.ts';

let dir: string;
let path: string;
const closers: Array<() => void> = [];
let engine: Engine;

beforeAll(async () => {
  engine = await Engine.load('corpus');
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rb-faults-'));
  path = join(dir, 'bot.sqlite');
});
afterEach(() => {
  for (const c of closers.splice(0).reverse()) c();
  rmSync(dir, { recursive: true, force: true });
});

const open = (p = path, ...rest: ConstructorParameters<typeof Store> extends [string, ...infer R] ? R : never) => {
  const s = new Store(p, ...rest);
  closers.push(() => s.close());
  return s;
};
/** Another process's connection, holding the write lock until `release`. */
function holdLock(p = path): { release: () => void } {
  const other = new Database(p);
  other.exec('BEGIN IMMEDIATE');
  let held = true;
  const release = () => {
    if (held) other.exec('COMMIT');
    held = false;
  };
  closers.push(() => {
    release();
    other.close();
  });
  return { release };
}

const config = loadConfig({ RATE_LIMIT_PER_MINUTE: '1000' });
const ctx = (store: Store, logger = silentLogger): Invocation => ({
  engine,
  store,
  config,
  logger,
  platform: 'console',
  user: { id: 'U1' },
  channel: { id: 'C1', kind: 'channel' },
  now: () => new Date('2026-01-02T03:04:05Z'),
});

describe('a write lock held by another connection', () => {
  it('does not keep an answer from going out: the question is queued and written, with the id its buttons carry, once the lock is free', async () => {
    const store = open();
    const lock = holdLock();
    const reply = await runCommand(loadRegistry(), 'ask', { question: 'What is the VRAEM?' }, ctx(store));
    expect(reply.kind).toBe('answer');
    const id = reply.questionLogId!;
    expect(reply.actions.find((a) => a.kind === 'feedback_up')!.value.startsWith(`${id}:`)).toBe(true);
    const queue = writeQueueFor(store);
    expect(queue.size).toBe(1);
    lock.release();
    queue.flush();
    expect(queue.size).toBe(0);
    expect(store.db.prepare('SELECT question FROM question_log WHERE id = ?').get(id)).toEqual({ question: 'What is the VRAEM?' });
  });

  it('queues a 👍 and writes it when the lock is released', async () => {
    const store = open();
    const reply = await runCommand(loadRegistry(), 'ask', { question: 'What is the VRAEM?' }, ctx(store));
    const lock = holdLock();
    const up = reply.actions.find((a) => a.kind === 'feedback_up')!;
    const outcome = await handleAction(loadRegistry(), { kind: 'feedback_up', value: up.value }, ctx(store));
    expect(outcome.reply.heading).toMatch(/Thanks for the 👍/);
    lock.release();
    writeQueueFor(store).flush();
    expect(store.db.prepare('SELECT vote, question_log_id AS q FROM feedback').all()).toEqual([{ vote: 1, q: reply.questionLogId }]);
  });

  it('lets read-only commands open the file without the migration lock', () => {
    open().close();
    const lock = holdLock();
    const reader = open(path, undefined, { mode: 'read' });
    expect(reader.readonly).toBe(true);
    expect(reader.gaps()).toEqual([]);
    lock.release();
  });

  it('opens for writing, and migrates, when a read-only command finds a migration due', () => {
    open(path, migrations.slice(0, 2)).close();
    const reader = open(path, undefined, { mode: 'read' });
    expect(reader.readonly).toBe(false);
    expect(reader.version).toBe(Math.max(...migrations.map((m) => m.version)));
  });

  it('bounds the queue: the oldest writes are dropped and logged while the database stays unavailable', () => {
    const store = open();
    const lines: string[] = [];
    const logger = createLogger('error', new Writable({ write: (c, _e, done) => (lines.push(String(c)), done()) }));
    const queue = new WriteQueue(store, logger, { maxPending: 3 });
    holdLock();
    for (let i = 0; i < 5; i++) queue.write({ what: `write ${i}`, run: (s) => void s.db.exec('CREATE TABLE IF NOT EXISTS t (x)') });
    expect(queue.size).toBe(3);
    expect(queue.dropped).toBe(2);
    expect(lines.map((l) => JSON.parse(l).what)).toEqual(['write 0', 'write 1']);
  });
});

describe('a full disk (injected write failure)', () => {
  it('keeps answering, retries the queued write and names DATABASE_PATH in the log', async () => {
    const store = open();
    const lines: string[] = [];
    const logger = createLogger('warn', new Writable({ write: (c, _e, done) => (lines.push(String(c)), done()) }));
    const insert = store.logQuestion.bind(store);
    let full = true;
    store.logQuestion = (e) => {
      if (full) throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
      return insert(e);
    };
    const queue = writeQueueFor(store, logger);
    const reply = await runCommand(loadRegistry(), 'ask', { question: 'What is the VRAEM?' }, ctx(store, logger));
    expect(reply.kind).toBe('answer');
    expect(queue.size).toBe(1);
    const deferred = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'database write deferred');
    expect(deferred.err.message).toContain(`${path} (DATABASE_PATH)`);
    expect(deferred.err.message).toMatch(/the disk is full/);
    full = false;
    queue.flush();
    expect(store.db.prepare('SELECT COUNT(*) AS n FROM question_log').get()).toEqual({ n: 1 });
  });
});

describe('files the store cannot use', () => {
  it('names DATABASE_PATH and says what to do for a file that is not a database', () => {
    writeFileSync(path, 'plain text, not SQLite '.repeat(50));
    expect(() => open()).toThrow(new RegExp(`^Cannot use the database at ${path.replace(/[/.]/g, '\\$&')} \\(DATABASE_PATH\\): file is not a database — the file is not a SQLite database or is damaged\\. Point DATABASE_PATH at another file`));
  });

  it('refuses at start-up a database it cannot write', () => {
    open().close();
    expect(() => open(path, undefined, { open: (p, o) => new Database(p, { ...o, readonly: true }) })).toThrow(
      /\(DATABASE_PATH\): attempt to write a readonly database — the bot may not write it\. Give the bot's user write permission/,
    );
  });

  it('names DATABASE_PATH when the path is a folder', () => {
    expect(() => open(dir)).toThrow(/\(DATABASE_PATH\): the path is not a regular file — the file cannot be opened/);
  });
});
