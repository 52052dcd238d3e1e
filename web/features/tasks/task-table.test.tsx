import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { aTask, taskTableProps } from '../../test/render.tsx';
import { TaskTable } from './task-table.tsx';

const bodyRows = (root: ParentNode) => root.querySelectorAll('tbody tr[data-row-id]').length;

afterEach(cleanup);

describe('TaskTable first rows', () => {
  // Outside act(), as in the browser: the urgent render commits first, the deferred one after.
  const withoutAct = async (run: () => Promise<void>) => {
    const env = globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean };
    const before = env.IS_REACT_ACT_ENVIRONMENT;
    env.IS_REACT_ACT_ENVIRONMENT = false;
    try {
      await run();
    } finally {
      env.IS_REACT_ACT_ENVIRONMENT = before;
    }
  };

  it('commits a screenful of rows first, then the whole page', () =>
    withoutAct(async () => {
      const tasks = Array.from({ length: 40 }, () => aTask());
      const container = document.body.appendChild(document.createElement('div'));
      const root = createRoot(container);
      try {
        flushSync(() => root.render(<TaskTable {...taskTableProps(tasks)} />));
        const first = bodyRows(container);
        // a screen of innerHeight px holds no more rows than this
        expect(first).toBeGreaterThanOrEqual(10);
        expect(first).toBeLessThan(tasks.length);
        expect(container.querySelector('tbody tr')?.getAttribute('data-row-id')).toBe(tasks[0]!.id);
        // the rest in the deferred render (slow in happy-dom: a row costs milliseconds there)
        await waitFor(() => expect(bodyRows(container)).toBe(tasks.length), { timeout: 15_000 });
        // in the order given
        const ids = Array.from(container.querySelectorAll('tbody tr[data-row-id]'), (r) =>
          r.getAttribute('data-row-id'),
        );
        expect(ids).toEqual(tasks.map((t) => t.id));
      } finally {
        root.unmount();
        container.remove();
      }
    }));

  it('is busy while it still shows the last rows and the new ones are drawn', () =>
    withoutAct(async () => {
      const before = Array.from({ length: 5 }, () => aTask());
      const after = Array.from({ length: 5 }, () => aTask());
      const container = document.body.appendChild(document.createElement('div'));
      const root = createRoot(container);
      const firstId = () => container.querySelector('tbody tr[data-row-id]')?.getAttribute('data-row-id');
      const busy = () => container.querySelector('table')?.getAttribute('aria-busy');
      try {
        flushSync(() => root.render(<TaskTable {...taskTableProps(before)} />));
        await waitFor(() => expect(busy()).toBe('false'));
        flushSync(() => root.render(<TaskTable {...taskTableProps(after)} />));
        expect([firstId(), busy()]).toEqual([before[0]!.id, 'true']);
        await waitFor(() => expect([firstId(), busy()]).toEqual([after[0]!.id, 'false']));
      } finally {
        root.unmount();
        container.remove();
      }
    }));

  it('shows every row of a page that fits on a screen at once', () => {
    const tasks = Array.from({ length: 5 }, () => aTask());
    render(<TaskTable {...taskTableProps(tasks)} />);
    expect(screen.getAllByRole('button', { name: /^Params of / })).toHaveLength(5);
  });
});

const rowElements = (container: HTMLElement) =>
  new Map([...container.querySelectorAll<HTMLElement>('tr[data-row-id]')].map((tr) => [tr.dataset.rowId!, tr]));

describe('TaskTable rows', () => {
  it('keeps the row of a task that stays and builds no new rows for the tasks that come (a sort, a page)', () => {
    const pool = Array.from({ length: 12 }, (_, i) => aTask({ name: `task-${i}` }));
    fc.assert(
      fc.property(
        fc.shuffledSubarray(pool, { minLength: 1 }),
        fc.shuffledSubarray(pool, { minLength: 1 }),
        (before, after) => {
          const { container, rerender, unmount } = render(<TaskTable {...taskTableProps(before)} />);
          const old = rowElements(container);
          rerender(<TaskTable {...taskTableProps(after)} />);
          const now = rowElements(container);
          // the new rows, in order, each showing its own task
          expect([...now.keys()]).toEqual(after.map((t) => t.id));
          for (const t of after) expect(now.get(t.id)!.querySelector('.task-name')!.textContent).toBe(t.name);
          // a task on both pages keeps its element; the others reuse the elements of tasks that left
          for (const t of after) if (old.has(t.id)) expect(now.get(t.id)).toBe(old.get(t.id));
          const reused = [...now.values()].filter((tr) => [...old.values()].includes(tr)).length;
          expect(reused).toBe(Math.min(before.length, after.length));
          unmount();
        },
      ),
      { numRuns: 15 },
    );
  }, 60_000);
});
