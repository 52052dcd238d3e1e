import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { aTask, aTaskList, renderWithApp, stubFetch } from '../../test/render.tsx';
import { TaskListView } from '../tasks/task-list-view.tsx';

const INSTANCE = 'c928c0cf-6dfe-10e0-5387-441069733ec7';
// Each test's own pair (new ids): a task read ahead is held for a minute, across tests too.
let A = aTask();
let B = aTask();
beforeEach(() => {
  A = aTask({ params: '{"configs":[{"name":"a","value":"1"}]}' });
  B = aTask({ params: '{"configs":[{"name":"a","value":"2"}]}', createdAt: '2026-11-28T02:10:00.000Z' });
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const detailPath = (id: string) => `/api/instances/${INSTANCE}/tasks/${id}`;

/** The list of A and B; each task's detail; anything else (the insights) an empty window. */
const answers = () =>
  stubFetch((url) => {
    const task = [A, B].find((t) => url.pathname === detailPath(t.id));
    if (task) return { body: { task } };
    return aTaskList([B, A]);
  });

const pickName = (t: typeof A) => `Pick ${t.name} ${t.id} to compare params`;
const checkbox = (t: typeof A) => screen.getByRole('checkbox', { name: pickName(t) });

describe('the params diff pick', () => {
  it('reads a task picked by the link at once, before a second pick: the diff then waits only for the second', async () => {
    const calls = answers();
    renderWithApp(<TaskListView instanceId={INSTANCE} />, `?diff=${A.id}`);
    // (the diff's chunk loads first: a slow transform under load)
    await waitFor(() => expect(calls.some((c) => c.pathname === detailPath(A.id))).toBe(true), { timeout: 10_000 });
    expect(calls.some((c) => c.pathname === detailPath(B.id))).toBe(false);
    expect(checkbox(A)).toHaveProperty('checked', true);
  });

  it('reads the other task when the pointer reaches its checkbox, before the click', async () => {
    const calls = answers();
    const app = renderWithApp(<TaskListView instanceId={INSTANCE} />, `?diff=${A.id}`);
    await waitFor(() => expect(calls.some((c) => c.pathname === detailPath(A.id))).toBe(true));
    fireEvent.pointerEnter(await screen.findByRole('checkbox', { name: pickName(B) }));
    await waitFor(() => expect(calls.some((c) => c.pathname === detailPath(B.id))).toBe(true));
    expect(app.lastUrl()).toBe('');
    fireEvent.click(checkbox(B));
    await waitFor(() => expect(new URLSearchParams(app.lastUrl()).get('diff')).toBe(`${A.id},${B.id}`));
    const diff = await screen.findByRole('region', { name: 'Params diff' });
    await waitFor(() => expect(diff.textContent).toContain('configs[0].value'));
    expect(diff.textContent).toContain('"1"');
    expect(diff.textContent).toContain('"2"');
    // each detail was read once: the pick and the diff used what the prefetch brought
    expect(calls.filter((c) => c.pathname === detailPath(B.id))).toHaveLength(1);
  });

  it('does not read a task whose checkbox the pointer crosses while nothing is picked', async () => {
    const calls = answers();
    renderWithApp(<TaskListView instanceId={INSTANCE} />);
    fireEvent.pointerEnter(await screen.findByRole('checkbox', { name: pickName(B) }));
    fireEvent.focus(checkbox(B));
    // a pick, by contrast, reads the task: once that read is seen, the hover's would have been too
    fireEvent.click(checkbox(A));
    await waitFor(() => expect(calls.some((c) => c.pathname === detailPath(A.id))).toBe(true));
    expect(calls.some((c) => c.pathname === detailPath(B.id))).toBe(false);
  });
});
