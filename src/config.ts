/**
 * The only module that reads `process.env` (after t3-oss/t3-env): one zod schema, parsed once, empty
 * strings treated as unset, one error listing every problem, and a frozen result. Secret values never
 * appear in an error message.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from './errors.ts';
import { DEFAULT_MAX_QUESTION_CHARS } from './limits.ts';
import { fromPackage } from './paths.ts';

const isTimeZone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

const optionalString = z.string().min(1).optional();
const intInRange = (min: number, max: number, fallback: number) => {
  const message = `must be a whole number from ${min} to ${max}`;
  return z.coerce.number({ error: message }).int({ error: message }).min(min, { error: message }).max(max, { error: message }).default(fallback);
};

/** Every setting the bot reads. `.env.example` lists exactly these keys. */
export const configSchema = z
  .object({
    /**
     * Folder with the reports (`.md` with front matter, or plain `.txt`) and `glossary.yaml`. A relative
     * path is taken from the package folder (see `src/paths.ts`), whatever the working directory.
     */
    CORPUS_DIR: z.string().default('./corpus').transform(fromPackage),
    /** SQLite file for feedback, the question log and digests; created on first start. Relative: as CORPUS_DIR. */
    DATABASE_PATH: z.string().default('./data/report-bot.sqlite').transform(fromPackage),
    /**
     * Chat modes watch CORPUS_DIR and re-index a report added, replaced or removed (terminal mode does
     * not). `false` turns it off; a restart then picks changes up.
     */
    CORPUS_WATCH: z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], { error: 'must be true or false' }).default('true').transform((v) => ['true', '1', 'yes', 'on'].includes(v)),
    /**
     * Quiet time before a reload, in ms: changes are collected until the folder's files keep the same
     * size and time for this long (a file still being copied is not read half-written). 0: no watching.
     */
    CORPUS_RELOAD_MS: intInRange(0, 600_000, 2_000),
    /**
     * Folder of the index cache: the built index saved by a hash of the reports and the engine's
     * settings, so a restart on unchanged reports skips building. `off`: no cache. Relative: as CORPUS_DIR.
     */
    INDEX_CACHE_DIR: z.string().default('./data/index-cache').transform((v) => (/^(off|false|none|0)$/i.test(v) ? null : fromPackage(v))),
    /** Largest report file accepted, in bytes (a bigger one stops start-up with a message naming it). */
    MAX_REPORT_BYTES: intInRange(1_024, 1_073_741_824, 64 * 1024 * 1024),
    /**
     * Most passages whose indexed sentences stay in memory (least recently used dropped and made again
     * from the text when next needed: the same answers). Lower: less memory for a large report; higher: fewer remade.
     */
    SENTENCE_CACHE_PASSAGES: intInRange(1, 10_000_000, 4096),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /**
     * Terminal mode's log file (JSON lines; warnings and errors also go to stderr in plain words).
     * Chat modes always log JSON on stderr, for the process manager. Relative: as CORPUS_DIR.
     */
    LOG_FILE: z.string().default('./data/report-bot.log').transform(fromPackage),
    /** Days a logged question is kept (with its feedback); older ones are purged daily. 0 keeps them forever. */
    QUESTION_LOG_DAYS: intInRange(0, 36_500, 90),
    /** Port for `GET /healthz` and `GET /readyz` in every chat mode; unset: no health server (Slack HTTP mode keeps `/healthz` on PORT). */
    HEALTH_PORT: z.coerce.number({ error: 'must be a whole number from 0 to 65535' }).int({ error: 'must be a whole number from 0 to 65535' }).min(0, { error: 'must be a whole number from 0 to 65535' }).max(65_535, { error: 'must be a whole number from 0 to 65535' }).optional(),
    /** Address the health server listens on. */
    HEALTH_HOST: z.string().default('0.0.0.0'),
    /** Whether slash-command answers are private to the asker (with a Share button) or posted publicly. */
    ANSWER_VISIBILITY: z.enum(['ephemeral', 'public']).default('ephemeral'),
    /** Questions a user may ask per minute, per platform. */
    RATE_LIMIT_PER_MINUTE: intInRange(1, 10_000, 20),
    /** Longest question accepted, in characters. */
    MAX_QUESTION_CHARS: intInRange(10, 100_000, DEFAULT_MAX_QUESTION_CHARS),

    SLACK_BOT_TOKEN: optionalString,
    SLACK_APP_TOKEN: optionalString,
    SLACK_SIGNING_SECRET: optionalString,
    /** Web API root, e.g. `https://slack.com/api/` (GovSlack, a proxy, or a test stand-in). */
    SLACK_API_URL: z.string().url().optional(),
    /** Prepended to every slash command name (`rb-` → `/rb-ask`) for workspaces where `/ask` is taken. */
    SLACK_COMMAND_PREFIX: z
      .string()
      .regex(/^[a-z0-9_-]*$/, 'use lower-case letters, digits, "-" or "_"')
      .max(20)
      .default(''),
    /** HTTP port for Slack's HTTP mode (and `GET /healthz`). */
    PORT: intInRange(0, 65_535, 3000),

    DISCORD_TOKEN: optionalString,
    DISCORD_APPLICATION_ID: z.string().regex(/^\d{5,25}$/, 'must be the numeric application id').optional(),
    DISCORD_GUILD_ID: z.string().regex(/^\d{5,25}$/, 'must be a numeric server (guild) id').optional(),
    /** REST root such as `https://discord.com/api` (a rate-limit proxy, or a test stand-in). */
    DISCORD_API_URL: z.string().url().optional(),

    /** IANA zone used when `/digest subscribe` names none. */
    DEFAULT_TIMEZONE: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin').default('UTC'),
    /** A digest missed during downtime is still posted if at most this many hours late. */
    DIGEST_CATCHUP_HOURS: intInRange(0, 48, 6),
  });

/**
 * Rules that tie settings together. Checked on the raw strings, separately from the schema, so that
 * one error can list these problems together with the per-variable ones.
 */
function crossFieldProblems(env: Record<string, string>): string[] {
  const problems: string[] = [];
  if (env.SLACK_BOT_TOKEN && !env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET) {
    problems.push('SLACK_SIGNING_SECRET: is required when SLACK_BOT_TOKEN is set and SLACK_APP_TOKEN (Socket Mode) is not');
  }
  if ((env.SLACK_APP_TOKEN || env.SLACK_SIGNING_SECRET) && !env.SLACK_BOT_TOKEN) {
    problems.push('SLACK_BOT_TOKEN: is required to connect to Slack');
  }
  if (env.SLACK_APP_TOKEN && !env.SLACK_APP_TOKEN.startsWith('xapp-')) {
    problems.push('SLACK_APP_TOKEN: must be an app-level token starting with xapp-');
  }
  if (env.HEALTH_PORT && env.HEALTH_PORT !== '0' && env.HEALTH_PORT === (env.PORT ?? '3000') && env.SLACK_BOT_TOKEN && !env.SLACK_APP_TOKEN) {
    problems.push('HEALTH_PORT: must differ from PORT, which Slack HTTP mode listens on (it answers GET /healthz there too)');
  }
  if (env.SLACK_BOT_TOKEN && !env.SLACK_BOT_TOKEN.startsWith('xoxb-')) {
    problems.push('SLACK_BOT_TOKEN: must be a bot token starting with xoxb-');
  }
  return problems;
}

export type Config = Readonly<z.infer<typeof configSchema>>;

/** Names of the settings whose values must never be printed. */
export const SECRET_KEYS = ['SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'SLACK_SIGNING_SECRET', 'DISCORD_TOKEN'] as const;

/**
 * Parses an environment (default: `process.env`). Empty strings count as unset. Throws one
 * {@link ConfigError} naming every invalid variable and why — but never its value.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned: Record<string, string> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') cleaned[key] = value.trim();
  }
  const parsed = configSchema.safeParse(cleaned);
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`)),
    ...crossFieldProblems(cleaned),
  ];
  if (problems.length > 0 || !parsed.success) {
    throw new ConfigError(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  return Object.freeze(parsed.data);
}

/** True when Slack settings are present. */
export const slackEnabled = (c: Config): boolean => Boolean(c.SLACK_BOT_TOKEN);
/** True when Discord settings are present. */
export const discordEnabled = (c: Config): boolean => Boolean(c.DISCORD_TOKEN);

/**
 * Reads `.env` from the working directory into the environment if the file exists, so "tokens into
 * .env, then npm start" works. Variables already set in the environment win over the file. Throws a
 * {@link ConfigError} that names the file but never quotes it (a line may hold a secret).
 */
export function loadDotEnv(path = '.env'): boolean {
  if (!existsSync(path) || typeof process.loadEnvFile !== 'function') return false;
  try {
    process.loadEnvFile(path);
    return true;
  } catch (err) {
    throw new ConfigError(`Cannot read ${resolve(path)}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
}
