/**
 * Slack's and Discord's libraries load only when their platform starts: no module reachable from the
 * entry points through static imports imports `@slack/bolt` or `discord.js` (dynamic `import()`s,
 * which run only when a platform starts or a platform command is given, are not followed).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const PLATFORM_LIBRARIES = ['@slack/bolt', '@slack/web-api', 'discord.js'];

/** Every module reached from `entry` by static imports (type-only imports left out), with what it imports. */
function staticGraph(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const visit = (file: string) => {
    if (graph.has(file)) return;
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const specifiers: string[] = [];
    for (const statement of source.statements) {
      if ((ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
        const typeOnly = ts.isImportDeclaration(statement) ? statement.importClause?.isTypeOnly === true : statement.isTypeOnly;
        if (!typeOnly) specifiers.push(statement.moduleSpecifier.text);
      }
    }
    graph.set(file, specifiers);
    for (const s of specifiers) if (s.startsWith('.')) visit(join(dirname(file), s));
  };
  visit(entry);
  return graph;
}

describe('platform libraries', () => {
  it.each(['src/main.ts', 'src/cli.ts'])('are not imported statically from %s', (entry) => {
    const graph = staticGraph(join(ROOT, entry));
    const offenders = [...graph].filter(([, imports]) => imports.some((i) => PLATFORM_LIBRARIES.includes(i))).map(([file]) => file.replace(`${ROOT}/`, ''));
    expect(offenders).toEqual([]);
    // The graph really was followed: the engine and the store are in it.
    expect([...graph.keys()].some((f) => f.endsWith('src/answer/engine.ts'))).toBe(true);
    expect([...graph.keys()].some((f) => f.endsWith('src/store/store.ts'))).toBe(true);
  });

  it('are imported by the adapters themselves', () => {
    const graph = staticGraph(join(ROOT, 'src/adapters/discord/index.ts'));
    expect(graph.get(join(ROOT, 'src/adapters/discord/index.ts'))).toContain('discord.js');
  });
});
