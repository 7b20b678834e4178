import { describe, expect, it } from 'vitest';
import { endsLikeSentence, splitSentences } from '../../src/corpus/sentences.ts';

const split = (text: string) => splitSentences(text).map((s) => text.slice(s.start, s.end));

describe('splitSentences', () => {
  it('splits at a period followed by a capital', () => {
    expect(split('Coca grew. Eradication stopped.')).toEqual(['Coca grew.', 'Eradication stopped.']);
  });

  it('keeps "U.S. Office" together', () => {
    expect(split('The U.S. Office of National Drug Control Policy (ONDCP) estimates growth. It grew.')).toEqual([
      'The U.S. Office of National Drug Control Policy (ONDCP) estimates growth.',
      'It grew.',
    ]);
  });

  it('does not split a decimal number such as 1.45 million', () => {
    expect(split('There will be 1.45 million by the end of the year. Lima hosts most.')).toEqual([
      'There will be 1.45 million by the end of the year.',
      'Lima hosts most.',
    ]);
  });

  it('does not split after an initial or a title', () => {
    expect(split('Analyst J. R. Smith agreed. Dr. Jones and Gen. Ortiz did not.')).toEqual(['Analyst J. R. Smith agreed.', 'Dr. Jones and Gen. Ortiz did not.']);
  });

  it('still splits after a word ending in an accented letter', () => {
    expect(split('The group hides around Vizcatán. There is, however, more.')).toEqual(['The group hides around Vizcatán.', 'There is, however, more.']);
  });

  it('keeps a closing quote with its sentence', () => {
    expect(split('It became a “no man’s land.” The state left.')).toEqual(['It became a “no man’s land.”', 'The state left.']);
    expect(split('He said "stop." Then he left.')).toEqual(['He said "stop."', 'Then he left.']);
  });

  it('does not split inside a quotation that continues in lower case', () => {
    expect(split('They call it “the snake.” because of its road. Others agree.')).toEqual(['They call it “the snake.” because of its road.', 'Others agree.']);
  });

  it('splits at a question mark and an exclamation mark', () => {
    expect(split('Is production growing? Yes! It is.')).toEqual(['Is production growing?', 'Yes!', 'It is.']);
  });

  it('keeps a trailing fragment without punctuation as its own sentence', () => {
    expect(split('The first sentence ends. The second was cut off by the')).toEqual(['The first sentence ends.', 'The second was cut off by the']);
  });

  it('returns trimmed, ordered spans and nothing for blank text', () => {
    expect(splitSentences('  One.  Two.  ')).toEqual([
      { start: 2, end: 6 },
      { start: 8, end: 12 },
    ]);
    expect(splitSentences('   ')).toEqual([]);
  });
});

describe('endsLikeSentence', () => {
  it('is true for terminal punctuation, with or without closing quotes', () => {
    expect(endsLikeSentence('It grew.')).toBe(true);
    expect(endsLikeSentence('a “no-go zone.”')).toBe(true);
    expect(endsLikeSentence('Why?')).toBe(true);
  });

  it('is false for a cut-off fragment', () => {
    expect(endsLikeSentence('In terms of traditional measures of citizen security, the principal challenge is')).toBe(false);
    expect(endsLikeSentence('There is,')).toBe(false);
  });
});
