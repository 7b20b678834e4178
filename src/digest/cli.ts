/**
 * CLI pieces of the digest feature, wired into `src/cli.ts`:
 *
 *   facts [--json]                                  the facts digests draw from
 *   digest preview [--days 7] [--seed S] [--count 3] a week of digests, printed
 *   digest run-due [--now ISO]                      post whatever is due through the posters it is given
 *
 * Each returns an exit code; a bad subcommand or flag throws a {@link UsageError} (exit code 2) with a
 * message saying what is accepted.
 */
import type { Registry } from '../../commands/index.ts';
import type { Reply } from '../../commands/types.ts';
import type { Engine } from '../answer/engine.ts';
import { renderText } from '../adapters/console/render.ts';
import { slackCommandName } from '../adapters/slack/manifest.ts';
import type { Config } from '../config.ts';
import { UsageError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { silentLogger } from '../log.ts';
import { Store } from '../store/store.ts';
import { factsFor, type Fact } from './facts.ts';
import { defaultLabel, digestReply, type CommandLabel } from './message.ts';
import type { Poster } from './posters.ts';
import { selectNext } from './rotation.ts';
import { DigestScheduler } from './scheduler.ts';
import { DigestStore } from './store.ts';
import { addDays, formatInZone, latestOccurrence, localDateOf, zonedInstant } from './time.ts';

type Out = (s: string) => void;

export interface FactsCommandArgs {
  json: boolean;
  engine: Engine;
  out: Out;
}

/** `facts [--json]`: every fact, one JSON object a line with `--json` (`{"id","text","passageId","citation"}`). */
export async function factsCommand({ json, engine, out }: FactsCommandArgs): Promise<number> {
  const facts = factsFor(engine.corpus);
  if (json) {
    for (const f of facts) out(JSON.stringify({ id: f.id, text: f.text, passageId: f.passageId, citation: f.citation }));
    return 0;
  }
  for (const f of facts) out(`[${f.id}] ${f.text}\n    — ${f.citation.label}`);
  out(factsSummary(engine, facts));
  return 0;
}

/** "131 facts from 1 report — Introduction 26 · Cocaine 26 · …" */
export function factsSummary(engine: Engine, facts: readonly Fact[]): string {
  const perSection = new Map<string, number>();
  for (const f of facts) perSection.set(`${f.documentId}\u0000${f.citation.section}`, (perSection.get(`${f.documentId}\u0000${f.citation.section}`) ?? 0) + 1);
  const parts: string[] = [];
  for (const doc of engine.corpus.documents) {
    for (const s of doc.sections) parts.push(`${s.title} ${perSection.get(`${doc.id}\u0000${s.title}`) ?? 0}`);
  }
  const docs = engine.corpus.documents.length;
  return `${facts.length} facts from ${docs} report${docs === 1 ? '' : 's'} — ${parts.join(' · ')}`;
}

export interface DigestCommandArgs {
  args: string[];
  flags: Map<string, string | true>;
  engine: Engine;
  config: Config;
  registry?: Registry;
  out: Out;
  logger?: Logger;
  /**
   * The platforms' posters for `run-due`, built by the composition root (`src/compose.ts`) from the
   * configuration; a platform without one is shown as "not posted". Default: none.
   */
  posters?: Readonly<Partial<Record<string, Poster>>>;
  /** The current time (tests); `--now` wins over it. */
  now?: () => Date;
}

function intFlag(flags: Map<string, string | true>, name: string, min: number, max: number, fallback: number): number {
  const v = flags.get(name);
  if (v === undefined) return fallback;
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} takes a whole number from ${min} to ${max}.`);
  return n;
}

function stringFlag(flags: Map<string, string | true>, name: string): string | undefined {
  const v = flags.get(name);
  if (v === true) throw new UsageError(`--${name} needs a value.`);
  return v;
}

/** `digest preview|run-due`. */
export async function digestCommand(a: DigestCommandArgs): Promise<number> {
  const [sub] = a.args;
  if (sub === 'preview') return preview(a);
  if (sub === 'run-due') return runDue(a);
  throw new UsageError('Usage: report-bot digest preview [--days 7] [--seed S] [--count 3]  |  digest run-due [--now ISO]');
}

/**
 * Prints the digests a channel subscribed now would get on each of the next `--days` days (daily,
 * `--count` facts, rotation seeded with `--seed`), using the real scheduler on a throw-away database.
 */
async function preview(a: DigestCommandArgs): Promise<number> {
  const days = intFlag(a.flags, 'days', 1, 366, 7);
  const count = intFlag(a.flags, 'count', 1, 5, 3);
  const seed = stringFlag(a.flags, 'seed') ?? 'preview';
  const facts = factsFor(a.engine.corpus);
  if (facts.length === 0) {
    a.out('The report has no facts to show.');
    return 0;
  }
  const tz = a.config.DEFAULT_TIMEZONE;
  const store = new Store(':memory:');
  try {
    const digests = new DigestStore(store);
    const start = (a.now ?? (() => new Date()))();
    const first = addDays(localDateOf(start, tz), 1);
    const subscribedAt = zonedInstant(first, '00:00', tz);
    digests.subscribe({ platform: 'preview', channelId: 'preview', time: '09:00', timezone: tz, count, days: 'daily', userId: 'cli', now: subscribedAt, seed });
    const printed: Reply[] = [];
    const scheduler = new DigestScheduler({
      store: digests,
      corpus: a.engine.corpus,
      facts,
      posters: { preview: async (_s, reply) => void printed.push(reply) },
      commandLabel: () => defaultLabel,
    });
    for (let i = 0; i < days; i++) {
      const at = zonedInstant(addDays(first, i), '09:00', tz);
      const before = printed.length;
      await scheduler.runDue(at);
      const reply = printed[before];
      if (!reply) continue;
      a.out(`=== ${formatInZone(at, tz)} ===\n\n${renderText(reply)}\n`);
    }
    a.out(`${days} digest${days === 1 ? '' : 's'} of ${count} from ${facts.length} facts (seed "${seed}"; rounds never repeat a fact).`);
  } finally {
    store.close();
  }
  return 0;
}

const TOKEN_FOR: Record<string, string> = { slack: 'SLACK_BOT_TOKEN', discord: 'DISCORD_TOKEN' };

/**
 * Posts every digest due at `--now` (default: the current time) through the configured platforms,
 * with the same claims as the running bot, so running it next to the bot never posts twice. For a
 * platform without a token it prints what would be posted instead, claiming nothing.
 */
async function runDue(a: DigestCommandArgs): Promise<number> {
  const nowFlag = stringFlag(a.flags, 'now');
  let now = (a.now ?? (() => new Date()))();
  if (nowFlag !== undefined) {
    now = new Date(nowFlag);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(nowFlag) || Number.isNaN(now.getTime())) {
      throw new UsageError('--now takes an ISO date-time such as 2026-03-09T14:00:00Z.');
    }
  }
  const facts = factsFor(a.engine.corpus);
  const store = new Store(a.config.DATABASE_PATH);
  const posters = a.posters ?? {};
  try {
    const digests = new DigestStore(store);
    const label = (platform: string): CommandLabel =>
      platform === 'slack' ? (n) => slackCommandName(a.config, n) : defaultLabel;
    const scheduler = new DigestScheduler({
      store: digests,
      corpus: a.engine.corpus,
      facts,
      posters,
      logger: a.logger ?? silentLogger,
      commandLabel: label,
      options: { catchupHours: a.config.DIGEST_CATCHUP_HOURS },
    });
    const report = await scheduler.runDue(now);
    const name = (id: number) => {
      const s = digests.byId(id);
      return s ? `${s.platform} ${s.channelId}` : `#${id}`;
    };
    for (const p of report.posted) a.out(`posted   ${name(p.subscriptionId)}  ${p.localDate}  (${p.attempts} attempt${p.attempts === 1 ? '' : 's'})`);
    for (const s of report.skipped) a.out(`skipped  ${name(s.subscriptionId)}  ${s.localDate}  ${s.reason}`);
    for (const f of report.failed) {
      // A refused message (or facts gone from the corpus) closes the day; a passing failure is retried.
      const row = digests.delivery(f.subscriptionId, f.localDate);
      // A retry planned past the catch-up window will be recorded as skipped instead.
      const windowEnds = row ? row.scheduledAt.getTime() + a.config.DIGEST_CATCHUP_HOURS * 3_600_000 : 0;
      const retried = row?.nextAttemptAt != null && row.nextAttemptAt.getTime() <= windowEnds;
      a.out(`failed   ${name(f.subscriptionId)}  ${f.localDate}  ${f.error} (${retried ? 'will retry' : 'not retried'})`);
    }
    for (const e of report.errors) a.out(`error    ${name(e.subscriptionId)}  ${e.error}`);
    for (const p of report.paused) a.out(`paused   ${name(p.subscriptionId)}  ${p.reason}`);
    if (scheduler.unrecordedCount > 0) {
      // Posted, but the database would not take the record: the next run (bot or CLI) finds the
      // message in the channel after the claim's lease and records it, without posting again.
      a.out(`unrecorded  ${scheduler.unrecordedCount} posted digest(s) could not be recorded in ${store.path} (DATABASE_PATH); the next run reconciles them from the channel, without posting again`);
    }

    // Subscriptions whose platform has no token: show what would be posted, claim nothing.
    let wouldPost = 0;
    for (const sub of digests.running()) {
      if (posters[sub.platform]) continue;
      const { at, localDate } = latestOccurrence(sub, now);
      if (at < sub.activeSince || digests.delivery(sub.id, localDate)) continue;
      if (now.getTime() - at.getTime() > a.config.DIGEST_CATCHUP_HOURS * 3_600_000) continue;
      const selection = selectNext(digests.rotation(sub.id), facts.map((f) => f.id), sub.count, sub.seed);
      const byId = new Map(facts.map((f) => [f.id, f]));
      const reply = digestReply(a.engine.corpus, selection.factIds.flatMap((id) => byId.get(id) ?? []), selection, label(sub.platform));
      wouldPost++;
      a.out(
        `not posted  ${sub.platform} ${sub.channelId}  ${localDate}: ${TOKEN_FOR[sub.platform] ?? `a ${sub.platform} connection`} is not set. It would post:\n\n${renderText(reply)}\n`,
      );
    }
    const total = report.posted.length + report.skipped.length + report.failed.length + report.paused.length + report.errors.length + wouldPost;
    if (total === 0) a.out(`Nothing due at ${now.toISOString()}.`);
    return report.failed.length > 0 || report.errors.length > 0 || scheduler.unrecordedCount > 0 ? 1 : 0;
  } finally {
    store.close();
  }
}
