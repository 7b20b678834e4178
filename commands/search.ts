/**
 * `/search terms` — ranked passages with highlighted snippets, a page at a time. The "More results"
 * button carries the next offset, so paging needs no server-side session.
 */
import { z } from 'zod';
import { commandLabel, type Command, type CommandContext, type Quote, type Reply, type Action } from './types.ts';
import type { Engine } from '../src/answer/engine.ts';
import type { SearchHit } from '../src/answer/types.ts';
import { encodeView } from '../src/actions.ts';

/** Results on the first page of `/search`; "More results" then brings three at a time. */
export const FIRST_PAGE = 5;
export const MORE_PAGE = 3;

/** A search hit as a quote: its verbatim snippet, highlights and citation. */
export function hitQuote(hit: SearchHit): Quote {
  return {
    text: hit.snippet.text,
    highlights: hit.snippet.highlights,
    citation: hit.citation,
    passageId: hit.passageId,
  };
}

/**
 * One page of results for `terms`, leaving out `exclude` (the passages an answer already showed).
 * Paging counts after exclusion, so offsets stay exact.
 */
export function searchPage(
  engine: Engine,
  terms: string,
  opts: { offset: number; limit: number; exclude?: readonly string[]; section?: string },
): { hits: SearchHit[]; hasMore: boolean } {
  // One more than the page tells whether there is a next page.
  const hits = engine.search(terms, {
    limit: opts.limit + 1,
    offset: opts.offset,
    exclude: opts.exclude ?? [],
    ...(opts.section ? { section: opts.section } : {}),
  });
  return { hits: hits.slice(0, opts.limit), hasMore: hits.length > opts.limit };
}

/** The reply for a page of search results; `moreValue` builds the "More results" value for an offset. */
export function resultsReply(
  ctx: Pick<CommandContext, 'commandLabel'>,
  terms: string,
  page: { hits: SearchHit[]; hasMore: boolean },
  offset: number,
  moreValue: (nextOffset: number) => string,
  shareValue: string,
): Reply {
  if (page.hits.length === 0) {
    return {
      kind: 'notice',
      heading: offset === 0 ? 'No passage of the report matches that.' : 'No more results.',
      body:
        offset === 0
          ? `Try fewer or different words, or ask a question with ${commandLabel(ctx, 'ask')}.`
          : `That was everything for “${terms}”.`,
      items: [],
      actions: [],
      question: terms,
    };
  }
  const actions: Action[] = [];
  if (page.hasMore) actions.push({ kind: 'more_results', label: 'More results', value: moreValue(offset + page.hits.length) });
  actions.push({ kind: 'share', label: 'Share', value: shareValue });
  const first = offset + 1;
  const last = offset + page.hits.length;
  return {
    kind: 'results',
    heading: `Passages matching “${terms}” (${first === last ? first : `${first}–${last}`})`,
    items: page.hits.map(hitQuote),
    actions,
    footer: `Open a whole passage with ${commandLabel(ctx, 'source')} <id>.`,
    question: terms,
  };
}

/** Parses `in:section-id` out of Slack-style text. */
function parseText(text: string): Record<string, unknown> {
  const match = /(?:^|\s)in:(\S+)/.exec(text);
  if (!match) return { terms: text };
  return { terms: text.replace(match[0], ' ').trim(), section: match[1] };
}

const options = z.object({
  terms: z.string().min(1, 'Type the words to search for.').describe('Words to look for in the report'),
  section: z.string().min(1).max(100).optional().describe('Only this section (its id, e.g. "cocaine")'),
});

export default {
  name: 'search',
  description: 'Search the report and list the best-matching passages',
  options,
  parseText,
  autocomplete: {
    section: (ctx, partial) => {
      const p = partial.toLowerCase();
      const seen = new Set<string>();
      const choices: { name: string; value: string }[] = [];
      for (const doc of ctx.engine.corpus.documents) {
        for (const s of doc.sections) {
          if (seen.has(s.id) || !(s.id.includes(p) || s.title.toLowerCase().includes(p))) continue;
          seen.add(s.id);
          choices.push({ name: s.title, value: s.id });
        }
      }
      // Every match: the platform's renderer keeps what its limits allow.
      return choices;
    },
  },
  views: {
    search: (view, ctx) => {
      const section = view.section;
      const page = searchPage(ctx.engine, view.terms, { offset: view.offset, limit: view.offset === 0 ? FIRST_PAGE : MORE_PAGE, ...(section ? { section } : {}) });
      return resultsReply(
        ctx,
        view.terms,
        page,
        view.offset,
        (next) => encodeView({ kind: 'search', terms: view.terms, offset: next, ...(section ? { section } : {}) }),
        encodeView(view),
      );
    },
  },
  async execute(ctx) {
    const { terms, section } = ctx.options;
    const page = searchPage(ctx.engine, terms, { offset: 0, limit: FIRST_PAGE, ...(section ? { section } : {}) });
    return resultsReply(
      ctx,
      terms,
      page,
      0,
      (next) => encodeView({ kind: 'search', terms, offset: next, ...(section ? { section } : {}) }),
      encodeView({ kind: 'search', terms, offset: 0, ...(section ? { section } : {}) }),
    );
  },
} satisfies Command<typeof options>;
