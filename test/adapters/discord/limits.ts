/**
 * Assertions shared by the Discord tests: every message body the bot sends stays within Discord's
 * limits, gives each button its own custom id, and never allows a mention to ping.
 */
import { expect } from 'vitest';

interface Embed {
  title?: string;
  description?: string;
  author?: { name: string };
  footer?: { text: string };
  fields?: { name: string; value: string }[];
}

interface Body {
  content?: string;
  embeds?: Embed[];
  components?: { components: { custom_id?: string; label?: string }[] }[];
  allowed_mentions?: { parse?: string[] };
}

export function embedChars(embeds: Embed[]): number {
  return embeds.reduce(
    (n, e) =>
      n +
      (e.title?.length ?? 0) +
      (e.description?.length ?? 0) +
      (e.author?.name.length ?? 0) +
      (e.footer?.text.length ?? 0) +
      (e.fields ?? []).reduce((m, f) => m + f.name.length + f.value.length, 0),
    0,
  );
}

/** Fails unless `body` obeys Discord's message limits and pings nobody. */
export function expectWithinLimits(body: Body): void {
  expect(body.allowed_mentions).toEqual(expect.objectContaining({ parse: [] }));
  expect((body.content ?? '').length).toBeLessThanOrEqual(2000);
  const embeds = body.embeds ?? [];
  expect(embeds.length).toBeLessThanOrEqual(10);
  for (const e of embeds) {
    expect((e.title ?? '').length).toBeLessThanOrEqual(256);
    expect((e.description ?? '').length).toBeLessThanOrEqual(4096);
    expect((e.author?.name ?? '').length).toBeLessThanOrEqual(256);
    expect((e.footer?.text ?? '').length).toBeLessThanOrEqual(2048);
    expect((e.fields ?? []).length).toBeLessThanOrEqual(25);
    for (const f of e.fields ?? []) {
      expect(f.name.length).toBeGreaterThan(0);
      expect(f.name.length).toBeLessThanOrEqual(256);
      expect(f.value.length).toBeGreaterThan(0);
      expect(f.value.length).toBeLessThanOrEqual(1024);
    }
  }
  expect(embedChars(embeds)).toBeLessThanOrEqual(6000);
  const rows = body.components ?? [];
  expect(rows.length).toBeLessThanOrEqual(5);
  for (const row of rows) {
    expect(row.components.length).toBeLessThanOrEqual(5);
    for (const c of row.components) {
      expect((c.custom_id ?? '').length).toBeLessThanOrEqual(100);
      expect((c.label ?? '').length).toBeLessThanOrEqual(80);
    }
  }
  // Discord refuses (400, code 50035) a message whose buttons share a custom id.
  const ids = customIds(body);
  expect(ids.filter((id, i) => ids.indexOf(id) !== i), 'duplicated custom ids').toEqual([]);
}

/** Custom ids of every button in a message body. */
export function customIds(body: Body): string[] {
  return (body.components ?? []).flatMap((r) => r.components.map((c) => c.custom_id ?? ''));
}
