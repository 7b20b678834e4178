/**
 * `/reports` — what the bot knows: each document's title, author, date, format, pages and passages,
 * when the corpus was (re)loaded, a line for every report kept at an older version because its newest
 * file cannot be read, and one for every file of `CORPUS_DIR` it passed over, with why.
 */
import { extname } from 'node:path';
import { z } from 'zod';
import type { Document } from '../src/corpus/types.ts';
import type { Command } from './types.ts';

const options = z.object({});

/** "PDF, 12 pages, 79 passages": the format from the file, pages where the format has them. */
export function documentLine(doc: Document): string {
  const passages = doc.sections.reduce((n, s) => n + s.passages.length, 0);
  const pages = doc.sections.flatMap((s) => s.passages).reduce((n, p) => Math.max(n, p.page ?? 0), 0);
  const format = extname(doc.path).slice(1).toUpperCase() || 'text';
  const who = [doc.author, doc.date].filter(Boolean).join(', ');
  const size = [format, pages ? `${pages} page${pages === 1 ? '' : 's'}` : '', `${passages} passage${passages === 1 ? '' : 's'}`].filter(Boolean).join(', ');
  return `${doc.title}${who ? ` — ${who}` : ''} (${size}; id ${doc.id})`;
}

export default {
  name: 'reports',
  description: 'List the reports the bot knows, and any file it skipped',
  options,
  // Listing what is loaded costs nothing, so it never counts against the rate limit.
  rateLimited: false,
  async execute(ctx) {
    const { documents, skipped, kept = [] } = ctx.engine.corpus;
    const lines = documents.map((d) => `• ${documentLine(d)}`);
    const passedOver = [
      ...kept.map((k) => `• kept the version of ${k.file} read ${k.since.slice(0, 16).replace('T', ' ')} UTC; its newest version cannot be read: ${k.reason}`),
      ...skipped.map((s) => `• skipped ${s.file}: ${s.reason}`),
    ];
    return {
      kind: 'help',
      heading: `${documents.length} report${documents.length === 1 ? '' : 's'}, loaded ${ctx.engine.loadedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
      body: [...lines, ...(passedOver.length ? ['', ...passedOver] : [])].join('\n'),
      items: [],
      actions: [],
      visibility: 'private',
    };
  },
} satisfies Command<typeof options>;
