import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode, StatusCode } from 'hono/utils/http-status';
import type { ApiError } from '../shared/api-error.ts';
import type { ApiErrorCode } from '../shared/error-codes.ts';
import type { UpstreamError } from './dms/errors.ts';
import { DomainError } from './domain-error.ts';

/** The HTTP status of every code: the one place statuses are chosen. */
export const HTTP_STATUS = {
  BAD_REQUEST: 400,
  INVALID_INSTANCE_ID: 400,
  INVALID_TASK_ID: 400,
  UNAUTHORIZED: 401,
  TOO_MANY_LOGINS: 429,
  MISDIRECTED_REQUEST: 421,
  NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  INSTANCE_NOT_FOUND: 404,
  TASK_NOT_FOUND: 404,
  UPSTREAM_AUTH: 502,
  UPSTREAM_FORBIDDEN: 502,
  UPSTREAM_CLOCK_SKEW: 502,
  UPSTREAM_THROTTLED: 503,
  UPSTREAM_UNREACHABLE: 502,
  UPSTREAM_TIMEOUT: 504,
  UPSTREAM_BAD_ANSWER: 502,
  UPSTREAM_BUDGET: 503,
  WINDOW_TOO_LARGE: 422,
  WINDOW_CHANGED: 502,
  UPSTREAM_ERROR: 502,
  INTERNAL: 500,
} as const satisfies Record<ApiErrorCode, ContentfulStatusCode>;

/** The codes an HTTPException (from Hono or its middleware) is answered with, by its status. */
const HTTP_EXCEPTION_CODES: readonly ApiErrorCode[] = [
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'NOT_FOUND',
  'PAYLOAD_TOO_LARGE',
  'MISDIRECTED_REQUEST',
  'TOO_MANY_LOGINS',
];
export const codeForHttpException = (status: number): ApiErrorCode =>
  HTTP_EXCEPTION_CODES.find((code) => HTTP_STATUS[code] === status) ?? (status >= 500 ? 'INTERNAL' : 'BAD_REQUEST');

/** A domain error as the API names it, in an error answer or beside a failed target. */
export const errorBody = (err: DomainError): ApiError['error'] => {
  const { upstream } = err.extra;
  return { code: err.code, message: err.message, ...(upstream ? { upstream } : {}) };
};
export const upstreamErrorBody: (err: UpstreamError) => ApiError['error'] = errorBody;

/** The single place errors become the JSON error body. */
export const onError = (err: Error, c: Context) => {
  if (err instanceof DomainError) {
    const { retryAfterSeconds } = err.extra;
    if (retryAfterSeconds !== undefined) c.header('Retry-After', String(Math.ceil(retryAfterSeconds)));
    return c.json<ApiError>({ error: errorBody(err) }, HTTP_STATUS[err.code]);
  }
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    return c.json<ApiError>({ error: { code: codeForHttpException(status), message: err.message } }, status);
  }
  // The client went away mid-call (a closed tab, a cancelled query): nginx's 499, not a server fault.
  if (c.req.raw.signal.aborted) return c.body(null, 499 as StatusCode);
  // logged, with its stack, on the request's own line (log.ts)
  return c.json<ApiError>({ error: { code: 'INTERNAL', message: 'Internal error' } }, 500);
};
