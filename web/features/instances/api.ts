import { queryOptions } from '@tanstack/react-query';
import type { InstanceList } from '../../../shared/instance.ts';
import { api, getJson, hasArray } from '../../lib/api.ts';

const isInstanceList = (body: unknown): body is InstanceList =>
  hasArray<InstanceList>('instances')(body) && hasArray<InstanceList>('failures')(body);

export const instanceKeys = {
  all: ['instances'] as const,
  list: () => [...instanceKeys.all, 'list'] as const,
};

export const instanceListOptions = () =>
  queryOptions({
    queryKey: instanceKeys.list(),
    queryFn: ({ signal }) => getJson((init) => api.instances.$get(undefined, { init }), isInstanceList, signal),
    staleTime: 60_000,
  });
