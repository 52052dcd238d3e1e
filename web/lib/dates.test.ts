import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromInputValue } from './date-input.ts';
import { formatDuration, formatExact, formatRelative, toInputValue, zoneLabel } from './dates.ts';

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

  it('writes durations compactly', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(214_026)).toBe('3 min 34 s');
    expect(formatDuration(2 * 3_600_000 + 5 * 60_000)).toBe('2 h 5 min');
    expect(formatDuration(3 * 86_400_000 + 4 * 3_600_000 + 5_000)).toBe('3 d 4 h');
  });

  it('round-trips datetime-local values in both zones to the minute', () => {
    fc.assert(
      fc.property(
        fc.integer({
          min: Date.parse('2000-01-01T00:00:00Z') / 60_000,
          max: Date.parse('2099-01-01T00:00:00Z') / 60_000,
        }),
        fc.constantFrom('utc' as const, 'local' as const),
        (minute, zone) => {
          const at = minute * 60_000;
          expect(fromInputValue(toInputValue(at, zone), zone)?.getTime()).toBe(at);
        },
      ),
    );
    expect(fromInputValue('not a date', 'utc')).toBeUndefined();
  });
});
