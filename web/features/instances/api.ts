import { queryOptions } from '@tanstack/react-query';
import type { InstanceList } from '../../../shared/instance.ts';
import { afterFailure, api, getJson, hasArray } from '../../lib/api.ts';

const isInstanceList = (body: unknown): body is InstanceList =>
  hasArray<InstanceList>('instances')(body) && hasArray<InstanceList>('failures')(body);

export const instanceKeys = {
  all: ['instances'] as const,
  list: () => [...instanceKeys.all, 'list'] as const,
};

export const instanceListOptions = () =>
  queryOptions({
    queryKey: instanceKeys.list(),
    queryFn: (ctx) =>
      getJson((init) => api.instances.$get(undefined, { init }), isInstanceList, ctx.signal, afterFailure(ctx)),
    staleTime: 60_000,
  });
