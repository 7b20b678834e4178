// `npm run build`: compiles src/ and commands/ to dist/ with source maps (tsconfig.build.json), then
// writes the two entry points production runs from any working directory:
//   node dist/main.js     the bot          node dist/cli.js …   the command line (also bin/report-bot.js)
import { spawnSync } from 'node:child_process';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = new URL('../dist/', import.meta.url);
// A file removed from src/ must not live on in dist/.
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);

const entry = (module, call) =>
  `#!/usr/bin/env node\n// Written by scripts/build.mjs. Stack traces point into the TypeScript sources.\nprocess.setSourceMapsEnabled(true);\nconst { ${call} } = await import('./src/${module}.js');\nawait ${call}();\n`;
writeFileSync(new URL('main.js', dist), entry('main', 'runMain'));
writeFileSync(new URL('cli.js', dist), entry('cli', 'runCliMain'));
chmodSync(new URL('main.js', dist), 0o755);
chmodSync(new URL('cli.js', dist), 0o755);
console.log('built dist/ (node dist/main.js, node dist/cli.js)');
