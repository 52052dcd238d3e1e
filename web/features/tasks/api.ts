import { keepPreviousData, queryOptions } from '@tanstack/react-query';
import type { TaskDetail, TaskList } from '../../../shared/task.ts';
import { afterFailure, api, getJson, hasArray, hasObject } from '../../lib/api.ts';
import { isUnfinished } from '../../../shared/contract.ts';
import { IDLE_POLL_MS, POLL_MS } from './constants.ts';
import type { ApiQuery } from './url-state.ts';

export const taskKeys = {
  all: ['tasks'] as const,
  lists: () => [...taskKeys.all, 'list'] as const,
  list: (instanceId: string, query: ApiQuery) => [...taskKeys.lists(), instanceId, query] as const,
  details: () => [...taskKeys.all, 'detail'] as const,
  detail: (instanceId: string, taskId: string) => [...taskKeys.details(), instanceId, taskId] as const,
};

export const hasUnfinished = (data: TaskList | undefined) => !!data?.tasks.some((t) => isUnfinished(t.status));

export const taskListOptions = (instanceId: string, query: ApiQuery) =>
  queryOptions({
    queryKey: taskKeys.list(instanceId, query),
    queryFn: (ctx) =>
      getJson(
        (init) => api.instances[':instanceId'].tasks.$get({ param: { instanceId }, query }, { init }),
        hasArray<TaskList>('tasks'),
        ctx.signal,
        afterFailure(ctx),
      ),
    placeholderData: keepPreviousData,
    // Live view: poll while something on screen can still change; a rolling range also looks for
    // new tasks now and then when nothing runs. Hidden tabs do not poll.
    refetchInterval: (q) => (hasUnfinished(q.state.data) ? POLL_MS : query.range ? IDLE_POLL_MS : false),
    refetchIntervalInBackground: false,
  });

export const taskDetailOptions = (instanceId: string, taskId: string) =>
  queryOptions({
    queryKey: taskKeys.detail(instanceId, taskId),
    queryFn: ({ signal }) =>
      getJson(
        (init) => api.instances[':instanceId'].tasks[':taskId'].$get({ param: { instanceId, taskId } }, { init }),
        hasObject<TaskDetail>('task'),
        signal,
      ),
    refetchInterval: (q) => (q.state.data && isUnfinished(q.state.data.task.status) ? POLL_MS : false),
  });

/** The export of the whole filtered set: every filter, no paging. */
export const exportHref = (instanceId: string, query: ApiQuery, format: 'csv' | 'json') => {
  const { page: _page, pageSize: _pageSize, ...filters } = query;
  return api.instances[':instanceId'].export.$path({ param: { instanceId }, query: { ...filters, format } });
};
