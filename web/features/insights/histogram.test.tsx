import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { insightsSchema, type Insights } from '../../../shared/insights.ts';
import { flagBadges } from './api.ts';
import { Histogram } from './histogram.tsx';

afterEach(cleanup);

const bucket = (start: string, end: string, counts: Record<string, number>) => ({ start, end, counts });
const histogram: Insights['histogram'] = {
  tz: 'UTC',
  step: '1 h',
  buckets: [
    bucket('2026-11-28T00:00:00.000Z', '2026-11-28T01:00:00.000Z', { SUCCESS: 4, FAILED: 1 }),
    bucket('2026-11-28T01:00:00.000Z', '2026-11-28T02:00:00.000Z', {}),
    bucket('2026-11-28T02:00:00.000Z', '2026-11-28T03:00:00.000Z', { EXECUTING: 2 }),
  ],
};

const setup = () => {
  const onRange = vi.fn();
  const onToggleStatus = vi.fn();
  render(
    <Histogram
      histogram={histogram}
      zone="utc"
      selected={['FAILED']}
      onRange={onRange}
      onToggleStatus={onToggleStatus}
    />,
  );
  return { onRange, onToggleStatus, figure: screen.getByRole('figure', { name: 'Tasks over time' }) };
};

describe('Histogram', () => {
  it('moves between buckets with the arrow keys, says their counts, and zooms into one with Enter', () => {
    const { onRange, figure } = setup();
    const plot = within(figure).getByRole('group', { name: /arrow keys/ });
    fireEvent.keyDown(plot, { key: 'ArrowRight' });
    expect(figure.textContent).toContain('28 Nov 2026 00:00 – 28 Nov 2026 01:00: 1 FAILED, 4 SUCCESS');
    fireEvent.keyDown(plot, { key: 'End' });
    expect(figure.textContent).toContain('02:00 – 28 Nov 2026 03:00: 2 EXECUTING');
    fireEvent.keyDown(plot, { key: 'ArrowLeft' });
    expect(figure.textContent).toContain('01:00 – 28 Nov 2026 02:00: no tasks');
    fireEvent.keyDown(plot, { key: 'Enter' });
    expect(onRange).toHaveBeenCalledWith('2026-11-28T01:00:00.000Z', '2026-11-28T02:00:00.000Z');
  });

  it("says a bucket's times in the local zone when asked for local time", () => {
    // vite.config.ts runs this file under UTC, America/New_York and Asia/Kolkata
    const expected: Record<string, string> = {
      UTC: '28 Nov 2026 00:00 – 28 Nov 2026 01:00: 1 FAILED, 4 SUCCESS',
      'America/New_York': '27 Nov 2026 19:00 – 27 Nov 2026 20:00: 1 FAILED, 4 SUCCESS',
      'Asia/Kolkata': '28 Nov 2026 05:30 – 28 Nov 2026 06:30: 1 FAILED, 4 SUCCESS',
    };
    render(<Histogram histogram={histogram} zone="local" selected={[]} onRange={vi.fn()} onToggleStatus={vi.fn()} />);
    const figure = screen.getByRole('figure', { name: 'Tasks over time' });
    fireEvent.keyDown(within(figure).getByRole('group', { name: /arrow keys/ }), { key: 'ArrowRight' });
    expect(figure.textContent).toContain(expected[process.env.TZ ?? '']);
  });

  it('toggles a status filter from its legend, showing which are on', () => {
    const { onToggleStatus, figure } = setup();
    const legend = within(figure).getByRole('group', { name: 'Status legend, click a status to filter' });
    expect(within(legend).getByRole('button', { name: 'FAILED' }).getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(within(legend).getByRole('button', { name: 'SUCCESS' }));
    expect(onToggleStatus).toHaveBeenCalledWith('SUCCESS');
  });

  it('carries the same numbers in a table for screen readers', async () => {
    const { figure } = setup();
    const table = within(figure).getByRole('table');
    // its rows come one render after the chart
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(4));
    const rows = within(table).getAllByRole('row');
    const cells = within(rows[1]!)
      .getAllByRole('cell')
      .map((c) => c.textContent);
    // STACK order: FAILED, CANCELLED, DELETED, SUCCESS, EXECUTING, CREATED
    expect(cells).toEqual(['1', '0', '0', '4', '0', '0']);
  });
});

describe('flagBadges', () => {
  it('words an outlier by its ratio and a stuck task by how long it runs against the usual', () => {
    const insights = insightsSchema.parse({
      window: { from: '2026-11-27T03:00:00.000Z', to: '2026-11-28T03:00:00.000Z' },
      fetchedAt: '2026-11-28T03:00:00.000Z',
      histogram,
      durations: [{ name: 'resizeInstance', count: 9, medianMs: 12 * 60_000, p95Ms: 29 * 60_000, maxMs: 3_720_000 }],
      outliers: [{ id: 'a'.repeat(32), name: 'resizeInstance', durationMs: 3_720_000, ratio: 3.44 }],
      stuck: [{ id: 'b'.repeat(32), name: 'resizeInstance', runningMs: 2 * 3_600_000, p95Ms: 29 * 60_000 }],
    });
    const badges = flagBadges(insights);
    expect(badges.get('a'.repeat(32))).toMatchObject({ kind: 'outlier', text: '3.4× median' });
    expect(badges.get('b'.repeat(32))).toMatchObject({ kind: 'stuck', text: 'running 2 h · usually 12 min' });
    expect(badges.get('b'.repeat(32))!.title).toContain('p95 29 min');
  });
});
