import { describe, expect, it } from 'vitest';
import { flatString, stripInvisible, stripInvisibleLines } from '../src/text.ts';

describe('stripInvisible', () => {
  it('turns control, zero-width and bidi-override characters into spaces and makes one clean line', () => {
    expect(stripInvisible('  What\u0000is\tthe\u200bVRAEM?\u202e\n')).toBe('What is the VRAEM?');
    expect(stripInvisible('\u001b[2Jcleared')).toBe('[2Jcleared');
  });
});

describe('stripInvisibleLines', () => {
  it('cleans each line the same way but keeps the line breaks and indentation', () => {
    expect(stripInvisibleLines('/ask — Ask\u0007 a question  \r\n  /search\u202e — Find\u200b passages\n')).toBe(
      '/ask — Ask  a question\n  /search  — Find  passages',
    );
  });

  it('treats Unicode line and paragraph separators as line breaks', () => {
    expect(stripInvisibleLines('one\u2028two\u2029three')).toBe('one\ntwo\nthree');
  });

  it('drops blank lines at either end only', () => {
    expect(stripInvisibleLines('\n\nfirst\n\nsecond\n\n')).toBe('first\n\nsecond');
  });
});

describe('flatString', () => {
  it('gives back the same characters, any of them, lone surrogates included', () => {
    for (const s of ['', 'ellis-peru-2/cocaine/4.2', `${'a'.repeat(20)}/${'é'.repeat(5)}/\u{1F600}`, 'lone \ud800 and \udc00 halves', '"quoted" \\ back\nslash\u0000']) {
      expect(flatString(s)).toBe(s);
      expect(flatString(s).length).toBe(s.length);
    }
  });
});
