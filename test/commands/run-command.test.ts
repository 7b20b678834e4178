/** runCommand and handleAction: the platform-neutral core, with the real engine and a real SQLite file. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/answer/engine.ts';
import { buildCorpus, parseDocument } from '../../src/corpus/load.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger, silentLogger } from '../../src/log.ts';
import { Store, hashUser } from '../../src/store/store.ts';
import { z } from 'zod';
import { createRegistry, loadRegistry } from '../../commands/index.ts';
import { notice } from '../../commands/notice.ts';
import { encodeView } from '../../src/actions.ts';
import { handleAction, runCommand, sanitizeText, type Invocation } from '../../src/app.ts';
import { RateLimiter } from '../../src/rate-limit.ts';
import { ABSTENTION_HEADING } from '../../commands/ask.ts';

const QUESTION = 'How many hectares of coca were under cultivation in 2020?';
let engine: Engine;
let store: Store;
let dir: string;
const registry = loadRegistry();
const config = loadConfig({ RATE_LIMIT_PER_MINUTE: '1000' });

beforeAll(async () => {
  engine = await Engine.load('corpus');
  dir = mkdtempSync(join(tmpdir(), 'report-bot-app-'));
  store = new Store(join(dir, 'test.sqlite'));
});
afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const ctx = (over: Partial<Invocation> = {}): Invocation => ({
  engine,
  store,
  config,
  logger: silentLogger,
  platform: 'console',
  user: { id: 'U1' },
  channel: { id: 'C1', kind: 'channel' },
  now: () => new Date('2026-01-02T03:04:05Z'),
  ...over,
});

describe('sanitizeText', () => {
  it('strips control and invisible characters and collapses whitespace', () => {
    expect(sanitizeText('  what\u0000 is\t\tthe\u200b\nVRAEM?\u202e ')).toBe('what is the VRAEM?');
  });
});

describe('runCommand', () => {
  it('answers with a cited verbatim excerpt and five buttons bound to the logged question', async () => {
    const reply = await runCommand(registry, 'ask', { question: QUESTION }, ctx());
    expect(reply.kind).toBe('answer');
    const doc = engine.corpus.documentsById.get(reply.quote!.citation.documentId)!;
    expect(doc.source).toContain(reply.quote!.text);
    expect(reply.actions.map((a) => a.kind)).toEqual(['full_passage', 'more_results', 'share', 'feedback_up', 'feedback_down']);
    expect(reply.questionLogId).toBeGreaterThan(0);
    expect(reply.actions.find((a) => a.kind === 'feedback_up')!.value).toBe(`${reply.questionLogId}:${reply.quote!.passageId}`);
    for (const a of reply.actions) expect(a.value.length).toBeLessThanOrEqual(80);
  });

  it('logs each ask with the hashed user, the outcome and the passage', async () => {
    const reply = await runCommand(registry, 'ask', { question: QUESTION }, ctx({ user: { id: 'U-log' } }));
    const row = store.db.prepare('SELECT * FROM question_log WHERE id = ?').get(reply.questionLogId) as Record<string, unknown>;
    expect(row).toMatchObject({
      platform: 'console',
      user_hash: hashUser('console', 'U-log'),
      question: QUESTION,
      answered: 1,
      passage_id: reply.quote!.passageId,
      asked_at: '2026-01-02T03:04:05.000Z',
    });
    expect(row.confidence as number).toBeGreaterThan(0);
  });

  it('abstains honestly and logs the gap', async () => {
    const question = 'What is the population of Norway?';
    const reply = await runCommand(registry, 'ask', { question }, ctx());
    expect(reply.kind).toBe('abstention');
    expect(reply.heading).toBe(ABSTENTION_HEADING);
    expect(reply.quote).toBeUndefined();
    expect(store.gaps().map((g) => g.question)).toContain(question);
  });

  it('sanitizes the question before answering and logging it', async () => {
    const reply = await runCommand(registry, 'ask', { question: ' What\u0007 is\n\n the VRAEM? ' }, ctx());
    expect(reply.question).toBe('What is the VRAEM?');
    const row = store.db.prepare('SELECT question FROM question_log WHERE id = ?').get(reply.questionLogId) as { question: string };
    expect(row.question).toBe('What is the VRAEM?');
  });

  it('asks for a question when none is given', async () => {
    const reply = await runCommand(registry, 'ask', { question: ' \u0000 ' }, ctx());
    expect(reply).toMatchObject({ kind: 'notice', heading: "I couldn't read that.", visibility: 'private' });
    expect(reply.body).toContain('Type a question');
  });

  it('refuses an over-long question with a short explanation', async () => {
    const reply = await runCommand(registry, 'ask', { question: 'a'.repeat(1001) }, ctx());
    expect(reply.heading).toBe("That's too long for me: 1,001 characters.");
    expect(reply.body).toContain('under 1,000 characters');
  });

  it('names a missing option as required, and a wrong kind of value as such', async () => {
    const missing = await runCommand(registry, 'source', {}, ctx());
    expect(missing.body).toBe('id: this is required.');
    const wrongKind = await runCommand(registry, 'source', { id: 42 }, ctx());
    expect(wrongKind.body).toBe('id: expected string.');
  });

  it('offers passage ids for /source by id or by section title', () => {
    const source = registry.get('source')!;
    const byTitle = source.autocomplete!.id!(ctx() as never, 'mining');
    expect(byTitle.length).toBeGreaterThan(0);
    expect(byTitle.every((c) => c.value.includes('/illegal-mining/'))).toBe(true);
    expect(source.autocomplete!.id!(ctx() as never, 'cocaine/3').map((c) => c.value)).toContain('ellis-peru-2/cocaine/3');
  });

  it('says so for an unknown command', async () => {
    const reply = await runCommand(registry, 'launch', {}, ctx());
    expect(reply.heading).toBe('I don\'t know the command "launch".');
  });

  it('rate-limits per user and platform, but not help', async () => {
    let now = 0;
    const limiter = new RateLimiter({ limit: 1, now: () => now });
    const services = { limiter };
    expect((await runCommand(registry, 'search', { terms: 'coca' }, ctx(), services)).kind).toBe('results');
    const refused = await runCommand(registry, 'search', { terms: 'coca' }, ctx(), services);
    expect(refused.heading).toBe("You're asking faster than I can keep up with.");
    expect(refused.body).toBe('Please wait 60 seconds and try again (limit: 1 questions a minute).');
    expect((await runCommand(registry, 'help', {}, ctx(), services)).kind).toBe('help');
    expect((await runCommand(registry, 'search', { terms: 'coca' }, ctx({ platform: 'slack' }), services)).kind).toBe('results');
    now = 60_000;
    expect((await runCommand(registry, 'search', { terms: 'coca' }, ctx(), services)).kind).toBe('results');
  });

  it('takes what to log, whether to rate-limit and how views re-render from the command, naming none itself', async () => {
    const echo = {
      name: 'echo',
      description: 'Says the words back',
      options: z.object({ words: z.string() }),
      rateLimited: false,
      logAsQuestion: (o: { words: string }) => ({ question: o.words, answered: false, confidence: 0.25, passageId: null }),
      views: { search: (view: { terms: string }) => notice(`again: ${view.terms}`) },
      execute: async (c: { options: { words: string } }) => notice(c.options.words),
    };
    const own = createRegistry([echo]);
    const limiter = new RateLimiter({ limit: 1 });
    for (let i = 0; i < 3; i++) expect((await runCommand(own, 'echo', { words: 'hola' }, ctx(), { limiter })).heading).toBe('hola');
    const reply = await runCommand(own, 'echo', { words: 'adiós' }, ctx(), { limiter });
    expect(store.db.prepare('SELECT question, answered, confidence FROM question_log WHERE id = ?').get(reply.questionLogId)).toEqual({
      question: 'adiós',
      answered: 0,
      confidence: 0.25,
    });
    const pressed = await handleAction(own, { kind: 'more_results', value: encodeView({ kind: 'search', terms: 'coca', offset: 0 }) }, ctx(), { limiter: new RateLimiter({ limit: 5 }) });
    expect(pressed.reply.heading).toBe('again: coca');
  });

  it('turns an exception into an apology with an error id; the log has the stack', async () => {
    const lines: string[] = [];
    const logger = createLogger('error', new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }));
    const broken = Object.create(engine, { search: { value: () => { throw new Error('index gone'); } } }) as Engine;
    const reply = await runCommand(registry, 'search', { terms: 'coca' }, ctx({ engine: broken, logger }), { newErrorId: () => 'abcd1234' });
    expect(reply).toMatchObject({ kind: 'error', errorId: 'abcd1234', visibility: 'private' });
    expect(reply.body).toContain('abcd1234');
    expect(reply.body).not.toContain('index gone');
    const log = JSON.parse(lines[0]!);
    expect(log).toMatchObject({ errorId: 'abcd1234', command: 'search' });
    expect(log.err.stack).toContain('index gone');
  });

  it('lists the registry in help, as typed on the platform', async () => {
    const reply = await runCommand(registry, 'help', {}, ctx({ commandLabel: (n) => `/rb-${n}` }));
    for (const name of registry.names()) expect(reply.body).toContain(`/rb-${name} — `);
  });

  it('searches one section when the Slack text says in:section', async () => {
    const search = registry.get('search')!;
    const raw = search.parseText!('coca in:cocaine');
    expect(raw).toEqual({ terms: 'coca', section: 'cocaine' });
    const reply = await runCommand(registry, 'search', raw, ctx());
    expect(reply.items.length).toBeGreaterThan(0);
    for (const item of reply.items) expect(item.citation.sectionId).toBe('cocaine');
  });

  it('explains an unknown passage id and how to find ids', async () => {
    const reply = await runCommand(registry, 'source', { id: 'nope/none/1' }, ctx());
    expect(reply.heading).toBe('There is no passage with the id “nope/none/1”.');
    expect(reply.body).toContain('/search');
  });

  it('shows a whole passage verbatim by id', async () => {
    const id = engine.corpus.passages[5]!.id;
    const reply = await runCommand(registry, 'source', { id }, ctx());
    expect(reply.kind).toBe('passage');
    expect(reply.quote!.text).toBe(engine.corpus.byId.get(id)!.text);
  });
});

describe('handleAction', () => {
  it('records 👍 and 👎 against the logged question and thanks privately', async () => {
    const reply = await runCommand(registry, 'ask', { question: QUESTION }, ctx());
    const up = reply.actions.find((a) => a.kind === 'feedback_up')!;
    const outcome = await handleAction(registry, up, ctx({ user: { id: 'U-vote' } }));
    expect(outcome.placement).toBe('private');
    expect(outcome.reply.heading).toMatch(/Thanks for the 👍/);
    const down = reply.actions.find((a) => a.kind === 'feedback_down')!;
    await handleAction(registry, down, ctx({ user: { id: 'U-vote' } }));
    const rows = store.db
      .prepare('SELECT vote, question_log_id AS q, passage_id AS p FROM feedback WHERE user_hash = ?')
      .all(hashUser('console', 'U-vote'));
    // A second vote on the same answer replaces the first.
    expect(rows).toEqual([{ vote: -1, q: reply.questionLogId, p: reply.quote!.passageId }]);
  });

  it('shows the full passage where the answer was', async () => {
    const reply = await runCommand(registry, 'ask', { question: QUESTION }, ctx());
    const outcome = await handleAction(registry, reply.actions[0]!, ctx());
    expect(outcome.placement).toBe('follow');
    expect(outcome.reply.quote!.text).toBe(engine.corpus.byId.get(reply.quote!.passageId!)!.text);
  });

  it('pages More results three at a time without repeating the answered passage', async () => {
    const reply = await runCommand(registry, 'ask', { question: QUESTION }, ctx());
    const first = await handleAction(registry, reply.actions[1]!, ctx());
    expect(first.reply.items).toHaveLength(3);
    expect(first.reply.items.map((i) => i.passageId)).not.toContain(reply.quote!.passageId);
    const next = first.reply.actions.find((a) => a.kind === 'more_results')!;
    const second = await handleAction(registry, next, ctx());
    const seen = new Set(first.reply.items.map((i) => i.passageId));
    for (const item of second.reply.items) expect(seen.has(item.passageId)).toBe(false);
  });

  it('leaves out of More results both passages of an excerpt that runs on into the next one, and shows both as its Full passage', async () => {
    // The answer opens with the paragraph that names the contract and runs on into the one naming the firm.
    const text = '---\ntitle: Harbour Notes\n---\n\n## Dredging\n\nThe harbour board approved a dredging contract.\n\nThe firm of Carla Brandt won it.\n\n## Fees\n\nThe firm was paid for the dredging contract in June.\n';
    const small = Engine.fromCorpus(buildCorpus([parseDocument('/f/harbour.md', text)]), { weights: { candidate: { exact: 4, crosses: 2 }, confidence: { bias: 5 }, threshold: 0.5 } });
    const question = 'which firm won the dredging contract the harbour board approved?';
    const shown = small.answer(question).answer!;
    expect([shown.passageId, shown.endPassageId]).toEqual(['harbour/dredging/1', 'harbour/dredging/2']);
    const reply = await runCommand(registry, 'ask', { question }, ctx({ engine: small }));
    const more = await handleAction(registry, reply.actions.find((a) => a.kind === 'more_results')!, ctx({ engine: small }));
    expect(more.reply.items.map((i) => i.passageId)).toEqual(['harbour/fees/1']);
    // Full passage shows both paragraphs, as the one stretch of the source they are, cited ¶1–2.
    const full = await handleAction(registry, reply.actions.find((a) => a.kind === 'full_passage')!, ctx({ engine: small }));
    expect(full.reply.quote!.text).toBe('The harbour board approved a dredging contract.\n\nThe firm of Carla Brandt won it.');
    expect(full.reply.heading).toBe('Harbour Notes — Dredging, paragraphs 1–2');
    expect(full.reply.quote!.citation).toMatchObject({ passageId: 'harbour/dredging/1', paragraph: 1, lastParagraph: 2 });
    // Its Share button shares the same two paragraphs.
    const shared = await handleAction(registry, full.reply.actions.find((a) => a.kind === 'share')!, ctx({ engine: small }));
    expect(shared.reply.quote!.text).toBe(full.reply.quote!.text);
  });

  it('shows one passage for a "runs on" reference with no passage after it in the section', async () => {
    const text = '---\ntitle: Harbour Notes\n---\n\n## Dredging\n\nThe harbour board approved a dredging contract.\n\n## Fees\n\nThe firm was paid.\n';
    const small = Engine.fromCorpus(buildCorpus([parseDocument('/f/harbour.md', text)]));
    const full = await handleAction(registry, { kind: 'full_passage', value: 'harbour/dredging/1+' }, ctx({ engine: small }));
    expect(full.reply.quote!.text).toBe('The harbour board approved a dredging contract.');
    expect(full.reply.heading).toBe('Harbour Notes — Dredging, paragraph 1');
    expect((await handleAction(registry, { kind: 'full_passage', value: 'harbour/nowhere/1+' }, ctx({ engine: small }))).reply.kind).toBe('notice');
  });

  it('shares the same answer publicly, without another Share button', async () => {
    const reply = await runCommand(registry, 'ask', { question: QUESTION }, ctx());
    const outcome = await handleAction(registry, reply.actions.find((a) => a.kind === 'share')!, ctx());
    expect(outcome.placement).toBe('share');
    expect(outcome.reply.visibility).toBe('public');
    expect(outcome.reply.quote).toEqual(reply.quote);
    expect(outcome.reply.actions.map((a) => a.kind)).not.toContain('share');
  });

  it('explains an outdated or forged button instead of failing', async () => {
    for (const action of [
      { kind: 'full_passage', value: 'gone/gone/1' },
      { kind: 'more_results', value: 'm:999999:0' },
      { kind: 'share', value: 'garbage' },
      { kind: 'feedback_up', value: 'x' },
    ] as const) {
      const outcome = await handleAction(registry, action, ctx());
      expect(outcome).toMatchObject({ placement: 'private', reply: { heading: 'That button has expired.' } });
    }
  });
});

describe('ask with nothing to look up', () => {
  it('says what the bot is for instead of "not covered" for a greeting', async () => {
    const reply = await runCommand(registry, 'ask', { question: 'hello' }, ctx());
    expect(reply.kind).toBe('abstention');
    expect(reply.heading).toBe('Ask me something the report might answer.');
    expect(reply.items).toEqual([]);
  });
});
