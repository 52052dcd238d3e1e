import { utc } from '@date-fns/utc';
import { format, isValid } from 'date-fns';
import type { Zone } from './zone.ts';

export type { Zone } from './zone.ts';

type Instant = string | number | Date;
const toDate = (value: Instant) => (value instanceof Date ? value : new Date(value));
export const context = (zone: Zone) => (zone === 'utc' ? { in: utc } : {});

const localZoneName = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'local';

/** The zone as printed next to the range: `UTC`, or `Europe/Berlin (UTC+01:00)`. */
export const zoneLabel = (zone: Zone, at: Instant = Date.now()): string => {
  if (zone === 'utc') return 'UTC';
  const offset = format(toDate(at), 'xxx');
  const name = localZoneName();
  return name === 'UTC' || name === 'Etc/UTC' ? 'UTC (local)' : `${name} (UTC${offset === 'Z' ? '' : offset})`;
};

/**
 * A pure formatter remembered by its key: a list redraws the same tasks' instants at every
 * keystroke and page, and date-fns' `format` costs tens of microseconds a call. Bounded: the
 * oldest half goes when full. The local zone's key carries the instant's offset, so a changed
 * system zone (tests set TZ) never answers from a stale entry.
 */
const remembered = <A extends unknown[]>(key: (...args: A) => string, fn: (...args: A) => string, max = 4_000) => {
  const cache = new Map<string, string>();
  return (...args: A): string => {
    const k = key(...args);
    let v = cache.get(k);
    if (v === undefined) {
      v = fn(...args);
      if (cache.size >= max) for (const old of [...cache.keys()].slice(0, max / 2)) cache.delete(old);
      cache.set(k, v);
    }
    return v;
  };
};
const instantKey = (value: Instant, zone: Zone) => {
  const d = toDate(value);
  return zone === 'utc' ? `u${d.getTime()}` : `l${d.getTime()}@${d.getTimezoneOffset()}`;
};

/** The exact instant, to the second, in the zone: `2026-11-28 03:30:45 UTC`. */
export const formatExact = remembered(instantKey, (value: Instant, zone: Zone): string => {
  const d = toDate(value);
  if (!isValid(d)) return String(value);
  return `${format(d, 'yyyy-MM-dd HH:mm:ss', context(zone))} ${zone === 'utc' ? 'UTC' : format(d, 'xxx')}`;
});

/** Short form for ranges: `28 Nov 2026 03:30`. */
export const formatShort = remembered(instantKey, (value: Instant, zone: Zone): string =>
  format(toDate(value), 'd MMM yyyy HH:mm', context(zone)),
);

/** The instant's calendar year in the zone (the Date's own getters: a table renders a hundred of these). */
export const yearIn = (value: Instant, zone: Zone): number => {
  const d = toDate(value);
  return zone === 'utc' ? d.getUTCFullYear() : d.getFullYear();
};

/** A table cell's instant, to the second: `28 Nov 11:31:24`, with the year when it is not `now`'s year. */
export const formatCell = (value: Instant, zone: Zone, now: Instant = Date.now()): string => {
  const d = toDate(value);
  if (!isValid(d)) return String(value);
  return formatCellIn(d, zone, yearIn(d, zone) === yearIn(now, zone));
};
const formatCellIn = remembered(
  (d: Date, zone: Zone, sameYear: boolean) => `${instantKey(d, zone)}${sameYear ? '' : 'y'}`,
  (d: Date, zone: Zone, sameYear: boolean) =>
    format(d, sameYear ? 'd MMM HH:mm:ss' : 'd MMM yyyy HH:mm:ss', context(zone)),
);

const offsetOf = (value: Instant, zone: Zone) => (zone === 'utc' ? 'Z' : format(toDate(value), 'xxx'));

/**
 * A window as the summary prints it. One offset for both ends when they share it; across a
 * daylight-saving change each end carries its own (`+01:00` … `+02:00`).
 */
export const formatWindow = (from: Instant, to: Instant, zone: Zone): { text: string; zone: string } => {
  const [text, name] = formatWindowIn(from, to, zone).split('\n') as [string, string];
  return { text, zone: name };
};
// Remembered: reading the zone's name from Intl costs more than the rest of a list render.
const formatWindowIn = remembered(
  (from: Instant, to: Instant, zone: Zone) => `${instantKey(from, zone)}-${instantKey(to, zone)}`,
  (from: Instant, to: Instant, zone: Zone): string => {
    const fromOffset = offsetOf(from, zone);
    const toOffset = offsetOf(to, zone);
    if (fromOffset === toOffset) return `${formatShort(from, zone)} – ${formatShort(to, zone)}\n${zoneLabel(zone, to)}`;
    return `${formatShort(from, zone)} ${fromOffset} – ${formatShort(to, zone)} ${toOffset}\n${localZoneName()}`;
  },
  200,
);

const DAY_MS = 86_400_000;
// date-fns' formatDistanceStrict's units and thresholds (a month is 30 days, a year 365), floored;
// Intl words them, which keeps date-fns' distance code and its locale out of the first view.
const RELATIVE_UNITS: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * DAY_MS],
  ['month', 30 * DAY_MS],
  ['day', DAY_MS],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1_000],
];
let relativeFormat: Intl.RelativeTimeFormat | undefined;

/** "5 minutes ago" / "in 2 hours", against `now`. */
export const formatRelative = (value: Instant, now: number): string => {
  const d = toDate(value);
  if (!isValid(d)) return '';
  const diff = d.getTime() - now;
  if (Math.abs(diff) < 5_000) return 'just now';
  const [unit, size] = RELATIVE_UNITS.find(([, ms]) => Math.abs(diff) >= ms) ?? ['second', 1_000];
  relativeFormat ??= new Intl.RelativeTimeFormat('en', { numeric: 'always' });
  const n = Math.trunc(diff / size);
  // 360 to 365 days are twelve 30-day months: a year, as date-fns says
  return Math.abs(n) === 12 && unit === 'month'
    ? relativeFormat.format(Math.sign(n), 'year')
    : relativeFormat.format(n, unit);
};

/** A task's duration, compact: `850 ms`, `42 s`, `3 min 34 s`, `2 h 5 min`, `3 d 4 h`. */
export const formatDuration = (ms: number | null): string => {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return '—';
  return ms < 1_000 ? `${Math.round(ms)} ms` : formatLongDuration(ms);
};
const formatLongDuration = remembered(String, (ms: number): string => {
  const parts: [number, string][] = [
    [Math.floor(ms / DAY_MS), 'd'],
    [Math.floor(ms / 3_600_000) % 24, 'h'],
    [Math.floor(ms / 60_000) % 60, 'min'],
    [Math.floor(ms / 1_000) % 60, 's'],
  ];
  // the largest unit and the one below it: 2 h 0 min 8 s is "2 h", not "2 h 8 s"
  const first = parts.findIndex(([n]) => n);
  return parts
    .slice(first, first + 2)
    .filter(([n]) => n)
    .map(([n, unit]) => `${n} ${unit}`)
    .join(' ');
});

/** The custom range's inputs: ISO order, 24-hour clock, the same convention as the summary. */
export const INPUT_FORMAT = 'yyyy-MM-dd HH:mm';

/** The text of a custom-range input showing `value` in the zone. */
export const toInputValue = (value: Instant, zone: Zone): string => format(toDate(value), INPUT_FORMAT, context(zone));
