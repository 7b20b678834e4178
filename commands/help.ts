/** `/help` — what the bot can do, listing the registry's commands as typed on this platform. */
import { z } from 'zod';
import { commandLabel, type Command } from './types.ts';

const options = z.object({});

export default {
  name: 'help',
  description: 'List the commands and how to ask',
  options,
  // Listing the commands costs nothing, so it never counts against the rate limit.
  rateLimited: false,
  async execute(ctx) {
    const commands = ctx.commands ?? [];
    const lines = commands.map((c) => `${commandLabel(ctx, c.name)} — ${c.description}`);
    const docs = ctx.engine.corpus.documents.map((d) => d.title).filter(Boolean);
    return {
      kind: 'help',
      heading: 'I answer questions about the report with quoted, cited passages.',
      body: [
        ...lines,
        '',
        docs.length > 0 ? `Report: ${docs.join('; ')}` : '',
        'Every answer is an exact quote; when the report does not cover a question I say so and show the closest passages.',
      ]
        .filter((l, i, all) => l !== '' || (i > 0 && all[i - 1] !== ''))
        .join('\n')
        .trim(),
      items: [],
      actions: [],
      visibility: 'private',
    };
  },
} satisfies Command<typeof options>;
