/**
 * Document → Section → Passage → Sentence, every node with offsets into the document's source text.
 * Passage ids are `document/section/paragraph` (plus `.part` for split paragraphs), so editing one
 * section never renumbers another.
 */
import { NO_SENTENCES, SentenceTable } from './passage.ts';
import { flatString } from '../text.ts';
import type { Document, Passage, Section } from './types.ts';
import { endsLikeSentence, splitSentences } from './sentences.ts';

/** Chunking limits. Paragraphs longer than `maxPassageChars` are split at sentence boundaries. */
export interface ChunkOptions {
  /** Longest passage before a paragraph is split (characters). */
  maxPassageChars: number;
  /** Target size of each part when splitting (characters). */
  targetPartChars: number;
}

export const defaultChunkOptions: ChunkOptions = { maxPassageChars: 1400, targetPartChars: 800 };

/** Lower-case, ASCII, hyphenated slug. */
export function slugify(s: string): string {
  return (
    s
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/['\u2019]/g, '')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'untitled'
  );
}

/** What a loader knows of a document before chunking it. */
export type DocumentMeta = Omit<Document, 'source' | 'sections' | 'label' | 'metaSpans'>;

/** Builds the citation label stem, e.g. `Ellis 2022`. */
export function labelFor(meta: Pick<DocumentMeta, 'author' | 'date' | 'title'>): string {
  const surname = meta.author.split(/\s*(?:,|&|\band\b)\s*/)[0]?.trim().split(/\s+/).pop() ?? '';
  const year = /^\d{4}/.exec(meta.date)?.[0] ?? '';
  const stem = [surname, year].filter(Boolean).join(' ');
  return stem || meta.title.slice(0, 30);
}

/** A short line naming the author (and often the date): "Evan Ellis | July 25, 2022", "By Jane Doe". */
function isByline(text: string, meta: DocumentMeta): boolean {
  if (text.length > 120 || text.includes('\n') || /[.!?]$/.test(text.trim())) return false;
  if (meta.author && text.includes(meta.author)) return true;
  return /^by\s+\p{Lu}/iu.test(text) && text.split(/\s+/).length <= 8;
}

/** Offsets of the front matter's values (title, author, date, publisher, series) in the source. */
function frontMatterSpans(source: string, bodyStart: number, meta: DocumentMeta): Document['metaSpans'] {
  const spans: Document['metaSpans'] = {};
  if (bodyStart === 0) return spans;
  const head = source.slice(0, bodyStart);
  for (const field of ['title', 'author', 'date', 'publisher', 'series'] as const) {
    const m = new RegExp(`^${field}:[ \t]*["']?(.*?)["']?[ \t]*$`, 'm').exec(head);
    if (!m || !m[1] || !meta[field]) continue;
    const start = m.index + m[0].indexOf(m[1]);
    spans[field] = { start, end: start + m[1].length };
  }
  return spans;
}

interface Block {
  kind: 'heading' | 'paragraph';
  start: number;
  end: number;
}

/** Finds headings and paragraphs in `source` from `bodyStart` on. */
function blocks(source: string, bodyStart: number): Block[] {
  const out: Block[] = [];
  const re = /[^\n]+(?:\n(?![ \t]*\n)[^\n]*)*/g;
  re.lastIndex = bodyStart;
  let m: RegExpExecArray | null;
  while ((m = re.exec(source))) {
    let start = m.index;
    let end = start + m[0].length;
    while (start < end && /\s/.test(source.charAt(start))) start++;
    while (end > start && /\s/.test(source.charAt(end - 1))) end--;
    if (end <= start) continue;
    const text = source.slice(start, end);
    if (/^#{1,6}\s/.test(text) && !text.includes('\n')) out.push({ kind: 'heading', start, end });
    else if (/^(-{3,}|\*{3,}|_{3,})$/.test(text)) continue;
    else out.push({ kind: 'paragraph', start, end });
  }
  return out;
}

/**
 * A passage's sentences as (start, end, complete) triples (`passage.ts`): 1 complete, 0 a cut-off fragment.
 * @param continuesCut the paragraph before this one stopped mid-sentence, so this one may start
 *   mid-way through another (the scrape lost what was between).
 */
function sentenceSpansOf(
  source: string,
  start: number,
  end: number,
  paragraphStart: boolean,
  paragraphEnd: boolean,
  continuesCut = false,
): number[] {
  const text = source.slice(start, end);
  const spans = splitSentences(text);
  const out: number[] = [];
  spans.forEach((s, index) => {
    const t = text.slice(s.start, s.end);
    let complete = true;
    // The scrape lost the beginning of a paragraph that opens in lower case, and the end of one that
    // stops without punctuation: keep those fragments verbatim but mark them.
    // After a cut, a paragraph that does not open with a capital ("2018-2019, which …") is the rest of
    // the lost sentence; one opening in lower case, even behind a quote, always is.
    if (index === 0 && paragraphStart && (/^["'\u201c\u2018(]*\p{Ll}/u.test(t) || (continuesCut && !/^["'\u201c\u2018(]*\p{Lu}/u.test(t)))) {
      complete = false;
    }
    if (index === spans.length - 1 && paragraphEnd && !endsLikeSentence(t)) complete = false;
    out.push(start + s.start, start + s.end, complete ? 1 : 0);
  });
  return out;
}

/** Groups a paragraph's sentences into parts of about `target` characters. */
function splitParagraph(source: string, start: number, end: number, opts: ChunkOptions): Array<[number, number]> {
  if (end - start <= opts.maxPassageChars) return [[start, end]];
  const spans = splitSentences(source.slice(start, end)).map((s) => [start + s.start, start + s.end] as [number, number]);
  const parts: Array<[number, number]> = [];
  let cur: [number, number] | null = null;
  for (const span of spans) {
    if (cur && span[1] - cur[0] > opts.targetPartChars) {
      parts.push(cur);
      cur = null;
    }
    cur = cur ? [cur[0], span[1]] : [span[0], span[1]];
  }
  if (cur) parts.push(cur);
  return parts;
}

/**
 * Chunks a document body. `bodyStart` is where the body begins (after front matter); the untitled
 * opening part becomes the section "Introduction".
 */
export function chunkDocument(source: string, bodyStart: number, meta: DocumentMeta, firstOrder = 0, opts: ChunkOptions = defaultChunkOptions): Document {
  const doc: Document = { ...meta, source, sections: [], label: labelFor(meta), metaSpans: frontMatterSpans(source, bodyStart, meta) };
  const usedSlugs = new Map<string, number>();
  let order = firstOrder;
  let section: Section | null = null;
  const openSection = (title: string) => {
    let id = slugify(title);
    const seen = usedSlugs.get(id) ?? 0;
    usedSlugs.set(id, seen + 1);
    if (seen) id = `${id}-${seen + 1}`;
    section = { id, documentId: meta.id, title, index: doc.sections.length, passages: [] };
    doc.sections.push(section);
    return section;
  };
  let previousCut = false;
  let seen = 0;
  const sentences = new SentenceTable();
  for (const b of blocks(source, bodyStart)) {
    // The first lines of a body may be the document's title and byline: metadata, not passages.
    if (seen++ < 3 && b.kind === 'paragraph' && doc.sections.length === 0) {
      const text = source.slice(b.start, b.end);
      if (!doc.metaSpans.title && !text.includes('\n') && text.trim() === meta.title && !/[.!?]["'\u201d)]*$/.test(text)) {
        doc.metaSpans.title = { start: b.start, end: b.end };
        continue;
      }
      if (!doc.metaSpans.byline && isByline(text, meta)) {
        doc.metaSpans.byline = { start: b.start, end: b.end };
        continue;
      }
    }
    if (b.kind === 'heading') {
      previousCut = false;
      const title = source.slice(b.start, b.end).replace(/^#+\s*/, '').replace(/\s*#*$/, '').trim();
      // A top-level `# Title` repeats the document title: not a section.
      if (/^#\s/.test(source.slice(b.start, b.end)) && doc.sections.length === 0 && !section) continue;
      openSection(title);
      continue;
    }
    const sec: Section = section ?? openSection('Introduction');
    const paragraph = sec.passages.filter((p) => p.part <= 1).length + 1;
    const parts = splitParagraph(source, b.start, b.end, opts);
    parts.forEach(([s, e], i) => {
      const part = parts.length > 1 ? i + 1 : 0;
      const id = flatString(`${meta.id}/${sec.id}/${paragraph}${part ? `.${part}` : ''}`);
      const passage: Passage = {
        id,
        documentId: meta.id,
        sectionId: sec.id,
        sectionTitle: sec.title,
        paragraph,
        part,
        order: order++,
        start: s,
        end: e,
        text: source.slice(s, e),
        sentenceTable: NO_SENTENCES,
        firstSentence: 0,
        sentenceCount: 0,
      };
      sentences.add(passage, sentenceSpansOf(source, s, e, i === 0, i === parts.length - 1, i === 0 && previousCut));
      sec.passages.push(passage);
    });
    previousCut = !endsLikeSentence(source.slice(b.start, b.end));
  }
  sentences.done();
  doc.sections = doc.sections.filter((s) => s.passages.length > 0);
  doc.sections.forEach((s, i) => (s.index = i));
  return doc;
}
