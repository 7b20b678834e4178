/**
 * Questions about the documents themselves — who wrote it, when it was published, its title,
 * publisher, series, "what reports do you have?" — answered from each document's metadata. The
 * excerpt is still an exact slice of the source (a byline, a title line, a front-matter value), cited
 * to the document: no passage, no section.
 */
import { sentencesOf } from '../corpus/passage.ts';
import type { Corpus, Document, MetaSpanField } from '../corpus/types.ts';
import { citationFor } from './citation.ts';
import type { MetaField, QuestionAnalysis } from './question.ts';
import type { Answer, Citation, DocumentSummary, Excerpt } from './types.ts';

/** The citation of a document as a whole. */
export function documentCitation(doc: Document): Citation {
  return {
    documentId: doc.id,
    document: doc.title,
    author: doc.author,
    date: doc.date,
    section: null,
    sectionId: null,
    paragraph: null,
    passageId: null,
    page: null,
    label: doc.label,
  };
}

export function documentSummary(doc: Document): DocumentSummary {
  return { documentId: doc.id, title: doc.title, author: doc.author, date: doc.date, label: doc.label };
}

/** The fields of a document that hold each asked field, in the order worth quoting. */
const SOURCES: Record<Exclude<MetaField, 'list'>, MetaSpanField[]> = {
  author: ['byline', 'author'],
  date: ['byline', 'date'],
  title: ['title'],
  publisher: ['publisher'],
  series: ['series', 'title'],
};

function spanFor(doc: Document, fields: MetaField[]): { start: number; end: number } | null {
  const asked = fields.filter((f): f is Exclude<MetaField, 'list'> => f !== 'list');
  // The span that answers most of the asked fields: a byline holds author and date at once.
  let best: { start: number; end: number } | null = null;
  let bestCount = 0;
  for (const where of ['byline', 'title', 'author', 'date', 'publisher', 'series'] as MetaSpanField[]) {
    const span = doc.metaSpans[where];
    if (!span) continue;
    const text = doc.source.slice(span.start, span.end);
    const count = asked.filter((f) => SOURCES[f].includes(where) && (where !== 'byline' || (f === 'author' ? !!doc.author && text.includes(doc.author) : /\d{4}/.test(text)))).length;
    if (count > bestCount) {
      best = span;
      bestCount = count;
    }
  }
  return best;
}

/**
 * A sentence of the body that introduces the author ("Evan Ellis is a …"): the fullest answer to
 * "who wrote this?" when only the author is asked.
 */
function authorNote(corpus: Corpus, doc: Document): Excerpt | null {
  if (!doc.author) return null;
  for (const section of doc.sections) {
    for (const p of section.passages) {
      const s = sentencesOf(p).find((x) => x.complete && x.text.startsWith(`${doc.author} `));
      if (!s) continue;
      return { text: s.text, passageId: p.id, documentId: doc.id, start: s.start, end: s.end, highlights: [{ start: 0, end: doc.author.length }], citation: citationFor(corpus, p) };
    }
  }
  return null;
}

/** The answer to a question about the documents, or null when no document holds what is asked. */
export function metaAnswer(corpus: Corpus, q: QuestionAnalysis, confidence: number): Answer | null {
  const docs = corpus.documents;
  const documents = docs.map(documentSummary);
  const fields = q.meta;
  const candidates = fields.includes('list') ? docs : docs.filter((d) => spanFor(d, fields) !== null || (fields.includes('author') && d.author));
  const doc = candidates[0];
  if (!doc) return null;
  let excerpt: Excerpt | null = fields.length === 1 && fields[0] === 'author' ? authorNote(corpus, doc) : null;
  if (!excerpt) {
    const span = spanFor(doc, fields.includes('list') ? ['title'] : fields);
    if (!span) return null;
    excerpt = { text: doc.source.slice(span.start, span.end), passageId: null, documentId: doc.id, start: span.start, end: span.end, highlights: [], citation: documentCitation(doc) };
  }
  return {
    question: q.text,
    answered: true,
    confidence,
    answer: excerpt,
    passages: [],
    ...(fields.includes('list') || candidates.length > 1 ? { documents } : {}),
  };
}
