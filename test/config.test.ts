import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
import { configSchema, loadConfig } from '../src/config.ts';
import { ConfigError } from '../src/errors.ts';

describe('loadConfig', () => {
  it('applies documented defaults to an empty environment', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      CORPUS_DIR: join(ROOT, 'corpus'),
      DATABASE_PATH: join(ROOT, 'data', 'report-bot.sqlite'),
      LOG_FILE: join(ROOT, 'data', 'report-bot.log'),
      QUESTION_LOG_DAYS: 90,
      HEALTH_HOST: '0.0.0.0',
      LOG_LEVEL: 'info',
      ANSWER_VISIBILITY: 'ephemeral',
      RATE_LIMIT_PER_MINUTE: 20,
      MAX_QUESTION_CHARS: 1000,
      SENTENCE_CACHE_PASSAGES: 4096,
      PORT: 3000,
      DEFAULT_TIMEZONE: 'UTC',
      DIGEST_CATCHUP_HOURS: 6,
      SLACK_COMMAND_PREFIX: '',
    });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ CORPUS_DIR: '', SLACK_BOT_TOKEN: '  ' }).CORPUS_DIR).toBe(join(ROOT, 'corpus'));
  });

  it('lists every problem in one error and never echoes a secret value', () => {
    let error: unknown;
    try {
      loadConfig({ SLACK_BOT_TOKEN: 'secret-value-123', RATE_LIMIT_PER_MINUTE: 'lots', DEFAULT_TIMEZONE: 'Mars/Base', DISCORD_APPLICATION_ID: 'abc' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('RATE_LIMIT_PER_MINUTE: must be a whole number from 1 to 10000');
    expect(message).toContain('DEFAULT_TIMEZONE: must be an IANA time zone');
    expect(message).toContain('DISCORD_APPLICATION_ID: must be the numeric application id');
    expect(message).toContain('SLACK_SIGNING_SECRET: is required when SLACK_BOT_TOKEN is set');
    expect(message).toContain('SLACK_BOT_TOKEN: must be a bot token starting with xoxb-');
    expect(message).not.toContain('secret-value-123');
  });

  it('takes relative paths from the package folder, whatever the working directory, and leaves absolute ones', () => {
    const c = loadConfig({ CORPUS_DIR: 'reports', DATABASE_PATH: '/var/lib/report-bot/bot.sqlite', LOG_FILE: 'logs/bot.log' });
    expect(c.CORPUS_DIR).toBe(join(ROOT, 'reports'));
    expect(c.DATABASE_PATH).toBe('/var/lib/report-bot/bot.sqlite');
    expect(c.LOG_FILE).toBe(join(ROOT, 'logs', 'bot.log'));
    expect(loadConfig({ DATABASE_PATH: ':memory:' }).DATABASE_PATH).toBe(':memory:');
  });

  it('reads HEALTH_PORT and QUESTION_LOG_DAYS as whole numbers', () => {
    expect(loadConfig({ HEALTH_PORT: '8081', QUESTION_LOG_DAYS: '0' })).toMatchObject({ HEALTH_PORT: 8081, QUESTION_LOG_DAYS: 0 });
    expect(loadConfig({}).HEALTH_PORT).toBeUndefined();
    expect(() => loadConfig({ HEALTH_PORT: 'x', QUESTION_LOG_DAYS: '-1' })).toThrow(/HEALTH_PORT[\s\S]*QUESTION_LOG_DAYS|QUESTION_LOG_DAYS[\s\S]*HEALTH_PORT/);
  });

  it('refuses a HEALTH_PORT that Slack HTTP mode already listens on', () => {
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', HEALTH_PORT: '3000' })).toThrow('HEALTH_PORT: must differ from PORT');
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', HEALTH_PORT: '3000' }).HEALTH_PORT).toBe(3000);
  });

  it('accepts Socket Mode without a signing secret', () => {
    const c = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' });
    expect(c.SLACK_APP_TOKEN).toBe('xapp-1');
  });

  it('.env.example lists exactly the schema keys', () => {
    const keys = readFileSync(new URL('../.env.example', import.meta.url), 'utf8')
      .split('\n')
      .map((l) => /^#?\s*([A-Z][A-Z0-9_]+)=/.exec(l)?.[1])
      .filter(Boolean)
      .sort();
    expect(keys).toEqual(Object.keys(configSchema.shape).sort());
  });

  it('the README documents every setting', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const missing = Object.keys(configSchema.shape).filter((key) => !readme.includes(`| \`${key}\``));
    expect(missing).toEqual([]);
  });
});
