import { formatCell, formatDuration, formatExact, formatRelative, type Zone } from '../lib/dates.ts';
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

/** A table cell's time: the instant in the zone (`28 Nov 11:31:24`), how long ago beneath it. */
export function TimeCell({ value, zone }: { value: string; zone: Zone }) {
  const now = useNow();
  return (
    <time dateTime={value} title={formatExact(value, zone)} className="time-cell">
      <span className="time-cell__absolute">{formatCell(value, zone, now)}</span>
      <span className="time-cell__relative">{formatRelative(value, now)}</span>
    </time>
  );
}

/** How long a task has been running, ticking every second. */
export function Elapsed({ since }: { since: string }) {
  const now = useNow(1_000);
  return <span className="numeric elapsed">{formatDuration(Math.max(0, now - Date.parse(since)))}</span>;
}
