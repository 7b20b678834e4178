/**
 * The shape of the code: rules about how the sources are written, checked by reading them with the
 * TypeScript compiler. Tests and scripts are not held to them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

/** Every TypeScript file under a folder of the repository. */
function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

/** `file:line: text` of every non-null assertion (`x!`) in a source text. */
function nonNullAssertions(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isNonNullExpression(node)) {
      const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
      found.push(`${file}:${line + 1}: ${node.getText(source)}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('the shape of the code', () => {
  it('finds a non-null assertion where there is one (the check can fail)', () => {
    expect(nonNullAssertions('x.ts', 'const a = [1];\nconst b = a[0]! + 1;\nconst c = a[0] !== 1;')).toEqual(['x.ts:2: a[0]!']);
  });

  it('has no non-null assertions in src/ or commands/: types say what is true instead', () => {
    const files = [...sourceFiles('src'), ...sourceFiles('commands')];
    expect(files.length).toBeGreaterThan(20);
    const found = files.flatMap((f) => nonNullAssertions(relative(root, f), readFileSync(f, 'utf8')));
    expect(found, `non-null assertions (use a checked read, defined() in src/checked.ts, or narrow the type):\n${found.join('\n')}`).toEqual([]);
  });
});
