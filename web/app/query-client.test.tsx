import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { cleanup, render, renderHook, screen, within } from '@testing-library/react';
import fc from 'fast-check';
import { NuqsTestingAdapter } from 'nuqs/adapters/testing';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TASK_SEARCH_KEYS, useTaskSearch } from '../features/tasks/url-state.ts';
import { taskKeys } from '../features/tasks/api.ts';
import { TaskListView } from '../features/tasks/task-list-view.tsx';
import { aTask, aTaskList, stubFetch } from '../test/render.tsx';
import { createQueryClient, prefetchFirstView } from './query-client.ts';

const INSTANCE = 'c928c0cf-6dfe-10e0-5387-441069733ec7';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const answers = (url: URL) =>
  url.pathname.endsWith('/tasks')
    ? aTaskList([aTask({ name: 'resizeInstance' })])
    : url.pathname === '/api/instances'
      ? { body: { instances: [], failures: [] } }
      : url.pathname === '/api/health'
        ? { body: { mode: 'simulator' } }
        : { body: {} };

const withApp =
  (client: QueryClient, search: string) =>
  ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={client}>
      <NuqsTestingAdapter searchParams={search}>{children}</NuqsTestingAdapter>
    </QueryClientProvider>
  );

// Valid and refused values alike: the view and the prefetch must read a bad link the same way.
const rawValue = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.constantFrom('24h', '7d', '0h', 'FAILED', 'FAILED,SUCCESS', 'FAILED,nope', 'asc', 'desc', 'durationMs', 'utc'),
  fc.constantFrom('2026-11-27T00:00:00Z', '2026-11-28T00:00:00.000Z', '2026-02-30T00:00:00Z', '2026-11-28'),
  fc.integer({ min: -5, max: 600 }).map(String),
  fc.stringMatching(/^[0-9a-f]{32}$/),
);
const searchString = fc
  .dictionary(fc.constantFrom(...TASK_SEARCH_KEYS), rawValue)
  .map((d) => new URLSearchParams(d).toString());

describe('the first view prefetch', () => {
  it('asks for the list under the key the view computes from the same URL', () => {
    stubFetch(answers);
    fc.assert(
      fc.property(searchString, (search) => {
        const client = createQueryClient();
        prefetchFirstView(client, { pathname: `/instances/${INSTANCE}`, search: `?${search}` });
        const { result, unmount } = renderHook(() => useTaskSearch().apiQuery, { wrapper: withApp(client, search) });
        const key = taskKeys.list(INSTANCE, result.current);
        unmount();
        expect(client.getQueryCache().find({ queryKey: key, exact: true }), search).toBeDefined();
      }),
      { numRuns: 100 },
    );
  });

  it('leaves the list view nothing to ask again: one list request, and the rows', async () => {
    const calls = stubFetch(answers);
    const search = 'status=FAILED&sort=durationMs&order=asc&pageSize=25&zone=utc';
    const client = createQueryClient();
    prefetchFirstView(client, { pathname: `/instances/${INSTANCE}`, search: `?${search}` });
    render(<TaskListView instanceId={INSTANCE} />, { wrapper: withApp(client, search) });
    await within(await screen.findByRole('table')).findByText('resizeInstance');
    expect(calls.filter((c) => c.pathname.endsWith('/tasks'))).toHaveLength(1);
    expect(calls.map((c) => c.pathname)).toEqual(
      expect.arrayContaining(['/api/instances', '/api/health', `/api/instances/${INSTANCE}/tasks`]),
    );
  });

  it('asks for no list away from a list view', () => {
    const calls = stubFetch(answers);
    const client = createQueryClient();
    prefetchFirstView(client, { pathname: '/connection', search: '?status=FAILED' });
    expect(calls.map((c) => c.pathname).sort()).toEqual(['/api/health', '/api/instances']);
  });
});
