/** Citations: where an excerpt comes from, down to the paragraph. */
import type { Corpus, Passage } from '../corpus/types.ts';
import type { Citation } from './types.ts';

/** A citation's paragraph mark: `¶4`, or `¶4–5` for an excerpt that runs on into the next paragraph. */
export function paragraphMark(c: Pick<Citation, 'paragraph' | 'lastParagraph'>): string {
  return `¶${c.paragraph}${c.lastParagraph !== undefined ? `–${c.lastParagraph}` : ''}`;
}

/**
 * The citation of a passage, with a short label such as `Ellis 2022 · Cocaine ¶4`, or
 * `Ellis 2022 · p. 12 · Cocaine ¶4` for a passage of a PDF; with `through` (the passage after it, which
 * the excerpt runs on into) `… Cocaine ¶4–5` when that is another paragraph.
 */
export function citationFor(corpus: Corpus, p: Passage, through?: Passage): Citation {
  const doc = corpus.documentsById.get(p.documentId);
  const page = p.page ?? null;
  const last = through && through.paragraph !== p.paragraph ? { lastParagraph: through.paragraph } : {};
  const label = `${doc?.label ?? p.documentId} · ${page !== null ? `p. ${page} · ` : ''}${p.sectionTitle} ${paragraphMark({ paragraph: p.paragraph, ...last })}`;
  return {
    ...last,
    documentId: p.documentId,
    document: doc?.title ?? p.documentId,
    author: doc?.author ?? '',
    date: doc?.date ?? '',
    section: p.sectionTitle,
    sectionId: p.sectionId,
    paragraph: p.paragraph,
    passageId: p.id,
    page,
    label,
  };
}
