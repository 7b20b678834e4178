/** The committed systemd unit, checked by systemd itself where `systemd-analyze` exists. */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const unit = readFileSync(join(ROOT, 'deploy/report-bot.service'), 'utf8');

function hasSystemdAnalyze(): boolean {
  try {
    execFileSync('systemd-analyze', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('deploy/report-bot.service', () => {
  it('runs the build with node directly (so SIGTERM reaches it) and gives it longer than its 10 s to stop', () => {
    expect(unit).toMatch(/^ExecStart=\/usr\/bin\/node \/opt\/report-bot\/dist\/main\.js$/m);
    expect(unit).toMatch(/^KillSignal=SIGTERM$/m);
    expect(Number(/^TimeoutStopSec=(\d+)$/m.exec(unit)?.[1])).toBeGreaterThan(10);
    expect(unit).toMatch(/^ReadWritePaths=\/opt\/report-bot\/data$/m);
  });

  it.skipIf(!hasSystemdAnalyze())('passes systemd-analyze verify without a warning', async () => {
    // Where node is not at /usr/bin/node, point the copy at this node: the unit is what is checked.
    const copy = join(mkdtempSync(join(tmpdir(), 'rb-unit-')), 'report-bot.service');
    writeFileSync(copy, existsSync('/usr/bin/node') ? unit : unit.replace('/usr/bin/node', process.execPath));
    const { stderr } = await promisify(execFile)('systemd-analyze', ['verify', copy]);
    expect(stderr).not.toMatch(/Unknown|ignoring|not executable|Failed/);
  });
});
