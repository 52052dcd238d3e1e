import type { QueryFunctionContext } from '@tanstack/react-query';
import { hc } from 'hono/client';
import type { ApiError } from '../../shared/api-error.ts';
import { API_ERROR_CODES, type ApiErrorCode } from '../../shared/error-codes.ts';
import type { AppType } from '../../server/app.ts';

/** Hono's typed client: paths, params and queries are checked against the server's routes. */
export const api = hc<AppType>('/').api;

export type UpstreamDetail = NonNullable<ApiError['error']['upstream']>;

/** Failures the SPA names itself, when no error body from the BFF came. */
export const CLIENT_ERROR_CODES = ['CONSOLE_UNREACHABLE', 'CONSOLE_BAD_ANSWER'] as const;
export type ErrorCode = ApiErrorCode | (typeof CLIENT_ERROR_CODES)[number];

/** A failed call to the BFF: its error body's code (shared/error-codes.ts), or one of the SPA's own. */
export class ApiRequestError extends Error {
  override readonly name = 'ApiRequestError';
  constructor(
    /** 0 when no answer came. */
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly upstream?: UpstreamDetail,
  ) {
    super(message);
  }
}

const isApiErrorCode = (code: unknown): code is ApiErrorCode => (API_ERROR_CODES as readonly unknown[]).includes(code);

const isErrorBody = (body: unknown): body is ApiError =>
  typeof body === 'object' &&
  body !== null &&
  'error' in body &&
  isApiErrorCode((body as ApiError).error?.code) &&
  typeof (body as ApiError).error?.message === 'string';

/**
 * A query fetched again after it failed (the user's Retry, or its refetch) asks the server past
 * what it remembers of a failure (`Cache-Control: no-cache`; the instance listing keeps a failure
 * for a few seconds), so a Retry right after the fault cleared finds DMS, not the old failure.
 */
export const afterFailure = ({ client, queryKey }: Pick<QueryFunctionContext, 'client' | 'queryKey'>) => {
  // by the time the query function runs, a query with no data is back to `pending` and its error
  // cleared: the timestamps still tell that the last answer was a failure
  const state = client.getQueryState(queryKey);
  return !!state && state.errorUpdatedAt > 0 && state.errorUpdatedAt >= state.dataUpdatedAt;
};

/**
 * Sends one typed-client call and returns its JSON. The first view does not ship zod (bundle
 * budget, docs/decisions/0001-url-state.md), so the answer is checked structurally.
 */
export const getJson = async <T>(
  send: (init: RequestInit) => Promise<Response>,
  check: (body: unknown) => body is T,
  signal?: AbortSignal,
  fresh = false,
): Promise<T> => {
  let res: Response;
  try {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (fresh) headers['cache-control'] = 'no-cache';
    res = await send({ signal, headers });
  } catch (e) {
    if (signal?.aborted) throw e;
    throw new ApiRequestError(0, 'CONSOLE_UNREACHABLE', 'The console server did not answer: is it running?');
  }
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    if (isErrorBody(body))
      throw new ApiRequestError(res.status, body.error.code, body.error.message, body.error.upstream);
    throw new ApiRequestError(res.status, 'CONSOLE_BAD_ANSWER', `The console server answered ${res.status}`);
  }
  if (!check(body)) throw new ApiRequestError(res.status, 'CONSOLE_BAD_ANSWER', `Unexpected answer from ${res.url}`);
  return body;
};

export const hasArray =
  <T>(key: string) =>
  (body: unknown): body is T =>
    typeof body === 'object' && body !== null && Array.isArray((body as Record<string, unknown>)[key]);

export const hasObject =
  <T>(key: string) =>
  (body: unknown): body is T =>
    typeof body === 'object' &&
    body !== null &&
    typeof (body as Record<string, unknown>)[key] === 'object' &&
    (body as Record<string, unknown>)[key] !== null;
