/**
 * `/ask question` — the best verbatim excerpt with its citation, or an honest abstention listing the
 * closest passages. Feedback, "More results" and "Share" values refer to the question log entry,
 * which `runCommand` fills in after logging (see `bindQuestionLogId`).
 */
import { z } from 'zod';
import type { Command, Quote, Reply, Action, ViewContext } from './types.ts';
import type { RankedPassage, Answer } from '../src/answer/types.ts';
import { encodeFeedback, encodeView, excerptRef, passageRef } from '../src/actions.ts';
import { excerptAround } from '../src/answer/excerpt.ts';
import { MORE_PAGE, resultsReply, searchPage } from './search.ts';

/** Longest excerpt shown for one of the closest passages in an abstention. */
export const CLOSEST_EXCERPT_CHARS = 300;

/** Nothing close: the documents do not cover the question. */
export const ABSTENTION_HEADING = "The report doesn't cover that.";
/** Close passages, but none answers with confidence. */
export const UNCLEAR_HEADING = "I couldn't find a passage that answers this directly.";

/** A closest passage as a short quote, windowed by the engine's excerpt rule. */
export function closestQuote(p: RankedPassage): Quote {
  const cut = excerptAround(p.text, p.highlights, CLOSEST_EXCERPT_CHARS);
  return { ...cut, citation: p.citation, passageId: p.passageId };
}

/** The engine's confidence behind a reply built here, for the question log (a Reply has no such field). */
export const replyConfidence = new WeakMap<Reply, number>();

/**
 * Builds the reply for an {@link Answer}; `logId` null means "not logged yet" (placeholder values).
 * `asked` is the question as the user typed it (the engine's copy has mention markup removed); the
 * adapters escape it when they echo it.
 */
export function answerReply(
  answer: Answer,
  passageOrder: (id: string) => number,
  logId: number | null = null,
  asked: string = answer.question,
): Reply {
  const built = buildAnswerReply(answer, passageOrder, logId);
  // A follow-up says what it understood, so a wrong reading is seen at once.
  const understood = answer.understood ? (answer.followUp === 'more' ? `Continuing with ${answer.understood}.` : `Taking that as: “${answer.understood}”.`) : undefined;
  const reply = { ...built, ...(understood ? { body: built.body ? `${understood}\n${built.body}` : understood } : {}), question: asked };
  replyConfidence.set(reply, answer.confidence);
  return reply;
}

function buildAnswerReply(answer: Answer, passageOrder: (id: string) => number, logId: number | null): Reply {
  const ref = (id: string) => passageRef({ id, order: passageOrder(id) });
  const more: Action = {
    kind: 'more_results',
    label: 'More results',
    value: encodeView({ kind: 'ask-more', logId, offset: 0 }),
  };
  const share: Action = { kind: 'share', label: 'Share', value: encodeView({ kind: 'ask', logId }) };
  if (answer.answered && answer.answer) {
    const a = answer.answer;
    const passageActions: Action[] =
      a.passageId === null
        ? []
        : [
            // An excerpt that ran on into the next paragraph: Full passage shows both.
            { kind: 'full_passage', label: 'Full passage', value: excerptRef({ id: a.passageId, order: passageOrder(a.passageId) }, a.endPassageId !== undefined) },
            more,
            share,
            { kind: 'feedback_up', label: '👍', value: encodeFeedback(logId, ref(a.passageId)) },
            { kind: 'feedback_down', label: '👎', value: encodeFeedback(logId, ref(a.passageId)) },
          ];
    return {
      kind: 'answer',
      quote: { text: a.text, highlights: a.highlights, citation: a.citation, passageId: a.passageId },
      // "What reports do you have?": every document, one line each.
      items: (answer.documents ?? []).map((d) => ({
        text: [d.title, d.author, d.date].filter(Boolean).join(' · '),
        highlights: [],
        citation: { documentId: d.documentId, document: d.title, author: d.author, date: d.date, section: null, sectionId: null, paragraph: null, passageId: null, label: d.label },
        passageId: null,
      })),
      actions: a.passageId === null ? [share] : passageActions,
      question: answer.question,
    };
  }
  if (answer.reason === 'empty' || answer.reason === 'chitchat') {
    // "thanks", "who are you", "?!", an emoji: nothing to look up. Say what the bot is for instead of "not covered".
    return {
      kind: 'abstention',
      heading: 'Ask me something the report might answer.',
      body: 'Ask in your own words about a figure, a place, a name or an event in it. I answer with an exact quote from the report, or tell you when it does not say.',
      items: [],
      actions: [],
      question: answer.question,
    };
  }
  const closest = answer.reason === 'unclear' ? answer.passages.slice(0, 3).map(closestQuote) : [];
  return {
    kind: 'abstention',
    heading: answer.reason === 'unclear' ? UNCLEAR_HEADING : ABSTENTION_HEADING,
    body: closest.length > 0 ? 'These look closest:' : 'No passage comes close. Try other words, or search for a keyword.',
    items: closest,
    actions: closest.length > 0 ? [more, share] : [],
    question: answer.question,
  };
}

const options = z.object({
  question: z.string().min(1, 'Type a question after the command, e.g. "What is the VRAEM?"').describe('Your question about the report'),
});

/** The logged question a view refers to, if it is still in the log. */
function logged(ctx: ViewContext, logId: number | null): { logId: number; question: string; passageId: string | null } | undefined {
  if (logId === null) return undefined;
  const entry = ctx.store.loggedQuestion(logId);
  return entry && { logId, ...entry };
}

/**
 * The passages a logged answer showed: the one it is cited to, and the one its excerpt ran on into.
 * The log keeps the first only; the second is the engine's again (as Share does) while it still starts there.
 */
function shownPassages(ctx: ViewContext, q: { question: string; passageId: string | null }): string[] {
  if (q.passageId === null) return [];
  const again = ctx.engine.answer(q.question).answer;
  return again?.passageId === q.passageId && again.endPassageId ? [q.passageId, again.endPassageId] : [q.passageId];
}

export default {
  name: 'ask',
  description: 'Ask a question; get the best passage of the report, quoted and cited',
  options,
  // Every answer and abstention is logged: `gaps` and `feedback` read the log, and the buttons refer to it.
  logAsQuestion: (options, reply) =>
    reply.kind === 'answer' || reply.kind === 'abstention'
      ? {
          question: options.question,
          answered: reply.kind === 'answer',
          confidence: replyConfidence.get(reply) ?? (reply.kind === 'answer' ? 1 : 0),
          passageId: reply.quote?.passageId ?? null,
        }
      : undefined,
  views: {
    // Share: the same answer again, for the channel.
    ask: (view, ctx) => {
      const q = logged(ctx, view.logId);
      return q && answerReply(ctx.engine.answer(q.question), (id) => ctx.engine.corpus.byId.get(id)?.order ?? 0, q.logId, q.question);
    },
    // More results: further passages for the question, those already shown left out.
    'ask-more': (view, ctx) => {
      const q = logged(ctx, view.logId);
      if (!q) return undefined;
      const page = searchPage(ctx.engine, q.question, { offset: view.offset, limit: MORE_PAGE, exclude: shownPassages(ctx, q) });
      return resultsReply(ctx, q.question, page, view.offset, (next) => encodeView({ kind: 'ask-more', logId: q.logId, offset: next }), encodeView(view));
    },
  },
  async execute(ctx) {
    const conversation = ctx.conversation;
    const answer = ctx.engine.answer(ctx.options.question, conversation?.memory.previous(conversation.key));
    // A chain of follow-ups builds on what was understood ("and Bolivia?" then "why?").
    const previous = conversation?.memory.previous(conversation.key);
    const asked = answer.followUp === 'more' && previous ? previous.question : answer.followUp === 'rewrite' && answer.understood ? answer.understood : ctx.options.question;
    conversation?.memory.remember(conversation.key, { question: asked, answer });
    return answerReply(answer, (id) => ctx.engine.corpus.byId.get(id)?.order ?? 0, null, ctx.options.question);
  },
} satisfies Command<typeof options>;

