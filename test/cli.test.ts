import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
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
  it('prints one JSON object with the documented fields and a cited, verbatim answer', async () => {
    const r = await cli(['ask', '--json', 'How many hectares of coca were under cultivation at the end of 2020?']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['question', 'answered', 'confidence', 'answer', 'passages']);
    expect(out.answered).toBe(true);
    expect(out.answer.text).toContain('88,200 hectares');
    expect(Object.keys(out.answer)).toEqual(['text', 'passageId', 'citation']);
    expect(Object.keys(out.answer.citation)).toEqual(['document', 'section', 'paragraph', 'label']);
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
    expect(lines.map((l) => l.question)).toEqual(['What is the VRAEM?', 'who wrote this', 'Where is the best pizza in Lima?']);
    expect(lines.map((l) => l.answered)).toEqual([true, true, false]);
    expect(lines[1].answer.text).toContain('Evan Ellis');
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

  it('exits quietly when the reader closes the pipe early (facts | head)', async () => {
    const env = { ...process.env, LOG_LEVEL: 'silent' };
    const { stdout, stderr } = await run('bash', ['-c', `set -o pipefail; node --import tsx src/cli.ts facts | head -c 50; echo " rc=$?"`], { cwd: root, env });
    expect(stdout).toMatch(/ rc=0\n$/);
    expect(stderr).not.toContain('EPIPE');
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
