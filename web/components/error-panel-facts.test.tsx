import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiRequestError } from '../lib/api.ts';
import { ErrorPanel } from './error-panel.tsx';

afterEach(cleanup);

describe('ErrorPanel facts', () => {
  it('omits what a DMS that never answered cannot give: no HTTP status, no request id', () => {
    render(
      <ErrorPanel
        error={
          new ApiRequestError(504, 'UPSTREAM_TIMEOUT', 'DMS did not answer within 9611 ms', {
            status: 0,
            errorCode: null,
            errorMsg: null,
            requestId: null,
          })
        }
      />,
    );
    const facts = screen.getByRole('alert').textContent;
    expect(facts).not.toMatch(/HTTP 0/);
    expect(facts).not.toMatch(/Request id/);
    expect(facts).toMatch(/no answer/);
  });

  it('shows the upstream status and request id when DMS gave them', () => {
    render(
      <ErrorPanel
        error={
          new ApiRequestError(502, 'UPSTREAM_ERROR', 'DMS failed', {
            status: 500,
            errorCode: 'DMS.00500000',
            errorMsg: null,
            requestId: '0123456789abcdef0123456789abcdef',
          })
        }
      />,
    );
    const facts = screen.getByRole('alert').textContent;
    expect(facts).toMatch(/HTTP 500/);
    expect(facts).toMatch(/Request id0123456789abcdef0123456789abcdef/);
  });
});
