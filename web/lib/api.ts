import type { ApiError } from '../../shared/api-error.ts';

export type UpstreamDetail = NonNullable<ApiError['error']['upstream']>;

/** A non-OK answer from the BFF, carrying its error body (shared/api-error.ts). */
export class ApiRequestError extends Error {
  override readonly name = 'ApiRequestError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly upstream?: UpstreamDetail,
  ) {
    super(message);
  }
}

const isErrorBody = (body: unknown): body is ApiError =>
  typeof body === 'object' &&
  body !== null &&
  'error' in body &&
  typeof (body as ApiError).error?.code === 'string' &&
  typeof (body as ApiError).error?.message === 'string';

/**
 * GETs JSON from the BFF. The payload types come from shared/; the first view does not ship zod
 * (bundle budget, see docs/decisions/0001-url-state.md), so the check here is structural.
 */
export const getJson = async <T>(
  path: string,
  check: (body: unknown) => body is T,
  signal?: AbortSignal,
): Promise<T> => {
  let res: Response;
  try {
    res = await fetch(path, { signal, headers: { accept: 'application/json' } });
  } catch (e) {
    if (signal?.aborted) throw e;
    throw new ApiRequestError(0, 'NETWORK', 'The console server did not answer: is it running?');
  }
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    if (isErrorBody(body))
      throw new ApiRequestError(res.status, body.error.code, body.error.message, body.error.upstream);
    throw new ApiRequestError(res.status, `HTTP_${res.status}`, `The console server answered ${res.status}`);
  }
  if (!check(body)) throw new ApiRequestError(res.status, 'BAD_PAYLOAD', `Unexpected answer from ${path}`);
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
