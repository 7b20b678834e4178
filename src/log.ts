/**
 * Structured logging with pino: JSON lines on stderr (stdout stays free for CLI output and terminal
 * mode). Token-shaped strings are redacted by path and by pattern so no secret reaches a log line.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

const TOKEN_PATTERN = /\b(xox[abprs]-|xapp-)[A-Za-z0-9-]+|[A-Za-z0-9_-]{24,}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,}/g;

/** Replaces anything shaped like a Slack or Discord token with `[redacted]`. */
export function redactSecrets(text: string): string {
  return text.replace(TOKEN_PATTERN, '[redacted]');
}

/** Creates the process logger. `destination` is for tests. */
export function createLogger(level: string = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
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
    },
    destination ?? pino.destination(2),
  );
}

/** A logger that writes nothing (tests, CLI). */
export const silentLogger: Logger = pino({ level: 'silent' });
