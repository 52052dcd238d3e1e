import { queryOptions, useQuery } from '@tanstack/react-query';
import './list-states.css';
import type { FetchProgress, RetryCause } from '../../../server/progress.ts';
import type { WindowProgress } from '../../../server/routes/instances.ts';
import { api, getJson } from '../../lib/api.ts';
import { taskKeys } from './api.ts';
import type { ApiQuery } from './url-state.ts';

const isWindowProgress = (body: unknown): body is WindowProgress =>
  typeof body === 'object' && body !== null && 'progress' in body;

/** Asked every second while the list waits for its window: what the server's fetch is doing. */
export const progressOptions = (instanceId: string, query: ApiQuery) =>
  queryOptions({
    queryKey: [...taskKeys.all, 'progress', instanceId, query] as const,
    queryFn: ({ signal }) =>
      getJson(
        (init) => api.instances[':instanceId'].progress.$get({ param: { instanceId }, query }, { init }),
        isWindowProgress,
        signal,
      ),
    refetchInterval: 1_000,
    staleTime: 0,
    gcTime: 0,
    retry: false,
  });

const CAUSE: Record<RetryCause, string> = {
  timeout: 'did not answer in time',
  unreachable: 'could not be reached',
  throttled: 'is throttling requests',
  error: 'answered with an error',
};

const plural = (n: number, one: string) => `${n.toLocaleString('en')} ${one}${n === 1 ? '' : 's'}`;

/** The progress in words: what is read, and what the fetch waits for. */
export const describeProgress = (p: FetchProgress | null | undefined, now: number): string => {
  if (!p) return 'Asking DMS for the tasks…';
  const inS = (iso: string) => plural(Math.max(0, Math.ceil((Date.parse(iso) - now) / 1000)), 'second');
  const read =
    p.pages === null ? 'Reading the first page of tasks' : `Read ${p.pagesRead} of ${plural(p.pages, 'page')}`;
  const w = p.waiting;
  if (!w) return `${read}…`;
  switch (w.for) {
    case 'answer':
      return `${read}: waiting for DMS to answer (attempt ${w.attempt}, gives up in ${inS(w.until)})…`;
    case 'budget':
      return `${read}: waiting for the call budget (${plural(w.calls, 'call')} free in about ${inS(w.until)})…`;
    case 'retry':
      return `${read}: DMS ${CAUSE[w.after]}; retrying ${w.operation} (attempt ${w.attempt}) in ${inS(w.until)}…`;
  }
};

/** While the list's window loads: what the server is doing, and a way to stop waiting. */
export function LoadProgress({
  instanceId,
  query,
  onCancel,
}: {
  instanceId: string;
  query: ApiQuery;
  onCancel: () => void;
}) {
  const { data, dataUpdatedAt } = useQuery(progressOptions(instanceId, query));
  const elapsed = data?.progress
    ? Math.max(0, Math.round((dataUpdatedAt - Date.parse(data.progress.startedAt)) / 1000))
    : 0;
  return (
    <div className="load-progress" role="status">
      <span>
        {describeProgress(data?.progress, dataUpdatedAt)}
        {elapsed >= 2 && <span className="muted"> ({plural(elapsed, 'second')} so far)</span>}
      </span>
      <button type="button" className="button" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}
