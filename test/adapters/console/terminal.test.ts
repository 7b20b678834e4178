import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
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

  it('passes an unknown command on, so the core can say it does not know it', () => {
    expect(parseLine('/launch rockets', registry)).toEqual({ name: 'launch', options: {} });
  });
});

describe('runTerminal with piped input', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await Engine.load(join(root, 'corpus'));
  });

  async function session(lines: string): Promise<string> {
    const input = new PassThrough();
    const output = new PassThrough();
    let text = '';
    output.on('data', (d) => (text += d));
    const store = new Store(join(mkdtempSync(join(tmpdir(), 'rb-term-')), 'db.sqlite'));
    const done = runTerminal({ engine, registry, store, config: loadConfig({}), logger: silentLogger, input, output, interactive: false });
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

  it('answers a 50-question batch without hitting the chat rate limit', async () => {
    const out = await session('What is the VRAEM?\n'.repeat(50));
    // Every one of the 50 is answered with the same quote (the report's own definition of the VRAEM).
    expect(out.match(/VRAEM[^\n]*\n[^\n]*— Ellis 2022|— Ellis 2022/g)?.length).toBe(50);
    expect(out).not.toContain('faster than I can keep up');
  });
});

describe('npm start with piped input (the real process)', () => {
  it('answers each line on stdout and exits 0 at end of input, without tokens', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent', DATABASE_PATH: join(mkdtempSync(join(tmpdir(), 'rb-term-')), 'db.sqlite') };
    for (const key of ['SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'SLACK_SIGNING_SECRET', 'DISCORD_TOKEN']) delete env[key];
    const { stdout } = await new Promise<{ stdout: string }>((resolvePromise, reject) => {
      const child = execFile(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: root, env }, (err, stdout) =>
        err ? reject(err) : resolvePromise({ stdout }),
      );
      child.stdin!.end('How many Peruvian police died of COVID-19?\n/source cocaine/3\n/quit\n');
    });
    expect(stdout).toContain('More than 500 Peruvian police died of COVID-19');
    expect(stdout).toContain('(ellis-peru-2/cocaine/3)');
  });
});
