import { describe, expect, it } from 'vitest';
import { cleanScrape, looksLikeHeading, stripInlineMarkup } from '../../src/corpus/clean.ts';

/** A tiny scrape with the usual page furniture around two short sections. */
const SCRAPE = [
  'HARBOR NEWS FOR EVERYONE',
  'Harbor Notes, Part I: The Docks',
  'Ana Ruiz | March 1, 2023\nHarbor Gazette Contributor',
  'The docks open at dawn. [Click here to read Part II](#) and the \\$5 fee.',
  'SUPPORT US',
  'Harbor Gazette is a non-profit organization, which means we rely on your donation.',
  '[Click here to help](#)',
  'Fishing Fleet',
  'Trawlers land *anchovy* on Mondays. The catch was cut off at the',
  'Related Posts',
  'Another article about ports',
  '©2023 Harbor Gazette',
  'Website development by Someone.',
  '[Menu](#)',
].join('\n\n');

describe('cleanScrape', () => {
  const cleaned = cleanScrape(SCRAPE);

  it('takes the title from the first real line, skipping the slogan in capitals', () => {
    expect(cleaned.title).toBe('Harbor Notes, Part I: The Docks');
  });

  it('reads author and date from a byline that shares its paragraph with the role line', () => {
    expect(cleaned.author).toBe('Ana Ruiz');
    expect(cleaned.date).toBe('2023-03-01');
  });

  it('reads a byline on its own line too', () => {
    const c = cleanScrape('Title Here\n\nBy Li Wei, Sept. 9, 2021\n\nBody text.');
    expect([c.author, c.date]).toEqual(['Li Wei', '2021-09-09']);
  });

  it('reads a byline directly under the title as well as one after a blank line', () => {
    const under = cleanScrape('Coca in Peru\nJane Doe | July 25, 2022\n\nPeru grows coca in the VRAEM.');
    const apart = cleanScrape('Coca in Peru\n\nJane Doe | July 25, 2022\n\nPeru grows coca in the VRAEM.');
    expect([under.title, under.author, under.date, under.text]).toEqual(['Coca in Peru', 'Jane Doe', '2022-07-25', 'Peru grows coca in the VRAEM.\n']);
    expect(under).toEqual(apart);
  });

  it('keeps the article, turns headings into ## and reduces links and escapes to their words', () => {
    expect(cleaned.text).toBe(
      ['The docks open at dawn. Click here to read Part II and the $5 fee.', '## Fishing Fleet', 'Trawlers land anchovy on Mondays. The catch was cut off at the'].join('\n\n') + '\n',
    );
  });

  it('drops the donation box, related posts, footer and menu', () => {
    for (const chrome of ['SUPPORT US', 'non-profit', 'Click here to help', 'Related Posts', 'Another article', '©', 'Website development', 'Menu', '](']) {
      expect(cleaned.text, chrome).not.toContain(chrome);
    }
  });
});

describe('stripInlineMarkup', () => {
  it('keeps the words of links and images and drops escapes and emphasis', () => {
    expect(stripInlineMarkup('See [two CB-90 boats](#) and ![a map](x.png), \\(PIAS\\), *Jalisco* and _Sendero_.')).toBe(
      'See two CB-90 boats and a map, (PIAS), Jalisco and Sendero.',
    );
  });
});

describe('looksLikeHeading', () => {
  it('accepts short title-case lines', () => {
    expect(looksLikeHeading('Illegal Mining')).toBe(true);
    expect(looksLikeHeading('The Peruvian State Policy Response:')).toBe(true);
  });

  it('rejects sentences, lower-case starts and long lines', () => {
    expect(looksLikeHeading('Peru produced cocaine.')).toBe(false);
    expect(looksLikeHeading('the region per 100,000 people')).toBe(false);
    expect(looksLikeHeading('One Two Three Four Five Six Seven Eight Nine Ten')).toBe(false);
  });
});
