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
    if (facts.length === 0) {
      return {
        kind: 'notice',
        heading: 'The report has no sentence I can quote as a fact.',
        items: [],
        actions: [],
        visibility: 'private',
      };
    }
    // Seeded by channel and instant: reproducible under an injected clock, varied in practice.
    const pick = hashSeed(`${ctx.platform}:${ctx.channel.id}:${ctx.now().getTime()}`) % facts.length;
    return factReply(ctx.engine.corpus, facts[pick]!, ctx.commandLabel);
  },
} satisfies Command<typeof options>;
