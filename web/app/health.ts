import { queryOptions } from '@tanstack/react-query';
import type { Health } from '../../shared/api-error.ts';
import { api, getJson } from '../lib/api.ts';

const isHealth = (b: unknown): b is Health =>
  typeof b === 'object' && b !== null && ((b as Health).mode === 'simulator' || (b as Health).mode === 'live');

export const healthOptions = () =>
  queryOptions({
    queryKey: ['health'],
    queryFn: ({ signal }) => getJson((init) => api.health.$get(undefined, { init }), isHealth, signal),
    staleTime: Infinity,
  });
