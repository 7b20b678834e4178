/**
 * `report-bot <command>` (the package's `bin`; `npm run cli -- <command>` in a checkout): the engine
 * from the shell, with a JSON contract other tools rely on. Arguments are parsed with `node:util`
 * `parseArgs`, per command: an unknown command or flag is a usage mistake (exit 2, with the usage
 * text), never silently ignored. Errors print one clear line on stderr and exit non-zero (2 for
 * usage, 1 otherwise); never a stack. Platform libraries load only for the commands that need them.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadRegistry } from '../commands/index.ts';
import { Engine } from './answer/engine.ts';
import type { Answer, SearchHit } from './answer/types.ts';
import { renderText } from './adapters/console/render.ts';
import { basename } from 'node:path';
import { answerReply } from '../commands/ask.ts';
import { documentLine } from '../commands/reports.ts';
import { passageReply } from '../commands/source.ts';
import { configSchema, loadConfig, loadDotEnv, type Config } from './config.ts';
import { InputError, isUserFacing, UsageError } from './errors.ts';
import { cleanQuestion } from './answer/question.ts';
import { Store, storeError } from './store/store.ts';
import { createLogger } from './log.ts';
import { configureReportReading } from './corpus/read-file.ts';
import { digestCommand, factsCommand } from './digest/cli.ts';

export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  env: Record<string, string | undefined>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Characters of extracted text shown on each side of a passage by `source --raw`. */
const RAW_CONTEXT_CHARS = 300;

const json = { json: { type: 'boolean' } } as const satisfies Options;
const limit = { limit: { type: 'string' } } as const satisfies Options;

/** Every command and the flags it takes; `help`/`--help` are accepted everywhere. */
const COMMANDS = {
  ask: { ...json, explain: { type: 'boolean' } },
  search: { ...json, ...limit },
  source: { ...json, raw: { type: 'boolean' } },
  stats: { ...json },
  reports: { ...json },
  gaps: { ...json, ...limit },
  feedback: { ...json, ...limit },
  backup: {},
  facts: { ...json },
  digest: { days: { type: 'string' }, seed: { type: 'string' }, count: { type: 'string' }, now: { type: 'string' } },
  slack: { 'socket-mode': { type: 'boolean' }, http: { type: 'boolean' }, url: { type: 'string' } },
  discord: {},
  help: {},
} as const satisfies Record<string, Options>;

type CommandName = keyof typeof COMMANDS;

/** Commands made of subcommands, and the subcommands each takes. */
const SUBCOMMANDS: Partial<Record<CommandName, readonly string[]>> = {
  digest: ['preview', 'run-due'],
  slack: ['manifest'],
  discord: ['deploy', 'invite'],
};
const isCommand = (s: string): s is CommandName => Object.hasOwn(COMMANDS, s);

export const USAGE = `Usage: report-bot <command> [options]     (in a checkout: npm run cli -- <command> [options])

  ask [--json] [--explain] "question"  answer a question (with --json and no question: one per stdin line);
                                 --explain also prints the best candidates' scores, feature by feature
  search [--json] [--limit N] "terms"   ranked passages with highlighted snippets (N: 1-25, default 5)
  source [--json] [--raw] ID     one whole passage by id (e.g. ellis-peru-2/cocaine/4); --raw: the document's
                                 extracted text around it, with offsets, to compare with the file
  stats [--json]                 documents, sections, passages, sentences
  reports [--json]               each report (title, author, date, format, pages, passages) and any file skipped
  gaps [--json] [--limit N]      most frequent unanswered questions (from the question log)
  feedback [--json] [--limit N]  👍/👎 totals per passage and the questions voted down
  backup FILE                    a consistent copy of the database (SQLite online backup), safe while the bot runs
  facts [--json]                 the facts daily digests draw from
  digest preview [--days 7] [--seed S] [--count 3]   print a week of digests
  digest run-due [--now ISO]     post every digest that is due
  slack manifest [--socket-mode | --http [--url URL]]   print a Slack app manifest
  discord deploy                 register slash commands with Discord
  discord invite                 print the invite URL (bot + applications.commands, needed permissions)
  help, --help, -h               this text`;

interface Parsed {
  command: CommandName;
  positional: string[];
  flags: Map<string, string | true>;
}

/** The option name a parseArgs error is about (its messages quote it as '--name' or '-n'). */
const optionIn = (message: string): string => /'(-{1,2}[^' ]+)/.exec(message)?.[1] ?? 'an option';

/** Splits argv into the command, its words and its flags; throws a {@link UsageError} for anything unknown. */
export function parseCommandLine(argv: readonly string[]): Parsed | 'help' {
  const at = argv.findIndex((a) => !a.startsWith('-'));
  const name = at === -1 ? undefined : argv[at];
  const rest = at === -1 ? [...argv] : [...argv.slice(0, at), ...argv.slice(at + 1)];
  if (name === undefined) {
    if (rest.some((a) => a === '--help' || a === '-h')) return 'help';
    if (rest.length === 0) throw new UsageError(USAGE);
    throw new UsageError(`Unknown option ${JSON.stringify(rest[0]?.slice(0, 40))}: give a command first.\n\n${USAGE}`);
  }
  if (!isCommand(name)) throw new UsageError(`Unknown command "${name.slice(0, 40)}".\n\n${USAGE}`);
  let values: Record<string, string | boolean | Array<string | boolean> | undefined>;
  let positionals: string[];
  try {
    const options: Options = { ...COMMANDS[name], help: { type: 'boolean', short: 'h' } };
    const result = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
    values = result.values;
    positionals = result.positionals;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`Unknown option ${optionIn(e.message)} for ${name}.\n\n${USAGE}`);
    if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const option = optionIn(e.message);
      throw new UsageError(/argument missing/.test(e.message) ? `${option} needs a value.` : `${option} takes no value.`);
    }
    throw err;
  }
  if (values.help || name === 'help') return 'help';
  const subcommands = SUBCOMMANDS[name];
  if (subcommands) {
    const [sub, ...extra] = positionals;
    if (sub === undefined) throw new UsageError(`${name} needs a subcommand: ${subcommands.join(' or ')}.\n\n${USAGE}`);
    if (!subcommands.includes(sub)) throw new UsageError(`Unknown subcommand "${sub.slice(0, 40)}" for ${name}: use ${subcommands.join(' or ')}.\n\n${USAGE}`);
    if (extra.length > 0) throw new UsageError(`${name} ${sub} takes no further words (got "${extra.join(' ').slice(0, 40)}").\n\n${USAGE}`);
  }
  const flags = new Map<string, string | true>();
  // No option is declared `multiple`, so each value is one string or `true`.
  for (const [k, v] of Object.entries(values)) if (typeof v === 'string' || v === true) flags.set(k, v);
  return { command: name, positional: positionals, flags };
}

/** The JSON contract of `ask --json`. */
export function answerJson(a: Answer): Record<string, unknown> {
  return {
    question: a.question,
    answered: a.answered,
    confidence: a.confidence,
    answer: a.answer
      ? {
          text: a.answer.text,
          passageId: a.answer.passageId,
          citation: {
            documentId: a.answer.citation.documentId,
            document: a.answer.citation.document,
            author: a.answer.citation.author,
            date: a.answer.citation.date,
            section: a.answer.citation.section,
            paragraph: a.answer.citation.paragraph,
            page: a.answer.citation.page ?? null,
            label: a.answer.citation.label,
          },
        }
      : null,
    passages: a.passages.slice(0, 3).map((p) => ({ passageId: p.passageId, section: p.section, text: p.text, score: p.score })),
    ...(a.reason ? { reason: a.reason } : {}),
    ...(a.documents ? { documents: a.documents } : {}),
  };
}

function hitJson(h: SearchHit): Record<string, unknown> {
  return { passageId: h.passageId, section: h.section, score: h.score, snippet: h.snippet.text, label: h.citation.label, text: h.text };
}

function checkQuestion(raw: string, config: Config): string {
  const q = cleanQuestion(raw);
  if (!q) throw new UsageError('Type a question, e.g.: report-bot ask "What is the VRAEM?"');
  if (q.length > config.MAX_QUESTION_CHARS) {
    throw new UsageError(`The question is ${q.length} characters long; the limit is ${config.MAX_QUESTION_CHARS} (MAX_QUESTION_CHARS).`);
  }
  return q;
}

/** The `ask --json` object for a line that cannot be asked: same fields, `answered: false`, and why. */
function unusableLine(question: string, line: number, error: string): Record<string, unknown> {
  return { question: question.slice(0, 80), answered: false, confidence: 0, answer: null, passages: [], line, error };
}

/**
 * `ask --json` over stdin: exactly one output line per input line, in order, so answers line up with
 * questions — an unusable line (blank, only invisible characters or mentions, too long, or one the
 * engine fails on) gets an object with `error` instead of being skipped.
 */
async function askMany(engine: Engine, config: Config, io: CliIO): Promise<void> {
  const rl = createInterface({ input: io.stdin, crlfDelay: Infinity, terminal: false });
  let n = 0;
  for await (const line of rl) {
    n++;
    const q = cleanQuestion(line);
    let result: Record<string, unknown>;
    if (!q) result = unusableLine('', n, 'empty question: nothing left after removing blanks, invisible characters and mentions');
    else if (q.length > config.MAX_QUESTION_CHARS) result = unusableLine(q, n, `question longer than ${config.MAX_QUESTION_CHARS} characters`);
    else {
      try {
        result = answerJson(engine.answer(q));
      } catch (err) {
        result = unusableLine(q, n, `could not answer: ${(err as Error)?.message ?? String(err)}`);
      }
    }
    io.stdout.write(`${JSON.stringify(result)}\n`);
  }
}

/** A whole number flag within [min, max], or `fallback` when absent. */
function intFlag(flags: Map<string, string | true>, name: string, min: number, max: number, fallback: number): number {
  const v = flags.get(name);
  if (v === undefined) return fallback;
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} takes a whole number from ${min} to ${max}`);
  return n;
}

/** Runs one CLI invocation; returns the exit code. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const out = (s: string) => io.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
  try {
    const parsed = parseCommandLine(argv);
    if (parsed === 'help') {
      out(USAGE);
      return 0;
    }
    const { command, positional: rest, flags } = parsed;
    const json = flags.has('json');
    if (io.env === process.env) loadDotEnv();
    const config = loadConfig(io.env);
    const registry = loadRegistry();
    const load = () => {
      // Report files: size bound and decoding warnings (quiet at info level: stdout is the answer).
      configureReportReading({ maxReportBytes: config.MAX_REPORT_BYTES, logger: createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL) });
      return Engine.load(config.CORPUS_DIR, { maxQuestionChars: config.MAX_QUESTION_CHARS, sentenceCachePassages: config.SENTENCE_CACHE_PASSAGES });
    };
    switch (command) {
      case 'ask': {
        const engine = await load();
        if (rest.length === 0 && json) {
          await askMany(engine, config, io);
          return 0;
        }
        const q = checkQuestion(rest.join(' '), config);
        const a = engine.answer(q);
        const explained = flags.has('explain') ? engine.explain(q) : null;
        if (json) out(JSON.stringify({ ...answerJson(a), ...(explained ? { explain: explained } : {}) }));
        else {
          out(renderText(answerReply(a, (id) => engine.corpus.byId.get(id)?.order ?? 0)));
          for (const [i, c] of (explained ?? []).entries()) {
            out(`\n#${i + 1} score ${c.score} — ${c.passageId}: ${c.text.slice(0, 120)}${c.text.length > 120 ? '…' : ''}`);
            for (const p of c.parts) out(`  ${p.contribution >= 0 ? '+' : ''}${p.contribution.toFixed(3)}  ${p.feature} = ${p.value.toFixed(3)} × ${p.weight.toFixed(3)}  (${p.description})`);
          }
        }
        return 0;
      }
      case 'search': {
        const terms = cleanQuestion(rest.join(' '));
        if (!terms) throw new UsageError('Give search terms, e.g.: report-bot search "illegal mining"');
        const n = intFlag(flags, 'limit', 1, 25, 5);
        const engine = await load();
        const hits = engine.search(terms, { limit: n });
        if (json) out(JSON.stringify({ terms, results: hits.map(hitJson) }));
        else if (hits.length === 0) out(`No passage matches "${terms}".`);
        else out(hits.map((h, i) => `${i + 1}. [${h.passageId}] ${h.citation.label}\n   “${h.snippet.text}”`).join('\n\n'));
        return 0;
      }
      case 'source': {
        if (!rest[0]) throw new UsageError('Give a passage id, e.g.: report-bot source ellis-peru-2/cocaine/4');
        const engine = await load();
        const { passage, citation } = engine.passage(rest.join(' '));
        if (flags.has('raw')) {
          // The extracted source around the passage (a PDF's or a web page's text as the bot reads it).
          const source = engine.corpus.documentsById.get(passage.documentId)?.source ?? '';
          const from = Math.max(0, passage.start - RAW_CONTEXT_CHARS);
          const to = Math.min(source.length, passage.end + RAW_CONTEXT_CHARS);
          const raw = { passageId: passage.id, start: passage.start, end: passage.end, before: source.slice(from, passage.start), text: source.slice(passage.start, passage.end), after: source.slice(passage.end, to) };
          if (json) out(JSON.stringify(raw));
          else out(`[${passage.id}: characters ${passage.start}–${passage.end} of ${basename(engine.corpus.documentsById.get(passage.documentId)?.path ?? '')}, as extracted]\n…${raw.before}⟦${raw.text}⟧${raw.after}…`);
          return 0;
        }
        if (json) out(JSON.stringify({ passageId: passage.id, section: passage.sectionTitle, paragraph: passage.paragraph, text: passage.text, citation }));
        else out(renderText(passageReply({ engine }, passage.id)));
        return 0;
      }
      case 'stats': {
        const s = (await load()).stats();
        if (json) out(JSON.stringify(s));
        else out(`documents: ${s.documents}\nsections: ${s.sections}\npassages: ${s.passages}\nsentences: ${s.sentences}`);
        return 0;
      }
      case 'reports': {
        const engine = await load();
        const { documents, skipped } = engine.corpus;
        if (json) {
          const passages = (d: (typeof documents)[number]) => d.sections.reduce((n, s) => n + s.passages.length, 0);
          const pages = (d: (typeof documents)[number]) => d.sections.flatMap((s) => s.passages).reduce((n, p) => Math.max(n, p.page ?? 0), 0) || null;
          out(JSON.stringify({
            loadedAt: engine.loadedAt.toISOString(),
            documents: documents.map((d) => ({ id: d.id, title: d.title, author: d.author, date: d.date, file: basename(d.path), pages: pages(d), passages: passages(d) })),
            skipped,
          }));
        } else out(documents.map((d) => documentLine(d)).concat(skipped.map((s) => `skipped ${s.file}: ${s.reason}`)).join('\n'));
        return 0;
      }
      case 'gaps': {
        const n = intFlag(flags, 'limit', 1, 1000, 20);
        return withStore(config, (store) => {
          const gaps = store.gaps(n);
          if (json) out(JSON.stringify(gaps));
          else if (gaps.length === 0) out('No unanswered questions logged yet.');
          else out(gaps.map((g) => `${String(g.count).padStart(4)}  ${g.question}   (last ${g.lastAsked.slice(0, 10)})`).join('\n'));
        });
      }
      case 'feedback': {
        const n = intFlag(flags, 'limit', 1, 1000, 20);
        return withStore(config, (store) => {
          const passages = store.feedbackByPassage();
          const down = store.downVotedQuestions(n);
          if (json) return void out(JSON.stringify({ passages, downVoted: down }));
          if (passages.length === 0) return void out('No 👍/👎 feedback recorded yet.');
          out(`👍    👎   passage\n${passages.map((p) => `${String(p.up).padStart(4)}  ${String(p.down).padStart(4)}   ${p.passageId}`).join('\n')}`);
          out(
            down.length === 0
              ? '\nNo logged question was voted down.'
              : `\nQuestions voted down (👎, question, passage shown):\n${down.map((d) => `${String(d.down).padStart(4)}  ${d.question}   (${d.passageId})`).join('\n')}`,
          );
        });
      }
      case 'backup': {
        if (rest.length !== 1 || !rest[0]) throw new UsageError('Give the file to write, e.g.: report-bot backup /var/backups/report-bot.sqlite');
        const file = rest[0];
        // Opening a missing database would create an empty one, and back that up.
        if (!existsSync(config.DATABASE_PATH)) throw new InputError(`There is no database at ${config.DATABASE_PATH} (DATABASE_PATH): nothing to back up.`);
        const store = new Store(config.DATABASE_PATH);
        try {
          await store.backup(file);
        } finally {
          store.close();
        }
        out(`Backed up ${store.path} to ${file}.`);
        return 0;
      }
      case 'facts':
        return await factsCommand({ json, engine: await load(), out });
      case 'digest': {
        const engine = await load();
        if (rest[0] !== 'run-due') return await digestCommand({ args: rest, flags, engine, config, registry, out });
        // The composition root builds the platform clients; this command only runs what is due.
        const { configuredPosters } = await import('./compose.ts');
        const { posters, close } = await configuredPosters(config);
        try {
          return await digestCommand({ args: rest, flags, engine, config, registry, out, posters, logger: createLogger(config.LOG_LEVEL) });
        } finally {
          await close();
        }
      }
      case 'slack': {
        if (rest[0] !== 'manifest' || rest.length > 1) throw new UsageError('Usage: report-bot slack manifest [--socket-mode | --http [--url URL]]');
        const { slackManifest } = await import('./adapters/slack/manifest.ts');
        // The mode follows the settings (SLACK_APP_TOKEN set → Socket Mode) unless a flag picks it.
        const socketMode = flags.has('socket-mode') ? true : flags.has('http') ? false : Boolean(config.SLACK_APP_TOKEN);
        const url = flags.get('url');
        if (url !== undefined && (url === true || !/^https:\/\/\S+$/.test(url))) throw new UsageError('--url takes the public HTTPS address of /slack/events');
        const manifest = slackManifest({ ...config, SLACK_APP_TOKEN: socketMode ? 'xapp-manifest' : undefined }, registry, url);
        out(JSON.stringify(manifest, null, 2));
        return 0;
      }
      case 'discord': {
        if (rest[0] === 'invite' && rest.length === 1) {
          if (!config.DISCORD_APPLICATION_ID) throw new UsageError('Set DISCORD_APPLICATION_ID (Developer Portal → General Information) first.');
          const { inviteUrl } = await import('./adapters/discord/index.ts');
          out(inviteUrl(config.DISCORD_APPLICATION_ID));
          return 0;
        }
        if (rest[0] !== 'deploy' || rest.length > 1) throw new UsageError('Usage: report-bot discord deploy | discord invite');
        const { deployCommands } = await import('./adapters/discord/deploy.ts');
        const result = await deployCommands({ config, registry });
        out(
          `Registered ${result.commands.length} commands (${result.commands.map((c) => `/${c}`).join(', ')}) ` +
            (result.scope === 'guild' ? `in server ${result.guildId}.` : 'globally (new commands can take up to an hour to appear).'),
        );
        return 0;
      }
      case 'help':
        out(USAGE);
        return 0;
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`${err.message}\n`);
      return 2;
    }
    const sqlite = /^SQLITE_/.test(String((err as { code?: unknown } | null)?.code ?? ''));
    const message = isUserFacing(err)
      ? err.message
      : sqlite
        ? storeError(configSchema.shape.DATABASE_PATH.parse(io.env.DATABASE_PATH || undefined), err, 'use the database').message
        : `Unexpected error: ${(err as Error)?.message ?? String(err)}`;
    io.stderr.write(`${message}\n`);
    return 1;
  }
}

/**
 * Opens the store for one read-only report and closes it whatever happens. Read-only, without the
 * migration write lock (unless a migration is due): `gaps` and `feedback` work next to a busy bot.
 */
function withStore(config: Config, read: (store: Store) => void): number {
  const store = new Store(config.DATABASE_PATH, undefined, { mode: 'read' });
  try {
    read(store);
    return 0;
  } finally {
    store.close();
  }
}

/** The process: `report-bot …` and `npm run cli -- …` end here. */
export async function runCliMain(): Promise<void> {
  // `report-bot facts | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env });
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isMain) await runCliMain();
