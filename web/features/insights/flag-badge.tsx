import './list-insights.css';
import type { TaskFlagBadge } from './api.ts';

/** "3.4× median" or "running 2 h · usually 12 min": words, not only a colour. */
export function FlagBadge({ badge }: { badge: TaskFlagBadge | undefined }) {
  if (!badge) return null;
  return (
    <span className={`flag flag--${badge.kind}`} title={badge.title}>
      {badge.text}
    </span>
  );
}
