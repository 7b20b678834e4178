import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRegistry } from '../../../commands/index.ts';
import { parseLine, runTerminal } from '../../../src/adapters/console/terminal.ts';
import { Engine } from '../../../src/answer/engine.ts';
import { loadConfig } from '../../../src/config.ts';
import { silentLogger } from '../../../src/log.ts';
import { Store } from '../../../src/store/store.ts';

const root = resolve(import.meta.dirname, '../../..');
const registry = loadRegistry();

describe('parseLine', () => {
  it('reads a plain line as a question', () => {
    expect(parseLine('What is the VRAEM?', registry)).toEqual({ name: 'ask', options: { question: 'What is the VRAEM?' } });
  });

  it('reads /search, /source and /help like the chat commands', () => {
    expect(parseLine('/search illegal mining', registry)).toMatchObject({ name: 'search' });
    expect(parseLine('/source cocaine/3', registry)).toEqual({ name: 'source', options: { id: 'cocaine/3' } });
    expect(parseLine('/help', registry)).toMatchObject({ name: 'help' });
    expect(parseLine('/report-help', registry)).toMatchObject({ name: 'help' });
  });

  it('reads /quit and /exit as the end of the session', () => {
    expect(parseLine('/quit', registry)).toEqual({ quit: true });
    expect(parseLine('/EXIT', registry)).toEqual({ quit: true });
  });

  it('reads a slash alone as a request for the commands', () => {
    expect(parseLine('/', registry)).toEqual({ name: 'help', options: {} });
    expect(parseLine('  /  ', registry)).toEqual({ name: 'help', options: {} });
  });

  it('passes an unknown command on, so the core can say it does not know it', () => {
    expect(parseLine('/launch rockets', registry)).toEqual({ name: 'launch', options: {} });
  });
});

describe('runTerminal with piped input', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await Engine.load(join(root, 'corpus'));
  });

  async function session(lines: string, width?: number): Promise<string> {
    const input = new PassThrough();
    const output = new PassThrough();
    let text = '';
    output.on('data', (d) => (text += d));
    const store = new Store(join(mkdtempSync(join(tmpdir(), 'rb-term-')), 'db.sqlite'));
    const done = runTerminal({ engine, registry, store, config: loadConfig({}), logger: silentLogger, input, output, interactive: false, ...(width ? { width } : {}) });
    input.end(lines);
    await done;
    store.close();
    return text;
  }

  it('answers each line in order and ends with the input', async () => {
    const out = await session('What is PIAS?\n/source cocaine/3\n/search illegal timber\n');
    const pias = out.indexOf('Platforms for Itinerant Social Action (PIAS)');
    const source = out.indexOf('reaching 88,200 hectares');
    const search = out.indexOf('Ellis 2022 · Illegal Timber');
    expect(pias).toBeGreaterThanOrEqual(0);
    expect(source).toBeGreaterThan(pias);
    expect(search).toBeGreaterThan(source);
  });

  it('stops at /quit and ignores what follows', async () => {
    const out = await session('/quit\nWhat is PIAS?\n');
    expect(out).toBe('');
  });

  it('wraps answers at words to the width, the text unchanged', async () => {
    const q = 'What security forces focus on zones linked to terrorism?\n';
    const plain = await session(q);
    const wrapped = await session(q, 50);
    for (const l of wrapped.split('\n')) expect([...l].length).toBeLessThanOrEqual(49);
    // Undoing the breaks (a line break and the continuation's indent) gives back the unwrapped text.
    const words = (t: string) => t.split(/\s+/).filter(Boolean);
    expect(words(wrapped)).toEqual(words(plain));
    expect(plain.split('\n').some((l) => l.length > 49)).toBe(true);
  });

  it('says what can be typed here, not what can be pressed or typed in chat', async () => {
    const out = await session('/\n/launch rockets\n/source nowhere/9\n');
    expect(out).toContain('/help — List the commands');
    expect(out).not.toContain('I don\'t know the command ""');
    expect(out).toContain('The commands here are /ask, /search, /source, /help, /fact, /digest, /reports.');
    expect(out).toContain('There is no passage with the id “nowhere/9”.');
    expect(out).not.toContain('Full passage');
  });

  it('answers /digest subscribe, status and unsubscribe alike: there is no channel here', async () => {
    const out = await session('/digest subscribe 08:30\n/digest status\n/digest unsubscribe\n/digest preview\n');
    const noChannel = 'Daily digests are posted to Slack or Discord channels; there is no channel here to subscribe.';
    expect(out.split(noChannel)).toHaveLength(4);
    expect(out).toContain('Preview — ');
    expect(out).not.toContain('Subscribe this channel');
  });

  it('reads a follow-up against the previous question of the session, and says so', async () => {
    const out = await session('How many hectares of coca were under cultivation at the end of 2020?\ntell me more\n');
    expect(out).toContain('88,200 hectares');
    expect(out).toMatch(/Continuing with the passage after ellis-peru-2\/cocaine\/\d+\./);
  });

  it('answers a 50-question batch without hitting the chat rate limit', async () => {
    const out = await session('What is the VRAEM?\n'.repeat(50));
    // Every one of the 50 is answered with the same quote (the report's own definition of the VRAEM).
    expect(out.match(/VRAEM[^\n]*\n[^\n]*— Ellis 2022|— Ellis 2022/g)?.length).toBe(50);
    expect(out).not.toContain('faster than I can keep up');
  });
});

describe('npm start with piped input (the real process)', () => {
  it('prints only the answers on stdout, nothing on stderr, logs in LOG_FILE, and exits 0 at end of input', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'rb-term-'));
    // Only what the bot needs: the parent's environment might hold real Slack or Discord settings.
    const env = { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', DATABASE_PATH: join(folder, 'db.sqlite'), LOG_FILE: join(folder, 'logs', 'bot.log'), INDEX_CACHE_DIR: join(folder, 'index-cache') };
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolvePromise, reject) => {
      const child = execFile(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: root, env }, (err, stdout, stderr) =>
        err ? reject(err) : resolvePromise({ stdout, stderr }),
      );
      child.stdin!.end('How many Peruvian police died of COVID-19?\n/source cocaine/3\n/quit\n');
    });
    // Nothing before the answer's quote (no log line, no banner); the quote itself is the engine's choice.
    expect(stdout).toMatch(/^“/);
    expect(stdout).toContain('More than 500 Peruvian police died of COVID-19');
    expect(stdout).toContain('(ellis-peru-2/cocaine/3)');
    expect(stdout).not.toContain('"level"');
    expect(stderr).toBe('');
    expect(readFileSync(join(folder, 'logs', 'bot.log'), 'utf8')).toContain('"msg":"report loaded"');
  });
});
