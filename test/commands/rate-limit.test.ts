import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/rate-limit.ts';

describe('RateLimiter', () => {
  it('allows the limit within a minute, then refuses with the wait', () => {
    let now = 0;
    const l = new RateLimiter({ limit: 3, now: () => now });
    expect([l.take('a'), l.take('a'), l.take('a')].every((d) => d.allowed)).toBe(true);
    now = 20_000;
    expect(l.take('a')).toEqual({ allowed: false, retryAfterSeconds: 40 });
  });

  it('lets requests through again once the oldest leaves the window', () => {
    let now = 0;
    const l = new RateLimiter({ limit: 1, now: () => now });
    l.take('a');
    now = 59_999;
    expect(l.take('a').allowed).toBe(false);
    now = 60_000;
    expect(l.take('a').allowed).toBe(true);
  });

  it('counts each user separately', () => {
    const l = new RateLimiter({ limit: 1, now: () => 0 });
    expect(l.take('slack:U1').allowed).toBe(true);
    expect(l.take('slack:U2').allowed).toBe(true);
    expect(l.take('slack:U1').allowed).toBe(false);
  });

  it('does not count refused requests', () => {
    let now = 0;
    const l = new RateLimiter({ limit: 1, now: () => now });
    l.take('a');
    now = 30_000;
    l.take('a');
    now = 60_000;
    expect(l.take('a').allowed).toBe(true);
  });

  it('forgets the least recently seen users beyond maxKeys', () => {
    const l = new RateLimiter({ limit: 1, now: () => 0, maxKeys: 2 });
    l.take('a');
    l.take('b');
    l.take('c');
    expect(l.take('a').allowed).toBe(true);
    expect(l.take('c').allowed).toBe(false);
  });
});
