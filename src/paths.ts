/**
 * Where the package lives, so the bot runs from any working directory: `node /opt/report-bot/dist/main.js`
 * from `/` finds the bundled `corpus/` and keeps its `data/` beside it. Relative paths in the settings
 * (`CORPUS_DIR`, `DATABASE_PATH`, `LOG_FILE`) are resolved against this folder, never against the
 * working directory.
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding report-bot's package.json, found from this module (src/ or dist/src/). */
function findPackageDir(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return resolve(from, '..');
  }
}

/** The package folder: the base of every relative path in the settings. */
export const PACKAGE_DIR: string = findPackageDir(dirname(fileURLToPath(import.meta.url)));

/** `path` as an absolute path, a relative one taken from {@link PACKAGE_DIR}; `:memory:` stays as it is. */
export function fromPackage(path: string): string {
  if (path === ':memory:' || isAbsolute(path)) return path;
  return resolve(PACKAGE_DIR, path);
}
