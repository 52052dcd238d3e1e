import { cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LIST_PARAMS_MAX } from '../../../shared/contract.ts';
import { aTask, renderWithApp, stubFetch } from '../../test/render.tsx';
import { TaskDetailPanel } from './task-detail-panel.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const INSTANCE = 'c928c0cf-6dfe-10e0-5387-441069733ec7';

describe('TaskDetailPanel', () => {
  it('shows the params the list carried, with no request', () => {
    const calls = stubFetch(() => ({ status: 500, body: {} }));
    renderWithApp(
      <TaskDetailPanel instanceId={INSTANCE} task={aTask({ params: '{"force":true}' })} zone="utc" href="/x" />,
    );
    expect(screen.getByRole('region', { name: 'Params' }).textContent).toContain('force');
    expect(calls).toHaveLength(0);
  });

  it('loads params the list cut short from the task route, and shows them whole', async () => {
    const whole = JSON.stringify({ plugins: Array.from({ length: 2_000 }, (_, i) => `plugin_${i}`), tail: 'the-end' });
    const listed = aTask({ params: whole.slice(0, LIST_PARAMS_MAX), paramsTruncated: true });
    const calls = stubFetch(() => ({ body: { task: { ...listed, params: whole, paramsTruncated: undefined } } }));
    renderWithApp(<TaskDetailPanel instanceId={INSTANCE} task={listed} zone="utc" href="/x" />);
    expect(screen.getByRole('status').textContent).toMatch(/too large for the list/);
    const region = await screen.findByRole('region', { name: 'Params' });
    expect(region.textContent).toContain('2,000 items');
    expect(calls.map((u) => u.pathname)).toEqual([`/api/instances/${INSTANCE}/tasks/${listed.id}`]);
  });
});
