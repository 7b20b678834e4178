/**
 * Report files that are not what they seem (issue 8, items 8 and 9): Windows-1252 text, bytes that are
 * no text encoding, a FIFO or a folder named `*.md`, an oversized report. Real files in a temp folder.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCorpus } from '../../src/corpus/load.ts';
import { configureReportReading, decodeReport, DEFAULT_MAX_REPORT_BYTES, readOptions } from '../../src/corpus/read-file.ts';
import { createLogger } from '../../src/log.ts';

const REPORT = `---
title: Notes from Cuzco
author: Ana Pérez
date: 2022-03-01
---

## Travel

We met at a café in Cuzco, where Pérez 2022 was discussed — “a fine report” — over coffee.
`;

let dir: string;
let logs: Array<Record<string, unknown>>;
const saved = readOptions();

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rb-read-file-'));
  logs = [];
  const sink = new Writable({ write: (c, _e, done) => (logs.push(JSON.parse(String(c))), done()) });
  configureReportReading({ logger: createLogger('warn', sink), maxReportBytes: DEFAULT_MAX_REPORT_BYTES });
});
afterEach(() => {
  configureReportReading(saved);
  rmSync(dir, { recursive: true, force: true });
});

const sourceText = async () => (await loadCorpus(dir)).documents[0]!.source;

describe('reading report files', () => {
  it('decodes a Windows-1252 report correctly and says so in the log', async () => {
    writeFileSync(join(dir, 'cuzco.md'), Buffer.from(new TextEncoderCp1252().encode(REPORT)));
    const text = await sourceText();
    expect(text).toContain('We met at a café in Cuzco, where Pérez 2022 was discussed — “a fine report” — over coffee.');
    expect(text).not.toContain('\ufffd');
    expect(logs).toEqual([expect.objectContaining({ file: 'cuzco.md', encoding: 'windows-1252', msg: 'report cuzco.md is not UTF-8; decoded as Windows-1252 (Latin-1)' })]);
  });

  it('loads UTF-8 as it is, without a log line', async () => {
    writeFileSync(join(dir, 'cuzco.md'), REPORT);
    expect(await sourceText()).toContain('café in Cuzco');
    expect(logs).toEqual([]);
  });

  it('refuses, by name, bytes that are neither UTF-8 nor Windows-1252', async () => {
    writeFileSync(join(dir, 'good.md'), REPORT);
    writeFileSync(join(dir, 'broken.md'), Buffer.concat([Buffer.from(REPORT.replace(/[^\x00-\x7f]/g, '')), Buffer.from([0x81, 0x8d, 0x00])]));
    await expect(loadCorpus(dir)).rejects.toThrow('The report file broken.md cannot be read as text: byte 0x81 is neither UTF-8 nor Windows-1252. Save it as UTF-8 and start again.');
  });

  it('refuses 8-bit text in another code page rather than quoting it garbled', () => {
    // "Отчёт о Перу" in Windows-1251 reads as a run of accented letters and symbols in Windows-1252.
    const cyrillic = Buffer.from([0xce, 0xf2, 0xf7, 0xb8, 0xf2, 0x20, 0xee, 0x20, 0xcf, 0xe5, 0xf0, 0xf3, 0x20, 0xb9, 0xab, 0xbb, 0xa4, 0xa6, 0xb1, 0xac]);
    expect(() => decodeReport(cyrillic, 'ru.md')).toThrow(/^The report file ru\.md cannot be read as text/);
  });

  it('skips a FIFO and a folder named *.md with a warning naming each, and loads the rest', async () => {
    writeFileSync(join(dir, 'cuzco.md'), REPORT);
    execFileSync('mkfifo', [join(dir, 'pipe.md')]);
    mkdirSync(join(dir, 'folder.md'));
    const corpus = await loadCorpus(dir);
    expect(corpus.documents.map((d) => d.id)).toEqual(['cuzco']);
    expect(logs.map((l) => l.msg)).toEqual([
      'skipped folder.md in CORPUS_DIR: a folder, not a regular file',
      'skipped pipe.md in CORPUS_DIR: a named pipe (FIFO), not a regular file',
    ]);
  });

  it('refuses a report over MAX_REPORT_BYTES with a clear message', async () => {
    configureReportReading({ maxReportBytes: 2048 });
    writeFileSync(join(dir, 'big.md'), REPORT + 'More text. '.repeat(400));
    await expect(loadCorpus(dir)).rejects.toThrow(/^The report file big\.md is 4\.\d KB, over the limit of 2 KB \(MAX_REPORT_BYTES\)\. Split it, or raise MAX_REPORT_BYTES\.$/);
  });
});

/** Windows-1252 encoding for the fixture (the test's own small table; the code under test decodes with iconv-lite). */
class TextEncoderCp1252 {
  encode(text: string): Uint8Array {
    const special: Record<string, number> = { '—': 0x97, '“': 0x93, '”': 0x94 };
    return Uint8Array.from([...text].map((c) => special[c] ?? (c.codePointAt(0)! < 256 ? c.codePointAt(0)! : 0x3f)));
  }
}
