/**
 * The SQLite store (better-sqlite3, synchronous and fast). One file at `DATABASE_PATH`, created with
 * its folder on first start; WAL so a second process (another scheduler) can share it.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ReportBotError } from '../errors.ts';
import { migrations as defaultMigrations, type Migration } from './migrations.ts';

export type Vote = 1 | -1;

export interface QuestionLogEntry {
  /** An id allocated before the write (a queued entry keeps the id its buttons already carry). */
  id?: number;
  platform: string;
  userId: string;
  channelId?: string;
  question: string;
  answered: boolean;
  confidence: number;
  passageId?: string | null;
  at?: Date;
}

export interface FeedbackEntry {
  platform: string;
  userId: string;
  questionLogId: number | null;
  passageId: string;
  vote: Vote;
  at?: Date;
}

/** 👍/👎 totals for one passage (`report-bot feedback`). */
export interface PassageFeedback {
  passageId: string;
  up: number;
  down: number;
}

/** A logged question someone voted 👎 on, with the passage it was shown. */
export interface DownVotedQuestion {
  question: string;
  passageId: string;
  down: number;
  lastVoted: string;
}

export interface Gap {
  question: string;
  count: number;
  lastAsked: string;
}

/** Hashes a platform user id so the log never holds the raw id (salted per platform). */
export function hashUser(platform: string, userId: string): string {
  return createHash('sha256').update(`report-bot:${platform}:${userId}`).digest('hex').slice(0, 32);
}

/** Folds a question for grouping in `gaps` (case, spacing, trailing punctuation). */
export function normalizeQuestion(q: string): string {
  return q
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/[\s?!.¿¡]+$/u, '')
    .replace(/^[\s¿¡]+/u, '')
    .trim();
}

/** How a {@link Store} is opened. */
export interface StoreOptions {
  /**
   * `read`: for commands that only read (`gaps`, `feedback`). The file is opened read-only and no
   * write lock is taken, unless the file is new or a migration is due (then it is opened as usual).
   * Default `write`.
   */
  mode?: 'read' | 'write';
  /**
   * How long one statement may wait for another connection's lock before failing with "database is
   * locked". Short, because better-sqlite3 waits synchronously and so blocks the whole event loop;
   * request-path writes do not wait at all ({@link Store.tryNow}) and are queued instead.
   */
  busyTimeoutMs?: number;
  /** Tests: how the file is opened (e.g. a read-only handle, to see start-up refuse it). */
  open?: (path: string, options: Database.Options) => Database.Database;
}

/** The default {@link StoreOptions.busyTimeoutMs}: long enough for another process's short transaction. */
export const DEFAULT_BUSY_TIMEOUT_MS = 250;

/** How long opening the file (the write probe, migrations) may wait for another process's lock. */
const STARTUP_BUSY_TIMEOUT_MS = 5_000;

/** SQLite's "another connection holds the lock" errors: worth retrying later, never a reason to give up. */
export function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || (typeof code === 'string' && code.startsWith('SQLITE_BUSY_'));
}

/**
 * Rewrites a SQLite or file-system error as one an operator can act on: it names `DATABASE_PATH`, the
 * file, what went wrong in plain words and what to do.
 */
export function storeError(path: string, err: unknown, doing: string): ReportBotError {
  if (err instanceof ReportBotError) return err;
  const e = err as { code?: string; message?: string } | null;
  const code = String(e?.code ?? '');
  const raw = e?.message ?? String(err);
  let advice: string;
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || /not a database|malformed/i.test(raw)) {
    advice = 'the file is not a SQLite database or is damaged. Point DATABASE_PATH at another file, or move this one aside (and restore a backup); a missing file is created empty.';
  } else if (code.startsWith('SQLITE_READONLY') || code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || /readonly|read-only|permission denied/i.test(raw)) {
    advice = "the bot may not write it. Give the bot's user write permission on the file and its folder (SQLite also writes -wal and -shm files beside it), or point DATABASE_PATH at a writable place.";
  } else if (code === 'SQLITE_FULL' || code === 'ENOSPC' || /disk is full|no space/i.test(raw)) {
    advice = 'the disk is full. Free some space; what was already recorded is kept, and writes are retried.';
  } else if (isBusy(err)) {
    advice = 'another process holds its lock (another report-bot, or a tool such as the sqlite3 shell in a write transaction). The bot retries; if this persists, end that process.';
  } else if (code === 'EEXIST' || code === 'ENOTDIR') {
    advice = 'a file stands where its folder should be. Point DATABASE_PATH into a folder, or move that file away.';
  } else if (code === 'SQLITE_CANTOPEN' || code === 'ENOENT' || /unable to open|no such file|directory does not exist|not a regular file/i.test(raw)) {
    advice = 'the file cannot be opened. Check that DATABASE_PATH names a file (not a folder) whose folder exists or can be created.';
  } else {
    advice = `SQLite error ${code || 'without a code'}. Check the file and its folder.`;
  }
  return new ReportBotError('STORE_FAILED', `Cannot ${doing} at ${path} (DATABASE_PATH): ${raw} — ${advice}`, { cause: err });
}

export class Store {
  readonly db: Database.Database;
  readonly path: string;
  /** True when opened read-only (mode `read` with no migration due). */
  readonly readonly: boolean;
  readonly busyTimeoutMs: number;

  constructor(path: string, migrations: Migration[] = defaultMigrations, options: StoreOptions = {}) {
    this.path = path === ':memory:' ? path : resolve(path);
    this.busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
    const open = options.open ?? ((p: string, o: Database.Options) => new Database(p, o));
    const latest = Math.max(0, ...migrations.map((m) => m.version));
    let db: Database.Database | undefined;
    try {
      if (options.mode === 'read' && this.path !== ':memory:' && existsSync(this.path)) {
        db = open(this.path, { readonly: true, fileMustExist: true, timeout: this.busyTimeoutMs });
        // A migration due needs the write lock after all: reopen for writing below.
        if ((db.pragma('user_version', { simple: true }) as number) < latest) {
          db.close();
          db = undefined;
        }
      }
    } catch (err) {
      db?.close();
      throw storeError(this.path, err, 'open the database');
    }
    this.readonly = db !== undefined;
    if (db) {
      this.db = db;
      this.db.pragma(`busy_timeout = ${this.busyTimeoutMs}`);
      return;
    }
    try {
      if (this.path !== ':memory:') {
        if (existsSync(this.path) && !statSync(this.path).isFile()) {
          throw Object.assign(new Error('the path is not a regular file'), { code: 'SQLITE_CANTOPEN' });
        }
        mkdirSync(dirname(this.path), { recursive: true });
      }
      this.db = open(this.path, { timeout: this.busyTimeoutMs });
    } catch (err) {
      throw storeError(this.path, err, 'open the database');
    }
    try {
      // Start-up may wait for another process's lock (it is on no request's path); afterwards the
      // connection waits at most busyTimeoutMs, because a synchronous wait blocks the event loop.
      this.db.pragma(`busy_timeout = ${Math.max(this.busyTimeoutMs, STARTUP_BUSY_TIMEOUT_MS)}`);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('foreign_keys = ON');
      this.probeWritable();
      this.migrate(migrations);
      this.db.pragma(`busy_timeout = ${this.busyTimeoutMs}`);
    } catch (err) {
      this.db.close();
      throw storeError(this.path, err, 'use the database');
    }
  }

  /**
   * Start-up refuses a database it cannot write (a read-only file, a full disk) instead of failing
   * every write later: one real write, rolled back.
   */
  private probeWritable(): void {
    if (this.db.readonly) throw Object.assign(new Error('attempt to write a readonly database'), { code: 'SQLITE_READONLY' });
    this.db.exec('BEGIN IMMEDIATE');
    try {
      this.db.exec('CREATE TABLE IF NOT EXISTS report_bot_write_probe (x INTEGER); DROP TABLE report_bot_write_probe;');
    } finally {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
    }
  }

  /**
   * Runs `fn` without waiting for another connection's lock (busy timeout 0 for its duration), so a
   * caller on the request path never blocks the event loop; a locked database throws at once (see
   * {@link isBusy}) and the caller queues the work instead.
   */
  tryNow<T>(fn: () => T): T {
    this.db.pragma('busy_timeout = 0');
    try {
      return fn();
    } finally {
      this.db.pragma(`busy_timeout = ${this.busyTimeoutMs}`);
    }
  }

  /** Schema version after migrations. */
  get version(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  /**
   * Where the copy taken before migrating from `version` is kept: beside the database, named after
   * the version it holds (`report-bot.sqlite.v2.bak`).
   */
  backupPathBeforeMigration(version: number): string {
    return `${this.path}.v${version}.bak`;
  }

  private migrate(migrations: Migration[]): void {
    const sorted = [...migrations].sort((a, b) => a.version - b.version);
    const current = this.version;
    // An upgrade changes the schema of a database that holds data: keep a consistent copy first
    // (VACUUM INTO is SQLite's own, synchronous snapshot), so a failed or unwanted upgrade can be undone.
    if (this.path !== ':memory:' && current > 0 && sorted.some((m) => m.version > current)) {
      const copy = this.backupPathBeforeMigration(current);
      try {
        if (!existsSync(copy)) this.db.prepare('VACUUM INTO ?').run(copy);
      } catch (err) {
        // Another process starting at the same moment may have written it first: one copy is enough.
        if (!existsSync(copy)) {
          throw new ReportBotError('STORE_FAILED', `Cannot keep a copy of ${this.path} at ${copy} before upgrading it: ${(err as Error).message}`, { cause: err });
        }
      }
    }
    for (const m of sorted) {
      // IMMEDIATE takes the write lock first, so two processes starting together cannot both migrate.
      const apply = this.db.transaction(() => {
        if (this.version >= m.version) return;
        this.db.exec(m.sql);
        this.db.pragma(`user_version = ${m.version}`);
      });
      apply.immediate();
    }
  }

  /** Records a question; returns its id (feedback refers to it). */
  logQuestion(e: QuestionLogEntry): number {
    const info = this.db
      .prepare(
        `INSERT INTO question_log (id, asked_at, platform, user_hash, channel_id, question, normalized, answered, confidence, passage_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
      )
      .run(
        e.id ?? null,
        (e.at ?? new Date()).toISOString(),
        e.platform,
        hashUser(e.platform, e.userId),
        e.channelId ?? '',
        e.question,
        normalizeQuestion(e.question),
        e.answered ? 1 : 0,
        e.confidence,
        e.passageId ?? null,
      );
    return e.id ?? Number(info.lastInsertRowid);
  }

  /** Stores a vote; a user's second vote on the same answer replaces the first. */
  recordFeedback(e: FeedbackEntry): void {
    const questionId = e.questionLogId !== null && this.questionExists(e.questionLogId) ? e.questionLogId : null;
    const user = hashUser(e.platform, e.userId);
    // Replace, not upsert: SQLite's UNIQUE treats NULL question ids as distinct, so an upsert would
    // pile up votes on answers whose question is no longer in the log.
    this.db.transaction(() => {
      this.db
        .prepare('DELETE FROM feedback WHERE platform = ? AND user_hash = ? AND question_log_id IS ? AND passage_id = ?')
        .run(e.platform, user, questionId, e.passageId);
      this.db
        .prepare('INSERT INTO feedback (created_at, platform, user_hash, question_log_id, passage_id, vote) VALUES (?, ?, ?, ?, ?, ?)')
        .run((e.at ?? new Date()).toISOString(), e.platform, user, questionId, e.passageId, e.vote);
    }).immediate();
  }

  /** A logged question and the passage its answer showed (buttons re-render from it), if still kept. */
  loggedQuestion(id: number): { question: string; passageId: string | null } | undefined {
    return this.db.prepare('SELECT question, passage_id AS passageId FROM question_log WHERE id = ?').get(id) as
      | { question: string; passageId: string | null }
      | undefined;
  }

  private questionExists(id: number): boolean {
    return this.db.prepare('SELECT 1 FROM question_log WHERE id = ?').get(id) !== undefined;
  }

  /** The most frequent unanswered questions, most asked first. */
  gaps(limit = 20): Gap[] {
    return this.db
      .prepare(
        `SELECT MIN(question) AS question, COUNT(*) AS count, MAX(asked_at) AS lastAsked
         FROM question_log WHERE answered = 0 AND normalized <> ''
         GROUP BY normalized ORDER BY count DESC, lastAsked DESC LIMIT ?`,
      )
      .all(limit) as Gap[];
  }

  /**
   * Deletes logged questions asked before `before` (retention, `QUESTION_LOG_DAYS`). Their votes stay,
   * counted per passage, but no longer point to a question. Returns how many were deleted.
   */
  purgeQuestions(before: Date): number {
    return this.db.prepare('DELETE FROM question_log WHERE asked_at < ?').run(before.toISOString()).changes;
  }

  /** 👍/👎 totals per passage, most voted down first. */
  feedbackByPassage(): PassageFeedback[] {
    return this.db
      .prepare(
        `SELECT passage_id AS passageId, SUM(vote = 1) AS up, SUM(vote = -1) AS down
         FROM feedback GROUP BY passage_id ORDER BY down DESC, up DESC, passage_id`,
      )
      .all() as PassageFeedback[];
  }

  /** The logged questions voted 👎, most votes first. */
  downVotedQuestions(limit = 20): DownVotedQuestion[] {
    return this.db
      .prepare(
        `SELECT q.question AS question, f.passage_id AS passageId, COUNT(*) AS down, MAX(f.created_at) AS lastVoted
         FROM feedback f JOIN question_log q ON q.id = f.question_log_id
         WHERE f.vote = -1 GROUP BY q.id, f.passage_id ORDER BY down DESC, lastVoted DESC LIMIT ?`,
      )
      .all(limit) as DownVotedQuestion[];
  }

  /**
   * Copies the database to `file` with SQLite's online backup API (better-sqlite3's `backup`): a
   * consistent copy while the bot keeps reading and writing.
   */
  async backup(file: string): Promise<void> {
    mkdirSync(dirname(resolve(file)), { recursive: true });
    await this.db.backup(file);
  }

  private readonly closing: Array<() => void> = [];

  /** Registers work to do just before the file closes (the write queue's last flush). */
  onClose(fn: () => void): void {
    this.closing.push(fn);
  }

  close(): void {
    for (const fn of this.closing.splice(0)) fn();
    if (this.db.open) this.db.close();
  }
}
