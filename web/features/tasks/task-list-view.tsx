import { TASK_QUERY_KEYS } from '../../../shared/contract.ts';
import { lazy, memo, Suspense, useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { ErrorPanel } from '../../components/error-panel-loader.tsx';
import { useDocumentTitle } from '../../lib/title.ts';
import { useByContent, useStable } from '../../lib/use-stable.ts';
import { unorderedQuery } from '../insights/api.ts';
import { ListInsights, RowInsights, useRowInsights } from '../insights/list-insights.tsx';
import { exportHref, hasUnfinished } from './api.ts';
import { POLL_MS } from './constants.ts';
import { DebouncedInput } from './debounced-input.tsx';
import { ExportButtons } from './export-buttons.tsx';
import { NameFacets, StatusFacets } from './facets.tsx';
import { taskHref } from './links.ts';
import { EmptyState, LoadCancelled, SkeletonRows } from './list-states.tsx';
import { CONTROLS_ID, useNarrowControls } from './narrow-controls.tsx';
import { Pagination } from './pagination.tsx';
import { RangePicker } from './range-picker.tsx';
import type { InstanceRef } from './search-hints.tsx';
import { TaskTable } from './task-table.tsx';
import { useListKeys } from './use-list-keys.ts';
import { narrowerRange, type TaskSearchPatch } from './url-state.ts';
import { useTaskView, type TaskView, type UrlNotice } from './use-task-view.ts';

// What the server's fetch is doing, only for a load that takes a while: its own chunk, and its polling.
const LoadProgress = lazy(() => import('./load-progress.tsx').then((m) => ({ default: m.LoadProgress })));
const PROGRESS_AFTER_MS = 400;
// What a pasted id means beyond this window: only a search has any, so it loads with the first one.
const SearchHints = lazy(() => import('./search-hints.tsx').then((m) => ({ default: m.SearchHints })));
// Its props are stable while the window and filters are: a sort, a page or the URL's write skip it.
const MemoListInsights = memo(ListInsights);

/** True once `active` has lasted `ms`: a window the server holds answers before a progress line would show. */
const useLasting = (active: boolean, ms: number) => {
  const [lasted, setLasted] = useState(false);
  useEffect(() => {
    if (!active) return;
    const timer = setTimeout(() => setLasted(true), ms);
    return () => {
      clearTimeout(timer);
      setLasted(false);
    };
  }, [active, ms]);
  return active && lasted;
};

function LinkNotice({ notice, onDismiss }: { notice: UrlNotice; onDismiss: () => void }) {
  return (
    <div className="notice" role="status">
      {notice.reset.length > 0 && (
        <p>
          Some values in the link were not understood and were reset to their defaults:{' '}
          {notice.reset.map((k) => (
            <code key={k}>{k} </code>
          ))}
        </p>
      )}
      {notice.dropped.map((d) => (
        <p key={d.key}>
          <code>{d.key}</code>: dropped {d.values.map((v) => `“${v}”`).join(', ')}, which {d.key} cannot be; kept the
          rest.
        </p>
      ))}
      <button type="button" className="button" onClick={onDismiss}>
        Dismiss
      </button>
    </div>
  );
}

/** One body row across every column, saying why there are no tasks. */
const emptyRow = (content: ReactNode) => (columns: number) => (
  <tr>
    <td colSpan={columns} className="empty-state">
      {content}
    </td>
  </tr>
);

/** The body rows in place of tasks: loading, failed, past the last page, or nothing matching. */
const placeholderOf = (view: TaskView): ((columns: number) => ReactNode) | undefined => {
  const { list, live, total, pages, search } = view;
  if (!list.data && view.cancelled) return emptyRow('No tasks to show: loading was cancelled (see above).');
  if (!list.data && list.isPending) return (columns) => <SkeletonRows columns={columns} />;
  if (!list.data) return emptyRow('No tasks to show: the request failed (see above).');
  if (live.rows.length === 0 && total > 0 && search.page > pages)
    // An old link, or a rolling window that shrank: the page is gone, the tasks are not.
    return emptyRow(
      <>
        <p>
          <strong>Page {search.page.toLocaleString('en')} is past the last page</strong> ({pages.toLocaleString('en')})
          of these {total.toLocaleString('en')} tasks.
        </p>
        <button type="button" className="button button--primary" onClick={() => void view.update({ page: pages })}>
          Go to the last page
        </button>
      </>,
    );
  if (live.rows.length === 0)
    return (columns) => (
      <EmptyState
        columns={columns}
        filters={view.filters}
        rangeText={view.rangeText}
        onClear={view.clearFilters}
        onWiden={view.widen}
      />
    );
  return undefined;
};

export function TaskListView({
  instanceId,
  instanceName,
  instances = [],
}: {
  instanceId: string;
  instanceName?: string;
  /** Every instance, so an instance id pasted into search can be offered. */
  instances?: readonly InstanceRef[];
}) {
  const view = useTaskView(instanceId);
  const { search, list, live, total, zone, update } = view;
  const narrower = narrowerRange(view.range);
  const { apiQuery } = view;
  const data = list.data;
  // The children are memoised and given stable props, so a render that changes nothing of theirs
  // (the sort click's, the URL's write just after it) draws only what the sort changed.
  const range = useByContent(view.range);
  const shownWindow = useByContent(view.window);
  // The insights read the window and filters, not the sort or page.
  const insightsListQuery = useByContent(unorderedQuery(apiQuery));
  const onPatch = useStable((patch: TaskSearchPatch) => void update(patch));
  const onZoneChange = useStable(view.setZone);
  const onToggleStatus = useStable(view.toggleStatus);
  const onToggleName = useStable(view.toggleName);
  const onRange = useStable((from: string, to: string) => {
    // the rows' request leaves from the brush's pointerup, before the render and the insights' request
    view.prefetch({ range: null, from, to });
    void update({ range: null, from, to });
  });
  const onFlag = useStable((flag: TaskSearchPatch['flag']) => void update({ flag }));
  // Rows a click asked for draw with the rest of the answer's render; a typed search's are deferred.
  const [typed, setTyped] = useState(false);
  const onCommitQ = useStable((q: string) => {
    setTyped(true);
    view.commitQ(q);
  });
  const onCommitUser = useStable((user: string) => {
    setTyped(true);
    view.commitUser(user);
  });
  const onSort = useStable((sort: TaskSearchPatch['sort'] & string, order: 'asc' | 'desc') => {
    view.prefetch({ sort, order });
    setTyped(false);
    void update({ sort, order });
  });
  const onSortIntent = useStable((sort: TaskSearchPatch['sort'] & string, order: 'asc' | 'desc') =>
    view.prefetch({ sort, order }),
  );
  const onOpen = useStable(view.setOpen);
  const onPage = useStable((page: number, pageSize: number) => {
    setTyped(false);
    void update({ page, pageSize });
  });
  const rowHref = useCallback((taskId: string) => taskHref(instanceId, taskId, search), [instanceId, search]);
  const csvHref = useCallback(
    (format: Parameters<typeof exportHref>[2]) => exportHref(instanceId, apiQuery, format),
    [instanceId, apiQuery],
  );
  // The tab names instance, filter and range, so several tabs can be told apart.
  useDocumentTitle(
    instanceName ?? 'Tasks',
    view.filters.length ? view.filters.join(', ') : 'all tasks',
    view.range.kind === 'rolling' ? `last ${view.range.range}` : view.rangeText,
  );

  const tableRef = useRef<HTMLDivElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  useListKeys(tableRef, searchRef, view.stepPage);
  const narrow = useNarrowControls(view.filters.length);

  const slowLoad = useLasting(view.loading && !view.cancelled, PROGRESS_AFTER_MS);
  const rowInsights = useRowInsights(instanceId, insightsListQuery, zone, !view.cancelled);
  const userOptions = Object.keys(data?.facets.user ?? {}).sort((a, b) => a.localeCompare(b));

  return (
    <section id={CONTROLS_ID} className={`task-list ${narrow.className}`} aria-labelledby="task-list-title">
      <h1 id="task-list-title" className="visually-hidden">
        Tasks{instanceName ? ` of ${instanceName}` : ''}
      </h1>
      {view.notice && <LinkNotice notice={view.notice} onDismiss={view.dismissNotice} />}
      {narrow.toggle}
      <RangePicker range={range} window={shownWindow} zone={zone} onChange={onPatch} onZoneChange={onZoneChange} />
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
            onCommit={onCommitQ}
          />
        </label>
        <label className="field">
          <span>User</span>
          <DebouncedInput
            className="input"
            list="task-users"
            value={search.user}
            onCommit={onCommitUser}
            placeholder="Any user"
          />
          <datalist id="task-users">
            {userOptions.map((u) => (
              <option key={u} value={u} />
            ))}
          </datalist>
        </label>
        <ExportButtons href={csvHref} count={data?.total} />
      </div>
      <StatusFacets
        counts={data?.facets.status}
        failed={list.isError}
        selected={search.status}
        onToggle={onToggleStatus}
      />
      <NameFacets counts={data?.facets.name} failed={list.isError} selected={search.name} onToggle={onToggleName} />
      {/* after Cancel the insights, which wait for the same window, are not asked either */}
      {!view.cancelled && (
        <MemoListInsights
          instanceId={instanceId}
          listQuery={insightsListQuery}
          zone={zone}
          status={search.status}
          flag={search.flag}
          window={shownWindow}
          onRange={onRange}
          onToggleStatus={onToggleStatus}
          onFlag={onFlag}
        />
      )}
      {slowLoad && (
        <Suspense>
          <LoadProgress instanceId={instanceId} query={apiQuery} onCancel={view.cancel} />
        </Suspense>
      )}
      {view.cancelled && <LoadCancelled onRetry={view.resume} />}
      {list.error && (
        <ErrorPanel
          error={list.error}
          onRetry={view.retry}
          narrowRange={narrower && { label: narrower.label, apply: () => void update(narrower.patch) }}
          onResetFilters={() => void update(Object.fromEntries(TASK_QUERY_KEYS.map((k) => [k, null])))}
        />
      )}
      {search.q && (
        <Suspense>
          <SearchHints
            instanceId={instanceId}
            instances={instances}
            search={search}
            zone={zone}
            inRows={(id) => live.rows.some((t) => t.id === id)}
            settled={!!data && !list.isPlaceholderData}
          />
        </Suspense>
      )}
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
      <RowInsights value={rowInsights}>
        <div className="table-wrap" ref={tableRef}>
          <TaskTable
            instanceId={instanceId}
            instanceName={instanceName}
            rows={live.rows}
            sort={search.sort}
            order={search.order}
            open={search.open}
            zone={zone}
            stale={list.isPlaceholderData}
            changed={live.changed}
            onSort={onSort}
            onSortIntent={onSortIntent}
            onOpen={onOpen}
            taskHref={rowHref}
            rowBadge={rowInsights.badge}
            rowExtras={rowInsights.extras}
            placeholder={placeholderOf(view)}
            deferRows={typed}
          />
        </div>
      </RowInsights>
      {data && <Pagination page={search.page} pageSize={search.pageSize} total={total} onPage={onPage} />}
    </section>
  );
}
