/**
 * Follow-up questions in a conversation: "and what about Bolivia?", "why?", "tell me more". Given the
 * previous turn, an elliptical question is read against it — the subject carried over, a new name put
 * in place of the old one, a bare question word asked of the previous subject — or, for "tell me
 * more", the passage that follows the previous answer. Cues come from the language data.
 */
import { languages } from '../language/index.ts';
import { STOP_WORDS, words } from '../search/analyze.ts';
import { fold } from '../search/fold.ts';
import { cleanQuestion } from './question.ts';
import type { Answer } from './types.ts';

/** The previous question and what the engine answered. */
export interface Turn {
  question: string;
  answer: Answer;
}

export type FollowUp = { kind: 'more' } | { kind: 'rewrite'; question: string } | null;

/** Longest follow-up read as elliptical, in words: longer questions stand on their own. */
const MAX_FOLLOW_UP_WORDS = 7;

function content(ws: string[]): string[] {
  return ws.filter((w) => !STOP_WORDS.has(w));
}

/** The question words a question opens with ("how many", "why"), up to its first content word. */
function lead(question: string): string {
  const ws = words(cleanQuestion(question));
  const out: string[] = [];
  for (const w of ws) {
    if (!STOP_WORDS.has(w)) break;
    out.push(w);
  }
  return out.join(' ');
}

/**
 * Reads a question as a follow-up of the previous turn, or returns null when it stands on its own.
 * `isName` tells a name (Bolivia) from other words, so a new name replaces the previous one.
 */
export function readFollowUp(raw: string, previous: Turn | undefined, isName: (folded: string) => boolean): FollowUp {
  if (!previous) return null;
  const text = fold(cleanQuestion(raw)).replace(/[?!.,¿¡…]+/g, ' ').replace(/\s+/g, ' ').trim();
  if (!text || text.split(' ').length > MAX_FOLLOW_UP_WORDS) return null;
  if (languages.some((l) => l.followUp.more.has(text))) return { kind: 'more' };
  const before = words(cleanQuestion(previous.question));
  if (content(before).length === 0) return null;
  if (languages.some((l) => l.followUp.bare.has(text))) return { kind: 'rewrite', question: `${text} ${content(before).join(' ')}` };
  for (const l of languages) {
    const opener = l.followUp.openers.find((o) => text === o || text.startsWith(`${o} `));
    if (!opener) continue;
    const rest = words(text.slice(opener.length));
    const added = content(rest);
    if (added.length === 0) return null;
    const names = added.filter(isName);
    const kept = content(before).filter((w) => !(names.length && isName(w)) && !added.includes(w));
    return { kind: 'rewrite', question: [lead(previous.question), ...kept, ...added].filter(Boolean).join(' ') };
  }
  return null;
}
