/** Plain-text hygiene shared by the engine, the commands and the CLI. */

/** Control and invisible formatting characters: they only ever hide or garble text. */
const INVISIBLE = /[\u0000-\u001F\u007F-\u009F\u200B-\u200F\u2028\u2029\u202A-\u202E\u2060-\u2069\uFEFF]/g;

/** Replaces control and invisible characters with spaces, collapses white space, trims (NFC). */
export function stripInvisible(text: string): string {
  return text.normalize('NFC').replace(INVISIBLE, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * {@link stripInvisible} for multi-line text (a reply body, help lists): line breaks are kept, every
 * other control or invisible character becomes a space, trailing spaces go, blank lines at either end
 * go. Layout inside a line (indentation) is left as written.
 */
export function stripInvisibleLines(text: string): string {
  return text
    .normalize('NFC')
    .split(/\r\n|[\n\r\u2028\u2029]/)
    .map((line) => line.replace(INVISIBLE, ' ').trimEnd())
    .join('\n')
    .replace(/^\n+|\n+$/g, '');
}

/**
 * The same string held flat, in one piece. A string built with `+` or a template literal is a tree of
 * its parts in V8 (about 32 bytes a join): a passage id built from four parts costs some 130 bytes more
 * than the id itself, for every passage of a large corpus. A JSON round trip makes a new flat string.
 */
export function flatString(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string;
}
