import { describe, expect, it } from 'vitest';
import { Cron } from 'croner';
import {
  latestOccurrence,
  nextOccurrence,
  parseTime,
  parseTimeZone,
  wallTime,
  zonedInstant,
  type DigestSchedule,
} from '../../src/digest/time.ts';

describe('parseTime', () => {
  it('accepts 24-hour times and normalizes them to HH:MM', () => {
    expect(parseTime('8:30')).toBe('08:30');
    expect(parseTime('00:00')).toBe('00:00');
    expect(parseTime(' 23:59 ')).toBe('23:59');
  });

  it('refuses anything else with a message saying what is accepted', () => {
    for (const bad of ['24:00', '9', '9am', '09:60', '0930', '', '12:5', '-1:00']) {
      expect(() => parseTime(bad)).toThrow(/is not a valid time\. Use a 24-hour time HH:MM between 00:00 and 23:59, e\.g\. 08:30/);
    }
  });

  it('echoes the input on one clean line, without control or bidi-override characters', () => {
    expect(() => parseTime('8:3\u202e0\npm')).toThrow(/^"8:3 0 pm" is not a valid time\./);
  });
});

describe('parseTimeZone', () => {
  it('returns the canonical IANA name', () => {
    expect(parseTimeZone('America/Lima')).toBe('America/Lima');
    expect(parseTimeZone('europe/berlin')).toBe('Europe/Berlin');
    expect(parseTimeZone('UTC')).toBe('UTC');
  });

  it('refuses unknown zones, offsets and junk with a message naming an example', () => {
    for (const bad of ['Mars/Olympus', 'Lima', '+05:00', 'UTC+1', '<script>', '']) {
      expect(() => parseTimeZone(bad)).toThrow(/is not a time zone I know\. Use an IANA time zone name such as America\/Lima, Europe\/Berlin or UTC/);
    }
  });
});

describe('zonedInstant', () => {
  it('moves a time in the spring-forward gap forward by the gap (New York, Berlin)', () => {
    // 02:30 does not exist on these days; it becomes 03:30 local.
    expect(zonedInstant('2026-03-08', '02:30', 'America/New_York').toISOString()).toBe('2026-03-08T07:30:00.000Z');
    expect(zonedInstant('2026-03-29', '02:30', 'Europe/Berlin').toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });

  it('takes the first of a time that occurs twice when clocks fall back', () => {
    expect(zonedInstant('2026-11-01', '01:30', 'America/New_York').toISOString()).toBe('2026-11-01T05:30:00.000Z');
    expect(zonedInstant('2026-10-25', '02:30', 'Europe/Berlin').toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });

  it('agrees with croner for every day of 2026 in three zones, at times outside the gaps', () => {
    for (const tz of ['America/Lima', 'America/New_York', 'Europe/Berlin']) {
      for (const time of ['00:15', '09:00', '23:45']) {
        const [h, m] = time.split(':');
        const runs = new Cron(`${Number(m)} ${Number(h)} * * *`, { timezone: tz }).nextRuns(365, new Date('2025-12-31T12:00:00Z'));
        for (const run of runs) {
          const w = wallTime(run, tz);
          const date = `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
          expect(zonedInstant(date, time, tz).toISOString(), `${tz} ${date} ${time}`).toBe(run.toISOString());
        }
      }
    }
  });
});

describe('nextOccurrence and latestOccurrence', () => {
  const berlin: DigestSchedule = { time: '09:00', timezone: 'Europe/Berlin', days: 'weekdays' };

  it('skips weekends for weekday schedules', () => {
    // Friday 27 November 2026, 10:00 in Berlin → Monday 30 November, 09:00.
    expect(nextOccurrence(berlin, new Date('2026-11-27T09:00:00Z')).toISOString()).toBe('2026-11-30T08:00:00.000Z');
    expect(latestOccurrence(berlin, new Date('2026-11-29T12:00:00Z'))).toEqual({
      at: new Date('2026-11-27T08:00:00.000Z'),
      localDate: '2026-11-27',
    });
  });

  it('is strictly after / at or before the given instant', () => {
    const at = new Date('2026-11-27T08:00:00Z');
    expect(nextOccurrence(berlin, at).toISOString()).toBe('2026-11-30T08:00:00.000Z');
    expect(latestOccurrence(berlin, at).at.toISOString()).toBe('2026-11-27T08:00:00.000Z');
  });

  it('matches croner across the March and November changes in New York', () => {
    const s: DigestSchedule = { time: '08:30', timezone: 'America/New_York', days: 'daily' };
    const cron = new Cron('30 8 * * *', { timezone: 'America/New_York' });
    let after = new Date('2026-03-01T00:00:00Z');
    for (let i = 0; i < 300; i++) {
      const ours = nextOccurrence(s, after);
      expect(ours.toISOString()).toBe(cron.nextRun(after)!.toISOString());
      after = ours;
    }
  });

  it('uses the local date of the zone, not of UTC (Lima, late evening)', () => {
    const lima: DigestSchedule = { time: '23:30', timezone: 'America/Lima', days: 'daily' };
    // 23:30 in Lima on 5 January is 04:30 UTC on 6 January.
    expect(latestOccurrence(lima, new Date('2026-01-06T05:00:00Z')).localDate).toBe('2026-01-05');
  });
});
