import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { aTask, taskTableProps } from '../../test/render.tsx';

// Each test gets fresh modules: whether the panel's chunk is loaded is module state.
type Loader = typeof import('./task-detail-loader.tsx');
type Table = typeof import('./task-table.tsx');
let loader: Loader;
let table: Table;

beforeEach(async () => {
  vi.resetModules();
  loader = await import('./task-detail-loader.tsx');
  table = await import('./task-table.tsx');
});
afterEach(cleanup);

const INSTANCE = 'c928c0cf-6dfe-10e0-5387-441069733ec7';
const FALLBACK = 'Loading params viewer…';

describe('TaskDetail', () => {
  it('shows the fallback, then the panel, when the chunk is not loaded yet', async () => {
    const task = aTask({ params: '{"force":true}' });
    render(<loader.TaskDetail instanceId={INSTANCE} task={task} zone="utc" href="/x" />);
    expect(screen.getByText(FALLBACK)).toBeTruthy();
    expect(await screen.findByRole('region', { name: 'Params' }, { timeout: 8000 })).toBeTruthy();
  });

  it('renders a loaded panel in the same commit, with no fallback', async () => {
    await loader.preloadTaskDetailPanel();
    const task = aTask({ params: '{"force":true}' });
    render(<loader.TaskDetail instanceId={INSTANCE} task={task} zone="utc" href="/x" />);
    expect(screen.queryByText(FALLBACK)).toBeNull();
    expect(screen.getByRole('region', { name: 'Params' })).toBeTruthy();
  });

  it('shares one load between callers', () => {
    expect(loader.preloadTaskDetailPanel()).toBe(loader.preloadTaskDetailPanel());
  });
});

describe('TaskTable preloading', () => {
  it('loads the panel once rows are shown, so the first expand renders without a fallback', async () => {
    const task = aTask();
    const view = render(<table.TaskTable {...taskTableProps([task])} />);
    expect(loader.isTaskDetailPanelLoaded()).toBe(false);
    await vi.waitFor(() => expect(loader.isTaskDetailPanelLoaded()).toBe(true), { timeout: 3_000 });
    view.rerender(<table.TaskTable {...taskTableProps([task], { open: [task.id] })} />);
    expect(screen.queryByText(FALLBACK)).toBeNull();
    expect(screen.getByRole('region', { name: 'Params' })).toBeTruthy();
  });

  it('does not load it while the table shows only a placeholder', async () => {
    // the browser's idle queue, held by the test: every idle callback runs when the test says
    const idle = new Map<number, () => void>();
    let next = 0;
    vi.stubGlobal('requestIdleCallback', (run: () => void) => (idle.set(++next, run), next));
    vi.stubGlobal('cancelIdleCallback', (id: number) => idle.delete(id));
    const runIdle = () => {
      const due = [...idle.values()];
      idle.clear();
      for (const run of due) run();
    };
    try {
      const task = aTask();
      const placeholder = () => (
        <tr>
          <td>…</td>
        </tr>
      );
      const view = render(<table.TaskTable {...taskTableProps([task])} placeholder={placeholder} />);
      expect(idle.size).toBe(0);
      runIdle();
      expect(loader.isTaskDetailPanelLoaded()).toBe(false);
      // the same table once it shows rows asks for idle time, and loads in it
      view.rerender(<table.TaskTable {...taskTableProps([task])} />);
      expect(idle.size).toBe(1);
      runIdle();
      await vi.waitFor(() => expect(loader.isTaskDetailPanelLoaded()).toBe(true), { timeout: 3_000 });
    } finally {
      cleanup();
      vi.unstubAllGlobals();
    }
  });

  it('loads it when the pointer enters a row, before any idle time', async () => {
    vi.useFakeTimers();
    try {
      const task = aTask();
      render(<table.TaskTable {...taskTableProps([task])} />);
      const row = screen.getByRole('button', { name: `Params of restartInstance ${task.id}` }).closest('tr')!;
      fireEvent.pointerEnter(row);
      await vi.waitFor(() => expect(loader.isTaskDetailPanelLoaded()).toBe(true));
    } finally {
      vi.useRealTimers();
    }
  });
});
