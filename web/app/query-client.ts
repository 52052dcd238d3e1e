import { QueryClient } from '@tanstack/react-query';
import { instanceListOptions } from '../features/instances/api.ts';
import { taskListOptions } from '../features/tasks/api.ts';
import { loadTaskSearch, toApiQuery } from '../features/tasks/url-state.ts';
import { matchRoute } from '../lib/router.ts';
import { healthOptions } from './health.ts';

export const createQueryClient = () =>
  new QueryClient({
    defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false, staleTime: 2_000 } },
  });

export const queryClient = createQueryClient();

/**
 * Sends the first view's requests from the URL, instead of from React's effects after the first
 * render and commit: the components find them in flight, or answered, under the same keys. With
 * a cold window the server starts reading it that much earlier. Returns the list's prefetch, if
 * the URL is a list view.
 */
export const prefetchFirstView = (
  client: QueryClient,
  { pathname, search }: Pick<Location, 'pathname' | 'search'>,
): Promise<void> | undefined => {
  const route = matchRoute(pathname);
  const list =
    route.view === 'list'
      ? client.prefetchQuery(taskListOptions(route.instanceId, toApiQuery(loadTaskSearch(search))))
      : undefined;
  // the header's instance picker and the simulator banner are on every view
  void client.prefetchQuery(instanceListOptions());
  void client.prefetchQuery(healthOptions());
  /** Settles (never rejects) once the list view's answer, or its failure, is in the cache. */
  return list;
};
