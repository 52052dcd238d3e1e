import {
  createColumnHelper,
  rowExpandingFeature,
  rowSortingFeature,
  tableFeatures,
  useTable,
  type ColumnDef,
  type ExpandedState,
  type Row,
  type SortingState,
  type Updater,
} from '@tanstack/react-table';
import { memo, useDeferredValue, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Task } from '../../../shared/task.ts';
import type { SortKey } from '../../../shared/contract.ts';
import { Elapsed, TimeCell } from '../../components/relative-time.tsx';
import { formatDuration, type Zone } from '../../lib/dates.ts';
import { isUnfinished, TASK_ID_PATTERN } from '../../../shared/contract.ts';
import { NotSent } from '../../components/not-sent.tsx';
import { SortableHeader } from '../../components/sortable-header.tsx';
import { StatusBadge } from './status-badge.tsx';
import { preloadTaskDetailPanel, preloadTaskDetailPanelWhenIdle, TaskDetail } from './task-detail-loader.tsx';
import { defaultOrder } from './url-state.ts';

// Sorting and expanding only: the server pages, and <Pagination> writes the page to the URL.
const features = tableFeatures({ rowSortingFeature, rowExpandingFeature });
/** The table's column helper: the fleet view adds its columns (instance, engine) with it. */
export const column = createColumnHelper<typeof features, Task>();
// as the helper's own columns(): a column's value type is its own
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TaskColumn = ColumnDef<typeof features, Task, any>;

interface Meta {
  zone: Zone;
  badge?: ((task: Task) => ReactNode) | undefined;
  extra?: readonly TaskColumn[] | undefined;
}

const columns = (meta: Meta) =>
  column.columns([
    column.accessor('name', {
      header: 'Name',
      cell: (c) => <span className="task-name">{c.getValue() || <NotSent what="name" />}</span>,
    }),
    ...(meta.extra ?? []),
    column.accessor('status', { header: 'Status', cell: (c) => <StatusBadge status={c.getValue()} /> }),
    column.accessor('userName', { header: 'User', cell: (c) => c.getValue() || <NotSent what="user" /> }),
    column.accessor('createdAt', {
      header: 'Start',
      sortDescFirst: true,
      cell: (c) => (c.getValue() ? <TimeCell value={c.getValue()} zone={meta.zone} /> : <NotSent what="start time" />),
    }),
    column.accessor('updatedAt', {
      header: 'End',
      sortDescFirst: true,
      cell: (c) =>
        isUnfinished(c.row.original.status) ? (
          <span className="muted">running</span>
        ) : (
          <TimeCell value={c.getValue()} zone={meta.zone} />
        ),
    }),
    column.accessor('durationMs', {
      header: 'Duration',
      sortDescFirst: true,
      cell: (c) =>
        isUnfinished(c.row.original.status) ? (
          <>
            <span title="Running for">
              <Elapsed since={c.row.original.createdAt} /> <span className="muted">so far</span>
            </span>
            {meta.badge?.(c.row.original)}
          </>
        ) : (
          <>
            <span className="numeric">{formatDuration(c.getValue())}</span>
            {meta.badge?.(c.row.original)}
          </>
        ),
    }),
  ]);

type TaskRowModel = Row<typeof features, Task>;
type TaskCell = ReturnType<TaskRowModel['getAllCells']>[number];

/**
 * A cell's content, its renderer called as a function rather than drawn as a component (as
 * FlexRender does): no renderer uses hooks, and a page of 50 rows draws 600 fewer components at
 * each new sort or page.
 */
const cellContent = (cell: TaskCell): ReactNode => {
  const render = cell.column.columnDef.cell;
  return typeof render === 'function' ? (render(cell.getContext()) as ReactNode) : render;
};

const preload = () => void preloadTaskDetailPanel().catch(() => undefined);

interface TaskRowProps {
  row: TaskRowModel;
  isOpen: boolean;
  isChanged: boolean;
  colCount: number;
  instanceId: string;
  zone: Zone;
  /** The task page's link, only while the row is open (the detail shows it) and the id is a DMS id. */
  href: string | undefined;
  /** The cells' renderers: a new one (zone, badges) redraws every row. */
  columnsKey: unknown;
  rowExtras?: ((task: Task) => ReactNode) | undefined;
}

/** Field by field: another answer (the next keystroke's search) brings the same task as a new object. */
const sameTask = (a: Task, b: Task) => {
  if (a === b) return true;
  const keys = Object.keys(a) as (keyof Task)[];
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
};

/**
 * One task and its open params. A row redraws only when its own task, state or the cells'
 * renderers change: a keystroke's re-render of the list (URL, placeholder, insights) skips the
 * rows whose task is the same.
 */
const TaskRow = memo(
  function TaskRow({ row, isOpen, isChanged, colCount, instanceId, zone, href, rowExtras }: TaskRowProps) {
    const detailId = `params-${row.id}`;
    return (
      <>
        <tr
          data-row-id={row.id}
          className={`task-row${isOpen ? ' is-open' : ''}${isChanged ? ' is-changed' : ''}`}
          onPointerEnter={preload}
          onClick={(e) => {
            if ((e.target as HTMLElement).closest('a, button, input, select')) return;
            row.toggleExpanded();
          }}
        >
          <td className="col-toggle">
            <button
              type="button"
              className="row-toggle"
              data-row-toggle=""
              aria-expanded={isOpen}
              aria-controls={isOpen ? detailId : undefined}
              aria-label={`Params of ${row.original.name || 'the unnamed task'} ${row.original.id}`}
              onFocus={preload}
              onClick={row.getToggleExpandedHandler()}
            >
              <span aria-hidden="true">{isOpen ? '▾' : '▸'}</span>
            </button>
            {rowExtras?.(row.original)}
          </td>
          {row.getAllCells().map((cell) => (
            <td key={cell.column.id} className={`col-${cell.column.id}`}>
              {cellContent(cell)}
            </td>
          ))}
        </tr>
        {isOpen && (
          <tr className="detail-row" id={detailId}>
            <td colSpan={colCount}>
              <TaskDetail instanceId={instanceId} task={row.original} zone={zone} href={href} />
            </td>
          </tr>
        )}
      </>
    );
  },
  (a, b) =>
    a.row.id === b.row.id &&
    sameTask(a.row.original, b.row.original) &&
    a.isOpen === b.isOpen &&
    a.isChanged === b.isChanged &&
    a.colCount === b.colCount &&
    a.instanceId === b.instanceId &&
    a.zone === b.zone &&
    a.href === b.href &&
    a.columnsKey === b.columnsKey &&
    a.rowExtras === b.rowExtras,
);

const NO_ROWS: readonly Task[] = [];
/** A row is at least this tall (px): a screen holds at most innerHeight / ROW_MIN_PX of them. */
const ROW_MIN_PX = 36;
const firstScreen = (rows: readonly Task[]) => rows.slice(0, Math.max(10, Math.ceil(window.innerHeight / ROW_MIN_PX)));

/**
 * Each row's React key: a task that stays on screen keeps its own (its DOM, its open params, its
 * focus), a task that comes takes one a leaving task freed, so a new sort or page updates the
 * rows' DOM in place instead of removing a page of rows and building another.
 */
const recycleKeys = (held: ReadonlyMap<string, number>, ids: readonly string[]) => {
  const staying = new Set(ids);
  const free = [...held].flatMap(([id, key]) => (staying.has(id) ? [] : [key]));
  let fresh = held.size && Math.max(...held.values()) + 1;
  return new Map(ids.map((id) => [id, held.get(id) ?? free.pop() ?? fresh++]));
};

const useRowKeys = (ids: readonly string[]) => {
  const [held, setHeld] = useState(() => ({ ids, keys: recycleKeys(new Map(), ids) }));
  if (held.ids.join() === ids.join()) return held.keys;
  const next = { ids, keys: recycleKeys(held.keys, ids) };
  setHeld(next);
  return next.keys;
};

const resolve = <T,>(updater: Updater<T>, old: T): T =>
  typeof updater === 'function' ? (updater as (o: T) => T)(old) : updater;

export interface TaskTableProps<S extends string = SortKey> {
  /** The instance the rows ran on; `instanceOf` names each row's own (the fleet's union). */
  instanceId: string;
  instanceOf?: ((task: Task) => string) | undefined;
  instanceName?: string;
  rows: readonly Task[];
  /** Columns after the name (the fleet's instance and engine), each id a sort key. */
  extraColumns?: readonly TaskColumn[] | undefined;
  sort: S;
  order: 'asc' | 'desc';
  /** The tasks whose params are open, in the order they were opened. */
  open: readonly string[];
  zone: Zone;
  stale: boolean;
  changed: ReadonlySet<string>;
  onSort: (sort: S, order: 'asc' | 'desc') => void;
  /** A header's sort button is about to be pressed (hover, focus), with the order it would sort in. */
  onSortIntent?: ((sort: S, order: 'asc' | 'desc') => void) | undefined;
  onOpen: (taskIds: string[]) => void;
  /** The task page's link, carrying the view it is opened from. */
  taskHref: (taskId: string, task: Task) => string;
  /** A mark after a row's duration (the insights' outlier and stuck badges). */
  rowBadge?: ((task: Task) => ReactNode) | undefined;
  /** Controls beside a row's params toggle (the insights' diff pick). */
  rowExtras?: ((task: Task) => ReactNode) | undefined;
  /** Rendered in place of the body rows (skeleton, empty state), given the table's column count. */
  placeholder?: ((columns: number) => ReactNode) | undefined;
  /**
   * New rows draw in a render of their own, after the rest of the change (default): a search's
   * keystrokes stay quick meanwhile. False draws them with it, in one render and one paint: for
   * rows a click asked for (a sort, a page), which the reader is waiting for and not typing over.
   */
  deferRows?: boolean | undefined;
}

/**
 * Memoised: the list view's renders that change none of its props (the URL's write after a click,
 * the insights' answer) do not draw the table again.
 */
export const TaskTable = memo(function TaskTable<S extends string = SortKey>(props: TaskTableProps<S>) {
  const { sort, order, open, zone, stale, changed, rowBadge, extraColumns } = props;
  // A new list (a search committed, a filter) draws at a lower priority than the search box's
  // keystrokes, and rows whose task did not change are not drawn again.
  const deferredRows = useDeferredValue(props.rows, NO_ROWS);
  // The first rows (after the skeleton, or on mount) draw at once, but only a screenful: the rest
  // of the page follows in the deferred render, whose rows the first ones are memoised beside.
  const rows =
    deferredRows.length === 0 ? firstScreen(props.rows) : props.deferRows === false ? props.rows : deferredRows;
  // The rows shown are a change behind while React draws the new ones: busy for assistive tech
  // (and tests), but not dimmed, which would flicker at every live refresh.
  const drawing = deferredRows.length > 0 && rows !== props.rows;
  const cellColumns = useMemo(
    () => columns({ zone, badge: rowBadge, extra: extraColumns }),
    [zone, rowBadge, extraColumns],
  );
  const sorting: SortingState = [{ id: sort, desc: order === 'desc' }];
  const expanded: ExpandedState = Object.fromEntries(open.map((id) => [id, true]));

  const table = useTable({
    features,
    columns: cellColumns,
    data: rows,
    // an id DMS sent that is no DMS id (or none) names no row: the row's place does
    getRowId: (t, index) => (TASK_ID_PATTERN.test(t.id) ? t.id : `row-${index}`),
    manualSorting: true,
    manualExpanding: true,
    enableSortingRemoval: false,
    enableMultiSort: false,
    getRowCanExpand: () => true,
    state: { sorting, expanded },
    onSortingChange: (u) => {
      const next = resolve(u, sorting)[0];
      if (!next) return;
      // every column's id is a sort key (SORT_KEYS, and the fleet's PLACE_SORT_KEYS)
      const key = next.id as S;
      // A new column starts in its natural order; the same column flips.
      props.onSort(key, key === sort ? (next.desc ? 'desc' : 'asc') : defaultOrder(key));
    },
    onExpandedChange: (u) => {
      const next = resolve(u, expanded);
      if (next === true) return;
      // Keep the order rows were opened in: the URL lists them so.
      const ids = Object.keys(next).filter((id) => next[id]);
      props.onOpen([...open.filter((id) => ids.includes(id)), ...ids.filter((id) => !open.includes(id))]);
    },
  });

  // The viewer stays out of the first view's bundle, but is fetched before anyone expands a row.
  const hasRows = rows.length > 0 && !props.placeholder;
  useEffect(() => (hasRows ? preloadTaskDetailPanelWhenIdle() : undefined), [hasRows]);
  const rowModel = table.getRowModel().rows;
  const rowKeys = useRowKeys(rowModel.map((row) => row.id));
  // The toggle column is drawn beside the table's own columns.
  const colCount = table.getAllLeafColumns().length + 1;
  const sortedColumn = table.getColumn(sort)?.columnDef.header;

  return (
    <table
      className={`task-table${stale ? ' is-stale' : ''}`}
      aria-busy={stale || drawing}
      aria-describedby="task-table-caption"
    >
      <caption id="task-table-caption" className="visually-hidden">
        Tasks{props.instanceName ? ` of ${props.instanceName}` : ''}, sorted by {String(sortedColumn ?? sort)},{' '}
        {order === 'asc' ? 'ascending' : 'descending'}. Use j and k to move between rows, Enter to open one.
      </caption>
      <thead>
        {table.getHeaderGroups().map((group) => (
          <tr key={group.id}>
            <th scope="col" className="col-toggle">
              <span className="visually-hidden">Params</span>
            </th>
            {group.headers.map((header) => (
              <SortableHeader
                key={header.id}
                direction={header.column.getIsSorted()}
                className={`col-${header.column.id}`}
                onToggle={header.column.getToggleSortingHandler()}
                onIntent={() => {
                  // every column's id is a sort key
                  const key = header.column.id as S;
                  props.onSortIntent?.(key, key === sort ? (order === 'asc' ? 'desc' : 'asc') : defaultOrder(key));
                }}
              >
                <table.FlexRender header={header} />
              </SortableHeader>
            ))}
          </tr>
        ))}
      </thead>
      <tbody>
        {props.placeholder?.(colCount) ??
          rowModel.map((row) => (
            <TaskRow
              key={rowKeys.get(row.id)}
              row={row}
              isOpen={row.getIsExpanded()}
              isChanged={changed.has(row.id)}
              colCount={colCount}
              instanceId={props.instanceOf?.(row.original) ?? props.instanceId}
              zone={zone}
              href={
                open.includes(row.id) && TASK_ID_PATTERN.test(row.original.id)
                  ? props.taskHref(row.id, row.original)
                  : undefined
              }
              columnsKey={cellColumns}
              rowExtras={props.rowExtras}
            />
          ))}
      </tbody>
    </table>
  );
}) as <S extends string = SortKey>(props: TaskTableProps<S>) => ReactNode;
