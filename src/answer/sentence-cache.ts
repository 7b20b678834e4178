/**
 * A bounded cache of passages' indexed sentences: at most `maxPassages` passages' lists are kept, the
 * least recently used dropped first, and a dropped passage's list is made again when it is next asked
 * for. Making a list is deterministic (`make` reads only the passage), so an evicted passage comes back
 * equal, field for field — only not the same objects. A corpus of fewer passages than the bound keeps
 * every list once made and never evicts; a large one holds a bounded number, not a list per passage.
 */
import type { IndexedSentence } from './sentence-index.ts';

export class SentenceCache {
  /** Passage id → its indexed sentences, least recently used first (a Map keeps insertion order). */
  private readonly lists = new Map<string, IndexedSentence[]>();
  /** How many lists `get` made (on first use, or again after an eviction; not those handed to `put`). */
  made = 0;

  constructor(
    readonly maxPassages: number,
    private readonly make: (passageId: string) => IndexedSentence[] | undefined,
  ) {
    if (!Number.isInteger(maxPassages) || maxPassages < 1) throw new RangeError(`the sentence cache must hold at least one passage (got ${maxPassages})`);
  }

  /** A passage's indexed sentences, made on first use or after an eviction; undefined for an unknown passage. */
  get(passageId: string): IndexedSentence[] | undefined {
    const hit = this.lists.get(passageId);
    if (hit) {
      // Most recently used last.
      this.lists.delete(passageId);
      this.lists.set(passageId, hit);
      return hit;
    }
    const list = this.make(passageId);
    if (!list) return undefined;
    this.made++;
    this.put(passageId, list);
    return list;
  }

  /** A passage's list if it is kept now, without making it or counting the use. */
  peek(passageId: string): IndexedSentence[] | undefined {
    return this.lists.get(passageId);
  }

  /** A passage's list, the kept one or a new one not kept (for a walk over every passage, such as a snapshot). */
  peekOrMake(passageId: string): IndexedSentence[] | undefined {
    return this.lists.get(passageId) ?? this.make(passageId);
  }

  /** Keeps a list made elsewhere (the build's, for a corpus that fits), evicting the least recently used beyond the bound. */
  put(passageId: string, list: IndexedSentence[]): void {
    this.lists.delete(passageId);
    this.lists.set(passageId, list);
    while (this.lists.size > this.maxPassages) {
      const oldest = this.lists.keys().next();
      if (oldest.done) break;
      this.lists.delete(oldest.value);
    }
  }

  /** Passages kept now. */
  get size(): number {
    return this.lists.size;
  }
}
