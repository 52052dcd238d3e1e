import type { Task, TaskList } from '../../shared/task.ts';
import type { FleetSortKey } from '../../shared/contract.ts';
import type { TaskQuery } from '../../shared/task-query.ts';
import type { WindowEntry, WindowStore } from './window.ts';

type Facets = TaskList['facets'];
/** The list's query; over a fleet's union, its sort may name where a task ran. */
type WindowQuery = Omit<TaskQuery, 'sort'> & { sort: FleetSortKey };
type Filter = (i: number) => boolean;

/** What a query over one window computes before its page is cut: kept per window and reused. */
interface QueryResult {
  matching: readonly Task[];
  facets: Facets;
}

/** Per window (its tasks array): lower-cased search text. */
interface WindowIndex {
  userLower: string[];
  searchText: string[];
}

/**
 * Keeps a value derived from one window beside it (the window store's `derive`, with its byte
 * estimate); without one, everything is computed for the call.
 */
export type Memo = <T>(key: string, make: () => T, bytes: (value: T) => number) => T;
export const noMemo: Memo = (_key, make) => make();
/** What is derived from one window, kept in the window store's one byte-bounded cache; `scope` keeps sets apart. */
export const windowMemo =
  (windows: Pick<WindowStore, 'derive'>, entry: WindowEntry, scope = ''): Memo =>
  (key, make, bytes) =>
    windows.derive(entry, `${scope}|${key}`, make, bytes);

const indexOf = (tasks: readonly Task[], memo: Memo): WindowIndex =>
  memo(
    'index',
    () => ({
      userLower: tasks.map((t) => t.userName.toLowerCase()),
      searchText: tasks.map((t) => `${t.id}\u0000${t.name}\u0000${t.userName}\u0000${t.params}`.toLowerCase()),
    }),
    (index) => index.searchText.reduce((n, t) => n + t.length + 40, 0) + 60 * index.userLower.length,
  );

/** A result holds pointers to the window's tasks and its facet counts. */
export const resultBytes = (r: QueryResult) =>
  8 * r.matching.length +
  Object.values(r.facets).reduce((n, f) => n + Object.keys(f).reduce((m, k) => m + 2 * k.length + 50, 0), 200);

/** Compares by one key in the given order; nulls (a running task's duration) last in either order. */
const compareBy =
  (key: FleetSortKey, sign: 1 | -1) =>
  (a: Task, b: Task): number => {
    // a fleet task also has where it ran: the fleet view sorts by that too
    const x = (a as Partial<Record<FleetSortKey, unknown>>)[key] as string | number | null;
    const y = (b as Partial<Record<FleetSortKey, unknown>>)[key] as string | number | null;
    if (x === y) return 0;
    if (x === null) return 1;
    if (y === null) return -1;
    return x < y ? -sign : sign;
  };

const compute = (tasks: readonly Task[], index: WindowIndex, q: WindowQuery): QueryResult => {
  const statuses = q.status?.length ? new Set<string>(q.status) : undefined;
  const names = q.name?.length ? new Set(q.name) : undefined;
  const user = q.user?.toLowerCase();
  const text = q.q?.toLowerCase();
  const filters: Record<'status' | 'name' | 'user' | 'q', Filter | undefined> = {
    status: statuses && ((i) => statuses.has(tasks[i]!.status)),
    name: names && ((i) => names.has(tasks[i]!.name)),
    user: user ? (i) => index.userLower[i]!.includes(user) : undefined,
    q: text ? (i) => index.searchText[i]!.includes(text) : undefined,
  };
  const active = (except?: keyof typeof filters): Filter[] =>
    Object.entries(filters).flatMap(([k, f]) => (k !== except && f ? [f] : []));
  const passes = (i: number, fs: Filter[]) => fs.every((f) => f(i));

  // Each facet counts over the window with the *other* filters applied. Keys are names from
  // upstream (a user may be called `__proto__` or `constructor`): objects with no prototype.
  const counts = (): Record<string, number> => Object.create(null) as Record<string, number>;
  const facets: Facets = { status: counts(), name: counts(), user: counts() };
  const facetFilters = { status: active('status'), name: active('name'), user: active('user') };
  const all = active();
  const matching: Task[] = [];
  for (let i = 0; i < tasks.length; i++) {
    const t = tasks[i]!;
    if (passes(i, facetFilters.status)) facets.status[t.status] = (facets.status[t.status] ?? 0) + 1;
    if (passes(i, facetFilters.name)) facets.name[t.name] = (facets.name[t.name] ?? 0) + 1;
    if (passes(i, facetFilters.user)) facets.user[t.userName] = (facets.user[t.userName] ?? 0) + 1;
    if (passes(i, all)) matching.push(t);
  }
  const cmp = compareBy(q.sort, q.order === 'asc' ? 1 : -1);
  // Ties fall back to newest first, then id, so pages never overlap.
  matching.sort((a, b) => cmp(a, b) || b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id));
  return { matching, facets };
};

/**
 * Sorts, filters, counts facets and cuts one page out of a whole window of tasks. A window's
 * tasks array never changes once fetched (a refresh makes a new one), so with a `memo` the
 * sorted matches and facets of a filter/sort combination are kept with it: a page change is a slice.
 */
export const queryWindow = (tasks: readonly Task[], q: WindowQuery, memo: Memo = noMemo) => {
  const key = JSON.stringify([q.status, q.name, q.user, q.q, q.sort, q.order]);
  const result = memo(`result|${key}`, () => compute(tasks, indexOf(tasks, memo), q), resultBytes);
  const startIndex = (q.page - 1) * q.pageSize;
  return {
    matching: result.matching,
    page: result.matching.slice(startIndex, startIndex + q.pageSize),
    facets: result.facets,
  };
};
