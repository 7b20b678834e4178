/**
 * A scheduler process the SIGKILL test kills mid-delivery. It claims the due digest and then, as
 * `mode` says, either "posts" (appends the delivery to the platform log, as the platform would keep
 * the message) and hangs before recording it, or hangs before posting. It prints `posted` or
 * `posting` when it has got there. Usage: kill-worker.ts <db> <platformLog> <nowISO> <mode>
 */
import { appendFileSync } from 'node:fs';
import { schedulerProcess } from '../fixtures.ts';

const [db, platformLog, now, mode] = process.argv.slice(2) as [string, string, string, 'after-post' | 'before-post'];
const { scheduler } = schedulerProcess(db, 'doomed', async (sub, _reply, key) => {
  if (mode === 'after-post') {
    appendFileSync(platformLog, `${sub.channelId} ${key!.id} ${key!.localDate}\n`);
    process.stdout.write('posted\n');
  } else {
    process.stdout.write('posting\n');
  }
  await new Promise(() => {});
});
await scheduler.runDue(new Date(now));
