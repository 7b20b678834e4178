import { describe, expect, it } from 'vitest';
import { Conversations } from '../src/conversation.ts';
import type { Turn } from '../src/answer/follow-up.ts';

const turn = (question: string): Turn => ({ question, answer: { question, answered: false, confidence: 0, answer: null, passages: [], reason: 'not-covered' } });

describe('Conversations', () => {
  it('remembers the latest turn of each conversation separately', () => {
    const c = new Conversations();
    c.remember('a', turn('one'));
    c.remember('b', turn('two'));
    c.remember('a', turn('three'));
    expect(c.previous('a')?.question).toBe('three');
    expect(c.previous('b')?.question).toBe('two');
    expect(c.previous('c')).toBeUndefined();
  });

  it('forgets a turn older than its time to live', () => {
    let now = 0;
    const c = new Conversations({ maxConversations: 10, ttlMs: 1000 }, () => now);
    c.remember('a', turn('one'));
    now = 1001;
    expect(c.previous('a')).toBeUndefined();
  });

  it('forgets the least recently asked conversation when full', () => {
    const c = new Conversations({ maxConversations: 2, ttlMs: 1e9 });
    c.remember('a', turn('1'));
    c.remember('b', turn('2'));
    c.remember('c', turn('3'));
    expect(c.previous('a')).toBeUndefined();
    expect(c.previous('c')?.question).toBe('3');
  });
});
