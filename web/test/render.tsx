import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import { NuqsTestingAdapter, type UrlUpdateEvent } from 'nuqs/adapters/testing';
import type { ReactElement } from 'react';
import { vi } from 'vitest';
import type { ApiError } from '../../shared/api-error.ts';
import { taskListSchema, taskSchema, type Task, type TaskList } from '../../shared/task.ts';
import type { TaskTableProps } from '../features/tasks/task-table.tsx';

/** Renders with a fresh QueryClient (no retries, unless one is given) and a nuqs testing adapter that remembers updates. */
export const renderWithApp = (
  ui: ReactElement,
  search = '',
  client = new QueryClient({ defaultOptions: { queries: { retry: false } } }),
) => {
  const updates: URLSearchParams[] = [];
  const histories: string[] = [];
  const result = render(
    <QueryClientProvider client={client}>
      <NuqsTestingAdapter
        searchParams={search}
        hasMemory
        onUrlUpdate={(e: UrlUpdateEvent) => {
          updates.push(e.searchParams);
          histories.push(e.options.history);
        }}
      >
        {ui}
      </NuqsTestingAdapter>
    </QueryClientProvider>,
  );
  return { ...result, client, updates, histories, lastUrl: () => updates.at(-1)?.toString() ?? '' };
};

let seq = 0;
export const aTask = (over: Partial<Task> = {}): Task =>
  taskSchema.parse({
    id: (++seq).toString(16).padStart(32, '0'),
    name: 'restartInstance',
    status: 'SUCCESS',
    userName: 'zhang.wei',
    userId: 'u1',
    createdAt: '2026-11-28T02:00:00.000Z',
    updatedAt: '2026-11-28T02:03:34.000Z',
    durationMs: 214_000,
    params: '{"force":false}',
    ...over,
  });

const TABLE_INSTANCE = 'c928c0cf-6dfe-10e0-5387-441069733ec7';

/** A task table's props over `rows`: by creation, newest first, nothing open; `over` changes any. */
export const taskTableProps = (rows: readonly Task[], over: Partial<TaskTableProps> = {}): TaskTableProps => ({
  instanceId: TABLE_INSTANCE,
  rows,
  sort: 'createdAt',
  order: 'desc',
  open: [],
  zone: 'utc',
  stale: false,
  changed: new Set(),
  onSort: () => undefined,
  onOpen: () => undefined,
  taskHref: (id) => `/instances/${TABLE_INSTANCE}/tasks/${id}`,
  ...over,
});

export const aTaskList = (tasks: Task[], over: Partial<TaskList> = {}): TaskList =>
  taskListSchema.parse({
    tasks,
    total: tasks.length,
    page: 1,
    pageSize: 50,
    facets: { status: { SUCCESS: tasks.length, FAILED: 3 }, name: { restartInstance: tasks.length }, user: {} },
    window: { from: '2026-11-27T03:00:00.000Z', to: '2026-11-28T03:00:00.000Z' },
    fetchedAt: '2026-11-28T03:00:00.000Z',
    ...over,
  });

type Answer = { status?: number; body: unknown };

/** Stubs fetch at the boundary: each call is answered by `answer(url)` (or when its promise settles); calls are recorded. */
export const stubFetch = (
  answer: (url: URL) => Answer | TaskList | ApiError | Promise<Answer | TaskList | ApiError>,
) => {
  const calls: URL[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL) => {
    const url = new URL(String(input), 'http://localhost');
    calls.push(url);
    const a = await answer(url);
    const { status, body } = 'body' in a ? a : { status: 'error' in a ? 500 : 200, body: a };
    return new Response(JSON.stringify(body), {
      status: status ?? 200,
      headers: { 'content-type': 'application/json' },
    });
  });
  vi.stubGlobal('fetch', fetchMock);
  return calls;
};
