/**
 * A bounded Slack load test on 127.0.0.1 (issue 8): a real Bolt app in HTTP mode with a real SQLite
 * file, answering through the local Web API stand-in, receives `--total` signed `/ask` commands with
 * `--concurrency` in flight. Reports how many were acknowledged (HTTP 200) and answered (their
 * `response_url` called), the ack latency percentiles and memory over time.
 *
 *   npm run load                      # 2,000 requests, concurrency 20
 *   npm run load -- --total 500 --concurrency 10 --json
 *   npm run load -- --lock-seconds 12      # another connection holds the write lock for 12 s
 *
 * The bot, the stand-in and the load generator share one process, so the memory figures include all
 * three; the ack latency is measured from sending the request to its HTTP response.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Engine } from '../src/answer/engine.ts';
import { loadConfig } from '../src/config.ts';
import { silentLogger } from '../src/log.ts';
import { Store } from '../src/store/store.ts';
import { writeQueueFor } from '../src/store/write-queue.ts';
import Database from 'better-sqlite3';
import { loadRegistry } from '../commands/index.ts';
import { createSlackApp } from '../src/adapters/slack/index.ts';
import { signature, slashBody, startSlackStandIn } from '../test/adapters/slack/stand-in.ts';

export interface LoadOptions {
  total: number;
  concurrency: number;
  /** Memory samples taken over the run (evenly spaced by requests sent). */
  samples?: number;
  /** Another connection holds the database's write lock for this long from the start (a fault). */
  lockMs?: number;
}

export interface LoadReport {
  total: number;
  concurrency: number;
  acknowledged: number;
  answered: number;
  /** Questions in the question log after the run (the queue flushed once the lock was released). */
  logged: number;
  /** Responses other than 200, by status. */
  refused: Record<string, number>;
  ackMs: { p50: number; p90: number; p99: number; max: number };
  memory: Array<{ sent: number; rssMB: number; heapUsedMB: number }>;
  seconds: number;
}

const QUESTIONS = [
  'What is the VRAEM?',
  'How many hectares of coca were under cultivation at the end of 2020?',
  'Who are the Shining Path?',
  'What is PIAS?',
  'Why is illegal mining a problem?',
  'What is the GDP of Peru?',
  'How much gold is mined illegally?',
  'What happened with Venezuelan migrants?',
];

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;

/** Runs the load test and returns its figures; everything it started is stopped again. */
export async function runLoad(opts: LoadOptions): Promise<LoadReport> {
  const secret = 'load-test-secret';
  const standIn = await startSlackStandIn();
  const dir = mkdtempSync(join(tmpdir(), 'report-bot-load-'));
  const store = new Store(join(dir, 'load.sqlite'));
  const config = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-load-test',
    SLACK_SIGNING_SECRET: secret,
    SLACK_API_URL: standIn.apiUrl,
    PORT: '0',
    LOG_LEVEL: 'silent',
    RATE_LIMIT_PER_MINUTE: '10000',
  });
  const engine = await Engine.load(resolve(import.meta.dirname, '..', 'corpus'));
  const slack = createSlackApp({ engine, registry: loadRegistry(), store, config, logger: silentLogger, reactionDelayMs: 60_000 });
  const handle = await slack.start({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${handle.port}/slack/events`;
  const acks: number[] = [];
  const refused: Record<string, number> = {};
  const memory: LoadReport['memory'] = [];
  const every = Math.max(1, Math.floor(opts.total / (opts.samples ?? 10)));
  const urls: string[] = [];
  let next = 0;
  const started = performance.now();
  const sample = (sent: number) => {
    const m = process.memoryUsage();
    memory.push({ sent, rssMB: mb(m.rss), heapUsedMB: mb(m.heapUsed) });
  };
  sample(0);
  let lock: Database.Database | undefined;
  let released: Promise<void> = Promise.resolve();
  if (opts.lockMs) {
    lock = new Database(join(dir, 'load.sqlite'));
    lock.exec('BEGIN IMMEDIATE');
    released = new Promise((r) =>
      setTimeout(() => {
        lock!.exec('COMMIT');
        r();
      }, opts.lockMs),
    );
  }
  try {
    const worker = async () => {
      while (next < opts.total) {
        const n = next++;
        if (n > 0 && n % every === 0) sample(n);
        const responseUrl = standIn.responseUrl();
        urls.push(responseUrl);
        const body = slashBody({ command: '/ask', text: QUESTIONS[n % QUESTIONS.length]!, user: `U${n % 200}`, responseUrl });
        const ts = Math.floor(Date.now() / 1000);
        const t0 = performance.now();
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signature(secret, ts, body) },
          body,
        });
        await res.text();
        acks.push(performance.now() - t0);
        if (res.status !== 200) refused[res.status] = (refused[res.status] ?? 0) + 1;
      }
    };
    await Promise.all(Array.from({ length: opts.concurrency }, worker));
    // Every acknowledged command must be answered through its response_url.
    const pending = new Set(urls);
    const deadline = Date.now() + 60_000;
    while (pending.size > 0 && Date.now() < deadline) {
      for (const c of standIn.calls) if (c.method === 'respond') pending.delete(c.url);
      if (pending.size > 0) await new Promise((r) => setTimeout(r, 20));
    }
    sample(opts.total);
    await released;
    writeQueueFor(store).flush();
    const logged = (store.db.prepare('SELECT COUNT(*) AS n FROM question_log').get() as { n: number }).n;
    const sorted = [...acks].sort((a, b) => a - b);
    const round = (n: number) => Math.round(n * 10) / 10;
    return {
      total: opts.total,
      concurrency: opts.concurrency,
      acknowledged: opts.total - Object.values(refused).reduce((a, b) => a + b, 0),
      answered: urls.length - pending.size,
      logged,
      refused,
      ackMs: { p50: round(percentile(sorted, 50)), p90: round(percentile(sorted, 90)), p99: round(percentile(sorted, 99)), max: round(sorted.at(-1) ?? 0) },
      memory,
      seconds: round((performance.now() - started) / 1000),
    };
  } finally {
    lock?.close();
    await handle.stop(2000);
    await standIn.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (invokedDirectly) {
  const arg = (name: string, fallback: number): number => {
    const i = process.argv.indexOf(`--${name}`);
    const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
    if (!Number.isInteger(v) || v < 1) {
      process.stderr.write(`--${name} takes a whole number\n`);
      process.exit(2);
    }
    return v;
  };
  const lockIndex = process.argv.indexOf('--lock-seconds');
  const lockMs = lockIndex >= 0 ? Number(process.argv[lockIndex + 1]) * 1000 : 0;
  const report = await runLoad({ total: arg('total', 2000), concurrency: arg('concurrency', 20), ...(lockMs > 0 ? { lockMs } : {}) });
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(report)}\n`);
  else {
    const pct = (n: number) => `${((100 * n) / report.total).toFixed(1)} %`;
    process.stdout.write(
      [
        `${report.total} signed /ask at concurrency ${report.concurrency} in ${report.seconds} s (Node ${process.version})`,
        `acknowledged: ${report.acknowledged} (${pct(report.acknowledged)})${Object.keys(report.refused).length ? `, refused: ${JSON.stringify(report.refused)}` : ''}`,
        `answered:     ${report.answered} (${pct(report.answered)})${lockMs > 0 ? ` — database write lock held by another connection for the first ${lockMs / 1000} s` : ''}`,
        `logged:       ${report.logged} questions in the question log`,
        `ack latency:  p50 ${report.ackMs.p50} ms · p90 ${report.ackMs.p90} ms · p99 ${report.ackMs.p99} ms · max ${report.ackMs.max} ms`,
        'memory (requests sent → RSS / heap used):',
        ...report.memory.map((m) => `  ${String(m.sent).padStart(6)} → ${m.rssMB} MB / ${m.heapUsedMB} MB`),
      ].join('\n') + '\n',
    );
  }
  process.exit(report.answered === report.total && report.acknowledged === report.total ? 0 : 1);
}
