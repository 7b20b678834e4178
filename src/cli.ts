/**
 * `npm run cli -- <command>`: the engine from the shell, with a JSON contract other tools rely on.
 *
 *   ask [--json] "question"     one answer (no question + --json: one question per stdin line)
 *   search [--json] "terms"     ranked passages with snippets
 *   source [--json] ID          one whole passage
 *   stats [--json]              documents, sections, passages, sentences
 *   gaps [--limit N]            the most frequent questions the report failed to answer
 *   facts [--json]              the facts digests draw from
 *   digest preview|run-due      digest operations
 *   slack manifest              a Slack app manifest for "Create an app from a manifest"
 *   discord deploy              register the slash commands with Discord
 *
 * Errors print one clear line on stderr and exit non-zero (2 for usage, 1 otherwise); never a stack.
 */
import { createInterface } from 'node:readline';
import { loadRegistry } from '../commands/index.ts';
import { Engine } from './answer/engine.ts';
import type { Answer, SearchHit } from './answer/types.ts';
import { renderText } from './adapters/console/render.ts';
import { answerReply } from '../commands/ask.ts';
import { passageReply } from '../commands/source.ts';
import { configSchema, loadConfig, loadDotEnv, type Config } from './config.ts';
import { resolve } from 'node:path';
import { isUserFacing, UsageError } from './errors.ts';
import { cleanQuestion } from './answer/question.ts';
import { Store, storeError } from './store/store.ts';
import { slackManifest } from './adapters/slack/manifest.ts';
import { deployCommands } from './adapters/discord/deploy.ts';
import { inviteUrl } from './adapters/discord/index.ts';
import { createLogger } from './log.ts';
import { configureReportReading } from './corpus/read-file.ts';
import { digestCommand, factsCommand } from './digest/cli.ts';

export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  env: Record<string, string | undefined>;
}

interface Parsed {
  positional: string[];
  flags: Map<string, string | true>;
}

function parseArgs(argv: string[]): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    const m = /^--([a-z][a-z-]*)(?:=(.*))?$/.exec(a);
    if (!m) {
      positional.push(a);
      continue;
    }
    const takesValue = ['limit', 'days', 'seed', 'now', 'offset', 'section', 'url', 'count'].includes(m[1]!);
    if (m[2] !== undefined) flags.set(m[1]!, m[2]);
    else if (takesValue && argv[i + 1] !== undefined) flags.set(m[1]!, argv[++i]!);
    else flags.set(m[1]!, true);
  }
  return { positional, flags };
}

const USAGE = `Usage: npm run cli -- <command> [options]

  ask [--json] "question"        answer a question (with --json and no question: one per stdin line)
  search [--json] "terms"        ranked passages with highlighted snippets
  source [--json] ID             one whole passage by id (e.g. ellis-peru-2/cocaine/4)
  stats [--json]                 documents, sections, passages, sentences
  gaps [--limit N]               most frequent unanswered questions (from the question log)
  facts [--json]                 the facts daily digests draw from
  digest preview [--days 7] [--seed S]   print a week of digests
  digest run-due [--now ISO]     post every digest that is due
  slack manifest [--socket-mode | --http [--url URL]]   print a Slack app manifest
  discord deploy                 register slash commands with Discord
  discord invite                 print the invite URL (bot + applications.commands, needed permissions)`;

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
            document: a.answer.citation.document,
            section: a.answer.citation.section,
            paragraph: a.answer.citation.paragraph,
            label: a.answer.citation.label,
          },
        }
      : null,
    passages: a.passages.slice(0, 3).map((p) => ({ passageId: p.passageId, section: p.section, text: p.text, score: p.score })),
  };
}

function hitJson(h: SearchHit): Record<string, unknown> {
  return { passageId: h.passageId, section: h.section, score: h.score, snippet: h.snippet.text, label: h.citation.label, text: h.text };
}

function checkQuestion(raw: string, config: Config): string {
  const q = cleanQuestion(raw);
  if (!q) throw new UsageError('Type a question, e.g.: npm run cli -- ask "What is the VRAEM?"');
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

/** Runs one CLI invocation; returns the exit code. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const { positional, flags } = parseArgs(argv);
  const [command, ...rest] = positional;
  const json = flags.has('json');
  const out = (s: string) => io.stdout.write(s.endsWith('\n') ? s : `${s}\n`);
  try {
    if (!command || command === 'help' || flags.has('help')) {
      out(USAGE);
      return command || flags.has('help') ? 0 : 2;
    }
    if (io.env === process.env) loadDotEnv();
    const config = loadConfig(io.env);
    const registry = loadRegistry();
    const needsEngine = ['ask', 'search', 'source', 'stats', 'facts', 'digest'].includes(command);
    configureReportReading({ maxReportBytes: config.MAX_REPORT_BYTES, logger: createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL) });
    const engine = needsEngine ? await Engine.load(config.CORPUS_DIR) : undefined;
    switch (command) {
      case 'ask': {
        if (rest.length === 0 && json) {
          await askMany(engine!, config, io);
          return 0;
        }
        const q = checkQuestion(rest.join(' '), config);
        const a = engine!.answer(q);
        if (json) out(JSON.stringify(answerJson(a)));
        else out(renderText(answerReply(a, (id) => engine!.corpus.byId.get(id)?.order ?? 0)));
        return 0;
      }
      case 'search': {
        const terms = cleanQuestion(rest.join(' '));
        if (!terms) throw new UsageError('Give search terms, e.g.: npm run cli -- search "illegal mining"');
        const limit = Number(flags.get('limit') ?? 5);
        if (!Number.isInteger(limit) || limit < 1 || limit > 25) throw new UsageError('--limit takes a whole number from 1 to 25');
        const hits = engine!.search(terms, { limit });
        if (json) out(JSON.stringify({ terms, results: hits.map(hitJson) }));
        else if (hits.length === 0) out(`No passage matches "${terms}".`);
        else out(hits.map((h, i) => `${i + 1}. [${h.passageId}] ${h.citation.label}\n   “${h.snippet.text}”`).join('\n\n'));
        return 0;
      }
      case 'source': {
        if (!rest[0]) throw new UsageError('Give a passage id, e.g.: npm run cli -- source ellis-peru-2/cocaine/4');
        const { passage, citation } = engine!.passage(rest.join(' '));
        if (json) out(JSON.stringify({ passageId: passage.id, section: passage.sectionTitle, paragraph: passage.paragraph, text: passage.text, citation }));
        else out(renderText(passageReply({ engine: engine! }, passage.id)));
        return 0;
      }
      case 'stats': {
        const s = engine!.stats();
        if (json) out(JSON.stringify(s));
        else out(`documents: ${s.documents}\nsections: ${s.sections}\npassages: ${s.passages}\nsentences: ${s.sentences}`);
        return 0;
      }
      case 'gaps': {
        const limit = Number(flags.get('limit') ?? 20);
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError('--limit takes a whole number from 1 to 1000');
        // Read-only, without the migration write lock: `gaps` works next to a busy bot.
        const store = new Store(config.DATABASE_PATH, undefined, { mode: 'read' });
        try {
          const gaps = store.gaps(limit);
          if (json) out(JSON.stringify(gaps));
          else if (gaps.length === 0) out('No unanswered questions logged yet.');
          else out(gaps.map((g) => `${String(g.count).padStart(4)}  ${g.question}   (last ${g.lastAsked.slice(0, 10)})`).join('\n'));
        } finally {
          store.close();
        }
        return 0;
      }
      case 'facts':
        return await factsCommand({ json, engine: engine!, out });
      case 'digest':
        return await digestCommand({ args: rest, flags, engine: engine!, config, registry, out, logger: createLogger(config.LOG_LEVEL) });
      case 'slack': {
        if (rest[0] !== 'manifest') throw new UsageError('Usage: npm run cli -- slack manifest [--socket-mode | --http [--url URL]]');
        // The mode follows the settings (SLACK_APP_TOKEN set → Socket Mode) unless a flag picks it.
        const socketMode = flags.has('socket-mode') ? true : flags.has('http') ? false : Boolean(config.SLACK_APP_TOKEN);
        const url = flags.get('url');
        if (url !== undefined && (url === true || !/^https:\/\/\S+$/.test(url))) throw new UsageError('--url takes the public HTTPS address of /slack/events');
        const manifest = slackManifest({ ...config, SLACK_APP_TOKEN: socketMode ? 'xapp-manifest' : undefined }, registry, url);
        out(JSON.stringify(manifest, null, 2));
        return 0;
      }
      case 'discord': {
        if (rest[0] === 'invite') {
          if (!config.DISCORD_APPLICATION_ID) throw new UsageError('Set DISCORD_APPLICATION_ID (Developer Portal → General Information) first.');
          out(inviteUrl(config.DISCORD_APPLICATION_ID));
          return 0;
        }
        if (rest[0] !== 'deploy') throw new UsageError('Usage: npm run cli -- discord deploy | discord invite');
        const result = await deployCommands({ config, registry });
        out(
          `Registered ${result.commands.length} commands (${result.commands.map((c) => `/${c}`).join(', ')}) ` +
            (result.scope === 'guild' ? `in server ${result.guildId}.` : 'globally (new commands can take up to an hour to appear).'),
        );
        return 0;
      }
      default:
        throw new UsageError(`Unknown command "${command.slice(0, 40)}".\n\n${USAGE}`);
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
        ? storeError(resolve(io.env.DATABASE_PATH || configSchema.shape.DATABASE_PATH.parse(undefined)), err, 'use the database').message
        : `Unexpected error: ${(err as Error)?.message ?? String(err)}`;
    io.stderr.write(`${message}\n`);
    return 1;
  }
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  // `npm run cli -- facts | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  const code = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env });
  process.exitCode = code;
}
