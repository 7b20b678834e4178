#!/usr/bin/env node
// The `report-bot` command (package.json "bin"): `npx report-bot ask --json "…"` prints only the
// command's own output. It runs the build in dist/ when there is one (`npm run build`), and otherwise,
// in a fresh checkout, the TypeScript sources through tsx, so it works before the first build too.
import { existsSync } from 'node:fs';

const built = new URL('../dist/src/cli.js', import.meta.url);
if (existsSync(built)) {
  process.setSourceMapsEnabled(true);
  const { runCliMain } = await import(built.href);
  await runCliMain();
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { runCliMain } = await import(new URL('../src/cli.ts', import.meta.url).href);
  await runCliMain();
}
