/**
 * A separate scheduler process for the two-process test: opens the shared database file, waits for
 * the go signal (a file appearing), runs `runDue` once and appends each post to a shared log file.
 * Usage: node --import tsx run-due-worker.ts <db> <log> <nowISO> <goFile> <name>
 */
import { appendFileSync, existsSync } from 'node:fs';
import { Store } from '../../../src/store/store.ts';
import { extractFacts } from '../../../src/digest/facts.ts';
import { DigestScheduler } from '../../../src/digest/scheduler.ts';
import { DigestStore } from '../../../src/digest/store.ts';
import { tinyCorpus } from '../fixtures.ts';

const [db, log, now, go, name] = process.argv.slice(2) as [string, string, string, string, string];
const corpus = tinyCorpus();
const store = new Store(db);
const scheduler = new DigestScheduler({
  store: new DigestStore(store),
  corpus,
  facts: extractFacts(corpus),
  owner: name,
  posters: {
    slack: async (sub) => {
      // Posting takes a moment, as a real HTTP call would: the other process runs meanwhile.
      await new Promise((r) => setTimeout(r, 5));
      appendFileSync(log, `${name} ${sub.id}\n`);
      return { ref: `${name}-${sub.id}` };
    },
  },
});
process.stdout.write('ready\n');
while (!existsSync(go)) await new Promise((r) => setTimeout(r, 2));
const report = await scheduler.runDue(new Date(now));
store.close();
process.stdout.write(`${JSON.stringify({ posted: report.posted.length })}\n`);
