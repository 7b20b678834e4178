/** Scoring the engine against questions with gold answers (used by `npm run eval` and tests). */
import { fold } from '../search/fold.ts';
import type { Answer } from './types.ts';

/** Anything that answers questions: the engine, or the baseline it is compared with. */
export interface Answerer {
  answer(question: string): Answer;
}

export interface EvalItem {
  id: string;
  q: string;
  kind?: string;
  /** Substrings a correct excerpt contains (any one); null when the report does not answer. */
  gold: string[] | null;
}

export interface EvalReport {
  answerable: number;
  unanswerable: number;
  hit1: number;
  hit3: number;
  abstainedCorrectly: number;
  wronglyAbstained: number;
  summary: string;
  misses: string[];
}

/** Folding for gold matching: case, accents, curly quotes, white space. */
export function goldFold(s: string): string {
  return fold(s).replace(/\s+/g, ' ').trim();
}

/** Parses a JSONL file of eval items; names the line of any broken entry. */
export function parseEvalFile(text: string, name = 'eval file'): EvalItem[] {
  return text
    .split('\n')
    .map((l, i) => [l.trim(), i + 1] as const)
    .filter(([l]) => l)
    .map(([l, n]) => {
      let v: EvalItem;
      try {
        v = JSON.parse(l) as EvalItem;
      } catch {
        throw new Error(`${name} line ${n} is not valid JSON`);
      }
      if (typeof v.q !== 'string' || !(v.gold === null || Array.isArray(v.gold))) throw new Error(`${name} line ${n} needs "q" and "gold"`);
      return v;
    });
}

const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)}%` : 'n/a');

/** Runs every item and scores it. */
export function evaluate(engine: Answerer, items: EvalItem[]): EvalReport {
  let hit1 = 0;
  let hit3 = 0;
  let abstainedCorrectly = 0;
  let wronglyAbstained = 0;
  const misses: string[] = [];
  const answerable = items.filter((i) => i.gold !== null).length;
  const unanswerable = items.length - answerable;
  for (const item of items) {
    const a = engine.answer(item.q);
    const gold = item.gold;
    if (gold === null) {
      if (!a.answered) abstainedCorrectly++;
      else misses.push(`${item.id} should abstain: "${item.q}" → [${a.confidence}] ${a.answer?.text.slice(0, 160)}`);
      continue;
    }
    const contains = (text: string) => gold.some((g) => goldFold(text).includes(goldFold(g)));
    const ok1 = a.answered && a.answer !== null && a.answer.text.length <= 500 && contains(a.answer.text);
    const ok3 = (a.answer !== null && contains(a.answer.text)) || a.passages.slice(0, 3).some((p) => contains(p.text));
    if (ok1) hit1++;
    if (ok3) hit3++;
    if (!a.answered) wronglyAbstained++;
    if (!ok1) {
      misses.push(
        `${item.id} ${a.answered ? 'wrong' : `abstained (${a.reason}, ${a.confidence})`}${ok3 ? ' [in top 3]' : ''}: "${item.q}" gold=${JSON.stringify(item.gold)}\n    → ${a.answer ? `[${a.confidence}] ${a.answer.text.slice(0, 200)}` : a.passages[0]?.text.slice(0, 160)}`,
      );
    }
  }
  const summary = [
    `questions: ${items.length} (${answerable} answerable, ${unanswerable} unanswerable)`,
    `hit@1: ${pct(hit1, answerable)} (${hit1}/${answerable})`,
    `hit@3: ${pct(hit3, answerable)} (${hit3}/${answerable})`,
    `unanswerable abstained: ${abstainedCorrectly}/${unanswerable}`,
    `answerable wrongly abstained: ${wronglyAbstained}/${answerable}`,
  ].join('\n');
  return { answerable, unanswerable, hit1, hit3, abstainedCorrectly, wronglyAbstained, summary, misses };
}
