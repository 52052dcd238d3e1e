import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Elapsed, TimeCell } from './relative-time.tsx';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('time cells', () => {
  it('show the instant in the zone with how long ago beneath it', () => {
    vi.useFakeTimers({ now: Date.parse('2026-11-28T12:31:24Z') });
    render(<TimeCell value="2026-11-28T11:31:24.000Z" zone="utc" />);
    expect(screen.getByText('28 Nov 11:31:24')).toBeTruthy();
    expect(screen.getByText('1 hour ago')).toBeTruthy();
  });

  it('tick the elapsed time of a running task every second', () => {
    vi.useFakeTimers({ now: Date.parse('2026-11-28T11:32:00Z') });
    const { container } = render(<Elapsed since="2026-11-28T11:31:00.000Z" />);
    expect(container.textContent).toBe('1 min');
    act(() => vi.advanceTimersByTime(5_000));
    expect(container.textContent).toBe('1 min 5 s');
    act(() => vi.advanceTimersByTime(1_000));
    expect(container.textContent).toBe('1 min 6 s');
  });
});
