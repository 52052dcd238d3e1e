import { useQuery } from '@tanstack/react-query';
import { cleanup, fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getJson } from '../lib/api.ts';
import { renderWithApp, stubFetch } from '../test/render.tsx';
import { SectionBoundary } from './error-boundary.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function Greeting() {
  const { data } = useQuery({
    queryKey: ['greeting'],
    queryFn: () =>
      getJson(
        (init) => fetch('/api/greeting', init),
        (b): b is { text: string } => typeof b === 'object' && b !== null,
      ),
    throwOnError: true,
  });
  return <p>{data?.text ?? 'loading'}</p>;
}

describe('SectionBoundary', () => {
  it('shows the error panel for a query that throws, and Retry runs that query again', async () => {
    let failing = true;
    const calls = stubFetch(() =>
      failing
        ? { status: 502, body: { error: { code: 'UPSTREAM_ERROR', message: 'DMS answered 502' } } }
        : { body: { text: 'hello' } },
    );
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    renderWithApp(
      <SectionBoundary>
        <Greeting />
      </SectionBoundary>,
    );
    const retry = await screen.findByRole('button', { name: 'Retry' });
    expect(calls).toHaveLength(1);
    failing = false;
    fireEvent.click(retry);
    expect(await screen.findByText('hello')).toBeTruthy();
    expect(calls).toHaveLength(2);
  });
});
