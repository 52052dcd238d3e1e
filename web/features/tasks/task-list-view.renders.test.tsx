import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { NuqsAdapter } from 'nuqs/adapters/react';
import { afterEach, expect, it, vi } from 'vitest';
import type { TaskList } from '../../../shared/task.ts';

// before react-dom loads: React reports each commit to the hook this installs
const renders = await vi.hoisted(async () => (await import('../../test/render-counter.ts')).installRenderCounter());

const { aTask, aTaskList, stubFetch } = await import('../../test/render.tsx');
const { TaskListView } = await import('./task-list-view.tsx');

const INSTANCE = 'c928c0cf-6dfe-10e0-5387-441069733ec7';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/**
 * The sort benchmark's budget (bench/bench-browser.ts) is spent in the page: what a click draws
 * and how often. A sort click redraws the table's header and nothing else of the view, the URL's
 * write after it redraws nothing below the view, and the answer redraws each new row once, its
 * cells with it (no component per cell).
 */
it('draws, for a sort click, the header at once and each new row once when its answer comes', async () => {
  const byStart = Array.from({ length: 20 }, (_, i) => aTask({ name: `start${i}` }));
  const byDuration = Array.from({ length: 20 }, (_, i) => aTask({ name: `long${i}`, durationMs: 1e6 - i }));
  let answer!: (list: TaskList) => void;
  const sorted = new Promise<TaskList>((resolve) => (answer = resolve));
  stubFetch((url) =>
    url.pathname.endsWith('/tasks') && url.searchParams.get('sort') === 'durationMs'
      ? sorted
      : aTaskList(byStart, { total: 200 }),
  );
  // nuqs' own adapter for React, as the app's: the URL's write re-renders only the hooks whose keys changed
  window.history.replaceState(null, '', `/instances/${INSTANCE}`);
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <NuqsAdapter>
        <TaskListView instanceId={INSTANCE} />
      </NuqsAdapter>
    </QueryClientProvider>,
  );
  const table = await screen.findByRole('table');
  await within(table).findByText('start19');
  await waitFor(() => expect(table.getAttribute('aria-busy')).toBe('false'));
  renders.reset();

  fireEvent.click(within(table).getByRole('button', { name: /Duration/ }));
  await waitFor(() => expect(window.location.search).toBe('?sort=durationMs'));
  expect(table.getAttribute('aria-busy')).toBe('true');
  expect(renders.of('TaskTable')).toBeGreaterThan(0);
  // (the export buttons follow the sort: they export in its order)
  for (const part of ['TaskRow', 'RangePicker', 'StatusFacets', 'NameFacets', 'Pagination', 'ListInsights'])
    expect([part, renders.of(part)]).toEqual([part, 0]);

  answer(aTaskList(byDuration, { total: 200 }));
  await within(table).findByText('long19');
  await waitFor(() => expect(table.getAttribute('aria-busy')).toBe('false'));
  expect(within(table).queryByText('start0')).toBeNull();
  expect(renders.of('TaskRow')).toBe(byDuration.length);
  expect(renders.of('cell')).toBe(0);
  for (const part of ['RangePicker', 'ListInsights', 'Pagination']) expect([part, renders.of(part)]).toEqual([part, 0]);
});
