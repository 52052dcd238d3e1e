import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { aTask, aTaskList, renderWithApp, stubFetch } from '../../test/render.tsx';
import { createQueryClient } from '../../app/query-client.ts';
import { TaskListView } from './task-list-view.tsx';

const INSTANCE = 'c928c0cf-6dfe-10e0-5387-441069733ec7';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('TaskListView', () => {
  it('asks the API for what the URL says and shows the rows with a total', async () => {
    const calls = stubFetch(() =>
      aTaskList([aTask({ name: 'resizeInstance', status: 'FAILED' }), aTask({ name: 'restartInstance' })], {
        total: 120,
      }),
    );
    renderWithApp(
      <TaskListView instanceId={INSTANCE} />,
      '?status=FAILED&sort=durationMs&order=asc&page=2&pageSize=25',
    );
    const table = await screen.findByRole('table');
    await within(table).findByText('resizeInstance');
    // (the progress line asks /progress with the same query while the list loads)
    const list = calls.find((c) => c.pathname.endsWith('/tasks'))!;
    const q = list.searchParams;
    expect(list.pathname).toBe(`/api/instances/${INSTANCE}/tasks`);
    expect(Object.fromEntries(q)).toEqual({
      range: '24h',
      status: 'FAILED',
      sort: 'durationMs',
      order: 'asc',
      page: '2',
      pageSize: '25',
    });
    expect(within(table).getAllByRole('row')).toHaveLength(3);
    expect(screen.getByText(/of/, { selector: '.pagination__count' }).textContent).toContain('26–50 of 120');
    expect(
      within(table)
        .getByRole('columnheader', { name: /Duration/ })
        .getAttribute('aria-sort'),
    ).toBe('ascending');
  });

  it('toggles a status filter from its facet and goes back to page 1', async () => {
    stubFetch(() => aTaskList([aTask()]));
    const app = renderWithApp(<TaskListView instanceId={INSTANCE} />, '?page=3');
    await screen.findByText('restartInstance', { selector: '.task-name' });
    fireEvent.click(screen.getByRole('button', { name: /FAILED\s*3/ }));
    await waitFor(() => expect(app.lastUrl()).toBe('status=FAILED'));
  });

  it('chooses several task names from the name facets, as toggles', async () => {
    const calls = stubFetch(() =>
      aTaskList([aTask()], {
        facets: { status: { SUCCESS: 1 }, name: { restartInstance: 4, resizeInstance: 2 }, user: {} },
      }),
    );
    const app = renderWithApp(<TaskListView instanceId={INSTANCE} />, '?name=deleteInstance&page=2');
    await screen.findByText('restartInstance', { selector: '.task-name' });
    const names = screen.getByRole('group', { name: 'Filter by task name' });
    // a name in the link but not in this window still shows, pressed, so it can be removed
    const gone = within(names).getByRole('button', { name: /deleteInstance\s*0/ });
    expect(gone.getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(within(names).getByRole('button', { name: /resizeInstance\s*2/ }));
    await waitFor(() => expect(app.lastUrl()).toBe('name=deleteInstance%2CresizeInstance'));
    fireEvent.click(within(names).getByRole('button', { name: /restartInstance\s*4/ }));
    await waitFor(() => expect(app.lastUrl()).toBe('name=deleteInstance%2CresizeInstance%2CrestartInstance'));
    await waitFor(() =>
      expect(calls.at(-1)!.searchParams.get('name')).toBe('deleteInstance,resizeInstance,restartInstance'),
    );
    fireEvent.click(within(names).getByRole('button', { name: /deleteInstance/ }));
    await waitFor(() => expect(app.lastUrl()).toBe('name=resizeInstance%2CrestartInstance'));
    expect(
      within(names)
        .getByRole('button', { name: /resizeInstance/ })
        .getAttribute('aria-pressed'),
    ).toBe('true');
  });

  it('says a page past the end is gone, not that there are no tasks, and goes to the last page', async () => {
    stubFetch(() => aTaskList([], { total: 120, page: 999, pageSize: 50 }));
    const app = renderWithApp(<TaskListView instanceId={INSTANCE} />, '?page=999');
    expect(await screen.findByText(/Page 999 is past the last page/)).toBeTruthy();
    expect(screen.queryByText(/No tasks/)).toBeNull();
    expect(screen.getByText(/of/, { selector: '.pagination__count' }).textContent).toContain('120–120 of 120');
    fireEvent.click(screen.getByRole('button', { name: 'Go to the last page' }));
    await waitFor(() => expect(app.lastUrl()).toBe('page=3'));
  });

  it('sorts on a header click: a new column in its natural order, then flips', async () => {
    stubFetch(() => aTaskList([aTask()]));
    const app = renderWithApp(<TaskListView instanceId={INSTANCE} />);
    await screen.findByText('restartInstance', { selector: '.task-name' });
    fireEvent.click(screen.getByRole('button', { name: /^Duration/ }));
    await waitFor(() => expect(app.lastUrl()).toBe('sort=durationMs'));
    fireEvent.click(screen.getByRole('button', { name: /^Name/ }));
    await waitFor(() => expect(app.lastUrl()).toBe('sort=name&order=asc'));
  });

  it('asks for a sort as the pointer reaches its header, and the click finds it asked', async () => {
    const calls = stubFetch(() => aTaskList([aTask()]));
    // the app's own client: what was asked stays fresh for a moment, so the view does not ask again
    const app = renderWithApp(<TaskListView instanceId={INSTANCE} />, '?page=3&sort=durationMs', createQueryClient());
    await screen.findByText('restartInstance', { selector: '.task-name' });
    const lists = () =>
      calls.filter((c) => c.pathname.endsWith('/tasks')).map((c) => Object.fromEntries(c.searchParams));
    const before = lists().length;
    // the sorted column flips; a new sort starts over at page 1
    fireEvent.pointerOver(screen.getByRole('button', { name: /^Duration/ }));
    await waitFor(() =>
      expect(lists().slice(before)).toEqual([expect.objectContaining({ sort: 'durationMs', order: 'asc', page: '1' })]),
    );
    expect(app.lastUrl()).toBe('');
    fireEvent.click(screen.getByRole('button', { name: /^Duration/ }));
    await waitFor(() => expect(app.lastUrl()).toBe('sort=durationMs&order=asc'));
    await waitFor(() => expect(screen.getByRole('table').getAttribute('aria-busy')).toBe('false'));
    expect(lists().slice(before)).toHaveLength(1);
    fireEvent.pointerOver(screen.getByRole('button', { name: /^Name/ }));
    await waitFor(() => expect(lists().at(-1)).toMatchObject({ sort: 'name', order: 'asc', page: '1' }));
  });

  it('names the filter that hides every task and clears it', async () => {
    stubFetch(() => aTaskList([], { facets: { status: {}, name: {}, user: {} } }));
    const app = renderWithApp(<TaskListView instanceId={INSTANCE} />, '?status=FAILED&q=resize');
    expect(await screen.findByText(/status FAILED, search “resize”/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(app.lastUrl()).toBe(''));
  });

  it('shows the upstream code, message, request id and what to do', async () => {
    stubFetch(() => ({
      status: 502,
      body: {
        error: {
          code: 'UPSTREAM_CLOCK_SKEW',
          message: 'DMS refused the call',
          upstream: {
            status: 401,
            errorCode: 'APIGW.0301',
            errorMsg: 'Incorrect IAM authentication information: calc aksk signature fail:signature expired',
            requestId: 'abc123',
          },
        },
      },
    }));
    renderWithApp(<TaskListView instanceId={INSTANCE} />);
    // the advice comes with the error panel's chunk, after the plain panel
    const heading = await screen.findByRole('heading', { name: 'Clock skew' });
    const alert = heading.closest<HTMLElement>('[role="alert"]')!;
    expect(alert.textContent).toContain('APIGW.0301');
    expect(alert.textContent).toContain('abc123');
  });

  it('opens rows with their buttons, several at once, in the URL without adding history', async () => {
    const task = aTask({ params: '{"new_spec_code":"c3.4u8g"}' });
    const other = aTask({ name: 'resizeInstance', params: '{"other":1}' });
    stubFetch(() => aTaskList([task, other]));
    const app = renderWithApp(<TaskListView instanceId={INSTANCE} />);
    const toggle = await screen.findByRole('button', { name: `Params of restartInstance ${task.id}` });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(toggle);
    await waitFor(() => expect(app.lastUrl()).toBe(`open=${task.id}`));
    expect(await screen.findByText('"c3.4u8g"')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: `Params of resizeInstance ${other.id}` }));
    await waitFor(() => expect(app.lastUrl()).toBe(`open=${task.id}%2C${other.id}`));
    expect(screen.getByText('"c3.4u8g"')).toBeTruthy();
    expect(app.histories).toEqual(['replace', 'replace']);
  });

  it('keeps the valid values of a list in the link and names the dropped one', async () => {
    const calls = stubFetch(() => aTaskList([aTask()]));
    const app = renderWithApp(<TaskListView instanceId={INSTANCE} />, '?status=FAILED,NOPE&page=2');
    const notice = await screen.findByText(/dropped/);
    expect(notice.textContent).toContain('“NOPE”');
    await waitFor(() => expect(app.lastUrl()).toBe('status=FAILED&page=2'));
    expect(calls.every((u) => u.searchParams.get('status') === 'FAILED')).toBe(true);
    expect(app.histories).toEqual(['replace']);
  });

  it('shows a skeleton first, then keeps the old rows dimmed while the next view loads', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    stubFetch(() => aTaskList([aTask({ name: 'resizeInstance' })]));
    const slow = vi.fn(async (input: RequestInfo | URL) => {
      const url = new URL(String(input), 'http://localhost');
      if (url.searchParams.get('status')) await gate;
      const body = url.searchParams.get('status')
        ? aTaskList([aTask({ name: 'bindInstancePublicIp', status: 'FAILED' })])
        : aTaskList([aTask({ name: 'resizeInstance' })]);
      return new Response(JSON.stringify(body), { status: 200 });
    });
    vi.stubGlobal('fetch', slow);
    const { container } = renderWithApp(<TaskListView instanceId={INSTANCE} />);
    expect(container.querySelectorAll('tr.skeleton-row').length).toBeGreaterThan(0);
    await screen.findByText('resizeInstance');
    fireEvent.click(screen.getByRole('button', { name: /FAILED\s*3/ }));
    await waitFor(() => expect(screen.getByRole('table').className).toContain('is-stale'));
    expect(screen.getByText('resizeInstance')).toBeTruthy();
    expect(screen.getByRole('table').getAttribute('aria-busy')).toBe('true');
    release();
    await screen.findByText('bindInstancePublicIp');
    expect(screen.getByRole('table').className).not.toContain('is-stale');
  });

  it('drops values it cannot parse and says so', async () => {
    stubFetch(() => aTaskList([aTask()]));
    renderWithApp(<TaskListView instanceId={INSTANCE} />, '?page=zero&sort=bogus');
    // the link's notice, not the progress line beside it while the list loads
    const notice = (await screen.findByText(/not understood/)).closest('[role="status"]')!;
    expect(notice.textContent).toMatch(/not understood/);
    expect(notice.textContent).toContain('page');
    expect(notice.textContent).toContain('sort');
  });
});
