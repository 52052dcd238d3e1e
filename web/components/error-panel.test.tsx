import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { API_ERROR_CODES } from '../../shared/error-codes.ts';
import { ApiRequestError, CLIENT_ERROR_CODES, type ErrorCode } from '../lib/api.ts';
import { ADVICE, ErrorPanel } from './error-panel.tsx';

afterEach(cleanup);

const requestId = 'f'.repeat(32);
const upstream = { status: 500, errorCode: 'DMS.00500000', errorMsg: 'Internal service error.', requestId };

const show = (error: unknown) => {
  const onRetry = vi.fn();
  const apply = vi.fn();
  const onResetFilters = vi.fn();
  render(
    <ErrorPanel
      error={error}
      onRetry={onRetry}
      narrowRange={{ label: 'the last 7d', apply }}
      onResetFilters={onResetFilters}
    />,
  );
  const alert = screen.getByRole('alert');
  const button = (name: string) => within(alert).queryByRole('button', { name });
  return { alert, onRetry, apply, onResetFilters, button };
};

describe('ErrorPanel', () => {
  it.each([...API_ERROR_CODES, ...CLIENT_ERROR_CODES])(
    '%s has its own advice, and offers Retry only when a retry can help',
    (code: ErrorCode) => {
      const { alert, button } = show(new ApiRequestError(502, code, 'm'));
      expect(within(alert).getByRole('heading').textContent).toBe(ADVICE[code].title);
      expect(alert.textContent).toContain(ADVICE[code].advice);
      const retryable = (ADVICE[code].actions as readonly string[]).includes('retry');
      expect(button('Retry') !== null).toBe(retryable);
      if (!retryable) expect(alert.textContent).not.toMatch(/request id/i);
    },
  );

  it('an upstream error: what DMS said, the request id to quote, and Retry', () => {
    const { alert, button, onRetry } = show(new ApiRequestError(502, 'UPSTREAM_ERROR', 'DMS answered 500', upstream));
    expect(alert.textContent).toContain('HTTP 500 DMS.00500000: Internal service error.');
    expect(alert.textContent).toContain(requestId);
    expect(alert.textContent).toMatch(/quote the request id/);
    fireEvent.click(button('Retry')!);
    expect(onRetry).toHaveBeenCalledOnce();
  });

  it('no answer from DMS: no upstream status or request id, a retry and a shorter range', () => {
    const { alert, button, apply } = show(
      new ApiRequestError(504, 'UPSTREAM_TIMEOUT', 'did not answer within 9611 ms'),
    );
    expect(alert.textContent).not.toContain('Upstream');
    expect(alert.textContent).not.toContain('Request id');
    expect(alert.textContent).not.toContain('none given');
    expect(button('Retry')).not.toBeNull();
    fireEvent.click(button('Show the last 7d')!);
    expect(apply).toHaveBeenCalledOnce();
  });

  it('a window too large: narrow the range, no retry', () => {
    const { button, apply } = show(new ApiRequestError(422, 'WINDOW_TOO_LARGE', 'holds 12000 tasks'));
    expect(button('Retry')).toBeNull();
    fireEvent.click(button('Show the last 7d')!);
    expect(apply).toHaveBeenCalledOnce();
  });

  it.each(['INSTANCE_NOT_FOUND', 'INVALID_INSTANCE_ID'] as const)('%s: a way to another instance, no retry', (code) => {
    const { alert, button } = show(new ApiRequestError(404, code, 'm'));
    expect(within(alert).getByRole('link', { name: 'Choose another instance' }).getAttribute('href')).toBe('/');
    expect(button('Retry')).toBeNull();
  });

  it('a refused link value: reset the filters', () => {
    const { button, onResetFilters } = show(new ApiRequestError(400, 'BAD_REQUEST', 'Invalid query parameter "page"'));
    fireEvent.click(button('Reset the filters')!);
    expect(onResetFilters).toHaveBeenCalledOnce();
  });

  it('an unreachable console server: no HTTP status it never sent', () => {
    const { alert } = show(new ApiRequestError(0, 'CONSOLE_UNREACHABLE', 'The console server did not answer'));
    expect(alert.textContent).toContain('CONSOLE_UNREACHABLE');
    expect(alert.textContent).not.toContain('HTTP 0');
  });

  it('an error thrown by the page itself: reload', () => {
    const { alert, button } = show(new TypeError('x is undefined'));
    expect(within(alert).getByRole('heading').textContent).toBe('Something went wrong');
    expect(button('Reload the page')).not.toBeNull();
  });

  it('leaves out actions whose handler the page did not give', () => {
    render(<ErrorPanel error={new ApiRequestError(422, 'WINDOW_TOO_LARGE', 'm')} />);
    expect(within(screen.getByRole('alert')).queryAllByRole('button')).toHaveLength(0);
  });
});
