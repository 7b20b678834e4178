import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Temporary folders of a test file under one folder, removed after it (test/support/temp-root.ts).
    setupFiles: ['test/support/temp-root.ts'],
    // Generous ceilings for a loaded 2-core machine; no test waits on a clock to pass.
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // A worker process per core, reused across files without re-importing every module for each file
    // (the engine, zod, Bolt and discord.js once per worker instead of once per file): 54 s → 37 s for
    // the whole suite on 2 cores. Every test builds its own store, stand-ins and clocks, so files do not
    // share state; a test that must have a fresh process spawns one.
    pool: 'forks',
    isolate: false,
    reporters: ['default'],
  },
});
