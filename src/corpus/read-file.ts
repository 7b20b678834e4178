/**
 * Reading one report file safely (issue 8, items 8 and 9): only regular files (a FIFO or a folder
 * named `*.md` would hang or fail the loader), at most `maxReportBytes`, and decoded strictly — valid
 * UTF-8 as is; a file that is clearly Windows-1252 (Latin-1's superset: "café", "Pérez", curly quotes)
 * decoded with iconv-lite and logged; anything else refused by name, because
 * quoting mis-decoded text as "verbatim" would be a lie.
 */
import { open, stat } from 'node:fs/promises';
// iconv-lite's Windows-1252 table, not TextDecoder: Node 20's TextDecoder('windows-1252') takes a
// Latin-1 fast path and turns 0x80–0x9F (curly quotes, dashes, €) into C1 control characters.
import iconv from 'iconv-lite';
import { basename } from 'node:path';
import { CorpusError } from '../errors.ts';
import { createLogger, type Logger } from '../log.ts';

/** How report files are read. */
export interface ReadOptions {
  /** Largest report accepted, in bytes (`MAX_REPORT_BYTES`). */
  maxReportBytes: number;
  /** Where skipped files and re-decoded ones are reported. */
  logger: Logger;
}

/** The default {@link ReadOptions.maxReportBytes}: 64 MiB, well above any real report. */
export const DEFAULT_MAX_REPORT_BYTES = 64 * 1024 * 1024;

let defaults: ReadOptions | undefined;

/**
 * Sets how this process reads reports. `Engine.load(dir)` takes only a folder, so `main.ts` and the
 * CLI call this once with the configuration's `MAX_REPORT_BYTES` and their logger.
 */
export function configureReportReading(options: Partial<ReadOptions>): void {
  defaults = { ...readOptions(), ...options };
}

/** The process's read options (a warn-level stderr logger until configured). */
export function readOptions(): ReadOptions {
  defaults ??= { maxReportBytes: DEFAULT_MAX_REPORT_BYTES, logger: createLogger('warn') };
  return defaults;
}

/** Why a directory entry is not a report file to read, or undefined when it is a regular file. */
export async function notRegular(path: string): Promise<string | undefined> {
  try {
    const s = await stat(path);
    if (s.isFile()) return undefined;
    if (s.isFIFO()) return 'a named pipe (FIFO)';
    if (s.isDirectory()) return 'a folder';
    if (s.isSocket()) return 'a socket';
    if (s.isCharacterDevice() || s.isBlockDevice()) return 'a device';
    return 'not a regular file';
  } catch (err) {
    return `unreadable (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  }
}

/** Bytes ≥ 0x80 that Windows-1252 leaves undefined: a file using them is not Windows-1252 text. */
const CP1252_UNDEFINED = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);
/** What non-ASCII characters in Western European prose are: letters, and typographic punctuation. */
const PLAUSIBLE = /[\p{L}\u00a0-\u00bf\u2013-\u2026\u20ac\u2122\u00d7\u00f7]/u;

/**
 * Decodes a report's bytes, or explains why not. Returns the text and the encoding it was in.
 */
export function decodeReport(bytes: Uint8Array, name: string): { text: string; encoding: 'utf-8' | 'utf-16' | 'windows-1252' } {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    return { text: new TextDecoder(bytes[0] === 0xff ? 'utf-16le' : 'utf-16be', { fatal: true }).decode(bytes), encoding: 'utf-16' };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    // Not UTF-8: is it clearly Windows-1252 / Latin-1?
  }
  let high = 0;
  for (const b of bytes) {
    if (b >= 0x80) {
      high++;
      if (CP1252_UNDEFINED.has(b)) throw refuse(name, `byte 0x${b.toString(16)} is neither UTF-8 nor Windows-1252`);
    }
  }
  const text = iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'windows-1252');
  const nonAscii = text.match(/[^\0-\x7f]/gu) ?? [];
  const plausible = nonAscii.filter((c) => PLAUSIBLE.test(c)).length;
  // Mostly ASCII prose whose few other characters read as letters and punctuation: Windows-1252.
  // Binary data or another code page (Cyrillic, Greek in 8 bits) gives a high share of symbols.
  if (high / Math.max(1, bytes.length) > 0.3 || plausible < nonAscii.length * 0.95) {
    throw refuse(name, 'it is not valid UTF-8 and does not read as Windows-1252 text either');
  }
  return { text, encoding: 'windows-1252' };
}

const refuse = (name: string, why: string) =>
  new CorpusError('CORPUS_INVALID', `The report file ${name} cannot be read as text: ${why}. Save it as UTF-8 and start again.`);

/**
 * Reads one report's bytes: refuses a file over the size limit (checked before reading, and again on
 * the bytes read, in case it grows). PDF, Word and web-page readers start from these.
 */
export async function readReportBytes(path: string, options: ReadOptions = readOptions()): Promise<Buffer> {
  const name = basename(path);
  const max = options.maxReportBytes;
  const tooBig = (size: number) =>
    new CorpusError(
      'CORPUS_INVALID',
      `The report file ${name} is ${formatBytes(size)}, over the limit of ${formatBytes(max)} (MAX_REPORT_BYTES). Split it, or raise MAX_REPORT_BYTES.`,
    );
  const handle = await open(path, 'r');
  try {
    const s = await handle.stat();
    if (s.size > max) throw tooBig(s.size);
    // Read at most one byte more than allowed: a file that grew since the stat is still refused.
    const buf = Buffer.alloc(Math.min(max + 1, Math.max(s.size + 1, 1)));
    let read = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, read, buf.length - read, read);
      if (bytesRead === 0) break;
      read += bytesRead;
      if (read === buf.length) break;
    }
    if (read > max) throw tooBig(read);
    return buf.subarray(0, read);
  } finally {
    await handle.close();
  }
}

/**
 * Reads one text report: its bytes by {@link readReportBytes}, decoded with {@link decodeReport},
 * logging a re-decoded file.
 */
export async function readReportFile(path: string, options: ReadOptions = readOptions()): Promise<string> {
  const name = basename(path);
  const bytes = await readReportBytes(path, options);
  const { text, encoding } = decodeReport(bytes, name);
  if (encoding !== 'utf-8') {
    options.logger.warn({ file: name, encoding }, `report ${name} is not UTF-8; decoded as ${encoding === 'windows-1252' ? 'Windows-1252 (Latin-1)' : 'UTF-16'}`);
  }
  return text;
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1).replace(/\.0$/, '')} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1).replace(/\.0$/, '')} KB`;
  return `${n} bytes`;
}
