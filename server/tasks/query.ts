import type { Task, TaskList } from '../../shared/task.ts';
import type { SortKey, TaskQuery } from '../../shared/task-query.ts';

type Facets = TaskList['facets'];

const compareBy =
  (key: SortKey) =>
  (a: Task, b: Task): number => {
    const x = a[key];
    const y = b[key];
    if (x === y) return 0;
    if (x === null) return 1;
    if (y === null) return -1;
    return x < y ? -1 : 1;
  };

type Filter = (t: Task) => boolean;

/** Sorts, filters, counts facets and cuts one page out of a whole window of tasks. */
export const queryWindow = (tasks: readonly Task[], q: TaskQuery) => {
  const statuses = q.status?.length ? new Set<string>(q.status) : undefined;
  const names = q.name?.length ? new Set(q.name) : undefined;
  const user = q.user?.toLowerCase();
  const text = q.q?.toLowerCase();
  const filters = {
    status: statuses && ((t: Task) => statuses.has(t.status)),
    name: names && ((t: Task) => names.has(t.name)),
    user: user && ((t: Task) => t.userName.toLowerCase().includes(user)),
    q:
      text &&
      ((t: Task) =>
        t.id.includes(text) ||
        t.name.toLowerCase().includes(text) ||
        t.userName.toLowerCase().includes(text) ||
        t.params.toLowerCase().includes(text)),
  } satisfies Record<string, Filter | undefined | ''>;
  const active = (except?: keyof typeof filters): Filter[] =>
    Object.entries(filters)
      .filter(([k, f]) => k !== except && typeof f === 'function')
      .map(([, f]) => f as Filter);
  const passes = (t: Task, fs: Filter[]) => fs.every((f) => f(t));

  // Each facet counts over the window with the *other* filters applied.
  const facets: Facets = { status: {}, name: {}, user: {} };
  const facetFilters = { status: active('status'), name: active('name'), user: active('user') };
  for (const t of tasks) {
    if (passes(t, facetFilters.status)) facets.status[t.status] = (facets.status[t.status] ?? 0) + 1;
    if (passes(t, facetFilters.name)) facets.name[t.name] = (facets.name[t.name] ?? 0) + 1;
    if (passes(t, facetFilters.user)) facets.user[t.userName] = (facets.user[t.userName] ?? 0) + 1;
  }

  const all = active();
  const matching = tasks.filter((t) => passes(t, all));
  const cmp = compareBy(q.sort);
  const sign = q.order === 'asc' ? 1 : -1;
  // Ties fall back to newest first, then id, so pages never overlap.
  matching.sort((a, b) => sign * cmp(a, b) || b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id));
  const startIndex = (q.page - 1) * q.pageSize;
  return { matching, page: matching.slice(startIndex, startIndex + q.pageSize), facets };
};
