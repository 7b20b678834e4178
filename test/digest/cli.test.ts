/** The digest CLI pieces (`facts`, `digest preview`, `digest run-due`) with the real engine and a SQLite file. */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/answer/engine.ts';
import { loadConfig } from '../../src/config.ts';
import { Store } from '../../src/store/store.ts';
import { digestCommand, factsCommand } from '../../src/digest/cli.ts';
import { factsFor } from '../../src/digest/facts.ts';
import { DigestStore } from '../../src/digest/store.ts';
import { UsageError } from '../../src/errors.ts';
import { runCli } from '../../src/cli.ts';
import { PassThrough, Readable } from 'node:stream';
import { recordingPoster, tempDir } from './fixtures.ts';

let engine: Engine;
let dir: string;
let cleanup: () => void;

beforeAll(async () => {
  engine = await Engine.load('corpus');
  ({ dir, cleanup } = tempDir());
});
afterAll(() => cleanup());

function capture(): { out: (s: string) => void; text: () => string; lines: string[] } {
  const lines: string[] = [];
  return { out: (s) => void lines.push(s), text: () => lines.join('\n'), lines };
}

const flags = (o: Record<string, string | true> = {}) => new Map(Object.entries(o));

describe('facts', () => {
  it('prints one JSON object a line with id, text, passageId and citation', async () => {
    const c = capture();
    expect(await factsCommand({ json: true, engine, out: c.out })).toBe(0);
    const rows = c.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.length).toBe(factsFor(engine.corpus).length);
    for (const r of rows) expect(Object.keys(r)).toEqual(['id', 'text', 'passageId', 'citation']);
    expect(rows[0]).toMatchObject({ passageId: 'ellis-peru-2/introduction/3', citation: { label: 'Ellis 2022 · Introduction ¶3' } });
  });

  it('lists the facts as text with a per-section count', async () => {
    const c = capture();
    await factsCommand({ json: false, engine, out: c.out });
    const summary = c.lines.at(-1)!;
    expect(summary).toMatch(/^\d+ facts from 1 report — Introduction \d+ · Cocaine \d+ · Shining Path \d+ · /);
    expect(summary).not.toMatch(/ 0( ·|$)/);
  });
});

describe('digest preview', () => {
  const run = async (f: Record<string, string | true>) => {
    const c = capture();
    const config = loadConfig({ DATABASE_PATH: join(dir, 'unused.sqlite') });
    await digestCommand({ args: ['preview'], flags: flags(f), engine, config, out: c.out, now: () => new Date('2026-11-27T12:00:00Z') });
    return c.text();
  };

  it('prints a week of digests without repeating a fact', async () => {
    const text = await run({ days: '7', seed: 'S' });
    expect(text.match(/^=== /gm)).toHaveLength(7);
    expect(text).toContain('=== Sat, 28 Nov 2026, 09:00 (UTC) ===');
    expect(text).toContain('Facts 19–21 of');
    const quoted = [...text.matchAll(/^\d\. “(.+)”$/gm)].map((m) => m[1]);
    expect(quoted).toHaveLength(21);
    expect(new Set(quoted).size).toBe(21);
  });

  it('is the same for the same seed and differs for another', async () => {
    expect(await run({ seed: 'abc' })).toBe(await run({ seed: 'abc' }));
    expect(await run({ seed: 'abc' })).not.toBe(await run({ seed: 'xyz' }));
  });

  it('refuses a bad --days or --count', async () => {
    await expect(run({ days: '0' })).rejects.toThrow('--days takes a whole number from 1 to 366.');
    await expect(run({ count: '6' })).rejects.toThrow('--count takes a whole number from 1 to 5.');
  });
});

describe('digest run-due', () => {
  it('posts what is due once, through the given posters', async () => {
    const path = join(dir, 'due.sqlite');
    const store = new Store(path);
    new DigestStore(store).subscribe({
      platform: 'slack', channelId: 'C9', time: '09:00', timezone: 'America/New_York', count: 2, days: 'daily', userId: 'U1', now: new Date('2026-03-09T00:00:00Z'),
    });
    store.close();
    const config = loadConfig({ DATABASE_PATH: path });
    const poster = recordingPoster();
    const c = capture();
    // 9 March 2026 is the first Monday after New York moved to daylight time: 09:00 EDT = 13:00 UTC.
    const args = { args: ['run-due'], engine, config, out: c.out, posters: { slack: poster } };
    expect(await digestCommand({ ...args, flags: flags({ now: '2026-03-09T13:00:00Z' }) })).toBe(0);
    expect(c.lines).toEqual(['posted   slack C9  2026-03-09  (1 attempt)']);
    const again = capture();
    await digestCommand({ ...args, out: again.out, flags: flags({ now: '2026-03-09T13:30:00Z' }) });
    expect(again.lines).toEqual(['Nothing due at 2026-03-09T13:30:00.000Z.']);
    expect(poster.posts).toHaveLength(1);
    expect(poster.posts[0]!.reply.heading).toMatch(/— Facts 1–2 of \d+$/);
  });

  it('shows what would be posted when the platform has no token, and claims nothing', async () => {
    const path = join(dir, 'dry.sqlite');
    const store = new Store(path);
    const digests = new DigestStore(store);
    digests.subscribe({ platform: 'slack', channelId: 'C7', time: '08:00', timezone: 'UTC', count: 1, days: 'daily', userId: 'U1', now: new Date('2026-03-01T00:00:00Z') });
    const c = capture();
    await digestCommand({ args: ['run-due'], flags: flags({ now: '2026-03-02T08:05:00Z' }), engine, config: loadConfig({ DATABASE_PATH: path }), out: c.out });
    expect(c.text()).toMatch(/^not posted {2}slack C7 {2}2026-03-02: SLACK_BOT_TOKEN is not set\. It would post:\n\nDaily facts from .+ — Fact 1 of \d+\n\n1\. “/);
    expect(digests.deliveries(1)).toEqual([]);
    store.close();
  });

  it('refuses a --now that is not an ISO date-time', async () => {
    const config = loadConfig({ DATABASE_PATH: join(dir, 'x.sqlite') });
    await expect(digestCommand({ args: ['run-due'], flags: flags({ now: 'yesterday' }), engine, config, out: () => {} })).rejects.toThrow(
      '--now takes an ISO date-time such as 2026-03-09T14:00:00Z.',
    );
    await expect(digestCommand({ args: ['frob'], flags: flags(), engine, config, out: () => {} })).rejects.toThrow(/^Usage: report-bot digest preview/);
  });
});

describe('digest usage mistakes on the command line', () => {
  /** Runs `npm run cli -- …args` in-process; returns the exit code and what went to stdout and stderr. */
  async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const chunks = { out: [] as string[], err: [] as string[] };
    stdout.on('data', (c) => chunks.out.push(String(c)));
    stderr.on('data', (c) => chunks.err.push(String(c)));
    const env = { CORPUS_DIR: 'corpus', DATABASE_PATH: join(dir, 'usage.sqlite'), LOG_LEVEL: 'silent' };
    const code = await runCli(args, { stdout, stderr, stdin: Readable.from([]), env });
    return { code, stdout: chunks.out.join(''), stderr: chunks.err.join('') };
  }

  it.each([
    [['digest', 'preview', '--days', '0'], '--days takes a whole number from 1 to 366.\n'],
    [['digest', 'preview', '--count', '9'], '--count takes a whole number from 1 to 5.\n'],
    [['digest', 'preview', '--seed'], '--seed needs a value.\n'],
    [['digest', 'run-due', '--now', 'bad'], '--now takes an ISO date-time such as 2026-03-09T14:00:00Z.\n'],
    [['digest', 'foo'], 'Unknown subcommand "foo" for digest: use preview or run-due.\n\nUsage: report-bot <command>'],
    [['digest'], 'digest needs a subcommand: preview or run-due.\n\nUsage: report-bot <command>'],
  ])('exits 2 with a usage message for `digest %s`', async (args, message) => {
    const { code, stdout, stderr } = await cli(...args);
    expect(stderr.startsWith(message)).toBe(true);
    expect(code).toBe(2);
    expect(stdout).toBe('');
  });

  it('throws a UsageError, which the CLI maps to exit code 2', async () => {
    const config = loadConfig({ DATABASE_PATH: join(dir, 'x.sqlite') });
    await expect(digestCommand({ args: ['preview'], flags: flags({ days: '0' }), engine, config, out: () => {} })).rejects.toBeInstanceOf(UsageError);
  });

  it('still exits 0 for a correct preview', async () => {
    const { code, stderr } = await cli('digest', 'preview', '--days', '1');
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
