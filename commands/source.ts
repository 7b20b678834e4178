/** `/source id` — one whole passage, verbatim, with its citation. */
import { z } from 'zod';
import { commandLabel, surfaceOf, type Command, type CommandContext, type Reply } from './types.ts';
import { InputError } from '../src/errors.ts';
import { encodeView, excerptRef, resolveExcerptRef } from '../src/actions.ts';
import { citationFor } from '../src/answer/citation.ts';
import type { Passage } from '../src/corpus/types.ts';

/**
 * The reply for a whole passage — with `through` (the passage it runs on into, from
 * `resolveExcerptRef`) both, as the one stretch of the source they are — or a notice explaining how
 * to find ids when `id` is unknown.
 */
export function passageReply(ctx: Pick<CommandContext, 'engine' | 'commandLabel' | 'surface'>, id: string, through?: Passage): Reply {
  try {
    const { passage, citation: own } = ctx.engine.passage(id);
    const source = ctx.engine.corpus.documentsById.get(passage.documentId)?.source;
    const both = through !== undefined && source !== undefined;
    const citation = both ? citationFor(ctx.engine.corpus, passage, through) : own;
    const text = both ? source.slice(passage.start, through.end) : passage.text;
    return {
      kind: 'passage',
      heading: `${citation.document} — ${citation.section}, ${citation.lastParagraph !== undefined ? `paragraphs ${citation.paragraph}–${citation.lastParagraph}` : `paragraph ${citation.paragraph}`}`,
      quote: { text, highlights: [], citation, passageId: passage.id },
      items: [],
      actions: [{ kind: 'share', label: 'Share', value: encodeView({ kind: 'source', ref: excerptRef(passage, both) }) }],
    };
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    const example = ctx.engine.corpus.passages[0]?.id ?? 'report/section/1';
    return {
      kind: 'notice',
      heading: `There is no passage with the id “${id}”.`,
      body:
        `Passage ids look like ${example}. Find them with ${commandLabel(ctx, 'search')} <words> ` +
        `(each result's citation ends with its id)${surfaceOf(ctx).buttons ? ', or press "Full passage" under an answer' : ''}.`,
      items: [],
      actions: [],
      visibility: 'private',
    };
  }
}

const options = z.object({
  id: z.string().min(1, 'Give a passage id, e.g. the one shown under a search result.').max(200).describe('Passage id, as shown under a search result'),
});

export default {
  name: 'source',
  description: 'Show one whole passage of the report by its id',
  options,
  autocomplete: {
    id: (ctx, partial) => {
      // Match ids and section titles alike: "mining" finds every Illegal Mining paragraph. Every match,
      // best first: the platform's renderer keeps what its limits allow (Discord: 25, ids ≤ 100 chars).
      const p = partial.toLowerCase().trim();
      return ctx.engine.corpus.passages
        .filter((x) => x.id.includes(p) || x.sectionTitle.toLowerCase().includes(p))
        .map((x) => ({ name: x.id, value: x.id }));
    },
  },
  views: {
    source: (view, ctx) => {
      const found = resolveExcerptRef(ctx.engine.corpus, view.ref);
      return found ? passageReply(ctx, found.passage.id, found.through) : undefined;
    },
  },
  async execute(ctx) {
    return passageReply(ctx, ctx.options.id);
  },
} satisfies Command<typeof options>;
