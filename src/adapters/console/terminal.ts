/**
 * Terminal mode: `npm start` with no platform tokens. A prompt where a plain line is a question and
 * `/search`, `/source`, `/help`, `/quit` (and every other registry command) work as in chat. With
 * piped input it answers each line and exits at end of input.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Registry } from '../../../commands/index.ts';
import { engineOf, type EngineRef } from '../../answer/live.ts';
import { runCommand, type Invocation } from '../../app.ts';
import type { Config } from '../../config.ts';
import type { Logger } from '../../log.ts';
import { Conversations } from '../../conversation.ts';
import { RateLimiter } from '../../rate-limit.ts';
import type { Store } from '../../store/store.ts';
import { renderText, wrapText } from './render.ts';

export interface TerminalOptions {
  engine: EngineRef;
  registry: Registry;
  store: Store;
  config: Config;
  logger: Logger;
  input?: Readable;
  output?: Writable;
  /** Force the interactive prompt (default: when input is a TTY). */
  interactive?: boolean;
  /** Resolves when the session should end early (shutdown signal). */
  signal?: AbortSignal;
  /** Wrap answers at this many columns (default: the terminal's width; no wrapping when piped). */
  width?: number;
}

/** Splits `/cmd rest` into the command and its raw options, using the command's own text parser. */
export function parseLine(line: string, registry: Registry): { name: string; options: Record<string, unknown> } | { quit: true } {
  const trimmed = line.trim();
  if (!trimmed.startsWith('/')) return { name: 'ask', options: { question: trimmed } };
  // A slash alone (or followed by spaces) asks what the commands are.
  if (/^\/\s*$/.test(trimmed)) return { name: 'help', options: {} };
  const [, rawName = '', rest = ''] = /^\/(\S*)\s*([\s\S]*)$/.exec(trimmed) ?? [];
  const name = rawName.toLowerCase();
  if (name === 'quit' || name === 'exit' || name === 'q') return { quit: true };
  const command = registry.get(name === 'report-help' ? 'help' : name);
  if (!command) return { name, options: {} };
  if (command.parseText) return { name: command.name, options: command.parseText(rest) };
  const first = Object.keys(command.options.shape)[0];
  return { name: command.name, options: first && rest ? { [first]: rest } : {} };
}

/** Runs the prompt until /quit, end of input, or the abort signal. */
export async function runTerminal(opts: TerminalOptions): Promise<void> {
  const input = opts.input ?? process.stdin;
  const output = opts.output ?? process.stdout;
  const interactive = opts.interactive ?? Boolean((input as { isTTY?: boolean }).isTTY);
  const tty = output as { isTTY?: boolean; columns?: number };
  const color = interactive && Boolean(tty.isTTY);
  // At a terminal, lines wrap at words to its width (read at each answer: the window may be resized);
  // piped output keeps one line a paragraph, for the program reading it.
  const width = (): number | undefined => opts.width ?? (tty.isTTY ? tty.columns : undefined);
  // One person at a keyboard (or a pipe) is not a burst to protect against.
  const limiter = new RateLimiter({ limit: Number.MAX_SAFE_INTEGER });
  const ctx: Invocation = {
    engine: engineOf(opts.engine),
    store: opts.store,
    config: opts.config,
    logger: opts.logger,
    platform: 'console',
    user: { id: 'terminal' },
    channel: { id: 'terminal', kind: 'dm' },
    now: () => new Date(),
    commandLabel: (name) => `/${name}`,
    // No buttons under a reply and no channel for digests: replies say what can be typed instead.
    surface: { buttons: false, channel: false },
    // One session is one conversation: "and what about Bolivia?" follows the question before it.
    conversation: { key: 'terminal', memory: new Conversations() },
  };
  const write = (s: string) => output.write(s);
  const rl = createInterface({ input, terminal: false, crlfDelay: Infinity });
  const stop = () => rl.close();
  opts.signal?.addEventListener('abort', stop, { once: true });
  if (interactive) {
    const documents = engineOf(opts.engine).documents;
    const doc = documents[0];
    const welcome = `report-bot — ask about “${doc?.title ?? 'the report'}”${documents.length > 1 ? ` and ${documents.length - 1} more` : ''}.`;
    const columns = width();
    write(`${columns ? wrapText(welcome, columns) : welcome}\n`);
    write('Type a question, or /search, /source, /help, /quit.\n> ');
  }
  try {
    for await (const line of rl) {
      if (!line.trim()) {
        if (interactive) write('> ');
        continue;
      }
      const parsed = parseLine(line, opts.registry);
      if ('quit' in parsed) break;
      // Each line reads the engine then: a reload between two questions is seen by the second.
      const reply = await runCommand(opts.registry, parsed.name, parsed.options, { ...ctx, engine: engineOf(opts.engine) }, { limiter });
      const columns = width();
      write(`${renderText(reply, { color, ...(columns ? { width: columns } : {}) })}\n\n`);
      if (interactive) write('> ');
    }
  } finally {
    opts.signal?.removeEventListener('abort', stop);
    rl.close();
  }
}
