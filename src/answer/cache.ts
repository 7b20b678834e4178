/** The index cache (filled in by the next commit). */
import type { Scan } from '../corpus/folder.ts';
import type { Logger } from '../log.ts';
import type { Engine, EngineOptions } from './engine.ts';

export class IndexCache {
  constructor(
    readonly dir: string,
    private readonly logger: Logger,
  ) {}

  load(_scan: Scan, _options: Partial<EngineOptions>): Engine | undefined {
    void this.logger;
    return undefined;
  }

  save(_scan: Scan, _options: Partial<EngineOptions>, _engine: Engine): void {}
}
