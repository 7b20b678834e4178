/**
 * Errors with stable codes (after Bolt's `src/errors.ts`). Core code throws them; adapters and the CLI
 * catch them at the edge, log them, and show the user `message` — never a stack trace.
 */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'CORPUS_MISSING'
  | 'CORPUS_INVALID'
  | 'PASSAGE_NOT_FOUND'
  | 'INPUT_INVALID'
  | 'RATE_LIMITED'
  | 'STORE_FAILED'
  | 'PLATFORM_FAILED'
  /** A poster's channel is gone (deleted, archived, access lost): the subscription pauses. */
  | 'CHANNEL_GONE'
  /** A platform refused a message's body: sending it again cannot help. */
  | 'MESSAGE_REJECTED';

export class ReportBotError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'ReportBotError';
  }
}

/** The configuration is missing or invalid; the message lists every problem (never a secret's value). */
export class ConfigError extends ReportBotError {
  constructor(message: string) {
    super('CONFIG_INVALID', message);
    this.name = 'ConfigError';
  }
}

/** A corpus folder or file is missing, empty or unreadable; the message names the path. */
export class CorpusError extends ReportBotError {
  constructor(code: 'CORPUS_MISSING' | 'CORPUS_INVALID', message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'CorpusError';
  }
}

/** User input that cannot be served (unknown passage id, bad time zone, …): safe to show as is. */
export class InputError extends ReportBotError {
  constructor(message: string, code: ErrorCode = 'INPUT_INVALID') {
    super(code, message);
    this.name = 'InputError';
  }
}

/**
 * A command-line usage mistake (unknown subcommand, a flag out of range): the CLI prints the message
 * and exits 2, as the README promises, rather than 1 for a failure. An {@link InputError}, so code
 * that treats bad input alike still catches it.
 */
export class UsageError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** True when an error's message was written for users and may be shown verbatim. */
export function isUserFacing(err: unknown): err is ReportBotError {
  return err instanceof ReportBotError;
}
