/**
 * A separate scheduler process for the two-process test: opens the shared database file, waits for
 * the go signal (a file appearing), runs `runDue` once and appends each post to a shared log file.
 * Usage: node --import tsx run-due-worker.ts <db> <log> <nowISO> <goFile> <name>
 */
import { appendFileSync, existsSync } from 'node:fs';
import { schedulerProcess } from '../fixtures.ts';

const [db, log, now, go, name] = process.argv.slice(2) as [string, string, string, string, string];
const { store, scheduler } = schedulerProcess(db, name, async (sub) => {
  // Posting takes a moment, as a real HTTP call would: the other process runs meanwhile.
  await new Promise((r) => setTimeout(r, 5));
  appendFileSync(log, `${name} ${sub.id}\n`);
  return { ref: `${name}-${sub.id}` };
});
process.stdout.write('ready\n');
while (!existsSync(go)) await new Promise((r) => setTimeout(r, 2));
const report = await scheduler.runDue(new Date(now));
store.close();
process.stdout.write(`${JSON.stringify({ posted: report.posted.length })}\n`);
