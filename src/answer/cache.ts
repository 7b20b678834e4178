/**
 * The index cache (`INDEX_CACHE_DIR`, default `data/index-cache/`): a built engine saved as a snapshot
 * (`snapshot.ts`) under a key that hashes everything the build depends on — each report file's bytes
 * and its sidecar's, the glossary, the engine's options (the fitted weights among them), the snapshot
 * format, this package's version and MiniSearch's. A restart on an unchanged corpus reads the snapshot
 * instead of reading and indexing every report.
 *
 * Never a crash, never a wrong answer: a snapshot that is missing, truncated, damaged or of another
 * format is passed over with a warning (and the engine built as usual); a folder that cannot be
 * written is warned about once and the bot goes on without saving. Files are written to a temporary
 * name and renamed, so a reader never sees half a file. Older snapshots beyond the newest few are deleted.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Scan } from '../corpus/folder.ts';
import type { Logger } from '../log.ts';
import { PACKAGE_DIR } from '../paths.ts';
import { defaultEngineOptions, Engine, type EngineOptions } from './engine.ts';
import { SNAPSHOT_FORMAT } from './snapshot.ts';

const require = createRequire(import.meta.url);

function versionOf(pkg: string): string {
  try {
    return String((require(pkg) as { version?: unknown }).version ?? '?');
  } catch {
    return '?';
  }
}

/** Every source file of the bot (`src/`, or `dist/src/` when built), hashed: any code change is a new key. */
function hashTree(root: string): string {
  const h = createHash('sha256');
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(ts|js|json)$/.test(name)) h.update(path.slice(root.length)).update('\0').update(readFileSync(path)).update('\0');
    }
  };
  try {
    walk(root);
  } catch {
    // Unreadable code folder: the versions below still key the cache.
  }
  return h.digest('hex');
}

let codeVersion: string | undefined;

/**
 * What, besides the files and options, a snapshot depends on: the code that reads and builds it —
 * the snapshot format, the package's and MiniSearch's versions, Node's major version, and a hash of
 * the bot's own source files (so an edit without a version bump still invalidates the cache).
 */
function codeVersionOf(): string {
  codeVersion ??= [
    `format ${SNAPSHOT_FORMAT}`,
    `report-bot ${versionOf(join(PACKAGE_DIR, 'package.json'))}`,
    `minisearch ${versionOf('minisearch/package.json')}`,
    `node ${process.versions.node.split('.')[0]}`,
    `code ${hashTree(dirname(dirname(fileURLToPath(import.meta.url))))}`,
  ].join('; ');
  return codeVersion;
}

/** Snapshots kept in the folder (the newest); older ones are deleted after each save. */
const KEEP = 3;
const SUFFIX = '.rbindex';

export class IndexCache {
  readonly dir: string;
  private readonly logger: Logger;
  private unwritable = false;

  constructor(dir: string, logger: Logger) {
    this.dir = dir;
    this.logger = logger;
  }

  /** The key of the engine built over `scan` with `options`. */
  keyFor(scan: Scan, options: Partial<EngineOptions>): string {
    const merged = { ...defaultEngineOptions, ...options };
    return createHash('sha256').update(codeVersionOf()).update('\0').update(scan.fingerprint).update('\0').update(JSON.stringify(merged)).digest('hex').slice(0, 32);
  }

  private pathOf(key: string): string {
    return join(this.dir, `${key}${SUFFIX}`);
  }

  /** The cached engine for `scan`, or undefined (no snapshot, or one that cannot be used: warned). */
  load(scan: Scan, options: Partial<EngineOptions>): Engine | undefined {
    const path = this.pathOf(this.keyFor(scan, options));
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') this.logger.warn({ file: path, err: code ?? (err as Error).message }, 'index cache unreadable; building the index');
      return undefined;
    }
    try {
      const engine = Engine.fromSnapshot(bytes, options);
      this.logger.debug({ file: path, bytes: bytes.length }, 'index read from the cache');
      return engine;
    } catch (err) {
      this.logger.warn({ file: path, err: (err as Error).message }, `index cache ignored (${(err as Error).message}); building the index`);
      try {
        unlinkSync(path);
      } catch {
        // A read-only folder: it stays, and is passed over again next time.
      }
      return undefined;
    }
  }

  /** Saves `engine` as the snapshot for `scan`; a failure is warned about, never thrown. */
  save(scan: Scan, options: Partial<EngineOptions>, engine: Engine): boolean {
    if (this.unwritable) return false;
    return this.saveBytes(scan, options, engine.toSnapshot());
  }

  /** Saves a snapshot made already (by the build worker) for `scan`. */
  saveBytes(scan: Scan, options: Partial<EngineOptions>, bytes: Buffer): boolean {
    if (this.unwritable) return false;
    const key = this.keyFor(scan, options);
    const path = this.pathOf(key);
    const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
    try {
      mkdirSync(this.dir, { recursive: true });
      writeFileSync(temp, bytes);
      renameSync(temp, path);
    } catch (err) {
      try {
        unlinkSync(temp);
      } catch {
        // Never written.
      }
      this.unwritable = true;
      this.logger.warn({ dir: this.dir, err: (err as NodeJS.ErrnoException).code ?? (err as Error).message }, 'cannot write the index cache (INDEX_CACHE_DIR); going on without it');
      return false;
    }
    this.prune(key);
    return true;
  }

  /** Deletes all but the newest {@link KEEP} snapshots, and stale temporary files. */
  private prune(keep: string): void {
    try {
      const files = readdirSync(this.dir)
        .filter((n) => n.endsWith(SUFFIX) || n.endsWith('.tmp'))
        .map((n) => ({ n, t: statSync(join(this.dir, n)).mtimeMs }))
        .sort((a, b) => b.t - a.t);
      let kept = 0;
      for (const { n, t } of files) {
        if (n === `${keep}${SUFFIX}`) continue;
        if (n.endsWith(SUFFIX) && ++kept < KEEP) continue;
        // A temporary file younger than a minute may be another process's write under way.
        if (n.endsWith('.tmp') && Date.now() - t < 60_000) continue;
        unlinkSync(join(this.dir, n));
      }
    } catch {
      // Pruning is housekeeping: never a reason to fail.
    }
  }
}
