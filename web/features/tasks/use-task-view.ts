import { useQuery, useQueryClient } from '@tanstack/react-query';
import { parseAsString, useQueryStates, type Options } from 'nuqs';
import { useCallback, useEffect, useState } from 'react';
import type { TaskStatus } from '../../../shared/contract.ts';
import { formatWindow } from '../../lib/dates.ts';
import { useRetryFailed } from '../../lib/retry.ts';
import { useZone } from '../../lib/zone.ts';
import { insightsKeys } from '../insights/api.ts';
import { taskKeys, taskListOptions } from './api.ts';
import { describeFilters } from './list-states.tsx';
import { windowOf } from './range-picker.tsx';
import { useLiveRows } from './use-live-rows.ts';
import {
  findDroppedValues,
  findUrlProblems,
  TASK_SEARCH_KEYS,
  useTaskSearch,
  patchedSearch,
  toApiQuery,
  type RawSearch,
  type TaskSearch,
  type TaskSearchPatch,
} from './url-state.ts';

// The same keys read as plain strings, to tell what the typed parsers refused.
const rawParsers = Object.fromEntries(TASK_SEARCH_KEYS.map((k) => [k, parseAsString])) as Record<
  keyof TaskSearch,
  typeof parseAsString
>;

export interface UrlNotice {
  /** Keys reset to their defaults. */
  reset: string[];
  /** List values dropped while the key's valid values were kept. */
  dropped: { key: string; values: string[] }[];
}

/** Drops what the link says that the parsers refuse (or only the bad items of a list) and says which. */
const useUrlNotice = (search: TaskSearch, update: (patch: TaskSearchPatch, options?: Options) => Promise<unknown>) => {
  const [synced] = useQueryStates(rawParsers);
  // nuqs hands a hook the typed value another hook set for the same key (an array, a number):
  // those came from our own setters and are valid; only strings are the link's own text.
  const raw: RawSearch = Object.fromEntries(
    Object.entries(synced).map(([k, v]) => [k, typeof v === 'string' ? v : null]),
  );
  const [notice, setNotice] = useState<UrlNotice | undefined>();
  const rawKey = JSON.stringify(raw);
  useEffect(() => {
    const reset = findUrlProblems(raw);
    const dropped = findDroppedValues(raw);
    if (reset.length === 0 && dropped.length === 0) return;
    const patch: Record<string, unknown> = Object.fromEntries(reset.map((k) => [k, null]));
    for (const d of dropped) patch[d.key] = search[d.key as keyof TaskSearch];
    // A repaired link keeps its page unless the page itself was the problem.
    if (!reset.includes('page')) patch.page = search.page;
    void update(patch as TaskSearchPatch, { history: 'replace' }).then(() => setNotice({ reset, dropped }));
    // rawKey stands for raw; search is read at the moment the link changed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [rawKey, update]);
  return [notice, () => setNotice(undefined)] as const;
};

/** Everything the task list shows, derived from the URL, with the actions that change it. */
export const useTaskView = (instanceId: string) => {
  const { search, update, apiQuery, range } = useTaskSearch();
  const [zone, setZone] = useZone();
  const client = useQueryClient();
  // Cancel stops this view's loading until Retry (or another view): nothing refetches it meanwhile.
  const listKey = JSON.stringify([instanceId, apiQuery]);
  const [cancelledKey, setCancelledKey] = useState<string | null>(null);
  const cancelled = cancelledKey === listKey;
  const list = useQuery({ ...taskListOptions(instanceId, apiQuery), enabled: !cancelled });
  /** The first load of a window, or a new window behind the old rows: what the progress line is for. */
  const loading = list.isFetching && (!list.data || list.isPlaceholderData);
  const live = useLiveRows(list.data, list.isPlaceholderData, JSON.stringify([instanceId, apiQuery]));
  const [notice, dismissNotice] = useUrlNotice(search, update);
  const retry = useRetryFailed();

  const data = list.data;
  const total = data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / search.pageSize));
  const window = windowOf(range, data?.window);
  const printed = formatWindow(window.from, window.to, zone);
  const rangeText = range.kind === 'rolling' ? `the last ${range.range}` : `${printed.text} ${printed.zone}`;

  const toggle = <T extends string>(selected: readonly T[], value: T) =>
    selected.includes(value) ? selected.filter((x) => x !== value) : [...selected, value];

  return {
    search,
    apiQuery,
    range,
    zone,
    list,
    live,
    total,
    pages,
    window,
    rangeText,
    filters: describeFilters(search),
    notice,
    dismissNotice,
    update,
    setZone,
    retry: () => void retry(),
    loading,
    cancelled,
    /** Stops waiting: the requests are aborted, so the server stops its fetch when no one else waits. */
    cancel: () => {
      setCancelledKey(listKey);
      void client.cancelQueries({ queryKey: taskKeys.list(instanceId, apiQuery) });
      void client.cancelQueries({ queryKey: [...insightsKeys.all, instanceId] });
    },
    resume: () => setCancelledKey(null),
    /**
     * Asks for the list `update(patch)` will show, ahead of it: from a click's handler the request
     * leaves before React's render and commit, from a hover before the click.
     */
    prefetch: (patch: TaskSearchPatch) => {
      if (cancelled) return;
      void client.prefetchQuery(taskListOptions(instanceId, toApiQuery(patchedSearch(search, patch))));
    },
    stepPage: (delta: -1 | 1) => {
      const page = search.page + delta;
      if (page >= 1 && page <= pages) void update({ page });
    },
    clearFilters: () => void update({ status: null, name: null, user: null, q: null, flag: null }),
    widen:
      range.kind === 'rolling' && range.range !== '30d'
        ? () => void update({ range: '30d', from: null, to: null })
        : undefined,
    toggleStatus: (s: TaskStatus) => void update({ status: toggle(search.status, s) }),
    toggleName: (n: string) => void update({ name: toggle(search.name, n) }),
    commitQ: useCallback((q: string) => void update({ q: q || null }, { history: 'replace' }), [update]),
    commitUser: useCallback((user: string) => void update({ user: user || null }, { history: 'replace' }), [update]),
    // Opening rows is looking, not going somewhere: it does not add a Back step.
    setOpen: (ids: string[]) => void update({ open: ids.length ? ids : null }, { history: 'replace' }),
  };
};

export type TaskView = ReturnType<typeof useTaskView>;
