import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrations } from '../../src/store/migrations.ts';
import { Store, hashUser, normalizeQuestion } from '../../src/store/store.ts';

let dir: string;
let path: string;
const open: Store[] = [];
const store = () => {
  const s = new Store(path);
  open.push(s);
  return s;
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rb-store-'));
  path = join(dir, 'nested', 'bot.sqlite');
});
afterEach(() => {
  for (const s of open.splice(0)) s.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Store', () => {
  it('creates the file and its folder, and applies every migration once', () => {
    const s = store();
    const latest = Math.max(...migrations.map((m) => m.version));
    expect(s.version).toBe(latest);
    s.logQuestion({ platform: 'slack', userId: 'U1', question: 'q', answered: true, confidence: 1 });
    s.close();
    // Reopening must not re-run a migration (it would fail on existing tables) nor lose rows.
    const again = store();
    expect(again.version).toBe(latest);
    expect(again.db.prepare('SELECT COUNT(*) AS n FROM question_log').get()).toEqual({ n: 1 });
  });

  it('stores user ids only as hashes', () => {
    const s = store();
    s.logQuestion({ platform: 'discord', userId: '123456789', question: 'What is the VRAEM?', answered: true, confidence: 0.9 });
    const row = s.db.prepare('SELECT user_hash FROM question_log').get() as { user_hash: string };
    expect(row.user_hash).toBe(hashUser('discord', '123456789'));
    expect(row.user_hash).not.toContain('123456789');
    expect(hashUser('slack', '123456789')).not.toBe(row.user_hash);
  });

  it('lists the most frequent unanswered questions, grouping spelling variants', () => {
    const s = store();
    for (const q of ['What is the GDP?', 'what is the gdp', '  What is the GDP ??', 'Who won the cup?']) {
      s.logQuestion({ platform: 'slack', userId: 'U', question: q, answered: false, confidence: 0.1 });
    }
    s.logQuestion({ platform: 'slack', userId: 'U', question: 'What is the VRAEM?', answered: true, confidence: 1 });
    const gaps = s.gaps(10);
    expect(gaps.map((g) => g.count)).toEqual([3, 1]);
    expect(normalizeQuestion(gaps[0]!.question)).toBe('what is the gdp');
    expect(gaps.some((g) => /VRAEM/.test(g.question))).toBe(false);
  });

  it('replaces a user\'s earlier vote on the same answer, also when the question left the log', () => {
    const s = store();
    const id = s.logQuestion({ platform: 'slack', userId: 'U', question: 'q', answered: true, confidence: 1 });
    s.recordFeedback({ platform: 'slack', userId: 'U', questionLogId: id, passageId: 'p/1', vote: 1 });
    s.recordFeedback({ platform: 'slack', userId: 'U', questionLogId: id, passageId: 'p/1', vote: -1 });
    s.recordFeedback({ platform: 'slack', userId: 'U', questionLogId: 99_999, passageId: 'p/2', vote: 1 });
    s.recordFeedback({ platform: 'slack', userId: 'U', questionLogId: 99_999, passageId: 'p/2', vote: -1 });
    const rows = s.db.prepare('SELECT question_log_id AS q, passage_id AS p, vote FROM feedback ORDER BY p').all();
    expect(rows).toEqual([
      { q: id, p: 'p/1', vote: -1 },
      { q: null, p: 'p/2', vote: -1 },
    ]);
  });

  it('lets a second process open the same file', () => {
    const a = store();
    const b = store();
    a.logQuestion({ platform: 'slack', userId: 'U', question: 'from a', answered: false, confidence: 0 });
    expect(b.gaps(5).map((g) => g.question)).toEqual(['from a']);
  });

  it('names the path when the database cannot be opened', () => {
    const blocker = join(dir, 'not-a-folder');
    writeFileSync(blocker, 'x');
    expect(() => new Store(join(blocker, 'bot.sqlite'))).toThrow(/Cannot open the database at .*not-a-folder\/bot\.sqlite \(DATABASE_PATH\)/);
  });

  it('keeps a copy of the database before an upgrade migrates it, and none on a fresh start', () => {
    const first = new Store(path, migrations.filter((m) => m.version === 1));
    first.logQuestion({ platform: 'slack', userId: 'U1', question: 'What is the VRAEM?', answered: true, confidence: 1 });
    first.close();
    expect(existsSync(first.backupPathBeforeMigration(0))).toBe(false);
    const upgraded = store();
    expect(upgraded.version).toBe(Math.max(...migrations.map((m) => m.version)));
    const copy = new Database(upgraded.backupPathBeforeMigration(1), { readonly: true });
    expect(copy.pragma('user_version', { simple: true })).toBe(1);
    expect(copy.prepare('SELECT question FROM question_log').all()).toEqual([{ question: 'What is the VRAEM?' }]);
    copy.close();
  });

  it('purges questions older than the retention, keeping their votes per passage', () => {
    const s = store();
    const old = s.logQuestion({ platform: 'slack', userId: 'U1', question: 'old', answered: true, confidence: 1, at: new Date('2026-01-01T00:00:00Z') });
    s.logQuestion({ platform: 'slack', userId: 'U1', question: 'new', answered: true, confidence: 1, at: new Date('2026-03-01T00:00:00Z') });
    s.recordFeedback({ platform: 'slack', userId: 'U1', questionLogId: old, passageId: 'p/1', vote: -1 });
    expect(s.purgeQuestions(new Date('2026-02-01T00:00:00Z'))).toBe(1);
    expect(s.db.prepare('SELECT question FROM question_log').all()).toEqual([{ question: 'new' }]);
    expect(s.feedbackByPassage()).toEqual([{ passageId: 'p/1', up: 0, down: 1 }]);
    expect(s.downVotedQuestions()).toEqual([]);
  });
});

