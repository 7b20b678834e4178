/** Citations: where an excerpt comes from, down to the paragraph. */
import type { Corpus, Passage } from '../corpus/types.ts';
import type { Citation } from './types.ts';

/**
 * The citation of a passage, with a short label such as `Ellis 2022 · Cocaine ¶4`, or
 * `Ellis 2022 · p. 12 · Cocaine ¶4` for a passage of a PDF.
 */
export function citationFor(corpus: Corpus, p: Passage): Citation {
  const doc = corpus.documentsById.get(p.documentId);
  const page = p.page ?? null;
  const label = `${doc?.label ?? p.documentId} · ${page !== null ? `p. ${page} · ` : ''}${p.sectionTitle} ¶${p.paragraph}`;
  return {
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
