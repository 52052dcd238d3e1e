import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import { isUnfinished } from '../../../shared/contract.ts';
import type { FleetHistogram, FleetTaskList } from '../../../shared/fleet.ts';
import { afterFailure, api, getJson, hasArray, hasObject } from '../../lib/api.ts';
import { IDLE_POLL_MS, POLL_MS } from '../tasks/constants.ts';

/** The fleet query as the API takes it; it is also the query key. */
export type FleetApiQuery = Record<string, string>;

/** While instances are still being read, the view asks again this often to show them as they land. */
export const PROGRESS_POLL_MS = 1_500;

export const fleetKeys = {
  all: ['fleet'] as const,
  list: (query: FleetApiQuery) => [...fleetKeys.all, 'list', query] as const,
  histogram: (query: FleetApiQuery) => [...fleetKeys.all, 'histogram', query] as const,
};

const stillReading = (data: FleetTaskList | undefined) => !!data && data.coverage.pending.count > 0;

export const fleetListOptions = (query: FleetApiQuery) =>
  queryOptions({
    queryKey: fleetKeys.list(query),
    queryFn: (ctx) =>
      getJson(
        (init) => api.tasks.$get({ query }, { init }),
        hasArray<FleetTaskList>('tasks'),
        ctx.signal,
        afterFailure(ctx),
      ),
    placeholderData: keepPreviousData,
    // progressive: fast while the set is still being read, live while tasks run, slow otherwise
    refetchInterval: (q) =>
      stillReading(q.state.data)
        ? PROGRESS_POLL_MS
        : q.state.data?.tasks.some((t) => isUnfinished(t.status))
          ? POLL_MS
          : query.range
            ? IDLE_POLL_MS
            : false,
    refetchIntervalInBackground: false,
  });

/** The export of the whole filtered fleet set: every filter, no paging. */
export const fleetExportHref = (query: FleetApiQuery, format: 'csv' | 'json') => {
  const { page: _page, pageSize: _pageSize, ...filters } = query;
  return api.tasks.export.$path({ query: { ...filters, format } });
};

/** The histogram over the union read so far: the fleet query less its order and page, plus the zone. */
export const fleetHistogramOptions = (query: FleetApiQuery) =>
  queryOptions({
    queryKey: fleetKeys.histogram(query),
    queryFn: (ctx) =>
      getJson(
        (init) => api.tasks.histogram.$get({ query }, { init }),
        hasObject<FleetHistogram>('histogram'),
        ctx.signal,
        afterFailure(ctx),
      ),
    placeholderData: keepPreviousData,
    // as the list: fast while instances are still being read, then at the insights' pace
    refetchInterval: (q) => (q.state.data?.coverage.pending ? PROGRESS_POLL_MS : query.range ? 30_000 : false),
    refetchIntervalInBackground: false,
  });
