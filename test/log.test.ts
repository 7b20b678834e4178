import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createTerminalLogger, plainLine } from '../src/log.ts';

describe('createTerminalLogger', () => {
  it('writes every line to LOG_FILE and only warnings and errors to stderr, in plain words', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rb-log-')), 'logs', 'bot.log');
    const stderr = new PassThrough();
    let seen = '';
    stderr.on('data', (d) => (seen += String(d)));
    const logger = createTerminalLogger('info', file, stderr);
    logger.info({ passages: 80 }, 'report loaded');
    logger.warn('question log purge failed; trying again tomorrow');
    logger.error({ err: new Error('disk full') }, 'request failed');
    logger.flush();
    expect(seen).toBe('report-bot: warning: question log purge failed; trying again tomorrow\nreport-bot: error: request failed (disk full)\n');
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { msg: string });
    expect(lines.map((l) => l.msg)).toEqual(['report loaded', 'question log purge failed; trying again tomorrow', 'request failed']);
  });

  it('never prints a token, in the file or on stderr', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rb-log-')), 'bot.log');
    const stderr = new PassThrough();
    let seen = '';
    stderr.on('data', (d) => (seen += String(d)));
    const logger = createTerminalLogger('info', file, stderr);
    logger.warn('Slack refused xoxb-1234-5678-secretpart');
    logger.flush();
    expect(seen).toBe('report-bot: warning: Slack refused [redacted]\n');
    expect(readFileSync(file, 'utf8')).not.toContain('secretpart');
  });

  it('reads a line that is not JSON as it is', () => {
    expect(plainLine('plain text\n')).toBe('plain text');
  });
});
