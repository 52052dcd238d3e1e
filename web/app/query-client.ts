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
 * a cold window the server starts reading it that much earlier.
 */
export const prefetchFirstView = (client: QueryClient, { pathname, search }: Pick<Location, 'pathname' | 'search'>) => {
  const route = matchRoute(pathname);
  if (route.view === 'list')
    void client.prefetchQuery(taskListOptions(route.instanceId, toApiQuery(loadTaskSearch(search))));
  // the header's instance picker and the simulator banner are on every view
  void client.prefetchQuery(instanceListOptions());
  void client.prefetchQuery(healthOptions());
};
