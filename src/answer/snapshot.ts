/**
 * The engine's bytes for the index cache (`cache.ts`): a corpus and what the build made from it, in a
 * compact form that is quick to read back — texts are stored once (each document's source; every
 * passage and sentence text is a slice of it, restored with `slice`), sentence tokens as one array of
 * integers over a table of terms, and MiniSearch's index as its `toJSON()` without the postings, which
 * are one array of integers (term by term: fields, then document and count pairs). Reading them back
 * fills the index's term map in the order it was built — what `loadJS` does, minus parsing a JSON
 * object per term; it touches MiniSearch's `_index`, so MiniSearch's version is in the cache key, and
 * a MiniSearch without that map makes reading fail (the cache is then ignored, never misread).
 *
 * Layout: `RBSNAP` + format byte, then five length-prefixed parts (header JSON, the token integers,
 * the tokens-per-sentence counts, MiniSearch's JSON, its postings), then the SHA-256 of all that. A file that is
 * truncated, altered or of another format fails {@link decodeSnapshot}, which throws; it never yields
 * a different engine.
 */
import { createHash } from 'node:crypto';
import MiniSearch from 'minisearch';
import { NO_SENTENCES, SentenceTable, sentencesOf, spansOf } from '../corpus/passage.ts';
import type { Corpus, Document, Passage } from '../corpus/types.ts';
import type { Acronym } from '../search/aliases.ts';
import { INDEX_OPTIONS, type IndexedPassage } from '../search/index.ts';
import { PackedPostings, PostingsStore, compactDocumentTables } from '../search/postings.ts';
import type { VocabularyState } from '../search/vocabulary.ts';
import type { IndexedSentence } from './sentence-index.ts';

/** Bump when the layout or what the engine builds changes (the cache key includes it, too). */
export const SNAPSHOT_FORMAT = 2;
const MAGIC = Buffer.from('RBSNAP', 'latin1');

export interface SnapshotParts {
  corpus: Corpus;
  index: MiniSearch<IndexedPassage>;
  acronyms: Acronym[];
  vocabulary: VocabularyState;
  /** Each passage's indexed sentences, in corpus order (read once, a passage at a time: each may be made for the walk and let go). */
  sentences: Iterable<IndexedSentence[]> | SentenceEncoder;
}

/**
 * The indexed sentences of a snapshot, made for a passage when they are asked for (a few microseconds
 * from the integers in memory) rather than a million small objects at start; the engine keeps the
 * lists it made in a bounded cache (`sentence-cache.ts`).
 */
export interface SentenceSource {
  /** A new list of the passage's indexed sentences each call (undefined for an unknown passage). */
  make(passageId: string): IndexedSentence[] | undefined;
  /** The terms of passage `passageIndex`'s tokens, in order, without making its sentences. */
  forEachTerm(passageIndex: number, fn: (term: string) => void): void;
  /** Lets the token data go (the engine then makes sentences from the text); `make` and `forEachTerm` throw after. */
  release(): void;
}

export interface DecodedSnapshot extends Omit<SnapshotParts, 'sentences'> {
  sentences: SentenceSource;
}

/** A passage: id, paragraph, part, page (0: none), order, start, end, then start, end, complete of each sentence. */
type PassageRow = [string, number, number, number, number, number, number, number[]];

interface Header {
  /** Each document's own fields as they are, its sections with their passages as rows. */
  documents: Array<
    Pick<Document, 'id' | 'title' | 'author' | 'date' | 'publisher' | 'series' | 'part' | 'path' | 'source' | 'label' | 'metaSpans'> & {
      sections: Array<{ id: string; title: string; index: number; passages: PassageRow[] }>;
    }
  >;
  glossary: Array<[string, string[]]>;
  skipped: Corpus['skipped'];
  acronyms: Acronym[];
  vocabulary: VocabularyState;
  terms: string[];
  /** Per sentence in corpus order: its figures, names and unit words as JSON (`[[…],[…],[…]]`), or '' for none. */
  extras: string[];
}

/** Flags packed with each sentence's token count: count × 32 + flags. */
const QUANTITY = 1;
const DATE = 2;
const CAUSAL = 4;
const CAPTION = 8;
const REFERS_BACK = 16;

/**
 * The indexed sentences in the snapshot's form, added a passage at a time (in corpus order): what
 * {@link encodeSnapshot} writes of them. The engine's build can fill one as it makes each passage's
 * sentences, so a snapshot after the build does not make them all again.
 */
export class SentenceEncoder {
  readonly termIds = new Map<string, number>();
  readonly terms: string[] = [];
  readonly tokenInts = new IntList();
  readonly counts = new IntList();
  readonly extras: Header['extras'] = [];

  add(list: readonly IndexedSentence[]): void {
    for (const s of list) {
      const { terms: sentenceTerms, offsets } = s.tokens;
      for (const [j, term] of sentenceTerms.entries()) {
        let id = this.termIds.get(term);
        if (id === undefined) {
          id = this.terms.length;
          this.terms.push(term);
          this.termIds.set(term, id);
        }
        this.tokenInts.push(id, offsets[2 * j] ?? 0, offsets[2 * j + 1] ?? 0);
      }
      const flags = (s.hasQuantity ? QUANTITY : 0) | (s.hasDate ? DATE : 0) | (s.causal ? CAUSAL : 0) | (s.caption ? CAPTION : 0) | (s.refersBack ? REFERS_BACK : 0);
      this.counts.push(sentenceTerms.length * 32 + flags);
      this.extras.push(s.figures.length || s.names.length || s.unitWords.length ? JSON.stringify([s.figures, s.names, s.unitWords]) : '');
    }
  }
}

export function encodeSnapshot(parts: SnapshotParts): Buffer {
  const { corpus } = parts;
  let encoded: SentenceEncoder;
  if (parts.sentences instanceof SentenceEncoder) encoded = parts.sentences;
  else {
    encoded = new SentenceEncoder();
    for (const list of parts.sentences) encoded.add(list);
  }
  const { terms, tokenInts, counts, extras } = encoded;
  const header: Header = {
    documents: corpus.documents.map((d) => ({
      id: d.id,
      title: d.title,
      author: d.author,
      date: d.date,
      publisher: d.publisher,
      series: d.series,
      part: d.part,
      path: d.path,
      source: d.source,
      label: d.label,
      metaSpans: d.metaSpans,
      sections: d.sections.map((s) => ({
        id: s.id,
        title: s.title,
        index: s.index,
        passages: s.passages.map((p): PassageRow => [p.id, p.paragraph, p.part, p.page ?? 0, p.order, p.start, p.end, spansOf(p)]),
      })),
    })),
    glossary: [...corpus.glossary],
    skipped: corpus.skipped,
    acronyms: parts.acronyms,
    vocabulary: parts.vocabulary,
    terms,
    extras,
  };
  const { index: _postings, ...rest } = parts.index.toJSON();
  const indexTerms: string[] = [];
  const postings = new IntList();
  for (const [term, fields] of indexMap(parts.index)) {
    indexTerms.push(term);
    postings.push(fields.size);
    for (const [fieldId, docs] of fields) {
      postings.push(fieldId, docs.size);
      for (const [doc, count] of docs) postings.push(doc, count);
    }
  }
  const chunks = [Buffer.from(JSON.stringify(header), 'utf8'), tokenInts.bytes(), counts.bytes(), Buffer.from(JSON.stringify({ ...rest, terms: indexTerms }), 'utf8'), postings.bytes()];
  const body: Buffer[] = [MAGIC, Buffer.from([SNAPSHOT_FORMAT])];
  for (const c of chunks) {
    const len = Buffer.alloc(4);
    len.writeUInt32LE(c.length);
    body.push(len, c);
  }
  // The checksum over the parts as they are, then one copy of everything: not the body copied twice.
  const hash = createHash('sha256');
  for (const part of body) hash.update(part);
  body.push(hash.digest());
  return Buffer.concat(body);
}

/** MiniSearch's term map (term → field id → short document id → count). */
type TermMap = Map<number, ReadonlyMap<number, number>>;

function indexMap(index: MiniSearch<IndexedPassage>): { [Symbol.iterator](): Iterator<[string, TermMap]>; set(term: string, data: TermMap): unknown } {
  const map = (index as unknown as { _index?: unknown })._index as { [Symbol.iterator]?: unknown; set?: unknown } | undefined;
  if (!map || typeof map.set !== 'function' || typeof map[Symbol.iterator] !== 'function') throw new Error('this MiniSearch keeps its index differently');
  return map as { [Symbol.iterator](): Iterator<[string, TermMap]>; set(term: string, data: TermMap): unknown };
}

/** Little-endian 32-bit integers, whatever the machine's byte order. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** A growing list of 32-bit integers (4 bytes each, where a JavaScript array of numbers takes 8). */
class IntList {
  private data = new Int32Array(1024);
  length = 0;

  push(a: number, b?: number, c?: number): void {
    if (this.length + 3 > this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = a;
    if (b !== undefined) this.data[this.length++] = b;
    if (c !== undefined) this.data[this.length++] = c;
  }

  /** The integers, little-endian. */
  bytes(): Buffer {
    const values = this.data.subarray(0, this.length);
    if (LITTLE_ENDIAN) return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
    const b = Buffer.alloc(values.length * 4);
    for (let i = 0; i < values.length; i++) b.writeInt32LE(values[i] ?? 0, i * 4);
    return b;
  }
}

function int32s(bytes: Buffer): Int32Array {
  if (bytes.length % 4 !== 0) throw new Error('integer data damaged');
  // A copy into aligned memory: a part of a file's buffer need not start at a multiple of 4.
  if (LITTLE_ENDIAN) return new Int32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  const out = new Int32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readInt32LE(i * 4);
  return out;
}

/**
 * A snapshot's five parts, checked (magic, format, checksum, lengths): views of `bytes`. Its own
 * function so that no closure of {@link decodeSnapshot} keeps the file's bytes alive — the engine
 * keeps those closures, and they hold only copies.
 */
function snapshotParts(bytes: Buffer): Buffer[] {
  if (bytes.length < MAGIC.length + 1 + 32 || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('not an index snapshot');
  if (bytes[MAGIC.length] !== SNAPSHOT_FORMAT) throw new Error(`snapshot format ${bytes[MAGIC.length]}, this version reads ${SNAPSHOT_FORMAT}`);
  const body = bytes.subarray(0, bytes.length - 32);
  if (!createHash('sha256').update(body).digest().equals(bytes.subarray(bytes.length - 32))) throw new Error('checksum mismatch (truncated or damaged)');
  const parts: Buffer[] = [];
  let at = MAGIC.length + 1;
  while (parts.length < 5) {
    if (at + 4 > body.length) throw new Error('truncated');
    const len = body.readUInt32LE(at);
    at += 4;
    if (at + len > body.length) throw new Error('truncated');
    parts.push(body.subarray(at, at + len));
    at += len;
  }
  return parts;
}

/**
 * MiniSearch's index from the snapshot's JSON and postings integers. A function of its own, so that
 * nothing the decoder's closures keep (the sentence source's) holds the snapshot's integers: the
 * postings are copied into the index's own store (`postings.ts`).
 */
function readIndex(indexJson: string, postings: Int32Array): MiniSearch<IndexedPassage> {
  const { terms: indexTerms, ...rest } = JSON.parse(indexJson) as { terms: string[] } & Omit<ReturnType<MiniSearch['toJSON']>, 'index'>;
  const index = MiniSearch.loadJS<IndexedPassage>({ ...rest, index: [] }, INDEX_OPTIONS);
  const map = indexMap(index);
  let at2 = 0;
  const next = (): number => {
    const v = postings[at2++];
    if (v === undefined) throw new Error('index data truncated');
    return v;
  };
  // Each term's postings in a field are pairs of (short id, count) in the snapshot's integers, packed
  // into one store as the built engine packs them (`postings.ts`); ids that are not increasing (never
  // written by this version) are read into a map instead.
  const store = new PostingsStore(postings.length >>> 1);
  let stored = 0;
  for (const term of indexTerms) {
    const fields: TermMap = new Map();
    for (let f = next(); f > 0; f--) {
      const fieldId = next();
      const n = next();
      const start = at2;
      if (n < 0 || start + 2 * n > postings.length) throw new Error('index data truncated');
      let increasing = true;
      for (let i = 1; i < n && increasing; i++) increasing = (postings[start + 2 * i] ?? 0) > (postings[start + 2 * i - 2] ?? 0);
      if (increasing) {
        fields.set(fieldId, new PackedPostings(store, stored, n));
        for (let i = 0; i < n; i++) store.set(stored++, postings[start + 2 * i] ?? 0, postings[start + 2 * i + 1] ?? 0);
      } else {
        const docs = new Map<number, number>();
        for (let i = 0; i < n; i++) docs.set(postings[start + 2 * i] ?? 0, postings[start + 2 * i + 1] ?? 0);
        fields.set(fieldId, docs);
      }
      at2 += 2 * n;
    }
    map.set(term, fields);
  }
  if (at2 !== postings.length) throw new Error('index data does not match its terms');
  compactDocumentTables(index);
  return index;
}

/** Reads a snapshot back. Throws an Error saying what is wrong (not a snapshot, another format, damaged). */
export function decodeSnapshot(bytes: Buffer): DecodedSnapshot {
  const [headerBytes, tokenBytes, countBytes, indexBytes, postingBytes] = snapshotParts(bytes) as [Buffer, Buffer, Buffer, Buffer, Buffer];
  const header = JSON.parse(headerBytes.toString('utf8')) as Header;
  const indexJson = indexBytes.toString('utf8');
  const postings = int32s(postingBytes);
  const ints = int32s(tokenBytes);
  const counts = int32s(countBytes);

  const documents: Document[] = [];
  const passages: Passage[] = [];
  for (const h of header.documents) {
    const source = h.source;
    const doc: Document = {
      id: h.id,
      title: h.title,
      author: h.author,
      date: h.date,
      publisher: h.publisher,
      series: h.series,
      part: h.part,
      path: h.path,
      source,
      sections: [],
      label: h.label,
      metaSpans: h.metaSpans,
    };
    const table = new SentenceTable();
    for (const hs of h.sections) {
      const section = { id: hs.id, documentId: doc.id, title: hs.title, index: hs.index, passages: [] as Passage[] };
      for (const [id, paragraph, part, page, order, start, end, spans] of hs.passages) {
        if (spans.length % 3 !== 0 || spans.some((v, i) => (i % 3 === 2 ? v !== 0 && v !== 1 : v < start || v > end))) throw new Error('sentence data does not match the corpus');
        const p: Passage = { id, documentId: doc.id, sectionId: section.id, sectionTitle: section.title, paragraph, part, order, start, end, text: source.slice(start, end), sentenceTable: NO_SENTENCES, firstSentence: 0, sentenceCount: 0 };
        if (page) p.page = page;
        table.add(p, spans);
        section.passages.push(p);
        passages.push(p);
      }
      doc.sections.push(section);
    }
    table.done();
    documents.push(doc);
  }
  const corpus: Corpus = {
    documents,
    passages,
    byId: new Map(passages.map((p) => [p.id, p])),
    documentsById: new Map(documents.map((d) => [d.id, d])),
    glossary: new Map(header.glossary),
    skipped: header.skipped,
  };

  // Where each passage's sentences and tokens begin in the flat lists, checked against the corpus.
  const firstSentence = new Int32Array(passages.length + 1);
  const firstToken = new Int32Array(counts.length + 1);
  let si = 0;
  passages.forEach((p, pi) => {
    firstSentence[pi] = si;
    si += p.sentenceCount;
  });
  firstSentence[passages.length] = si;
  if (si !== counts.length || header.extras.length !== si) throw new Error('sentence data does not match the corpus');
  let ti = 0;
  for (let i = 0; i < counts.length; i++) {
    firstToken[i] = ti;
    ti += Math.floor((counts[i] ?? 0) / 32) * 3;
  }
  firstToken[counts.length] = ti;
  if (ti !== ints.length) throw new Error('token data does not match the corpus');
  for (let i = 0; i < ints.length; i += 3) if ((ints[i] ?? -1) < 0 || (ints[i] ?? 0) >= header.terms.length) throw new Error('token data damaged');

  const passageIndex = new Map(passages.map((p, pi) => [p.id, pi]));
  // Only what making sentences reads is kept (not the header, whose passage rows the corpus holds
  // already), and only until `release`.
  let kept: { ints: Int32Array; counts: Int32Array; extras: string[]; terms: string[] } | null = { ints, counts, extras: header.extras, terms: header.terms };
  const data = () => {
    if (!kept) throw new Error('the snapshot\'s sentence data was released');
    return kept;
  };
  const sentences: SentenceSource = {
    make(passageId) {
      const { ints, counts, extras, terms } = data();
      const pi = passageIndex.get(passageId);
      const p = pi === undefined ? undefined : passages[pi];
      if (pi === undefined || !p) return undefined;
      const list = sentencesOf(p).map((sentence, k) => {
        const at = (firstSentence[pi] ?? 0) + k;
        const packed = counts[at] ?? 0;
        const flags = packed % 32;
        const tokenTerms: string[] = [];
        const offsets: number[] = [];
        for (let t = firstToken[at] ?? 0, stop = firstToken[at + 1] ?? 0; t < stop; t += 3) {
          tokenTerms.push(terms[ints[t] ?? 0] ?? '');
          offsets.push(ints[t + 1] ?? 0, ints[t + 2] ?? 0);
        }
        const extra = extras[at];
        const [figures, names, unitWords] = extra ? (JSON.parse(extra) as [string[], string[], string[]]) : [[], [], []];
        return {
          sentence,
          passage: p,
          tokens: { terms: tokenTerms, offsets },
          terms: [...new Set(tokenTerms)],
          figures,
          hasQuantity: (flags & QUANTITY) !== 0,
          hasDate: (flags & DATE) !== 0,
          names,
          causal: (flags & CAUSAL) !== 0,
          caption: (flags & CAPTION) !== 0,
          refersBack: (flags & REFERS_BACK) !== 0,
          unitWords,
        } satisfies IndexedSentence;
      });
      return list;
    },
    forEachTerm(pi, fn) {
      const { ints, terms } = data();
      const from = firstToken[firstSentence[pi] ?? 0] ?? 0;
      const to = firstToken[firstSentence[pi + 1] ?? 0] ?? 0;
      for (let t = from; t < to; t += 3) fn(terms[ints[t] ?? 0] ?? '');
    },
    release() {
      kept = null;
    },
  };
  const index = readIndex(indexJson, postings);
  return { corpus, index, acronyms: header.acronyms, vocabulary: header.vocabulary, sentences };
}
