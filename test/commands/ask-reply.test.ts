import { describe, expect, it } from 'vitest';
import { ABSTENTION_HEADING, UNCLEAR_HEADING, answerReply } from '../../commands/ask.ts';
import type { Answer, RankedPassage } from '../../src/answer/types.ts';

const citation = { documentId: 'd', document: 'Doc', author: 'A B', date: '2020-01-01', section: 'S', sectionId: 's', paragraph: 1, passageId: 'd/s/1', label: 'B 2020 · S ¶1' };
const passage: RankedPassage = { passageId: 'd/s/1', section: 'S', text: 'The ferry carries 300 passengers.', score: 1, citation, highlights: [] };
const abstention = (reason: Answer['reason'], passages: RankedPassage[]): Answer => ({ question: 'q', answered: false, confidence: 0.3, answer: null, passages, reason });

describe('answerReply for abstentions', () => {
  it('lists the closest passages when they are close but none answers with confidence', () => {
    const reply = answerReply(abstention('unclear', [passage]), () => 0);
    expect(reply.heading).toBe(UNCLEAR_HEADING);
    expect(reply.body).toBe('These look closest:');
    expect(reply.items.map((i) => i.passageId)).toEqual(['d/s/1']);
  });

  it('says the report does not cover it, and lists nothing, when nothing comes close', () => {
    const reply = answerReply(abstention('not-covered', [passage]), () => 0);
    expect(reply.heading).toBe(ABSTENTION_HEADING);
    expect(reply.items).toEqual([]);
  });

  it('meets chit-chat with a pointer to what the bot answers', () => {
    const reply = answerReply(abstention('chitchat', []), () => 0);
    expect(reply.heading).toBe('Ask me something the report might answer.');
  });

  it('quotes document metadata without passage buttons', () => {
    const meta: Answer = {
      question: 'who wrote this?',
      answered: true,
      confidence: 0.95,
      answer: { text: 'A B | 2020', passageId: null, documentId: 'd', start: 0, end: 10, highlights: [], citation: { ...citation, section: null, sectionId: null, paragraph: null, passageId: null, label: 'B 2020' } },
      passages: [],
    };
    const reply = answerReply(meta, () => 0);
    expect(reply.quote!.passageId).toBeNull();
    expect(reply.actions.map((a) => a.kind)).toEqual(['share']);
  });
});

describe('/reports', () => {
  it('lists each report with its format and size, and every file passed over with why', async () => {
    const { default: reports, documentLine } = await import('../../commands/reports.ts');
    const { buildCorpus, parseDocument } = await import('../../src/corpus/load.ts');
    const { Engine } = await import('../../src/answer/engine.ts');
    const doc = parseDocument('/f/harbor.md', '---\ntitle: Harbor Notes\nauthor: Ana Ruiz\ndate: 2023-03-01\n---\n\nThe fleet landed 4,200 tons.\n');
    const engine = Engine.fromCorpus(buildCorpus([doc], new Map(), [{ file: 'scan.pdf', reason: 'no text layer (a scanned PDF?)' }]));
    expect(documentLine(doc)).toBe('Harbor Notes — Ana Ruiz, 2023-03-01 (MD, 1 passage; id harbor)');
    const reply = await reports.execute({ engine } as never);
    expect(reply.heading).toMatch(/^1 report, loaded \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    expect(reply.body).toBe('• Harbor Notes — Ana Ruiz, 2023-03-01 (MD, 1 passage; id harbor)\n\n• skipped scan.pdf: no text layer (a scanned PDF?)');
  });
});
