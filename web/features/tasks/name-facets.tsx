/**
 * Counts per task name in the window (other filters applied); each toggles that name in the
 * name filter, so several names can be chosen. Chosen names missing from the window still show.
 */
export function NameFacets({
  counts,
  selected,
  onToggle,
}: {
  counts: Record<string, number> | undefined;
  selected: readonly string[];
  onToggle: (name: string) => void;
}) {
  const names = [...new Set([...Object.keys(counts ?? {}), ...selected])].sort((a, b) => a.localeCompare(b));
  if (names.length === 0) return null;
  return (
    <div className="facets facets--names" role="group" aria-label="Filter by task name">
      <span className="facets__label" aria-hidden="true">
        Task name
      </span>
      {names.map((n) => (
        <button
          key={n}
          type="button"
          className="facet facet--name"
          aria-pressed={selected.includes(n)}
          onClick={() => onToggle(n)}
        >
          {n}
          <span className="facet__count">
            {counts ? (Object.hasOwn(counts, n) ? counts[n]! : 0).toLocaleString('en') : '…'}
          </span>
        </button>
      ))}
    </div>
  );
}
