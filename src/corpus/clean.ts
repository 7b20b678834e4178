/**
 * Turns a web scrape (`.txt`) into clean report text: site chrome dropped (menus, donation boxes, related
 * posts, footers), link markup reduced to its words, Markdown escapes removed. Every sentence of the
 * article itself is kept word for word — including those the scrape cut off — and nothing is repaired.
 */

import { english } from '../language/index.ts';

export interface CleanedScrape {
  title: string;
  author: string;
  /** ISO date from a "Name | Month D, YYYY" byline, else ''. */
  date: string;
  /** Clean text: paragraphs separated by blank lines, headings as `## Title`. */
  text: string;
}

/** Month names, from the language data. */
const MONTHS = english.months;

/** Paragraphs after which nothing belongs to the article. */
const END_MARKERS = [/^related posts?$/i, /^related articles?$/i, /^you may also like/i, /^leave a (reply|comment)/i, /^filed under:/i, /^tagged with:/i, /^share this/i, /^comments?$/i];

/** Paragraphs that are site chrome wherever they appear. */
const CHROME = [
  /^support us$/i,
  /^\[?click here to (help|donate|subscribe)\]?(\(.*\))?$/i,
  /\b(non-profit|nonprofit) organization\b.*\bdonat/i,
  /^(donate|subscribe|sign up|newsletter|advertisement|menu|skip to content|search)\b.{0,40}$/i,
  /^\[menu\]\(.*\)$/i,
  /^©/,
  /^website (development|design) by/i,
  /^(share|tweet|email|print)( this)?( article| post)?$/i,
];

/** Strips `[text](url)` link markup, Markdown escapes and emphasis markers, keeping the words. */
export function stripInlineMarkup(p: string): string {
  return p
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\\([\\`*_{}[\]()#+\-.!$])/g, '$1')
    .replace(/(^|[\s(])\*\*?([^*\n]+?)\*\*?(?=[\s).,;:!?]|$)/g, '$1$2')
    .replace(/(^|[\s(])_([^_\n]+?)_(?=[\s).,;:!?]|$)/g, '$1$2');
}

function parseByline(p: string): { author: string; date: string } | null {
  const { author, monthName, day, year } = /^(?:[Bb]y\s+)?(?<author>[\p{L}.' -]{3,60}?)\s*[|·,–-]\s*(?<monthName>[A-Z][a-z]+)\.?\s+(?<day>\d{1,2}),\s*(?<year>\d{4})$/u.exec(p)?.groups ?? {};
  if (author === undefined || monthName === undefined || day === undefined || year === undefined) return null;
  const month = MONTHS.findIndex((name) => name.startsWith(monthName.toLowerCase().slice(0, 3)));
  if (month < 0) return null;
  const date = `${year}-${String(month + 1).padStart(2, '0')}-${day.padStart(2, '0')}`;
  return { author: author.trim(), date };
}

/** A short title-like line standing alone: a section heading in a scrape. */
export function looksLikeHeading(p: string): boolean {
  if (p.includes('\n') || p.length > 70) return false;
  if (/[.!?,;]$/.test(p) || /^[\p{Ll}\d]/u.test(p)) return false;
  const words = p.replace(/:$/, '').split(/\s+/);
  if (words.length > 9) return false;
  // Most words capitalized (short function words excepted).
  const significant = words.filter((w) => !/^(of|and|the|in|on|for|to|a|an|de|del|la|y)$/i.test(w));
  return significant.every((w) => /^[\p{Lu}\d"'(]/u.test(w));
}

/** The author's role line under a byline ("Global Americans Contributor"). */
const ROLE = /^[\p{L} .'-]{2,60}\b(contributor|staff writer|correspondent|editor)$/iu;

const isAllCaps = (p: string) => /\p{L}/u.test(p) && p === p.toUpperCase() && p.length < 120;

/** Cleans one scraped page. */
export function cleanScrape(raw: string): CleanedScrape {
  const paragraphs = raw
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
  let title = '';
  let author = '';
  let date = '';
  const out: string[] = [];
  let inHeader = true;
  for (const para of paragraphs) {
    if (END_MARKERS.some((re) => re.test(para))) break;
    if (CHROME.some((re) => re.test(para))) continue;
    if (inHeader) {
      // Header chrome: the site slogan in capitals, the title, the byline, the author's role.
      if (isAllCaps(para)) continue;
      // The byline may share its paragraph with the author's role ("Evan Ellis | July 25, 2022\nGlobal Americans Contributor").
      const [firstLine = '', ...rest] = para.split('\n').map((l) => l.trim());
      const byline = parseByline(para) ?? (rest.length && rest.every((l) => ROLE.test(l)) ? parseByline(firstLine) : null);
      if (byline) {
        author ||= byline.author;
        date ||= byline.date;
        continue;
      }
      // A byline directly under the title, with no blank line between ("Title\nJane Doe | July 25, 2022").
      const second = rest[0];
      const underTitle = !title && second !== undefined && rest.slice(1).every((l) => ROLE.test(l)) ? parseByline(second) : null;
      if (underTitle && !/[.!?]$/.test(firstLine) && firstLine.length <= 200) {
        title = stripInlineMarkup(firstLine).replace(/^#+\s*/, '');
        author ||= underTitle.author;
        date ||= underTitle.date;
        continue;
      }
      if (!title && !/[.!?]$/.test(para) && para.length <= 200) {
        title = stripInlineMarkup(para).replace(/^#+\s*/, '');
        continue;
      }
      if (ROLE.test(para)) continue;
      inHeader = false;
    }
    if (isAllCaps(para) && para.split(/\s+/).length <= 4) continue;
    const text = stripInlineMarkup(para);
    if (/^#{1,6}\s/.test(text)) {
      out.push(`## ${text.replace(/^#+\s*/, '').replace(/:$/, '')}`);
    } else if (looksLikeHeading(text)) {
      out.push(`## ${text.replace(/:$/, '')}`);
    } else {
      out.push(text);
    }
  }
  return { title, author, date, text: out.join('\n\n') + '\n' };
}
