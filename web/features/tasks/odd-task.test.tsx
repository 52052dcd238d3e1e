import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { aTask, aTaskList, renderWithApp, stubFetch } from '../../test/render.tsx';
import { hasUnfinished } from './api.ts';
import { TaskListView } from './task-list-view.tsx';

const INSTANCE = 'c928c0cf-6dfe-10e0-5387-441069733ec7';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/** Tasks as the API serves what DMS sent oddly (docs/UPSTREAM.md, "Odd data"). */
const odd = () => [
  aTask({ name: '', userName: '', status: 'SUCCESS', missing: ['name', 'userName'] }),
  aTask({ name: 'resizeInstance', status: 'PAUSED' }),
  aTask({ id: '..', name: 'oddId', status: 'SUCCESS' }),
  aTask({ name: 'noTime', createdAt: 'yesterday', durationMs: null }),
  aTask({ name: 'noStatus', status: '', missing: ['status'] }),
];

describe('odd tasks in the list', () => {
  it('shows missing fields in words, an unknown status as sent with its own facet, and a raw time', async () => {
    stubFetch(() =>
      aTaskList(odd(), {
        facets: { status: { SUCCESS: 3, PAUSED: 1, '': 1 }, name: {}, user: {} },
      }),
    );
    renderWithApp(<TaskListView instanceId={INSTANCE} />);
    const table = await screen.findByRole('table');
    await within(table).findByText('resizeInstance');
    expect(within(table).getByText('no name').getAttribute('title')).toBe('DMS sent no name for this task');
    expect(within(table).getByText('no user')).toBeTruthy();
    expect(within(table).getByText('no status')).toBeTruthy();
    const paused = within(table).getByText('PAUSED');
    expect(paused.className).toContain('status--unknown');
    expect(paused.getAttribute('title')).toMatch(/does not know/);
    expect(within(table).getByText('yesterday')).toBeTruthy();

    // the unknown status has its own facet, with its count, that cannot be chosen as a filter
    const facets = screen.getByRole('group', { name: 'Filter by status' });
    const facet = within(facets).getByRole('button', { name: /^PAUSED\s*1$/ });
    expect((facet as HTMLButtonElement).disabled).toBe(true);
    expect(within(facets).getByRole('button', { name: /^no status\s*1$/ })).toBeTruthy();
  });

  it('opens a task whose id is no DMS id without a link to a page it cannot have', async () => {
    stubFetch(() => aTaskList(odd()));
    renderWithApp(<TaskListView instanceId={INSTANCE} />);
    const table = await screen.findByRole('table');
    fireEvent.click(await within(table).findByRole('button', { name: /^Params of oddId \.\.$/ }));
    expect(await screen.findByText(/not a DMS task id/, undefined, { timeout: 5000 })).toBeTruthy();
    const links = screen.queryAllByRole('link', { name: 'Open task page' });
    expect(links).toHaveLength(0);
  });

  it('polls for unfinished tasks only: an unknown or missing status counts as finished', () => {
    const list = (status: string) => aTaskList([aTask({ status })]);
    expect(hasUnfinished(list('EXECUTING'))).toBe(true);
    expect(hasUnfinished(list('CREATED'))).toBe(true);
    expect(hasUnfinished(list('PAUSED'))).toBe(false);
    expect(hasUnfinished(list(''))).toBe(false);
  });
});
