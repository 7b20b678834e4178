/** Small corpora, stores and posters for the digest tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCorpus, parseDocument } from '../../src/corpus/load.ts';
import type { Corpus } from '../../src/corpus/types.ts';
import { Store } from '../../src/store/store.ts';
import type { Reply } from '../../commands/types.ts';
import type { Poster } from '../../src/digest/posters.ts';
import { DigestStore, type Subscription } from '../../src/digest/store.ts';
import { extractFacts } from '../../src/digest/facts.ts';
import { DigestScheduler } from '../../src/digest/scheduler.ts';

/** A two-section report with seven quotable facts and some sentences that must not become facts. */
export const TINY_REPORT = `---
title: "Rivers of the Test Basin"
author: Ada Tester
date: 2024-03-01
slug: tiny
---

This article represents the first in a series on rivers. Click here to read Part II.

The Alpha River carries 1,200 cubic metres of water per second past Lima. It floods every March. Why does nobody study it?

the rest of a sentence the scrape cut off. In 2019 the Beta Agency counted 42 dams on the Gamma River.

## Fisheries

Fishers in Puno landed 8,000 tonnes of trout in 2021. The Delta Cooperative sells most of it in Cusco.

The Epsilon Lake lost 12 percent of its area between 2010 and 2020, according to the Zeta Institute.

A heading-like line without an end

Officials in Arequipa recorded 300 illegal nets during Operation Heron in May 2022.
`;

/** Parses markdown documents into a corpus, as the loader would. */
export function corpusOf(...docs: Array<{ name: string; text: string }>): Corpus {
  let order = 0;
  const parsed = docs.map((d) => {
    const doc = parseDocument(`/fixtures/${d.name}`, d.text, order);
    order += doc.sections.reduce((n, s) => n + s.passages.length, 0);
    return doc;
  });
  return buildCorpus(parsed);
}

export const tinyCorpus = (): Corpus => corpusOf({ name: 'tiny.md', text: TINY_REPORT });

/** A scheduler over the tiny report and the database file `db`, posting to Slack through `slack`: the scheduler processes of the multi-process tests. */
export function schedulerProcess(db: string, owner: string, slack: Poster): { store: Store; scheduler: DigestScheduler } {
  const corpus = tinyCorpus();
  const store = new Store(db);
  return { store, scheduler: new DigestScheduler({ store: new DigestStore(store), corpus, facts: extractFacts(corpus), owner, posters: { slack } }) };
}

/** A temporary folder removed by `cleanup`. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'digest-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A real SQLite file in a temp folder. */
export function tempStore(): { store: Store; path: string; cleanup: () => void } {
  const { dir, cleanup } = tempDir();
  const path = join(dir, 'bot.sqlite');
  const store = new Store(path);
  return { store, path, cleanup: () => { store.close(); cleanup(); } };
}

/** A poster that records what it posts; `failures` lists errors to throw on the next calls. */
export function recordingPoster(failures: unknown[] = []): Poster & { posts: Array<{ subscription: Subscription; reply: Reply }> } {
  const posts: Array<{ subscription: Subscription; reply: Reply }> = [];
  const queue = [...failures];
  const poster = (async (subscription: Subscription, reply: Reply) => {
    const next = queue.shift();
    if (next !== undefined) throw next;
    posts.push({ subscription, reply });
    return { ref: `m${posts.length}` };
  }) as Poster & { posts: typeof posts };
  poster.posts = posts;
  return poster;
}

/** A settable clock. */
export function fakeClock(start: string | Date): { now: () => Date; set: (t: string | Date) => void; advance: (ms: number) => void } {
  let t = new Date(start).getTime();
  return {
    now: () => new Date(t),
    set: (v) => { t = new Date(v).getTime(); },
    advance: (ms) => { t += ms; },
  };
}
