import './list-states.css';
import type { TaskSearch } from './url-state.ts';

const WIDTHS = ['w1', 'w2', 'w3', 'w2', 'w1', 'w3', 'w2', 'w1'];

/** Placeholder rows with the table's own layout, so nothing jumps when data arrives. */
export function SkeletonRows({ columns }: { columns: number }) {
  return (
    <>
      {WIDTHS.map((w, i) => (
        <tr key={i} className="skeleton-row" aria-hidden="true">
          {Array.from({ length: columns }, (_, c) => (
            <td key={c}>
              <span className={`skeleton skeleton--${c === 0 ? 'dot' : w}`} />
            </td>
          ))}
        </tr>
      ))}
    </>
  );
}

/** The filters in force, in words: `status FAILED`, `search "abc"`. */
export const describeFilters = (s: Pick<TaskSearch, 'status' | 'name' | 'user' | 'q' | 'flag'>): string[] => {
  const parts: string[] = [];
  if (s.status.length) parts.push(`status ${s.status.join(' or ')}`);
  if (s.name.length) parts.push(`task name ${s.name.join(' or ')}`);
  if (s.user) parts.push(`user containing “${s.user}”`);
  if (s.q) parts.push(`search “${s.q}”`);
  if (s.flag) parts.push(s.flag === 'outlier' ? 'only outliers' : 'only stuck tasks');
  return parts;
};

export function EmptyState({
  columns,
  filters,
  rangeText,
  onClear,
  onWiden,
}: {
  columns: number;
  filters: string[];
  rangeText: string;
  onClear: () => void;
  onWiden?: () => void;
}) {
  return (
    <tr>
      <td colSpan={columns} className="empty-state">
        {filters.length ? (
          <>
            <p>
              <strong>No tasks match</strong> {filters.join(', ')} in {rangeText}.
            </p>
            <button type="button" className="button button--primary" onClick={onClear}>
              Clear filters
            </button>
          </>
        ) : (
          <>
            <p>
              <strong>No tasks</strong> in {rangeText}.
            </p>
            {onWiden && (
              <button type="button" className="button" onClick={onWiden}>
                Show the last 30 days
              </button>
            )}
          </>
        )}
      </td>
    </tr>
  );
}

/** After Cancel: nothing is loading, and nothing is asked of DMS until Retry. */
export function LoadCancelled({ onRetry }: { onRetry: () => void }) {
  return (
    <div className="notice load-cancelled" role="status">
      <p>
        <strong>Loading cancelled.</strong> The console stopped asking DMS for this view.
      </p>
      <button type="button" className="button button--primary" onClick={onRetry}>
        Retry
      </button>
    </div>
  );
}
