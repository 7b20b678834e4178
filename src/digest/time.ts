/**
 * Wall-clock arithmetic in IANA time zones, with nothing but `Intl`. A digest is due at a local time
 * (`08:30` in `America/Lima`) on a local date; this module turns that into an instant and back.
 *
 * Why not croner's `nextRun`: croner skips a job whose time falls in a spring-forward gap, and a
 * daily digest must not silently vanish for a day. We resolve local times like Temporal's
 * `disambiguation: 'compatible'`: a time in a gap moves forward by the gap's length (02:30 → 03:30),
 * a time that occurs twice (fall back) is taken at its first occurrence. The tests check every
 * other instant against croner 10 as an independent oracle.
 */
import { InputError } from '../errors.ts';
import { stripInvisible } from '../text.ts';

/** Which days a digest is posted on. */
export type DigestDays = 'daily' | 'weekdays';

/** When a subscription posts: a local time in a zone, on some days of the week. */
export interface DigestSchedule {
  /** `HH:MM`, 24-hour. */
  time: string;
  /** IANA zone name, e.g. `Europe/Berlin`. */
  timezone: string;
  days: DigestDays;
}

/** A calendar date written `YYYY-MM-DD`. */
export type LocalDate = string;

const TIME_PATTERN = /^(?<hour>[01]?\d|2[0-3]):(?<minute>[0-5]\d)$/;

/** What `/digest subscribe` accepts as a time, for error messages. */
export const TIME_HELP = 'a 24-hour time HH:MM between 00:00 and 23:59, e.g. 08:30 or 17:05';
/** What `/digest subscribe` accepts as a zone, for error messages. */
export const ZONE_HELP = 'an IANA time zone name such as America/Lima, Europe/Berlin or UTC';

/**
 * Parses `H:MM` or `HH:MM` (24-hour) into a normalized `HH:MM`; throws an {@link InputError} that says
 * what is accepted.
 */
export function parseTime(input: string): string {
  const { hour, minute } = TIME_PATTERN.exec(input.trim())?.groups ?? {};
  if (hour === undefined || minute === undefined) throw new InputError(`"${clip(input)}" is not a valid time. Use ${TIME_HELP}.`);
  return `${hour.padStart(2, '0')}:${minute}`;
}

const zoneCache = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = zoneCache.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
    });
    zoneCache.set(timeZone, f);
  }
  return f;
}

/** True for zone names `Intl` knows (IANA names and `UTC`); offsets like `+05:00` are refused. */
export function isTimeZone(name: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name)) return false;
  try {
    formatter(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * Returns the canonical spelling of an IANA zone (`europe/berlin` → `Europe/Berlin`), or throws an
 * {@link InputError} that says what is accepted.
 */
export function parseTimeZone(input: string): string {
  const name = input.trim();
  if (!isTimeZone(name)) {
    throw new InputError(`"${clip(name)}" is not a time zone I know. Use ${ZONE_HELP}.`);
  }
  // Intl resolves case-insensitively and reports the canonical name, so stored zones are always spelled one way.
  return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
}

interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** The wall-clock reading of an instant in a zone. */
export function wallTime(instant: Date | number, timeZone: string): WallTime {
  const parts = formatter(timeZone).formatToParts(typeof instant === 'number' ? new Date(instant) : instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '0';
  return {
    year: Number(get('year')),
    month: Number(get('month')),
    day: Number(get('day')),
    hour: Number(get('hour')),
    minute: Number(get('minute')),
    second: Number(get('second')),
    weekday: WEEKDAYS[get('weekday')] ?? 0,
  };
}

/** The zone's offset from UTC at an instant, in milliseconds (east positive). */
function offsetAt(ms: number, timeZone: string): number {
  const w = wallTime(ms, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

/** The local calendar date of an instant in a zone. */
export function localDateOf(instant: Date | number, timeZone: string): LocalDate {
  const w = wallTime(instant, timeZone);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}`;
}

/** Adds whole days to a calendar date. */
export function addDays(date: LocalDate, days: number): LocalDate {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

/** Day of the week of a calendar date, 0 = Sunday. */
export function weekdayOf(date: LocalDate): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

/** Whether a schedule posts on a calendar date. */
export function postsOn(date: LocalDate, days: DigestDays): boolean {
  if (days === 'daily') return true;
  const wd = weekdayOf(date);
  return wd >= 1 && wd <= 5;
}

/**
 * The instant at which `time` occurs on `date` in `timeZone`. A time skipped by a spring-forward
 * change moves forward by the gap; a time that occurs twice resolves to the first occurrence.
 */
export function zonedInstant(date: LocalDate, time: string, timeZone: string): Date {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi] = time.split(':').map(Number) as [number, number];
  const wallAsUtc = Date.UTC(y, mo - 1, d, h, mi);
  // The offsets in force a day either side bracket any transition on this date.
  const before = offsetAt(wallAsUtc - 86_400_000, timeZone);
  const after = offsetAt(wallAsUtc + 86_400_000, timeZone);
  const candidates = [...new Set([before, after])]
    .map((offset) => wallAsUtc - offset)
    .filter((t) => offsetAt(t, timeZone) + t === wallAsUtc)
    .sort((a, b) => a - b);
  const earliest = candidates[0];
  if (earliest !== undefined) return new Date(earliest);
  // In a gap: read the wall time with the offset from before the change, which lands after the gap.
  return new Date(wallAsUtc - before);
}

/** The scheduled instant on a date, or null when the schedule does not post that day. */
export function occurrenceOn(date: LocalDate, s: DigestSchedule): Date | null {
  return postsOn(date, s.days) ? zonedInstant(date, s.time, s.timezone) : null;
}

/** The first scheduled instant strictly after `after`. */
export function nextOccurrence(s: DigestSchedule, after: Date): Date {
  let date = addDays(localDateOf(after, s.timezone), -1);
  for (let i = 0; i < 10; i++, date = addDays(date, 1)) {
    const at = occurrenceOn(date, s);
    if (at && at.getTime() > after.getTime()) return at;
  }
  // Unreachable: every week has weekdays.
  throw new Error(`no occurrence of ${s.time} ${s.timezone} within ten days`);
}

/** The latest scheduled instant at or before `atOrBefore`, with its local date. */
export function latestOccurrence(s: DigestSchedule, atOrBefore: Date): { at: Date; localDate: LocalDate } {
  let date = addDays(localDateOf(atOrBefore, s.timezone), 1);
  for (let i = 0; i < 10; i++, date = addDays(date, -1)) {
    const at = occurrenceOn(date, s);
    if (at && at.getTime() <= atOrBefore.getTime()) return { at, localDate: date };
  }
  throw new Error(`no occurrence of ${s.time} ${s.timezone} within ten days`);
}

/** "Mon 9 Mar 2026, 09:00 (America/New_York)" — for status lines, in the channel's zone. */
export function formatInZone(instant: Date, timeZone: string): string {
  const text = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(instant);
  return `${text.replace(/ at /, ', ')} (${timeZone})`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** A user's input echoed in an error: one clean line, cut at 40 characters. */
function clip(s: string): string {
  const flat = stripInvisible(s);
  return flat.length > 40 ? `${flat.slice(0, 40)}…` : flat;
}
