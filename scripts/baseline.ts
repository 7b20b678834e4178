/**
 * The plain MiniSearch bot the issue compares against: MiniSearch with default options over
 * paragraphs, and the sentence of the top paragraph that shares the most words with the question.
 * Used only by `npm run bench` and `npm run eval -- --baseline`.
 */
import MiniSearch from 'minisearch';
import type { Corpus } from '../src/corpus/types.ts';
import type { Answer } from '../src/answer/types.ts';
import { citationFor } from '../src/answer/citation.ts';
import { sentencesOf } from '../src/corpus/passage.ts';

export class BaselineBot {
  private readonly index: MiniSearch<{ id: string; text: string }>;
  constructor(private readonly corpus: Corpus) {
    this.index = new MiniSearch({ fields: ['text'] });
    this.index.addAll(corpus.passages.map((p) => ({ id: p.id, text: p.text })));
  }

  answer(question: string): Answer {
    const results = this.index.search(question);
    const top = results[0] ? this.corpus.byId.get(String(results[0].id)) : undefined;
    const passages = results.slice(0, 3).map((r) => {
      const p = this.corpus.byId.get(String(r.id))!;
      return { passageId: p.id, section: p.sectionTitle, text: p.text, score: r.score, citation: citationFor(this.corpus, p), highlights: [] };
    });
    if (!top) return { question, answered: false, confidence: 0, answer: null, passages };
    const words = new Set(question.toLowerCase().match(/\w+/g) ?? []);
    let best = sentencesOf(top)[0]!;
    let bestOverlap = -1;
    for (const s of sentencesOf(top)) {
      const overlap = (s.text.toLowerCase().match(/\w+/g) ?? []).filter((w) => words.has(w)).length;
      if (overlap > bestOverlap) {
        best = s;
        bestOverlap = overlap;
      }
    }
    return {
      question,
      answered: true,
      confidence: 1,
      answer: { text: best.text, passageId: top.id, documentId: top.documentId, start: best.start, end: best.end, highlights: [], citation: citationFor(this.corpus, top) },
      passages,
    };
  }
}
