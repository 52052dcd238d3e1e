import { memo, useMemo } from 'react';
import { formatCell, formatDuration, formatExact, formatRelative, yearIn, type Zone } from '../lib/dates.ts';
import { useNow } from './use-now.ts';

/** "5 minutes ago", with the exact time in the zone on hover and for assistive tech. */
export function RelativeTime({ value, zone }: { value: string; zone: Zone }) {
  const now = useNow();
  const exact = formatExact(value, zone);
  return (
    <time dateTime={value} title={exact} className="relative-time">
      {formatRelative(value, now)}
    </time>
  );
}

/**
 * A table cell's time: the instant in the zone (`28 Nov 11:31:24`), how long ago beneath it.
 * The instant is formatted once per value and zone (a page holds a hundred of these cells, and
 * the clock's tick only changes the "ago" line), and the cell skips renders of its row's parents.
 */
export const TimeCell = memo(function TimeCell({ value, zone }: { value: string; zone: Zone }) {
  const now = useNow();
  const thisYear = yearIn(now, zone);
  const [cell, exact] = useMemo(
    // mid-year of `now`'s year in the zone: whichever zone reads it, the same year
    () => [formatCell(value, zone, Date.UTC(thisYear, 6, 1)), formatExact(value, zone)],
    [value, zone, thisYear],
  );
  return (
    <time dateTime={value} title={exact} className="time-cell">
      <span className="time-cell__absolute">{cell}</span>
      <span className="time-cell__relative">{formatRelative(value, now)}</span>
    </time>
  );
});

/** How long a task has been running, ticking every second. */
export function Elapsed({ since }: { since: string }) {
  const now = useNow(1_000);
  return <span className="numeric elapsed">{formatDuration(Math.max(0, now - Date.parse(since)))}</span>;
}
