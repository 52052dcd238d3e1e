import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode, StatusCode } from 'hono/utils/http-status';
import type { ApiError } from '../shared/api-error.ts';
import { UpstreamError } from './dms/errors.ts';

/** An error the API answers on purpose: a status, a code, a message a user can act on. */
export class ApiFailure extends Error {
  override readonly name = 'ApiFailure';
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly extra: { retryAfterSeconds?: number; upstream?: NonNullable<ApiError['error']['upstream']> } = {},
  ) {
    super(message);
  }
}

const upstreamStatus = (e: UpstreamError): ContentfulStatusCode =>
  e.details.kind === 'timeout' ? 504 : e.details.status === 429 || e.details.kind === 'throttled-locally' ? 503 : 502;

/** An upstream failure as the API names it, in an error answer or beside a failed target. */
export const upstreamErrorBody = (err: UpstreamError): ApiError['error'] => {
  const { status, errorCode, errorMsg, requestId } = err.details;
  return {
    // a wrong clock is fixed on this server, not upstream: the SPA advises on this code
    code:
      err.details.kind === 'clock-skew'
        ? 'UPSTREAM_CLOCK_SKEW'
        : err.details.kind === 'too-large'
          ? 'UPSTREAM_BAD_ANSWER'
          : 'UPSTREAM_ERROR',
    message: err.message,
    upstream: { status, errorCode, errorMsg, requestId },
  };
};

/** The single place errors become the JSON error body. */
export const onError = (err: Error, c: Context) => {
  if (err instanceof ApiFailure) {
    if (err.extra.retryAfterSeconds !== undefined) c.header('Retry-After', String(err.extra.retryAfterSeconds));
    const { upstream } = err.extra;
    return c.json<ApiError>(
      { error: { code: err.code, message: err.message, ...(upstream ? { upstream } : {}) } },
      err.status,
    );
  }
  if (err instanceof UpstreamError) {
    const { retryAfterSeconds } = err.details;
    if (retryAfterSeconds !== undefined) c.header('Retry-After', String(Math.ceil(retryAfterSeconds)));
    return c.json<ApiError>({ error: upstreamErrorBody(err) }, upstreamStatus(err));
  }
  if (err instanceof HTTPException) {
    return c.json<ApiError>(
      { error: { code: 'BAD_REQUEST', message: err.message } },
      err.status as ContentfulStatusCode,
    );
  }
  // The client went away mid-call (a closed tab, a cancelled query): nginx's 499, not a server fault.
  if (c.req.raw.signal.aborted) return c.body(null, 499 as StatusCode);
  // logged, with its stack, on the request's own line (log.ts)
  return c.json<ApiError>({ error: { code: 'INTERNAL', message: 'Internal error' } }, 500);
};
