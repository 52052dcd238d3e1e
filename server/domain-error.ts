import type { ApiErrorCode } from '../shared/error-codes.ts';

/** What DMS or its gateway answered, as the error body's `upstream` carries it. */
export interface UpstreamAnswer {
  status: number;
  errorCode: string | null;
  errorMsg: string | null;
  requestId: string | null;
}

/**
 * A failure the API reports on purpose: a code from the closed list and a message a user can act
 * on. It carries no HTTP status: server/errors.ts's onError chooses that from the code.
 */
export class DomainError extends Error {
  override readonly name: string = 'DomainError';
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly extra: { retryAfterSeconds?: number | undefined; upstream?: UpstreamAnswer | undefined } = {},
  ) {
    super(message);
  }
}
