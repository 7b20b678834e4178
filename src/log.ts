/**
 * Structured logging with pino: JSON lines on stderr (stdout stays free for CLI output and terminal
 * mode). Token-shaped strings are redacted by path and by pattern so no secret reaches a log line.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

export type { Logger };

const TOKEN_PATTERN = /\b(xox[abprs]-|xapp-)[A-Za-z0-9-]+|[A-Za-z0-9_-]{24,}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,}/g;

/** Replaces anything shaped like a Slack or Discord token with `[redacted]`. */
export function redactSecrets(text: string): string {
  return text.replace(TOKEN_PATTERN, '[redacted]');
}

/** Creates the process logger. `destination` is for tests. */
export function createLogger(level: string = 'info', destination?: pino.DestinationStream): Logger {
  return pino(options(level), destination ?? pino.destination(2));
}

/** pino's level numbers, for the plain-words stream. */
const WARN = 40;

/**
 * One log line as a person reads it: `report-bot: warning: <message>` (errors: `report-bot: error:`),
 * with an error's message when it carries one. For the terminal, where JSON would drown the answers.
 */
export function plainLine(json: string): string {
  let entry: { level?: number; msg?: string; err?: { message?: string } };
  try {
    entry = JSON.parse(json) as typeof entry;
  } catch {
    return json.trimEnd();
  }
  const kind = (entry.level ?? 0) >= 50 ? 'error' : 'warning';
  const detail = entry.err?.message && entry.err.message !== entry.msg ? ` (${entry.err.message})` : '';
  return `report-bot: ${kind}: ${entry.msg ?? ''}${detail}`;
}

/**
 * Terminal mode's logger: every line at `level` as JSON in `file` (its folder created), and warnings and
 * errors also on `stderr` in plain words, so stdout and the screen hold only the answers.
 */
export function createTerminalLogger(level: string, file: string, stderr: NodeJS.WritableStream = process.stderr): Logger {
  mkdirSync(dirname(file), { recursive: true });
  const plain = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) stderr.write(`${redactSecrets(plainLine(line))}\n`);
      done();
    },
  });
  if (level === 'silent') return pino(options('silent'));
  const fileLevel = level as pino.Level;
  const plainLevel: pino.Level = (pino.levels.values[fileLevel] ?? WARN) > WARN ? fileLevel : 'warn';
  return pino(
    options(fileLevel),
    pino.multistream([
      { level: fileLevel, stream: pino.destination({ dest: file, sync: true, append: true }) },
      { level: plainLevel, stream: plain },
    ]),
  );
}

function options(level: string): pino.LoggerOptions {
  return {
      level,
      base: { app: 'report-bot' },
      redact: {
        paths: ['token', '*.token', 'headers.authorization', '*.headers.authorization', 'botToken', 'appToken', 'signingSecret'],
        censor: '[redacted]',
      },
      hooks: {
        logMethod(args, method) {
          const cleaned = args.map((a) => (typeof a === 'string' ? redactSecrets(a) : a)) as typeof args;
          method.apply(this, cleaned);
        },
      },
      serializers: {
        err: (err: unknown) => {
          const s = pino.stdSerializers.err(err as Error);
          return { ...s, message: redactSecrets(String(s.message)), stack: s.stack ? redactSecrets(s.stack) : s.stack };
        },
      },
    };
}

/** A logger that writes nothing (tests, CLI). */
export const silentLogger: Logger = pino({ level: 'silent' });
