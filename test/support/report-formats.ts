/**
 * The bundled report in the formats a team receives rather than writes — a two-column PDF with running
 * header, footer, page numbers and hyphenated words, a web page with site chrome around the article,
 * a Word file with heading styles — built from the Markdown's own paragraphs. Shared by the format
 * tests and `scripts/formats.ts` (the load figures per format in the README).
 */
import JSZip from 'jszip';
import type { Document } from '../../src/corpus/types.ts';
import { makePdf, twoColumnPages, type FlowBlock } from './make-pdf.ts';

/** The report's sections and whole paragraphs (a paragraph split into parts joined again). */
export function reportBlocks(md: Document): FlowBlock[] {
  const blocks: FlowBlock[] = [];
  for (const s of md.sections) {
    if (s.title !== 'Introduction') blocks.push({ heading: s.title });
    for (const p of s.passages) {
      if (p.part > 1) continue;
      const last = s.passages.filter((q) => q.paragraph === p.paragraph).at(-1) ?? p;
      blocks.push({ text: md.source.slice(p.start, last.end) });
    }
  }
  return blocks;
}

/** The report as a two-column paper with a title page; returns the bytes and its page count. */
export function reportPdf(md: Document): { bytes: Buffer; pages: number } {
  const pages = twoColumnPages(reportBlocks(md), {
    header: 'Evan Ellis | Transnational Organized Crime in Peru',
    footer: 'Center for Strategic and International Studies',
    hyphenate: ['cultivation', 'government', 'organizations', 'production', 'Peruvian'],
  });
  // A title page: the title in two lines (pdf.js leaves out text beyond the page's edge).
  const cut = md.title.indexOf(' Part');
  const [first, second] = cut > 0 ? [md.title.slice(0, cut), md.title.slice(cut + 1)] : [md.title, ''];
  const titlePage = [
    { x: 72, y: 720, size: 20, text: first },
    { x: 72, y: 696, size: 20, text: second },
  ];
  return { bytes: makePdf({ pages: [titlePage, ...pages], info: { Title: md.title, Author: md.author, CreationDate: 'D:20220725' } }), pages: pages.length + 1 };
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The report as a news-site article page: menu, donation box, related posts and footer around it. */
export function reportHtml(md: Document): string {
  const body = reportBlocks(md)
    .map((b) => ('heading' in b ? `<h2>${escape(b.heading)}</h2>` : `<p>${escape(b.text)}</p>`))
    .join('\n');
  const ld = JSON.stringify({ '@context': 'https://schema.org', '@type': 'Article', headline: md.title, author: { '@type': 'Person', name: md.author }, datePublished: md.date, publisher: { '@type': 'Organization', name: md.publisher } });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(md.title)} | Global Americans</title>
<script type="application/ld+json">${ld}</script></head>
<body>
<nav><a href="/">Home</a> <a href="/about">About</a> <a href="/donate">Donate</a></nav>
<article><h1>${escape(md.title)}</h1>
${body}
</article>
<aside><h3>Related posts</h3><ul><li><a href="/a">Part I</a></li><li><a href="/b">Part III</a></li></ul><p>Support our work: donate today.</p></aside>
<footer>Copyright 2022 Global Americans. All rights reserved.</footer>
</body></html>`;
}

/** A minimal .docx: paragraphs with optional style ids (`Title`, `Heading1` …) and core properties. */
export async function docxFile(paragraphs: ReadonlyArray<{ text: string; style?: string }>, core: { title: string; creator: string; created: string }): Promise<Buffer> {
  const zip = new JSZip();
  zip.file(
    '[Content_Types].xml',
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>',
  );
  zip.file(
    '_rels/.rels',
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>',
  );
  const para = ({ text, style }: { text: string; style?: string }) =>
    `<w:p>${style ? `<w:pPr><w:pStyle w:val="${style}"/></w:pPr>` : ''}<w:r><w:t xml:space="preserve">${escape(text)}</w:t></w:r></w:p>`;
  zip.file('word/document.xml', `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${paragraphs.map(para).join('')}</w:body></w:document>`);
  zip.file(
    'docProps/core.xml',
    `<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>${escape(core.title)}</dc:title><dc:creator>${escape(core.creator)}</dc:creator><dcterms:created xsi:type="dcterms:W3CDTF">${core.created}</dcterms:created></cp:coreProperties>`,
  );
  return zip.generateAsync({ type: 'nodebuffer' });
}

/** The report as a Word file: `Title` and `Heading1` styles, core properties with title, author and date. */
export function reportDocx(md: Document): Promise<Buffer> {
  const paragraphs = [{ text: md.title, style: 'Title' }, ...reportBlocks(md).map((b) => ('heading' in b ? { text: b.heading, style: 'Heading1' } : { text: b.text }))];
  return docxFile(paragraphs, { title: md.title, creator: md.author, created: `${md.date}T00:00:00Z` });
}
