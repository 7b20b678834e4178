/** `/fact` — one fact from the report right now: a verbatim, cited sentence with a hint to ask about it. */
import { z } from 'zod';
import type { Command } from './types.ts';
import { factsFor } from '../src/digest/facts.ts';
import { factReply } from '../src/digest/message.ts';
import { hashSeed } from '../src/digest/rotation.ts';

const options = z.object({});

export default {
  name: 'fact',
  description: 'One fact from the report, quoted and cited',
  options,
  async execute(ctx) {
    const facts = factsFor(ctx.engine.corpus);
    // Seeded by channel and instant: reproducible under an injected clock, varied in practice.
    const fact = facts[hashSeed(`${ctx.platform}:${ctx.channel.id}:${ctx.now().getTime()}`) % Math.max(1, facts.length)];
    if (!fact) {
      return {
        kind: 'notice',
        heading: 'The report has no sentence I can quote as a fact.',
        items: [],
        actions: [],
        visibility: 'private',
      };
    }
    return factReply(ctx.engine.corpus, fact, ctx.commandLabel);
  },
} satisfies Command<typeof options>;
