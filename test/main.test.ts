/**
 * The real process — `node --import tsx src/main.ts` in Slack HTTP mode against the local stand-in and
 * in terminal mode, with a temporary database — for what only a process shows: SIGTERM, `.env` in the
 * working folder, the exit status and the one line on stderr. The other start-up errors run in-process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postSigned, slashBody, startSlackStandIn, type SlackStandIn } from './adapters/slack/stand-in.ts';
import { DiscordStandIn } from './adapters/discord/stand-in.ts';
import { main, StartupError } from '../src/main.ts';

const ROOT = resolve(import.meta.dirname, '..');
const SECRET = 'main-test-secret';
const TOKEN = 'xoxb-9999-8888-do-not-print-me';

let standIn: SlackStandIn;
let dir: string;

beforeAll(async () => {
  standIn = await startSlackStandIn();
  dir = mkdtempSync(join(tmpdir(), 'report-bot-main-'));
});
afterAll(async () => {
  await standIn.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Proc {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(env: Record<string, string>, cwd = dir): Proc {
  // Only what the bot needs: the parent's environment might hold real Slack or Discord settings.
  // From an empty folder, so a developer's .env in the project cannot leak in; paths are absolute.
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(ROOT, 'src/main.ts')], {
    cwd,
    // The index cache in the test's folder, never the package's data/.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', INDEX_CACHE_DIR: join(dir, 'index-cache'), ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d) => (err += String(d)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.on('exit', (code, signal) => r({ code, signal })),
  );
  return { child, stderr: () => err, exited };
}

/** Resolves with the first JSON log line matching `pred` on the child's stderr. */
function logLine(p: Proc, pred: (l: Record<string, any>) => boolean, timeoutMs = 20_000): Promise<Record<string, any>> {
  return new Promise((resolvePromise, reject) => {
    const check = () => {
      for (const line of p.stderr().split('\n')) {
        try {
          const parsed = JSON.parse(line);
          if (pred(parsed)) return resolvePromise(parsed);
        } catch {
          /* not a log line */
        }
      }
    };
    const timer = setTimeout(() => reject(new Error(`log line not seen; stderr:\n${p.stderr()}`)), timeoutMs);
    p.child.stderr!.on('data', check);
    p.exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`process exited; stderr:\n${p.stderr()}`));
    });
    check();
  });
}

const slackEnv = (db: string) => ({
  SLACK_BOT_TOKEN: TOKEN,
  SLACK_SIGNING_SECRET: SECRET,
  SLACK_API_URL: standIn.apiUrl,
  PORT: '0',
  DATABASE_PATH: db,
  CORPUS_DIR: join(ROOT, 'corpus'),
  LOG_LEVEL: 'info',
});

describe('main', () => {
  it('finishes the answer in flight on SIGTERM, closes the database cleanly and exits 0', async () => {
    const db = join(dir, 'sigterm.sqlite');
    const p = start(slackEnv(db));
    const running = await logLine(p, (l) => l.msg === 'report-bot running');
    // Slack runs, and with it the digest scheduler that posts through Slack's client.
    expect(running.adapters).toEqual(['digest', 'slack']);
    const started = await logLine(p, (l) => l.msg === 'slack adapter started');
    expect(started.port).toBeGreaterThan(0);
    // Start-up work (digest facts, a warm engine) is done before Slack listens (issue 8, item 5).
    const warm = await logLine(p, (l) => l.msg === 'start-up work done');
    expect(warm.facts).toBeGreaterThan(0);
    expect(p.stderr().indexOf('start-up work done')).toBeLessThan(p.stderr().indexOf('slack adapter started'));
    const url = `http://127.0.0.1:${started.port}`;
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    // An answer still being delivered when the signal arrives must be delivered: Slack takes it only
    // once the bot has begun shutting down.
    const release = standIn.hold('respond');
    const responseUrl = standIn.responseUrl();
    const body = slashBody({ command: '/ask', text: 'What is the VRAEM?', responseUrl });
    expect((await postSigned(`${url}/slack/events`, body, 'application/x-www-form-urlencoded', { secret: SECRET })).status).toBe(200);
    const signalledAt = Date.now();
    p.child.kill('SIGTERM');
    await logLine(p, (l) => l.msg === 'shutting down');
    release();
    const { code } = await p.exited;

    expect(code).toBe(0);
    // The documented promise (README, issue 3): exit within 10 s of the signal. Generous on purpose.
    expect(Date.now() - signalledAt).toBeLessThan(10_000);
    expect(standIn.calls.some((c) => c.method === 'respond' && c.url === responseUrl)).toBe(true);
    expect(p.stderr()).toContain('stopped; database closed');
    expect(p.stderr()).not.toContain(TOKEN);
    // A clean close checkpoints the write-ahead log and removes it.
    expect(existsSync(`${db}-wal`)).toBe(false);
    const check = new Database(db, { readonly: true });
    expect(check.prepare('SELECT question FROM question_log').all()).toEqual([{ question: 'What is the VRAEM?' }]);
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    check.close();
  }, 30_000);

  it('picks up a report added to CORPUS_DIR while it runs, and answers from it', async () => {
    const corpus = mkdtempSync(join(dir, 'live-corpus-'));
    copyFileSync(join(ROOT, 'corpus/ellis-peru-2.md'), join(corpus, 'ellis-peru-2.md'));
    const p = start({ ...slackEnv(join(dir, 'live.sqlite')), CORPUS_DIR: corpus, CORPUS_RELOAD_MS: '50' });
    await logLine(p, (l) => l.msg === 'watching CORPUS_DIR for changes');
    const started = await logLine(p, (l) => l.msg === 'slack adapter started');
    writeFileSync(join(corpus, 'llamas.md'), '---\ntitle: Llamas of Puno\nauthor: Ana Quispe\ndate: 2024-02-02\n---\n\n## Herds\n\nThe herders of Puno keep 1,234,567 llamas on the high plateau.\n');
    const reloaded = await logLine(p, (l) => l.msg === 'corpus reloaded');
    expect(reloaded.read).toEqual(['llamas.md']);
    expect(reloaded.documents).toBe(2);
    const responseUrl = standIn.responseUrl();
    const body = slashBody({ command: '/ask', text: 'How many llamas do the herders of Puno keep?', responseUrl });
    expect((await postSigned(`http://127.0.0.1:${started.port}/slack/events`, body, 'application/x-www-form-urlencoded', { secret: SECRET })).status).toBe(200);
    const reply = await standIn.next((c) => c.method === 'respond' && c.url === responseUrl, 15_000);
    expect(JSON.stringify(reply.body)).toContain('1,234,567 llamas');
    p.child.kill('SIGTERM');
    expect((await p.exited).code).toBe(0);
  }, 30_000);

  it('keeps running after signed requests whose body is null (issue 8, item 3)', async () => {
    const p = start(slackEnv(join(dir, 'null-body.sqlite')));
    const started = await logLine(p, (l) => l.msg === 'slack adapter started');
    const url = `http://127.0.0.1:${started.port}`;
    expect((await postSigned(`${url}/slack/events`, 'payload=null', 'application/x-www-form-urlencoded', { secret: SECRET })).status).toBe(200);
    expect((await postSigned(`${url}/slack/events`, 'null', 'application/json', { secret: SECRET })).status).toBe(200);
    const responseUrl = standIn.responseUrl();
    const body = slashBody({ command: '/ask', text: 'What is the VRAEM?', responseUrl });
    expect((await postSigned(`${url}/slack/events`, body, 'application/x-www-form-urlencoded', { secret: SECRET })).status).toBe(200);
    await standIn.next((c) => c.method === 'respond' && c.url === responseUrl);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    p.child.kill('SIGTERM');
    expect((await p.exited).code).toBe(0);
  }, 30_000);

  it('runs terminal mode without platform settings and stops cleanly on SIGTERM', async () => {
    const db = join(dir, 'terminal.sqlite');
    const p = start({ DATABASE_PATH: db, CORPUS_DIR: join(ROOT, 'corpus'), LOG_LEVEL: 'info' });
    let out = '';
    const answered = new Promise<void>((r) =>
      p.child.stdout!.on('data', (d) => {
        out += String(d);
        if (out.includes('Ellis 2022')) r();
      }),
    );
    // stdin stays open: only the signal can end the session.
    p.child.stdin!.write('What is the VRAEM?\n');
    await answered;
    p.child.kill('SIGTERM');
    const { code } = await p.exited;
    expect(code).toBe(0);
    expect(out).toContain('VRAEM');
    expect(existsSync(`${db}-wal`)).toBe(false);
  }, 30_000);

  it('reads settings from .env in the working folder, the environment winning', async () => {
    const folder = mkdtempSync(join(dir, 'dotenv-'));
    writeFileSync(join(folder, '.env'), `SLACK_BOT_TOKEN=${TOKEN}\nRATE_LIMIT_PER_MINUTE=lots\n`);
    const p = start({ RATE_LIMIT_PER_MINUTE: '5' }, folder);
    const { code } = await p.exited;
    // The token came from .env, so the missing signing secret is reported; the file's invalid rate
    // limit is not, because the environment's value wins.
    expect(code).toBe(1);
    expect(p.stderr()).toContain('SLACK_SIGNING_SECRET');
    expect(p.stderr()).not.toContain('RATE_LIMIT_PER_MINUTE');
    expect(p.stderr()).not.toContain(TOKEN);
  }, 30_000);

});

/** Start-up failures, in-process: `main` rejects with one message that says what to fix. */
describe('main start-up errors', () => {
  const failure = async (env: Record<string, string>): Promise<StartupError> => {
    const err = await main({ LOG_LEVEL: 'silent', INDEX_CACHE_DIR: join(dir, 'index-cache'), ...env }).then(
      () => new Error('main started'),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StartupError);
    const message = (err as StartupError).message;
    expect(message).not.toMatch(/\n\s+at /);
    return err as StartupError;
  };

  it('names SLACK_SIGNING_SECRET when it is missing, never the token', async () => {
    const err = await failure({ SLACK_BOT_TOKEN: TOKEN, DATABASE_PATH: join(dir, 'nosecret.sqlite'), CORPUS_DIR: join(ROOT, 'corpus') });
    expect(err.message).toContain('SLACK_SIGNING_SECRET');
    expect(err.message).not.toContain(TOKEN);
  });

  it('refuses a file that is not a database, naming DATABASE_PATH and the file', async () => {
    const db = join(dir, 'not-a-database.sqlite');
    writeFileSync(db, 'this is a text file, not SQLite '.repeat(40));
    const p = start(slackEnv(db));
    const { code } = await p.exited;
    expect(code).toBe(1);
    const line = p.stderr().split('\n').find((l) => l.startsWith('report-bot:'))!;
    expect(line).toContain(`${db} (DATABASE_PATH)`);
    expect(line).toMatch(/not a SQLite database or is damaged/);
    expect(p.stderr()).not.toContain('    at ');
  }, 30_000);

  it('names the corpus path when the report cannot be loaded', async () => {
    const missing = join(dir, 'no-such-corpus');
    const err = await failure({ ...slackEnv(join(dir, 'nocorpus.sqlite')), CORPUS_DIR: missing });
    expect(err.message).toContain(`Cannot load the report from CORPUS_DIR (${missing})`);
  });

  it('names DISCORD_TOKEN when Discord rejects the token (401 on /gateway/bot), never printing it', async () => {
    const discord = await DiscordStandIn.start({ rejectToken: 'rest' });
    try {
      const token = 'MTAwMDAw.discord-secret-part.do-not-print-me';
      const err = await failure({ DISCORD_TOKEN: token, DISCORD_API_URL: discord.apiUrl, DATABASE_PATH: join(dir, 'discord-badtoken.sqlite'), CORPUS_DIR: join(ROOT, 'corpus') });
      // The token really was tried, and refused.
      expect(discord.calls.some((c) => c.path === '/gateway/bot' && c.authorization === `Bot ${token}`)).toBe(true);
      expect(err.message).toMatch(/^Discord rejected DISCORD_TOKEN/);
      expect(err.message).not.toContain('discord-secret-part');
    } finally {
      await discord.close();
    }
  });

  it('says so when Slack rejects the bot token, without printing it', async () => {
    const revoked = 'xoxb-revoked-5555-secret-part';
    const err = await failure({ ...slackEnv(join(dir, 'badtoken.sqlite')), LOG_LEVEL: 'silent', SLACK_BOT_TOKEN: revoked });
    expect(err.message).toMatch(/^Slack did not accept SLACK_BOT_TOKEN \(invalid_auth\)\. /);
    expect(err.message).not.toContain('secret-part');
  });
});
