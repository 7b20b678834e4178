/**
 * Web pages and Word files. A saved web page is parsed with linkedom (a DOM in plain JavaScript) and
 * reduced to its article with Mozilla's Readability — the code of Firefox's Reader View — so menus,
 * donation boxes, related-post lists and footers are gone; `h1`–`h3` become headings. Metadata comes
 * from JSON-LD first, then `<meta>` tags, then what Readability found. A `.docx` is turned into HTML by
 * mammoth (Word heading styles → `h1`…), then read the same way, without Readability: a Word file
 * is all article. Its metadata comes from its core properties (`docProps/core.xml`).
 */
import { basename } from 'node:path';
import { CorpusError } from '../errors.ts';
import { collapse, isoDate, TextBuilder, type ExtractedMeta, type ExtractedReport } from './extracted.ts';

/** Elements that hold no article text. */
const SKIP = new Set(['script', 'style', 'noscript', 'template', 'nav', 'aside', 'form', 'button', 'svg', 'iframe', 'select', 'head']);
/** Elements that start and end a block of text; everything else is inline. */
const BLOCK = new Set([
  'p', 'div', 'section', 'article', 'main', 'header', 'footer', 'li', 'ul', 'ol', 'dl', 'dt', 'dd', 'blockquote', 'pre',
  'table', 'thead', 'tbody', 'tr', 'td', 'th', 'caption', 'figure', 'figcaption', 'h4', 'h5', 'h6', 'hr', 'address', 'body', 'html',
]);
const HEADING = new Set(['h1', 'h2', 'h3']);

// linkedom's node types are its own; the walk needs only these members.
interface DomNode {
  nodeType: number;
  nodeName: string;
  textContent: string | null;
  childNodes: ArrayLike<DomNode>;
}

/** Writes an element's text into `out` as headings and paragraphs. */
function walk(root: DomNode, out: TextBuilder, title: string, titleWritten = false): void {
  let para = '';
  let seenHeading = false;
  const flush = () => {
    if (para.trim()) out.paragraph(para);
    para = '';
  };
  const visit = (node: DomNode) => {
    if (node.nodeType === 3) {
      para += node.textContent ?? '';
      return;
    }
    if (node.nodeType !== 1) return;
    const tag = node.nodeName.toLowerCase();
    if (SKIP.has(tag)) return;
    if (tag === 'br') {
      para += ' ';
      return;
    }
    if (HEADING.has(tag)) {
      flush();
      const text = collapse(node.textContent ?? '');
      // The page's own title above the article is the document's title line, not a section; written
      // once (Readability may keep it in the article or not).
      if (text === title && titleWritten) {
        seenHeading = true;
        return;
      }
      if (!seenHeading && text === title) out.paragraph(text);
      else out.heading(text);
      seenHeading = true;
      return;
    }
    const block = BLOCK.has(tag);
    if (block) flush();
    for (const child of Array.from(node.childNodes)) visit(child);
    if (block) flush();
  };
  visit(root);
  flush();
}

/** The JSON-LD objects of a page, `@graph`s and lists flattened. */
function jsonLd(doc: Document): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  const add = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(add);
    else if (v && typeof v === 'object') {
      out.push(v as Record<string, unknown>);
      if ('@graph' in v) add((v as { '@graph': unknown })['@graph']);
    }
  };
  for (const s of Array.from(doc.querySelectorAll('script[type="application/ld+json"]'))) {
    try {
      add(JSON.parse(s.textContent ?? ''));
    } catch {
      // A broken JSON-LD block is the page's problem; the <meta> tags may still say it.
    }
  }
  return out;
}

const names = (v: unknown): string => {
  if (typeof v === 'string') return collapse(v);
  if (Array.isArray(v)) return v.map(names).filter(Boolean).join(', ');
  if (v && typeof v === 'object' && 'name' in v) return names((v as { name: unknown }).name);
  return '';
};

/** Title, author, date and publisher from JSON-LD, then `<meta>`, then Readability's guesses. */
function pageMeta(doc: Document): ExtractedMeta {
  const ld = jsonLd(doc).find((o) => /Article|Report|BlogPosting|CreativeWork|WebPage/i.test(String(o['@type'] ?? '')) && (o.headline || o.name)) ?? {};
  const meta = (...keys: string[]): string => {
    for (const k of keys) {
      const els = Array.from(doc.querySelectorAll(`meta[name="${k}" i], meta[property="${k}" i]`));
      const values = els.map((e) => collapse(e.getAttribute('content') ?? '')).filter((v) => v && !/^https?:/.test(v));
      if (values.length) return [...new Set(values)].join(', ');
    }
    return '';
  };
  return {
    title: names(ld.headline) || names(ld.name) || meta('citation_title', 'og:title', 'dc.title', 'twitter:title') || collapse(doc.querySelector('title')?.textContent ?? ''),
    author: names(ld.author) || meta('citation_author', 'author', 'article:author', 'dc.creator', 'parsely-author'),
    date: isoDate(String(ld.datePublished ?? ld.dateCreated ?? '')) || isoDate(meta('article:published_time', 'citation_publication_date', 'citation_date', 'dc.date', 'date', 'pubdate')),
    publisher: names(ld.publisher) || meta('citation_publisher', 'og:site_name', 'dc.publisher'),
  };
}

/** Reads a saved web page's article and metadata. */
export async function readHtml(path: string, html: string): Promise<ExtractedReport> {
  const name = basename(path);
  // Imported here: a corpus without web pages never loads them.
  const { parseHTML } = await import('linkedom');
  const { Readability } = await import('@mozilla/readability');
  const { document } = parseHTML(html);
  const meta = pageMeta(document as unknown as Document);
  // Readability changes the DOM it reads: give it its own copy.
  let article: ReturnType<InstanceType<typeof Readability>['parse']> = null;
  try {
    article = new Readability(parseHTML(html).document as unknown as Document).parse();
  } catch {
    // Readability gave up on this markup: read the page's body below, as for a page with no article.
  }
  meta.title ||= collapse(article?.title ?? '');
  meta.author ||= collapse(article?.byline ?? '').replace(/^by\s+/i, '');
  meta.date ||= isoDate(article?.publishedTime);
  meta.publisher ||= collapse(article?.siteName ?? '');
  const out = new TextBuilder();
  if (article?.content) {
    if (meta.title) out.paragraph(meta.title);
    walk(parseHTML(`<!doctype html><html><body>${article.content}</body></html>`).document.body as unknown as DomNode, out, meta.title, !!meta.title);
  } else {
    // Too little text for Readability to call it an article: the page's body, chrome elements skipped.
    const body = document.querySelector('main, article') ?? document.body;
    if (body) walk(body as unknown as DomNode, out, meta.title);
  }
  const result = out.result(meta);
  if (!result.text.trim()) throw new CorpusError('CORPUS_INVALID', `The report file ${name} has no article text.`);
  return result;
}

/** The text of one element of an XML document, entities decoded; '' when absent. */
function xmlField(xml: string, tag: string): string {
  const m = new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`).exec(xml);
  const inner = m?.[1];
  if (inner === undefined) return '';
  return collapse(
    inner
      .replace(/<[^>]+>/g, '')
      .replace(/&#(x?)([0-9a-f]+);/gi, (_, x: string, n: string) => String.fromCodePoint(parseInt(n, x ? 16 : 10)))
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, '&'),
  );
}

/** Reads a Word (`.docx`) file: its text with heading styles as headings, and its core properties. */
export async function readDocx(path: string, bytes: Uint8Array): Promise<ExtractedReport> {
  const name = basename(path);
  const { default: mammoth } = await import('mammoth');
  const { default: JSZip } = await import('jszip');
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let zip;
  try {
    zip = await JSZip.loadAsync(buffer);
  } catch (err) {
    // An encrypted .docx is an OLE compound file, not a zip: say which it is when we can tell.
    const ole = bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0;
    throw new CorpusError(
      'CORPUS_INVALID',
      ole ? `The report file ${name} is an encrypted or old-format (.doc) Word file; save it as an unprotected .docx.` : `The report file ${name} is not a valid .docx (not a zip archive).`,
      { cause: err },
    );
  }
  const core = (await zip.file('docProps/core.xml')?.async('string')) ?? '';
  const meta: ExtractedMeta = {
    title: xmlField(core, 'dc:title'),
    author: xmlField(core, 'dc:creator'),
    date: isoDate(xmlField(core, 'dcterms:created')),
    publisher: '',
  };
  let html: string;
  try {
    html = (await mammoth.convertToHtml({ buffer }, { styleMap: ["p[style-name='Title'] => h1:fresh", 'p.Title => h1:fresh'] })).value;
  } catch (err) {
    throw new CorpusError('CORPUS_INVALID', `The report file ${name} could not be read as a Word document: ${(err as Error).message}`, { cause: err });
  }
  const { parseHTML } = await import('linkedom');
  const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
  if (!meta.title) meta.title = collapse(document.querySelector('h1')?.textContent ?? '');
  const out = new TextBuilder();
  walk(document.body as unknown as DomNode, out, meta.title);
  const result = out.result(meta);
  if (!result.text.trim()) throw new CorpusError('CORPUS_INVALID', `The report file ${name} has no text.`);
  return result;
}
