/**
 * Property-based fuzzing with fast-check (issue 8): random Unicode, control characters, lone
 * surrogates, mentions and huge inputs thrown at the engine, `runCommand` and both renderers. The
 * properties: nothing throws; every excerpt is an exact slice of its document's source text; every
 * rendered message is within the platform's limits. The seed is fixed (deterministic by default);
 * `FC_SEED=… FC_RUNS=…` explores further.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../src/answer/engine.ts';
import { loadConfig } from '../src/config.ts';
import { silentLogger } from '../src/log.ts';
import { Store } from '../src/store/store.ts';
import { loadRegistry } from '../commands/index.ts';
import { runCommand, type Invocation } from '../src/app.ts';
import { RateLimiter } from '../src/rate-limit.ts';
import { renderReply as renderSlack, SLACK_LIMITS } from '../src/adapters/slack/render.ts';
import { renderReply as renderDiscord } from '../src/adapters/discord/render.ts';
import { expectWithinLimits } from './adapters/discord/limits.ts';
import type { Reply } from '../commands/types.ts';
import { checkSlackBody } from '../src/adapters/slack/validate.ts';

const seed = Number(process.env.FC_SEED ?? 20260801);
const runs = (n: number) => Number(process.env.FC_RUNS ?? n);

let engine: Engine;
let store: Store;
const registry = loadRegistry();
const config = loadConfig({ LOG_LEVEL: 'silent' });

beforeAll(async () => {
  engine = await Engine.load('corpus');
  store = new Store(':memory:');
});

/** Words from the report, so that some random questions hit real passages. */
const WORDS = ['coca', 'VRAEM', 'Shining Path', 'gold', 'mining', 'timber', 'Venezuelan', 'hectares', 'police', 'Peru', 'PIAS', 'cocaine', '2020', 'how many', 'what is', 'why', '¿Qué', 'narcotráfico'];
const HOSTILE = [
  '\u0000', '\u0007', '\u001b[31m', '\u007f', '\u0085', '\u200b', '\u200d', '\u202e', '\u2066', '\ufeff', '\ufffd', '\ud800', '\udfff', '\udbff\udc00',
  '<@U123>', '<@UBOT|bot>', '<!channel>', '<!here>', '@everyone', '@here', '<#C1|general>', '<https://x.y|z>', '`', '```', '*', '_', '~', '>', '&amp;', '<', '>', '\n', '\r\n', '\t',
  'e\u0301', '👩‍👩‍👧', '🇵🇪', 'ﷺ', 'ǅ', 'İ', 'ß',
];
const piece = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...WORDS) },
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constant(' ') },
);
const question = fc.array(piece, { maxLength: 24 }).map((parts) => parts.join(' '));
const huge = fc.tuple(fc.constantFrom(...WORDS, ...HOSTILE), fc.integer({ min: 1_000, max: 20_000 })).map(([s, n]) => s.repeat(Math.ceil(n / s.length)).slice(0, n));

function expectExactSlices(a: ReturnType<Engine['answer']>): void {
  if (a.answer) {
    const doc = engine.corpus.documentsById.get(a.answer.citation.documentId)!;
    expect(doc.source.slice(a.answer.start, a.answer.end)).toBe(a.answer.text);
  }
  for (const p of a.passages) expect(engine.corpus.byId.get(p.passageId)!.text).toBe(p.text);
}

function expectSlackWithinLimits(reply: Reply): void {
  for (const opts of [{ shareable: true }, { shareable: false }, { sharedBy: 'U1' }]) {
    const m = renderSlack(reply, opts);
    expect(m.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
    const blocks = (m.blocks ?? []) as Array<Record<string, any>>;
    expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    for (const b of blocks) {
      if (b.text) expect(b.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      for (const e of b.elements ?? []) {
        if (e.type === 'button') {
          expect(e.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.buttonText);
          expect(e.value.length).toBeLessThanOrEqual(2000);
          expect(e.action_id.length).toBeLessThanOrEqual(255);
        } else if (e.text !== undefined) expect(String(e.text).length).toBeLessThanOrEqual(SLACK_LIMITS.contextText);
      }
    }
    // Mentions in user text never reach Slack as live mentions (only the bot's own "Shared by <@U1>").
    // Button values are data, never shown, so they are left out.
    const shown = JSON.stringify(blocks, (k, v: unknown) => (k === 'value' ? undefined : v)).replaceAll('Shared by <@U1>', '');
    expect(shown).not.toMatch(/<[@!#][A-Za-z0-9]/);
  }
}

function expectDiscordWithinLimits(reply: Reply): void {
  for (const visibility of ['private', 'public'] as const) {
    const m = renderDiscord(reply, { visibility, echoQuestion: true });
    expectWithinLimits({ ...(m.content ? { content: m.content } : {}), embeds: m.embeds as never, components: m.components as never, allowed_mentions: { parse: m.allowedMentions.parse } });
  }
}

const ctx = (): Invocation => ({
  engine,
  store,
  config,
  logger: silentLogger,
  platform: 'slack',
  user: { id: 'U1' },
  channel: { id: 'C1', kind: 'channel' },
  now: () => new Date('2026-01-02T03:04:05Z'),
});
const services = { limiter: new RateLimiter({ limit: 1_000_000 }) };

describe('engine.answer (property)', () => {
  it('never throws, and every excerpt and passage is an exact slice of the report', () => {
    fc.assert(
      fc.property(question, (q) => {
        expectExactSlices(engine.answer(q));
      }),
      { seed, numRuns: runs(300) },
    );
  });

  it('copes with huge inputs', () => {
    fc.assert(
      fc.property(huge, (q) => {
        expectExactSlices(engine.answer(q));
      }),
      { seed, numRuns: runs(15) },
    );
  });
});

describe('runCommand and both renderers (property)', () => {
  it('never throw, and every message is within Slack and Discord limits', async () => {
    const command = fc.constantFrom('ask', 'search', 'source', 'fact', 'help', 'digest', 'nope');
    await fc.assert(
      fc.asyncProperty(command, fc.oneof({ weight: 6, arbitrary: question }, { weight: 1, arbitrary: huge }), async (name, text) => {
        const cmd = registry.get(name);
        const raw = cmd ? (cmd.parseText ? cmd.parseText(text) : { [Object.keys(cmd.options.shape)[0] ?? 'x']: text }) : { text };
        const reply = await runCommand(registry, name, raw, ctx(), services);
        expect(typeof reply.kind).toBe('string');
        if (reply.quote) {
          const doc = engine.corpus.documentsById.get(reply.quote.citation.documentId)!;
          expect(doc.source).toContain(reply.quote.text);
        }
        expectSlackWithinLimits(reply);
        expectDiscordWithinLimits(reply);
      }),
      { seed, numRuns: runs(150) },
    );
  });
});

describe('the Slack payload check (property)', () => {
  it('never throws on any JSON value, and refuses what is not an object', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.record({ type: fc.constantFrom('block_actions', 'event_callback', 'url_verification'), user: fc.jsonValue(), actions: fc.jsonValue(), event: fc.jsonValue(), event_id: fc.jsonValue() }, { requiredKeys: ['type'] })), (body) => {
        const r = checkSlackBody(body);
        if (body === null || typeof body !== 'object' || Array.isArray(body)) expect(r.ok).toBe(false);
      }),
      { seed, numRuns: runs(500) },
    );
  });
});
