import { useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { TaskStatus } from '../../../shared/contract.ts';
import { ErrorPanel } from '../../components/error-panel.tsx';
import { formatShort, zoneLabel } from '../../lib/dates.ts';
import { useZone } from '../../lib/zone.ts';
import { exportHref, hasUnfinished, taskListOptions } from './api.ts';
import { POLL_MS } from './constants.ts';
import { DebouncedInput } from './debounced-input.tsx';
import { describeFilters, EmptyState, SkeletonRows } from './list-states.tsx';
import { NameFacets } from './name-facets.tsx';
import { CONTROLS_ID, useNarrowControls } from './narrow-controls.tsx';
import { Pagination } from './pagination.tsx';
import { RangePicker, windowOf } from './range-picker.tsx';
import { StatusFacets } from './status-facets.tsx';
import { TaskTable } from './task-table.tsx';
import { useListKeys } from './use-list-keys.ts';
import { useLiveRows } from './use-live-rows.ts';
import { findUrlProblems, useTaskSearch } from './url-state.ts';

const COLUMNS = 7;

/** Drops URL values the parsers refuse and says which, rather than showing a blank page. */
const useUrlNotice = (drop: (keys: string[]) => Promise<unknown>) => {
  const [notice, setNotice] = useState<string[]>([]);
  const search = location.search;
  useEffect(() => {
    const bad = findUrlProblems(search);
    if (bad.length > 0) void drop(bad).then(() => setNotice(bad));
  }, [search, drop]);
  return [notice, () => setNotice([])] as const;
};

export function TaskListView({ instanceId, instanceName }: { instanceId: string; instanceName?: string }) {
  const { search, update, apiQuery, range } = useTaskSearch();
  const [zone, setZone] = useZone();
  const list = useQuery(taskListOptions(instanceId, apiQuery));
  const viewKey = JSON.stringify([instanceId, apiQuery]);
  const live = useLiveRows(list.data, list.isPlaceholderData, viewKey);
  const dropKeys = useCallback(
    (keys: string[]) => update(Object.fromEntries(keys.map((k) => [k, null])), { history: 'replace' }),
    [update],
  );
  const [notice, dismissNotice] = useUrlNotice(dropKeys);

  const tableRef = useRef<HTMLDivElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const data = list.data;
  const total = data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / search.pageSize));
  useListKeys(tableRef, searchRef, (delta) => {
    const page = search.page + delta;
    if (page >= 1 && page <= pages) void update({ page });
  });

  const window = windowOf(range, data?.window);
  const rangeText =
    range.kind === 'rolling'
      ? `the last ${range.range}`
      : `${formatShort(window.from, zone)} – ${formatShort(window.to, zone)} ${zoneLabel(zone, window.to)}`;
  const filters = describeFilters(search);
  const narrow = useNarrowControls(filters.length);
  const clearFilters = () => void update({ status: null, name: null, user: null, q: null });
  const toggleStatus = (s: TaskStatus) =>
    void update({ status: search.status.includes(s) ? search.status.filter((x) => x !== s) : [...search.status, s] });
  const toggleName = (n: string) =>
    void update({ name: search.name.includes(n) ? search.name.filter((x) => x !== n) : [...search.name, n] });
  const commitQ = useCallback((q: string) => void update({ q: q || null }, { history: 'replace' }), [update]);
  const commitUser = useCallback(
    (user: string) => void update({ user: user || null }, { history: 'replace' }),
    [update],
  );

  const userOptions = Object.keys(data?.facets.user ?? {}).sort((a, b) => a.localeCompare(b));

  let placeholder: ReactNode;
  if (!data && list.isPending) placeholder = <SkeletonRows columns={COLUMNS} />;
  else if (!data)
    placeholder = (
      <tr>
        <td colSpan={COLUMNS} className="empty-state">
          No tasks to show: the request failed (see above).
        </td>
      </tr>
    );
  else if (live.rows.length === 0 && total > 0 && search.page > pages)
    // An old link, or a rolling window that shrank: the page is gone, the tasks are not.
    placeholder = (
      <tr>
        <td colSpan={COLUMNS} className="empty-state">
          <p>
            <strong>Page {search.page.toLocaleString('en')} is past the last page</strong> ({pages.toLocaleString('en')}
            ) of these {total.toLocaleString('en')} tasks.
          </p>
          <button type="button" className="button button--primary" onClick={() => void update({ page: pages })}>
            Go to the last page
          </button>
        </td>
      </tr>
    );
  else if (live.rows.length === 0)
    placeholder = (
      <EmptyState
        columns={COLUMNS}
        filters={filters}
        rangeText={rangeText}
        onClear={clearFilters}
        onWiden={
          range.kind === 'rolling' && range.range !== '30d'
            ? () => void update({ range: '30d', from: null, to: null })
            : undefined
        }
      />
    );

  return (
    <section id={CONTROLS_ID} className={`task-list ${narrow.className}`} aria-labelledby="task-list-title">
      <h1 id="task-list-title" className="visually-hidden">
        Tasks{instanceName ? ` of ${instanceName}` : ''}
      </h1>
      {notice.length > 0 && (
        <div className="notice" role="status">
          <p>
            Some values in the link were not understood and were reset to their defaults:{' '}
            {notice.map((k) => (
              <code key={k}>{k} </code>
            ))}
          </p>
          <button type="button" className="button" onClick={dismissNotice}>
            Dismiss
          </button>
        </div>
      )}
      {narrow.toggle}
      <RangePicker
        range={range}
        window={window}
        zone={zone}
        onChange={(p) => void update(p)}
        onZoneChange={(z) => void setZone(z)}
      />
      <div className="filters">
        <label className="field field--search">
          <span>Search</span>
          <DebouncedInput
            ref={searchRef}
            id="task-search"
            type="search"
            className="input"
            placeholder="Task id, name, user or params  ( / )"
            aria-keyshortcuts="/"
            value={search.q}
            onCommit={commitQ}
          />
        </label>
        <label className="field">
          <span>User</span>
          <DebouncedInput
            className="input"
            list="task-users"
            value={search.user}
            onCommit={commitUser}
            placeholder="Any user"
          />
          <datalist id="task-users">
            {userOptions.map((u) => (
              <option key={u} value={u} />
            ))}
          </datalist>
        </label>
        <div className="export" role="group" aria-label="Export the filtered tasks">
          <a className="button" href={exportHref(instanceId, apiQuery, 'csv')} download>
            Export CSV
          </a>
          <a className="button" href={exportHref(instanceId, apiQuery, 'json')} download>
            Export JSON
          </a>
        </div>
      </div>
      <StatusFacets counts={data?.facets.status} selected={search.status} onToggle={toggleStatus} />
      <NameFacets counts={data?.facets.name} selected={search.name} onToggle={toggleName} />
      {list.error && <ErrorPanel error={list.error} onRetry={() => void list.refetch()} />}
      <div className="live-bar">
        <span aria-live="polite">
          {live.newCount > 0 && (
            <button
              type="button"
              className="button button--primary new-tasks"
              onClick={() => {
                live.showNew();
                tableRef.current?.scrollIntoView({ block: 'nearest' });
              }}
            >
              {live.newCount} new
            </button>
          )}
        </span>
        {hasUnfinished(data) && (
          <span className="muted">Live: refreshing every {POLL_MS / 1000} s while tasks run</span>
        )}
        {list.isFetching && data && <span className="muted">Refreshing…</span>}
      </div>
      <div className="table-wrap" ref={tableRef}>
        <TaskTable
          instanceId={instanceId}
          instanceName={instanceName}
          rows={live.rows}
          total={total}
          sort={search.sort}
          order={search.order}
          page={search.page}
          pageSize={search.pageSize}
          open={search.open}
          zone={zone}
          stale={list.isPlaceholderData}
          changed={live.changed}
          onSort={(sort, order) => void update({ sort, order })}
          onPage={(page, pageSize) => void update({ page, pageSize })}
          onOpen={(open) => void update({ open })}
          placeholder={placeholder}
        />
      </div>
      {data && (
        <Pagination
          page={search.page}
          pageSize={search.pageSize}
          total={total}
          onPage={(page, pageSize) => void update({ page, pageSize })}
        />
      )}
    </section>
  );
}
