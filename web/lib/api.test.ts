import { QueryClient, type QueryFunctionContext } from '@tanstack/react-query';
import { afterEach, expect, it, vi } from 'vitest';
import { afterFailure } from './api.ts';

afterEach(() => vi.useRealTimers());

it('asks past a remembered failure only when the query’s last answer was a failure', async () => {
  // each answer a millisecond after the last, as they are in a browser
  vi.useFakeTimers({ toFake: ['Date'] });
  const step = () => vi.setSystemTime(Date.now() + 1);
  const client = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: 0 } } });
  const asked: boolean[] = [];
  let fail = true;
  // outside the options, since its answer, not its key, changes between fetches
  const queryFn = (ctx: QueryFunctionContext) => {
    asked.push(afterFailure(ctx));
    step();
    if (fail) throw new Error('unreadable answer');
    return Promise.resolve(1);
  };
  const options = { queryKey: ['list'], queryFn };
  await expect(client.fetchQuery(options)).rejects.toThrow('unreadable answer');
  // the Retry: the query, back to pending with its error cleared, still knows it failed
  fail = false;
  await client.fetchQuery(options);
  await client.fetchQuery(options);
  // a failure after data (a refetch that failed) counts too
  fail = true;
  await expect(client.fetchQuery(options)).rejects.toThrow();
  fail = false;
  await client.fetchQuery(options);
  expect(asked).toEqual([false, true, false, false, true]);
});
