/**
 * The SQLite store (better-sqlite3, synchronous and fast). One file at `DATABASE_PATH`, created with
 * its folder on first start; WAL so a second process (another scheduler) can share it.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ReportBotError } from '../errors.ts';
import { migrations as defaultMigrations, type Migration } from './migrations.ts';

export type Vote = 1 | -1;

export interface QuestionLogEntry {
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

export class Store {
  readonly db: Database.Database;
  readonly path: string;

  constructor(path: string, migrations: Migration[] = defaultMigrations) {
    this.path = path === ':memory:' ? path : resolve(path);
    try {
      if (this.path !== ':memory:') mkdirSync(dirname(this.path), { recursive: true });
      this.db = new Database(this.path);
    } catch (err) {
      throw new ReportBotError('STORE_FAILED', `Cannot open the database at ${this.path}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('foreign_keys = ON');
    this.migrate(migrations);
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
        `INSERT INTO question_log (asked_at, platform, user_hash, channel_id, question, normalized, answered, confidence, passage_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
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
    return Number(info.lastInsertRowid);
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

  close(): void {
    if (this.db.open) this.db.close();
  }
}
