/** The last-resort handler (issue 8, item 3), in a child process so the real process events fire. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('installLastResort', () => {
  it('logs an unhandled rejection and an uncaught exception with an error id, and the process keeps serving', () => {
    const script = `
      import { installLastResort } from ${JSON.stringify(new URL('../src/last-resort.ts', import.meta.url).href)};
      import { createLogger } from ${JSON.stringify(new URL('../src/log.ts', import.meta.url).href)};
      let n = 0;
      installLastResort(createLogger('error'), () => 'id' + ++n);
      Promise.reject(new Error('nobody caught me'));
      setTimeout(() => { throw new Error('thrown in a timer'); }, 0);
      setTimeout(() => process.stdout.write('still serving\\n'), 20);
    `;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('still serving\n');
    const lines = r.stderr.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.msg, l.errorId, l.err.message])).toEqual([
      ['unhandled rejection; still serving', 'id1', 'nobody caught me'],
      ['uncaught exception; still serving', 'id2', 'thrown in a timer'],
    ]);
  });
});
