import { describe, expect, it } from 'vitest';
import { commandLabel } from '../../commands/types.ts';
import { passageReply } from '../../commands/source.ts';
import { Engine } from '../../src/answer/engine.ts';

describe('commandLabel', () => {
  it('is /name unless the platform types commands differently', () => {
    expect(commandLabel({}, 'ask')).toBe('/ask');
    expect(commandLabel({ commandLabel: (n) => `/rb-${n}` }, 'ask')).toBe('/rb-ask');
  });

  it('is what the commands use when they name another command', async () => {
    const engine = await Engine.load('corpus');
    const reply = passageReply({ engine, commandLabel: (n) => `/rb-${n}` }, 'no-such/passage/1');
    expect(reply.body ?? reply.heading).toContain('/rb-search <words>');
  });
});
