/**
 * A worker thread that builds an engine and hands it back as a snapshot (`snapshot.ts`), so a reload of
 * a large corpus does not hold the bot's thread for the seconds indexing takes: the serving engine goes
 * on answering, and the main thread only reads the snapshot back (a fraction of the build). See
 * {@link buildInWorker}; `src/reload.ts` uses it and falls back to building in-thread if it fails.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { buildCorpus } from '../corpus/load.ts';
import type { Corpus, Document } from '../corpus/types.ts';
import { Engine, type EngineOptions } from './engine.ts';

interface Job {
  /** Marks a build job (a test runner's own worker threads have other workerData). */
  reportBotBuild: true;
  documents: Document[];
  glossary: Map<string, string[]>;
  skipped: Corpus['skipped'];
  options: Partial<EngineOptions>;
}

/** Where tsx's ESM API is (its `register()` installs the TypeScript loader in the worker). */
function tsxApi(from: string): string {
  if (typeof import.meta.resolve === 'function') return import.meta.resolve('tsx/esm/api');
  return pathToFileURL(createRequire(from).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
}

/** The snapshot bytes of the engine built over `corpus`, from a worker thread. */
export function buildInWorker(corpus: Corpus, options: Partial<EngineOptions>): Promise<Buffer> {
  const self = import.meta.url;
  // Through tsx (npm start, tests) the worker is this TypeScript file and needs tsx's loader too;
  // built (dist/), it is the compiled .js.
  const ts = self.endsWith('.ts');
  const job: Job = { reportBotBuild: true, documents: corpus.documents, glossary: corpus.glossary, skipped: corpus.skipped, options };
  return new Promise((resolve, reject) => {
    // A `--import tsx` does not reach a worker's module loader on Node 20: the worker registers tsx itself.
    const tsx = ts ? tsxApi(self) : '';
    const worker = ts
      ? new Worker(`import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(self)}); })`, { eval: true, workerData: job })
      : new Worker(new URL(self), { workerData: job });
    let done = false;
    worker.once('message', (bytes: Uint8Array) => {
      done = true;
      resolve(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      void worker.terminate();
    });
    worker.once('error', (err) => {
      done = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!done) reject(new Error(`the build worker exited with code ${code}`));
    });
  });
}

const job = isMainThread ? undefined : (workerData as Partial<Job> | undefined);
if (parentPort && job?.reportBotBuild === true && job.documents && job.glossary && job.skipped && job.options) {
  const bytes = Engine.fromCorpusWithSnapshot(buildCorpus(job.documents, job.glossary, job.skipped), job.options).snapshot;
  // Its own memory, handed over without a copy (a small Buffer may be a slice of a shared pool).
  const out = new Uint8Array(new ArrayBuffer(bytes.byteLength));
  out.set(bytes);
  parentPort.postMessage(out, [out.buffer]);
}
