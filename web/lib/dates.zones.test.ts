import { describe, expect, it } from 'vitest';
import { fromInputValue } from './date-input.ts';
import { formatCell, formatExact, formatWindow, toInputValue, zoneLabel } from './dates.ts';

// The 'local' paths, with what each is expected to print in each zone the suite runs under
// (vite.config.ts: UTC, America/New_York with daylight saving, Asia/Kolkata at +05:30).
type Expected = {
  exact: string;
  cellAtNewYear: string;
  window: { text: string; zone: string };
  label: string | RegExp;
  input: string;
  springGap: string;
  fallBackFirst: string;
};
const EXPECTED: Record<string, Expected> = {
  UTC: {
    exact: '2026-11-28 03:30:45 +00:00',
    cellAtNewYear: '1 Jan 03:00:00',
    window: { text: '7 Mar 2026 17:00 – 9 Mar 2026 16:00', zone: 'UTC (local)' },
    label: 'UTC (local)',
    input: '2026-11-01 05:30',
    springGap: '2026-03-08T02:30:00.000Z',
    fallBackFirst: '2026-11-01T01:30:00.000Z',
  },
  'America/New_York': {
    exact: '2026-11-27 22:30:45 -05:00',
    cellAtNewYear: '31 Dec 2025 22:00:00',
    window: { text: '7 Mar 2026 12:00 -05:00 – 9 Mar 2026 12:00 -04:00', zone: 'America/New_York' },
    label: 'America/New_York (UTC-05:00)',
    input: '2026-11-01 01:30',
    // 02:30 does not exist on 8 March: the clock jumps from 02:00 to 03:00 EDT
    springGap: '2026-03-08T07:30:00.000Z',
    // 01:30 happens twice on 1 November: the input means the first (EDT)
    fallBackFirst: '2026-11-01T05:30:00.000Z',
  },
  'Asia/Kolkata': {
    exact: '2026-11-28 09:00:45 +05:30',
    cellAtNewYear: '1 Jan 08:30:00',
    // ICU may still call it by its old name
    window: {
      text: '7 Mar 2026 22:30 – 9 Mar 2026 21:30',
      zone: expect.stringMatching(/^Asia\/(Kolkata|Calcutta) \(UTC\+05:30\)$/),
    },
    label: /^Asia\/(Kolkata|Calcutta) \(UTC\+05:30\)$/,
    input: '2026-11-01 11:00',
    springGap: '2026-03-07T21:00:00.000Z',
    fallBackFirst: '2026-10-31T20:00:00.000Z',
  },
};

const zone = process.env.TZ ?? '';
const expected = EXPECTED[zone];

describe(`local time in ${zone}`, () => {
  it('is a zone this file has expectations for', () => {
    expect(Object.keys(EXPECTED)).toContain(zone);
  });

  it.runIf(expected)('prints an exact instant with the local offset', () => {
    expect(formatExact('2026-11-28T03:30:45.980Z', 'local')).toBe(expected!.exact);
    expect(formatExact('2026-11-28T03:30:45.980Z', 'utc')).toBe('2026-11-28 03:30:45 UTC');
  });

  it.runIf(expected)("takes a cell's year from the local calendar", () => {
    expect(formatCell('2026-01-01T03:00:00Z', 'local', Date.parse('2026-06-01T00:00:00Z'))).toBe(
      expected!.cellAtNewYear,
    );
  });

  it.runIf(expected)('summarises a window across the US spring change with the offsets it crosses', () => {
    expect(formatWindow('2026-03-07T17:00:00Z', '2026-03-09T16:00:00Z', 'local')).toEqual(expected!.window);
    expect(zoneLabel('local', '2026-01-15T00:00:00Z')).toMatch(expected!.label);
  });

  it.runIf(expected)('writes and reads the custom-range inputs in local time, gaps and repeats included', () => {
    expect(toInputValue('2026-11-01T05:30:00Z', 'local')).toBe(expected!.input);
    expect(fromInputValue('2026-03-08 02:30', 'local')?.toISOString()).toBe(expected!.springGap);
    expect(fromInputValue('2026-11-01 01:30', 'local')?.toISOString()).toBe(expected!.fallBackFirst);
    expect(fromInputValue('2026-11-01T01:30', 'utc')?.toISOString()).toBe('2026-11-01T01:30:00.000Z');
  });
});
