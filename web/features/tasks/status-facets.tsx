import type { TaskStatus } from '../../../shared/contract.ts';
import { TASK_STATUSES } from '../../../shared/contract.ts';

/** Counts per status in the window (other filters applied); a click toggles the status filter. */
export function StatusFacets({
  counts,
  selected,
  onToggle,
}: {
  counts: Record<string, number> | undefined;
  selected: readonly TaskStatus[];
  onToggle: (status: TaskStatus) => void;
}) {
  return (
    <div className="facets" role="group" aria-label="Filter by status">
      {TASK_STATUSES.map((s) => (
        <button
          key={s}
          type="button"
          className={`facet status--${s.toLowerCase()}`}
          aria-pressed={selected.includes(s)}
          onClick={() => onToggle(s)}
        >
          <span className="status__dot" aria-hidden="true" />
          {s}
          <span className="facet__count">
            {counts ? (Object.hasOwn(counts, s) ? counts[s]! : 0).toLocaleString('en') : '…'}
          </span>
        </button>
      ))}
    </div>
  );
}
