import { describe, expect, it } from 'vitest';
import { renderText } from '../../../src/adapters/console/render.ts';

describe('renderText', () => {
  it('keeps escape sequences and invisible characters in bot text from reaching the terminal, line breaks kept', () => {
    const text = renderText({
      kind: 'help',
      heading: 'Commands\u001b[2J',
      body: '/ask — ask a question\n/search\u202e — find passages',
      footer: 'Bye\u0007',
      items: [],
      actions: [],
    });
    expect(text).toBe('Commands [2J\n\n/ask — ask a question\n/search  — find passages\n\nBye');
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
  });
});
