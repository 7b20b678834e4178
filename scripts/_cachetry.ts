import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBrownFolder } from './brown.ts';
import { LiveCorpus } from '../src/reload.ts';
import { IndexCache } from '../src/answer/cache.ts';
import { createLogger } from '../src/log.ts';
const base = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'rb-cache-'));
const dir = join(base, 'corpus'); const cdir = join(base, 'cache');
if (!existsSync(dir)) { (await import('node:fs')).mkdirSync(dir); writeBrownFolder(dir, 'corpus', 500); }
const logger = createLogger('info');
let t = performance.now();
const live = await LiveCorpus.open(dir, { logger, cache: new IndexCache(cdir, logger) });
console.log('open', live.opened.fromCache, live.opened.ms, Math.round(performance.now() - t), 'process', Math.round(performance.now()));
const q = 'How many hectares of coca were under cultivation at the end of 2020?';
console.log(JSON.stringify(live.current().answer(q)).slice(0, 200));
console.log(base);
