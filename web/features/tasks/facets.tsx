import { memo } from 'react';
import { isKnownStatus, TASK_STATUSES, type TaskStatus } from '../../../shared/contract.ts';

interface FacetsProps<T extends string> {
  /** The group's accessible name: "Filter by status". */
  label: string;
  /** A visible caption before the buttons, when the values do not speak for themselves. */
  caption?: string;
  values: readonly T[];
  /** Counts in the window with the other filters applied; undefined while they load. */
  counts: Record<string, number> | undefined;
  /** The list request failed: there are no counts to wait for, so none are shown. */
  failed?: boolean;
  selected: readonly T[];
  onToggle: (value: T) => void;
  className?: string;
  facetClass?: (value: T) => string;
  dot?: boolean;
  /** Values shown with their count that cannot be chosen, with the reason (a title). */
  fixed?: readonly string[];
  fixedReason?: string;
}

/** Toggle buttons with counts, one per value; several can be chosen. */
export function Facets<T extends string>(props: FacetsProps<T>) {
  const { values, counts, selected } = props;
  if (values.length === 0) return null;
  return (
    <div className={`facets ${props.className ?? ''}`} role="group" aria-label={props.label}>
      {props.caption && (
        <span className="facets__label" aria-hidden="true">
          {props.caption}
        </span>
      )}
      {values.map((v) => (
        <button
          key={v}
          type="button"
          className={`facet ${props.facetClass?.(v) ?? ''}`}
          aria-pressed={selected.includes(v)}
          onClick={() => props.onToggle(v)}
        >
          {props.dot && <span className="status__dot" aria-hidden="true" />}
          {v}
          <span className="facet__count">
            {counts ? (Object.hasOwn(counts, v) ? counts[v]! : 0).toLocaleString('en') : props.failed ? '' : '…'}
          </span>
        </button>
      ))}
      {props.fixed?.map((v) => (
        <button key={`fixed-${v}`} type="button" className={`facet facet--fixed`} disabled title={props.fixedReason}>
          {props.dot && <span className="status__dot" aria-hidden="true" />}
          {v === '' ? 'no status' : v}
          <span className="facet__count">
            {counts && Object.hasOwn(counts, v) ? counts[v]!.toLocaleString('en') : ''}
          </span>
        </button>
      ))}
    </div>
  );
}

/** The known statuses, then any other DMS sent (counted, not a filter: the API filters by known ones). */
export const StatusFacets = memo(function StatusFacets(
  p: Pick<FacetsProps<TaskStatus>, 'counts' | 'failed' | 'selected' | 'onToggle'>,
) {
  return (
    <Facets
      {...p}
      label="Filter by status"
      values={TASK_STATUSES}
      facetClass={(s) => `status--${s.toLowerCase()}`}
      dot
      fixed={Object.keys(p.counts ?? {})
        .filter((s) => !isKnownStatus(s))
        .sort()}
      fixedReason="A status this console does not know, shown as DMS sent it; it cannot be filtered on"
    />
  );
});

/** Names in the window, and chosen names missing from it (so they can be unchosen). */
export const NameFacets = memo(function NameFacets(
  p: Pick<FacetsProps<string>, 'counts' | 'failed' | 'selected' | 'onToggle'>,
) {
  return (
    <Facets
      {...p}
      label="Filter by task name"
      caption="Task name"
      className="facets--names"
      facetClass={() => 'facet--name'}
      values={[...new Set([...Object.keys(p.counts ?? {}), ...p.selected])].sort((a, b) => a.localeCompare(b))}
    />
  );
});
