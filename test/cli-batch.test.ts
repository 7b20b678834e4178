/** `ask --json` over stdin, in-process (issue 8, item 7): one output line per input line, always. */
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli.ts';

async function batch(input: string): Promise<{ code: number; lines: Array<Record<string, unknown>> }> {
  const stdout = new PassThrough();
  const chunks: string[] = [];
  stdout.on('data', (c) => chunks.push(String(c)));
  const code = await runCli(['ask', '--json'], {
    stdin: Readable.from([input]),
    stdout,
    stderr: new PassThrough(),
    env: { CORPUS_DIR: 'corpus', LOG_LEVEL: 'silent' },
  });
  return { code, lines: chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l)) };
}

describe('ask --json over stdin', () => {
  it('prints exactly one line per input line, with an error object for an unusable one', async () => {
    const input = ['What is the VRAEM?', '', '   ', '\u0000\u0000', '\u200b\u200d', '<@U123> <!channel>', 'x'.repeat(1200), 'What is PIAS?'].join('\n');
    const { code, lines } = await batch(`${input}\n`);
    expect(code).toBe(0);
    expect(lines).toHaveLength(8);
    expect(lines[0]).toMatchObject({ question: 'What is the VRAEM?', answered: true });
    for (const [i, l] of lines.slice(1, 6).entries()) {
      expect(l).toMatchObject({ answered: false, answer: null, passages: [], line: i + 2, error: expect.stringMatching(/^empty question/) });
    }
    expect(lines[6]).toMatchObject({ line: 7, error: 'question longer than 1000 characters' });
    expect(lines[7]).toMatchObject({ question: 'What is PIAS?' });
  });
});
