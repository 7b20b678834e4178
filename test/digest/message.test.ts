import { describe, expect, it } from 'vitest';
import { tinyCorpus } from './fixtures.ts';
import { extractFacts } from '../../src/digest/facts.ts';
import { askHint, digestReply, factReply, progressLabel } from '../../src/digest/message.ts';

const corpus = tinyCorpus();
const facts = extractFacts(corpus);

describe('digestReply', () => {
  it('has a header with the report title and progress, each fact as a cited quote, and a footer pointing to /ask', () => {
    const reply = digestReply(corpus, facts.slice(0, 3), { first: 4, last: 6, total: 6 }, (n) => `/rb-${n}`);
    expect(reply.kind).toBe('digest');
    expect(reply.visibility).toBe('public');
    expect(reply.heading).toBe('Daily facts from Rivers of the Test Basin — Facts 4–6 of 6');
    expect(reply.items.map((q) => q.text)).toEqual(facts.slice(0, 3).map((f) => f.text));
    expect(reply.items.map((q) => q.citation.label)).toEqual(['Tester 2024 · Introduction ¶2', 'Tester 2024 · Introduction ¶3', 'Tester 2024 · Fisheries ¶1']);
    expect(reply.items.every((q) => q.highlights.length === 0)).toBe(true);
    expect(reply.actions).toEqual([
      { kind: 'full_passage', label: 'Full passage 1', value: 'tiny/introduction/2' },
      { kind: 'full_passage', label: 'Full passage 2', value: 'tiny/introduction/3' },
      { kind: 'full_passage', label: 'Full passage 3', value: 'tiny/fisheries/1' },
    ]);
    expect(reply.footer).toBe('Curious? Ask about any of these with /rb-ask followed by your question.');
    expect(reply.body).toBeUndefined();
  });

  it('says "Fact 5 of 6" for a one-fact digest', () => {
    expect(progressLabel({ first: 5, last: 5, total: 6 })).toBe('Fact 5 of 6');
    expect(digestReply(corpus, [facts[0]!], { first: 5, last: 5, total: 6 }).actions[0]!.label).toBe('Full passage');
  });
});

describe('factReply and askHint', () => {
  it('suggests a question about the most specific name in the fact', () => {
    const heron = facts.find((f) => f.text.includes('Operation Heron'))!;
    expect(askHint(heron)).toBe('What does the report say about Operation Heron?');
    const reply = factReply(corpus, heron);
    expect(reply.footer).toBe('Ask about this: /ask followed by your question, e.g. /ask What does the report say about Operation Heron?');
    expect(reply.heading).toBe('A fact from Rivers of the Test Basin');
    expect(reply.quote).toEqual({ text: heron.text, highlights: [], citation: heron.citation, passageId: heron.passageId });
  });
});
