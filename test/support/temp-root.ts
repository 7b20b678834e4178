/**
 * Each test file's temporary folders live under one folder of its own, removed when the file's tests
 * are done: `os.tmpdir()` reads TMPDIR, so every `mkdtempSync(join(tmpdir(), …))` of a test — and of a
 * process a test spawns — lands there, and nothing is left behind in the system's temporary folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const previous = process.env.TMPDIR;
const root = mkdtempSync(join(tmpdir(), 'rb-test-'));
process.env.TMPDIR = root;

afterAll(() => {
  if (previous === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = previous;
  rmSync(root, { recursive: true, force: true });
});
