/** startDigestScheduler: what the composition root calls with the adapters' posters. */
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/answer/engine.ts';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/log.ts';
import { startDigestScheduler } from '../../src/digest/index.ts';
import { slackPoster } from '../../src/adapters/slack/poster.ts';
import { DigestStore } from '../../src/digest/store.ts';
import type { Timer } from '../../src/digest/scheduler.ts';
import { fakeClock, tempStore } from './fixtures.ts';

describe('startDigestScheduler', () => {
  it('posts due digests with the Slack client, using the workspace command prefix, and stops cleanly', async () => {
    const engine = await Engine.load('corpus');
    const { store, cleanup } = tempStore();
    try {
      new DigestStore(store).subscribe({ platform: 'slack', channelId: 'C5', time: '09:00', timezone: 'UTC', count: 1, days: 'daily', userId: 'U', now: new Date('2026-01-01T00:00:00Z') });
      new DigestStore(store).subscribe({ platform: 'discord', channelId: '55', time: '09:00', timezone: 'UTC', count: 1, days: 'daily', userId: 'U', now: new Date('2026-01-01T00:00:00Z') });
      const sent: Array<Record<string, unknown>> = [];
      const slack = { chat: { postMessage: async (args: Record<string, unknown>) => (sent.push(args), { ts: '1.2' }) } };
      const clock = fakeClock('2026-01-02T09:00:00Z');
      const timers: Array<{ fn: () => void; ms: number }> = [];
      const timer: Timer = { set: (fn, ms) => timers.push({ fn, ms }), clear: () => void timers.splice(0) };
      const service = startDigestScheduler({
        config: loadConfig({ SLACK_COMMAND_PREFIX: 'rb-', DIGEST_CATCHUP_HOURS: '2' }),
        engine,
        store,
        logger: silentLogger,
        posters: { slack: slackPoster(slack) },
        now: clock.now,
        timer,
      });
      expect(service.scheduler.options.catchupHours).toBe(2);
      await new Promise((r) => setImmediate(r));
      await service.stop();
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatchObject({ channel: 'C5', unfurl_links: false });
      expect(JSON.stringify(sent[0]!.blocks)).toContain('Ask about any of these with /rb-ask');
      // Discord has no poster here: its subscription waits, nothing is claimed.
      expect(new DigestStore(store).deliveries(2)).toEqual([]);
      expect(timers).toHaveLength(0);
    } finally {
      cleanup();
    }
  });
});
