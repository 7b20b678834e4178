import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.ts';

const root = resolve(import.meta.dirname, '..');
const run = promisify(execFile);

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs one CLI invocation in this process, the way `report-bot …` does: `runCli` with its own
 * stdout, stderr and stdin, and an environment holding only what the test gives (never the
 * developer's .env or tokens).
 */
async function cli(args: string[], opts: { env?: Record<string, string>; input?: string } = {}): Promise<Result> {
  const env = { LOG_LEVEL: 'silent', DATABASE_PATH: join(mkdtempSync(join(tmpdir(), 'rb-cli-')), 'db.sqlite'), ...opts.env };
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += String(d)));
  stderr.on('data', (d) => (err += String(d)));
  const code = await runCli(args, { stdout, stderr, stdin: Readable.from(opts.input === undefined ? [] : [opts.input]), env });
  return { code, stdout: out, stderr: err };
}

const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe('cli ask --json', () => {
  it('prints the best candidates feature by feature with --explain', async () => {
    const r = await cli(['ask', '--json', '--explain', 'How many hectares of coca were under cultivation at the end of 2020?']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.explain.length).toBeGreaterThan(0);
    const best = out.explain[0];
    expect(best.parts.reduce((n: number, p: { contribution: number }) => n + p.contribution, 0)).toBeCloseTo(best.score, 2);
  });

  it('shows the extracted text around a passage with source --raw, the passage an exact slice of it', async () => {
    const out = JSON.parse((await cli(['source', '--raw', '--json', 'ellis-peru-2/cocaine/3'])).stdout);
    expect(out.passageId).toBe('ellis-peru-2/cocaine/3');
    expect(out.text).toContain('88,200 hectares');
    expect(out.end - out.start).toBe(out.text.length);
    expect(out.before.length).toBeGreaterThan(0);
  });

  it('lists the reports it knows with reports --json', async () => {
    const r = await cli(['reports', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.documents).toEqual([expect.objectContaining({ id: 'ellis-peru-2', author: 'Evan Ellis', file: 'ellis-peru-2.md', pages: null, passages: expect.any(Number) })]);
    expect(out.skipped).toEqual([]);
  });

  it('says why it abstained, in the JSON', async () => {
    const out = JSON.parse((await cli(['ask', '--json', 'thanks!'])).stdout);
    expect(out).toMatchObject({ answered: false, answer: null, reason: 'chitchat' });
  });

  it('prints one JSON object with the documented fields and a cited, verbatim answer', async () => {
    const r = await cli(['ask', '--json', 'How many hectares of coca were under cultivation at the end of 2020?']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['question', 'answered', 'confidence', 'answer', 'passages']);
    expect(out.answered).toBe(true);
    expect(out.answer.text).toContain('88,200 hectares');
    expect(Object.keys(out.answer)).toEqual(['text', 'passageId', 'citation']);
    expect(Object.keys(out.answer.citation)).toEqual(['documentId', 'document', 'author', 'date', 'section', 'paragraph', 'page', 'label']);
    expect(out.answer.citation).toMatchObject({ documentId: 'ellis-peru-2', author: 'Evan Ellis', date: '2022-07-25', page: null });
    expect(out.answer.citation.section).toBe('Cocaine');
    expect(out.answer.citation.label).toMatch(/^Ellis 2022 · Cocaine ¶\d+$/);
    expect(out.passages.length).toBeGreaterThan(0);
    expect(out.passages.length).toBeLessThanOrEqual(3);
    for (const p of out.passages) expect(Object.keys(p)).toEqual(['passageId', 'section', 'text', 'score']);
  });

  it('returns answer null with the closest passages when the report does not say', async () => {
    const r = await cli(['ask', '--json', 'What is the GDP of Peru?']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.answered).toBe(false);
    expect(out.answer).toBeNull();
    expect(out.passages.length).toBeGreaterThan(0);
  });

  it('reads one question per stdin line and writes one JSON object per line, in order', async () => {
    const r = await cli(['ask', '--json'], { input: 'What is the VRAEM?\n\nwho wrote this\nWhere is the best pizza in Lima?\n' });
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    // One line per input line: the blank one gets an error object in its place (issue 8, item 7).
    expect(lines.map((l) => l.question)).toEqual(['What is the VRAEM?', '', 'who wrote this', 'Where is the best pizza in Lima?']);
    expect(lines.map((l) => l.answered)).toEqual([true, false, true, false]);
    expect(lines[1]).toMatchObject({ line: 2, error: expect.stringMatching(/^empty question/) });
    expect(lines[2].answer.text).toContain('Evan Ellis');
  });
});

describe('cli ask (text)', () => {
  it('prints the excerpt with its citation as the bots show it', async () => {
    const r = await cli(['ask', 'What is PIAS?']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Platforms for Itinerant Social Action (PIAS)');
    expect(r.stdout).toMatch(/Ellis 2022 · The Peruvian State Policy Response ¶\d+/);
  });

  it.each([
    ['an empty question', ''],
    ['a whitespace-only question', '   \t '],
  ])('refuses %s with a usage message and exit code 2', async (_label, q) => {
    const r = await cli(['ask', q]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Type a question');
    noStack(r.stderr);
  });

  it('refuses a 10,000-character question, naming the limit', async () => {
    const r = await cli(['ask', 'coca '.repeat(2000)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the limit is 1000 (MAX_QUESTION_CHARS)');
    noStack(r.stderr);
  });

  it.each([
    ['punctuation only', '?!?!...'],
    ['emoji', '🙂🙂🙂'],
  ])('answers %s honestly instead of guessing', async (_label, q) => {
    const r = await cli(['ask', '--json', q]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ answered: false, answer: null });
  });

  it('ignores control characters in a question', async () => {
    const r = await cli(['ask', '--json', 'What\u0007 is the\u001b VRAEM?']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.answered).toBe(true);
    expect(out.question).toBe('What is the VRAEM?');
  });
});

describe('cli search, source, stats', () => {
  it('search lists ranked passages with snippets', async () => {
    const r = await cli(['search', '--json', 'illegal mining gold']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.results.length).toBeGreaterThan(0);
    expect(out.results[0].section).toBe('Illegal Mining');
    expect(out.results[0].text).toContain(out.results[0].snippet);
  });

  it('source prints one whole passage by id, or by an unambiguous ending of it', async () => {
    const full = await cli(['source', '--json', 'ellis-peru-2/cocaine/1']);
    const short = await cli(['source', '--json', 'cocaine/1']);
    expect(full.code).toBe(0);
    expect(JSON.parse(full.stdout).text).toMatch(/^Peru has long been a key producer of coca/);
    expect(JSON.parse(short.stdout)).toEqual(JSON.parse(full.stdout));
  });

  it('source with an unknown id says so and exits 1', async () => {
    const r = await cli(['source', 'nowhere/99']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('There is no passage "nowhere/99"');
    expect(r.stderr).toContain('/search');
    noStack(r.stderr);
  });

  it('stats counts documents, sections, passages and sentences', async () => {
    const r = await cli(['stats', '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.documents).toBe(1);
    expect(s.sections).toBe(9);
    expect(s.passages).toBeGreaterThan(60);
    expect(s.sentences).toBeGreaterThan(s.passages);
  });
});

describe('cli errors', () => {
  it('names a missing CORPUS_DIR and exits 1 without a stack trace', async () => {
    const r = await cli(['ask', 'What is the VRAEM?'], { env: { CORPUS_DIR: '/nonexistent/reports' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('The corpus folder /nonexistent/reports does not exist');
    noStack(r.stderr);
  });

  it('names a broken report file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rb-corpus-'));
    writeFileSync(join(dir, 'broken.md'), '---\ntitle: [unclosed\n---\n\nText.\n');
    const r = await cli(['stats'], { env: { CORPUS_DIR: dir } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('broken.md');
    noStack(r.stderr);
  });

  it('lists every invalid variable without printing a secret', async () => {
    const r = await cli(['stats'], { env: { SLACK_BOT_TOKEN: 'not-a-real-token-value', RATE_LIMIT_PER_MINUTE: 'lots' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('SLACK_BOT_TOKEN');
    expect(r.stderr).toContain('RATE_LIMIT_PER_MINUTE');
    expect(r.stderr).not.toContain('not-a-real-token-value');
  });

  it('rejects an unknown command with usage and exit code 2', async () => {
    const r = await cli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Unknown command "frobnicate"');
  });
});

describe('cli slack manifest', () => {
  it('prints a Socket Mode manifest with --socket-mode, without any token set', async () => {
    const r = await cli(['slack', 'manifest', '--socket-mode']);
    expect(r.code).toBe(0);
    const m = JSON.parse(r.stdout);
    expect(m.settings.socket_mode_enabled).toBe(true);
    expect(m.features.slash_commands.map((c: { command: string }) => c.command)).toContain('/ask');
  });

  it('puts the public URL into an HTTP-mode manifest', async () => {
    const r = await cli(['slack', 'manifest', '--http', '--url', 'https://bot.example.org/slack/events']);
    expect(r.code).toBe(0);
    const m = JSON.parse(r.stdout);
    expect(m.settings.socket_mode_enabled).toBe(false);
    expect(m.settings.event_subscriptions.request_url).toBe('https://bot.example.org/slack/events');
  });

  it('refuses a URL that is not HTTPS', async () => {
    const r = await cli(['slack', 'manifest', '--http', '--url', 'http://plain.example.org']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--url takes the public HTTPS address');
  });
});

describe('cli discord invite and closed pipes', () => {
  it('prints the invite URL with both scopes and the needed permissions', async () => {
    const r = await cli(['discord', 'invite'], { env: { DISCORD_APPLICATION_ID: '123456789012345678' } });
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(
      'https://discord.com/oauth2/authorize?client_id=123456789012345678&scope=bot+applications.commands&permissions=274877992000',
    );
  });

  it('asks for DISCORD_APPLICATION_ID when it is not set', async () => {
    const r = await cli(['discord', 'invite']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('DISCORD_APPLICATION_ID');
  });

  it('exits quietly when the reader closes the pipe early (report-bot facts | head)', async () => {
    const env = { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent' };
    const { stdout, stderr } = await run('bash', ['-c', `set -o pipefail; node bin/report-bot.js facts | head -c 50; echo " rc=$?"`], { cwd: root, env });
    expect(stdout).toMatch(/ rc=0\n$/);
    expect(stderr).not.toContain('EPIPE');
  });
});

describe('the report-bot command (bin)', () => {
  it('prints clean JSON on stdout for ask --json, from another working directory', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'rb-bin-'));
    const env = { PATH: process.env.PATH ?? '', DATABASE_PATH: join(elsewhere, 'db.sqlite') };
    const { stdout } = await run(process.execPath, [join(root, 'bin/report-bot.js'), 'ask', '--json', 'What is PIAS?'], { cwd: elsewhere, env });
    expect(JSON.parse(stdout)).toMatchObject({ answered: true, answer: { passageId: expect.stringMatching(/policy-response/) } });
  });

  it('is the package.json bin entry', () => {
    expect(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).bin).toEqual({ 'report-bot': 'bin/report-bot.js' });
  });
});

describe('cli arguments', () => {
  it('refuses an unknown flag with the usage text and exit code 2, instead of ignoring it', async () => {
    const r = await cli(['ask', '--jsn', 'What is PIAS?']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^Unknown option --jsn for ask\.\n\nUsage: report-bot <command>/);
  });

  it('refuses a flag another command takes', async () => {
    const r = await cli(['stats', '--limit', '3']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^Unknown option --limit for stats\./);
  });

  it('says when a flag needs a value, or takes none', async () => {
    expect((await cli(['search', 'coca', '--limit'])).stderr).toBe('--limit needs a value.\n');
    expect((await cli(['stats', '--json=yes'])).stderr).toBe('--json takes no value.\n');
  });

  it('lists every flag of every command in the usage text', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--json', '--limit', '--days', '--seed', '--count', '--now', '--socket-mode', '--http', '--url', '--help']) {
      expect(r.stdout).toContain(flag);
    }
    for (const command of ['ask', 'search', 'source', 'stats', 'gaps', 'feedback', 'backup', 'facts', 'digest', 'slack manifest', 'discord deploy', 'discord invite']) {
      expect(r.stdout).toContain(`  ${command}`);
    }
  });

  it('refuses an unknown subcommand, or words after one, with the usage text', async () => {
    for (const [args, first] of [
      [['slack', 'manifesto'], 'Unknown subcommand "manifesto" for slack: use manifest.'],
      [['discord'], 'discord needs a subcommand: deploy or invite.'],
      [['discord', 'invite', 'now'], 'discord invite takes no further words (got "now").'],
    ] as const) {
      const r = await cli([...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${first}\n\nUsage: report-bot <command>`);
      expect(r.stderr).toContain('--socket-mode');
    }
  });

  it('shows the usage on stderr with exit code 2 when no command is given', async () => {
    const r = await cli([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: report-bot <command>');
  });

  it('takes --flag=value and flags after the words', async () => {
    const r = await cli(['search', 'illegal mining', '--limit=2', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).results).toHaveLength(2);
  });
});

describe('cli backup', () => {
  it('writes a consistent copy of the database with the online backup API', async () => {
    const { Store } = await import('../src/store/store.ts');
    const folder = mkdtempSync(join(tmpdir(), 'rb-backup-'));
    const db = join(folder, 'bot.sqlite');
    const store = new Store(db);
    store.logQuestion({ platform: 'slack', userId: 'U1', question: 'What is the VRAEM?', answered: true, confidence: 1 });
    // The bot keeps its connection open while the copy is taken.
    const r = await cli(['backup', join(folder, 'copies', 'copy.sqlite')], { env: { DATABASE_PATH: db } });
    store.close();
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('copy.sqlite');
    const copy = new Database(join(folder, 'copies', 'copy.sqlite'), { readonly: true });
    expect(copy.prepare('SELECT question FROM question_log').all()).toEqual([{ question: 'What is the VRAEM?' }]);
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    copy.close();
  });

  it('refuses to back up a database that does not exist, rather than creating an empty one', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'rb-backup-')), 'missing.sqlite');
    const r = await cli(['backup', `${db}.copy`], { env: { DATABASE_PATH: db } });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`There is no database at ${db} (DATABASE_PATH): nothing to back up.\n`);
    expect(existsSync(db)).toBe(false);
  });

  it('asks for the file to write', async () => {
    const r = await cli(['backup']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Give the file to write');
  });
});

describe('cli feedback', () => {
  it('shows 👍/👎 totals per passage and the questions voted down', async () => {
    const { Store } = await import('../src/store/store.ts');
    const db = join(mkdtempSync(join(tmpdir(), 'rb-feedback-')), 'bot.sqlite');
    const store = new Store(db);
    const q1 = store.logQuestion({ platform: 'slack', userId: 'U1', question: 'Who leads the Shining Path?', answered: true, confidence: 0.9, passageId: 'ellis-peru-2/shining-path/2' });
    const q2 = store.logQuestion({ platform: 'discord', userId: 'D1', question: 'What is the VRAEM?', answered: true, confidence: 1, passageId: 'ellis-peru-2/introduction/14' });
    store.recordFeedback({ platform: 'slack', userId: 'U1', questionLogId: q1, passageId: 'ellis-peru-2/shining-path/2', vote: -1 });
    store.recordFeedback({ platform: 'slack', userId: 'U2', questionLogId: q1, passageId: 'ellis-peru-2/shining-path/2', vote: -1 });
    store.recordFeedback({ platform: 'discord', userId: 'D1', questionLogId: q2, passageId: 'ellis-peru-2/introduction/14', vote: 1 });
    store.close();

    const j = await cli(['feedback', '--json'], { env: { DATABASE_PATH: db } });
    expect(j.code).toBe(0);
    expect(JSON.parse(j.stdout)).toEqual({
      passages: [
        { passageId: 'ellis-peru-2/shining-path/2', up: 0, down: 2 },
        { passageId: 'ellis-peru-2/introduction/14', up: 1, down: 0 },
      ],
      downVoted: [{ question: 'Who leads the Shining Path?', passageId: 'ellis-peru-2/shining-path/2', down: 2, lastVoted: expect.any(String) }],
    });
    const text = await cli(['feedback'], { env: { DATABASE_PATH: db } });
    expect(text.stdout).toMatch(/ {3}0 {5}2 {3}ellis-peru-2\/shining-path\/2/);
    expect(text.stdout).toContain('Who leads the Shining Path?   (ellis-peru-2/shining-path/2)');
  });

  it('says so when there is no feedback yet', async () => {
    expect((await cli(['feedback'])).stdout.trim()).toBe('No 👍/👎 feedback recorded yet.');
  });
});

describe('cli gaps', () => {
  it('lists the most frequent unanswered questions from the question log', async () => {
    const { Store } = await import('../src/store/store.ts');
    const db = join(mkdtempSync(join(tmpdir(), 'rb-gaps-')), 'bot.sqlite');
    const store = new Store(db);
    for (const q of ['What is the GDP of Peru?', 'what is the gdp of peru', 'Who won the 2022 World Cup?']) {
      store.logQuestion({ platform: 'slack', userId: 'U1', question: q, answered: false, confidence: 0.2 });
    }
    store.logQuestion({ platform: 'slack', userId: 'U1', question: 'What is the VRAEM?', answered: true, confidence: 1 });
    store.close();
    const r = await cli(['gaps', '--json'], { env: { DATABASE_PATH: db } });
    expect(r.code).toBe(0);
    const gaps = JSON.parse(r.stdout) as Array<{ question: string; count: number }>;
    expect(gaps.map((g) => g.count)).toEqual([2, 1]);
    expect(gaps[0]!.question.toLowerCase()).toMatch(/^what is the gdp of peru\??$/);
    expect(gaps.some((g) => g.question.includes('VRAEM'))).toBe(false);
  });

  it('says so when nothing unanswered was logged yet', async () => {
    const r = await cli(['gaps']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe('No unanswered questions logged yet.');
  });
});
