/**
 * A much smaller run of `npm run load` (scripts/load.ts), so the suite keeps the property that matters
 * without its cost: every signed /ask is acknowledged and answered. No timing is asserted here; the
 * latency and memory figures come from the full run and are in the README.
 */
import { describe, expect, it } from 'vitest';
import { runLoad } from '../scripts/load.ts';

describe('Slack load (bounded)', () => {
  it('acknowledges and answers every one of 120 signed /ask at concurrency 12', async () => {
    const report = await runLoad({ total: 120, concurrency: 12, samples: 3 });
    expect(report.refused).toEqual({});
    expect(report.acknowledged).toBe(120);
    expect(report.answered).toBe(120);
    expect(report.logged).toBe(120);
    expect(report.memory.length).toBeGreaterThanOrEqual(2);
  }, 60_000);
});
