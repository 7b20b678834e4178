/**
 * A scheduler process the SIGKILL test kills mid-delivery. It claims the due digest and then, as
 * `mode` says, either "posts" (appends the delivery to the platform log, as the platform would keep
 * the message) and hangs before recording it, or hangs before posting. It prints `posted` or
 * `posting` when it has got there. Usage: kill-worker.ts <db> <platformLog> <nowISO> <mode>
 */
import { appendFileSync } from 'node:fs';
import { Store } from '../../../src/store/store.ts';
import { extractFacts } from '../../../src/digest/facts.ts';
import { DigestScheduler } from '../../../src/digest/scheduler.ts';
import { DigestStore } from '../../../src/digest/store.ts';
import { tinyCorpus } from '../fixtures.ts';

const [db, platformLog, now, mode] = process.argv.slice(2) as [string, string, string, 'after-post' | 'before-post'];
const corpus = tinyCorpus();
const store = new Store(db);
const scheduler = new DigestScheduler({
  store: new DigestStore(store),
  corpus,
  facts: extractFacts(corpus),
  owner: 'doomed',
  posters: {
    slack: async (sub, _reply, key) => {
      if (mode === 'after-post') {
        appendFileSync(platformLog, `${sub.channelId} ${key!.id} ${key!.localDate}\n`);
        process.stdout.write('posted\n');
      } else {
        process.stdout.write('posting\n');
      }
      await new Promise(() => {});
    },
  },
});
await scheduler.runDue(new Date(now));
