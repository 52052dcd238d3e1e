import { formatExact, formatRelative, type Zone } from '../lib/dates.ts';
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
