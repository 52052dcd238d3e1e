import { utc } from '@date-fns/utc';
import { format, formatDistanceStrict, intervalToDuration } from 'date-fns';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromInputValue } from './date-input.ts';
import {
  formatCell,
  formatDuration,
  formatExact,
  formatRelative,
  formatWindow,
  toInputValue,
  zoneLabel,
} from './dates.ts';

describe('dates', () => {
  it('formats an instant exactly in UTC and names the zone', () => {
    expect(formatExact('2026-11-28T03:30:45.980Z', 'utc')).toBe('2026-11-28 03:30:45 UTC');
    expect(zoneLabel('utc')).toBe('UTC');
  });

  it('says how long ago', () => {
    const now = Date.parse('2026-11-28T03:35:45Z');
    expect(formatRelative('2026-11-28T03:30:45Z', now)).toBe('5 minutes ago');
    expect(formatRelative('2026-11-28T03:35:44Z', now)).toBe('just now');
  });

  it("words a distance as date-fns' formatDistanceStrict does, where no daylight-saving change lies between", () => {
    const now = Date.parse('2026-11-28T03:35:45Z');
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: -20 * 365 * 86_400_000, max: 20 * 365 * 86_400_000 }),
          // the units' edges: a minute, an hour, a day, 30, 360 and 365 days
          fc
            .constantFrom(60_000, 3_600_000, 86_400_000, 30 * 86_400_000, 360 * 86_400_000, 365 * 86_400_000)
            .chain((edge) =>
              fc.integer({ min: -2_000, max: 2_000 }).chain((d) => fc.constantFrom(edge + d, -(edge + d))),
            ),
        ),
        (offset) => {
          fc.pre(Math.abs(offset) >= 5_000);
          const at = new Date(now + offset);
          // date-fns moves a distance across a zone change by the offsets' difference; ours is elapsed time
          fc.pre(at.getTimezoneOffset() === new Date(now).getTimezoneOffset());
          expect(formatRelative(at, now)).toBe(
            formatDistanceStrict(at, now, { addSuffix: true, roundingMethod: 'floor' }),
          );
        },
      ),
    );
  });

  it("splits a duration under four weeks as date-fns' intervalToDuration does", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1_000, max: 28 * 86_400_000 - 1 }), (ms) => {
        const d = intervalToDuration({ start: 0, end: ms });
        const units = [
          [d.days ?? 0, 'd'],
          [d.hours ?? 0, 'h'],
          [d.minutes ?? 0, 'min'],
          [d.seconds ?? 0, 's'],
        ] as const;
        const first = units.findIndex(([n]) => n);
        const expected = units
          .slice(first, first + 2)
          .filter(([n]) => n)
          .map(([n, unit]) => `${n} ${unit}`)
          .join(' ');
        expect(formatDuration(ms)).toBe(expected);
      }),
    );
  });

  it('writes durations compactly', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(214_026)).toBe('3 min 34 s');
    expect(formatDuration(2 * 3_600_000 + 5 * 60_000)).toBe('2 h 5 min');
    expect(formatDuration(3 * 86_400_000 + 4 * 3_600_000 + 5_000)).toBe('3 d 4 h');
    // two adjacent units, never a gap: the seconds of a two-hour run are not its second figure
    expect(formatDuration(2 * 3_600_000 + 8_000)).toBe('2 h');
    expect(formatDuration(86_400_000 + 5 * 60_000)).toBe('1 d');
  });

  it('round-trips datetime-local values in both zones to the minute (a repeated local hour reads as its first)', () => {
    const minutes = (from: string, to: string) =>
      fc.integer({ min: Date.parse(from) / 60_000, max: Date.parse(to) / 60_000 });
    fc.assert(
      fc.property(
        // any minute, or one within a day of a daylight-saving change (EU and US, spring and autumn)
        fc.oneof(
          minutes('2000-01-01T00:00:00Z', '2099-01-01T00:00:00Z'),
          minutes('2026-03-07T12:00:00Z', '2026-03-09T12:00:00Z'),
          minutes('2026-03-28T12:00:00Z', '2026-03-30T12:00:00Z'),
          minutes('2026-10-24T12:00:00Z', '2026-10-26T12:00:00Z'),
          minutes('2026-10-31T12:00:00Z', '2026-11-02T12:00:00Z'),
        ),
        fc.constantFrom('utc' as const, 'local' as const),
        (minute, zone) => {
          const at = minute * 60_000;
          const shown = toInputValue(at, zone);
          const repeated = toInputValue(at - 3_600_000, zone) === shown;
          expect(fromInputValue(shown, zone)?.getTime()).toBe(repeated ? at - 3_600_000 : at);
        },
      ),
    );
    expect(fromInputValue('not a date', 'utc')).toBeUndefined();
  });
});

describe('table and range times', () => {
  const now = Date.parse('2026-11-29T12:00:00Z');

  it('prints a cell to the second, with the year only when it is not this year', () => {
    expect(formatCell('2026-11-28T11:31:24.500Z', 'utc', now)).toBe('28 Nov 11:31:24');
    expect(formatCell('2025-11-28T11:31:24Z', 'utc', now)).toBe('28 Nov 2025 11:31:24');
    // the year is the zone's: 23:30 UTC on 31 Dec is still last year in UTC
    expect(formatCell('2025-12-31T23:30:00Z', 'utc', now)).toBe('31 Dec 2025 23:30:00');
  });

  it('prints one zone for a window whose ends share an offset', () => {
    expect(formatWindow('2026-01-01T00:00:00Z', '2026-01-02T12:00:00Z', 'utc')).toEqual({
      text: '1 Jan 2026 00:00 – 2 Jan 2026 12:00',
      zone: 'UTC',
    });
  });

  it("prints each end's own offset when a daylight-saving change falls inside the window", () => {
    const zone = process.env.TZ;
    process.env.TZ = 'Europe/Berlin';
    try {
      expect(formatWindow('2026-03-28T11:00:00Z', '2026-03-30T10:00:00Z', 'local')).toEqual({
        text: '28 Mar 2026 12:00 +01:00 – 30 Mar 2026 12:00 +02:00',
        zone: 'Europe/Berlin',
      });
      expect(formatWindow('2026-03-20T11:00:00Z', '2026-03-21T11:00:00Z', 'local').zone).toBe(
        'Europe/Berlin (UTC+01:00)',
      );
    } finally {
      process.env.TZ = zone;
    }
  });

  it('remembers formatted instants without ever answering for another instant, zone or system zone', () => {
    const saved = process.env.TZ;
    try {
      fc.assert(
        fc.property(
          fc.integer({ min: Date.parse('2000-01-01T00:00:00Z'), max: Date.parse('2099-01-01T00:00:00Z') }),
          fc.constantFrom('local', 'utc') as fc.Arbitrary<'local' | 'utc'>,
          (ms, zone) => {
            // the same instant under each system zone in turn, twice (the second from the cache)
            for (const tz of ['UTC', 'Europe/Berlin', 'Asia/Kolkata', 'America/St_Johns']) {
              process.env.TZ = tz;
              const inZone = zone === 'utc' ? { in: utc } : {};
              const offset = zone === 'utc' ? 'UTC' : format(ms, 'xxx');
              for (let i = 0; i < 2; i++) {
                expect(formatExact(ms, zone)).toBe(`${format(ms, 'yyyy-MM-dd HH:mm:ss', inZone)} ${offset}`);
                expect(formatCell(ms, zone, ms)).toBe(format(ms, 'd MMM HH:mm:ss', inZone));
              }
            }
          },
        ),
      );
    } finally {
      process.env.TZ = saved;
    }
  });
});
