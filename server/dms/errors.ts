import type { ApiErrorCode } from '../../shared/error-codes.ts';
import { DomainError } from '../domain-error.ts';

export interface UpstreamErrorDetails {
  /** HTTP status from the upstream, or 0 when no answer came (network error, timeout). */
  status: number;
  errorCode: string | null;
  errorMsg: string | null;
  requestId: string | null;
  /**
   * What kind of failure. `clock-skew` is the gateway's "signature expired" (APIGW.0301):
   * this server's clock is off by more than 15 minutes. `too-large`: the answer's body passed
   * DMS_MAX_BODY_MB and was not read further.
   */
  kind: 'http' | 'timeout' | 'network' | 'invalid-response' | 'throttled-locally' | 'clock-skew' | 'too-large';
  /** The DMS operation, e.g. ListBackgroundTasks. */
  operation?: string | undefined;
  /** How many HTTP attempts were made before giving up. */
  attempts?: number | undefined;
  /** Seconds the caller should wait before trying again, when known. */
  retryAfterSeconds?: number | undefined;
  /** For clock-skew answers: the gateway's time and ours (ISO-8601 UTC). */
  serverTime?: string | undefined;
  localTime?: string | undefined;
}

/** Gateway and DMS error codes (docs UPSTREAM.md) that say more than their HTTP status. */
const BY_UPSTREAM_CODE = new Map<string, ApiErrorCode>([
  // signature mismatch or unknown AK; an expired signature arrives as kind `clock-skew`
  ['APIGW.0301', 'UPSTREAM_AUTH'],
  ['APIGW.0302', 'UPSTREAM_FORBIDDEN'],
  ['APIGW.0308', 'UPSTREAM_THROTTLED'],
  ['DMS.00403002', 'UPSTREAM_FORBIDDEN'],
  ['DMS.00404022', 'INSTANCE_NOT_FOUND'],
]);

const BY_STATUS = new Map<number, ApiErrorCode>([
  [401, 'UPSTREAM_AUTH'],
  [403, 'UPSTREAM_FORBIDDEN'],
  [429, 'UPSTREAM_THROTTLED'],
]);

/** The one place an upstream failure becomes an API error code. */
export const apiCodeOf = (d: UpstreamErrorDetails): ApiErrorCode => {
  switch (d.kind) {
    case 'clock-skew':
      return 'UPSTREAM_CLOCK_SKEW';
    case 'timeout':
      return 'UPSTREAM_TIMEOUT';
    case 'network':
      return 'UPSTREAM_UNREACHABLE';
    case 'invalid-response':
    case 'too-large':
      return 'UPSTREAM_BAD_ANSWER';
    case 'throttled-locally':
      return 'UPSTREAM_THROTTLED';
    case 'http': {
      const byCode = d.errorCode === null ? undefined : BY_UPSTREAM_CODE.get(d.errorCode);
      if (byCode) return byCode;
      // Some DMS versions answer an unknown task with a 404 of their own rather than an empty list.
      if (d.operation === 'ShowBackgroundTask' && d.status === 404 && d.errorCode?.startsWith('DMS.'))
        return 'TASK_NOT_FOUND';
      return BY_STATUS.get(d.status) ?? 'UPSTREAM_ERROR';
    }
  }
};

/** The one error the upstream layer throws: what failed, as the cloud said it, and never a secret. */
export class UpstreamError extends DomainError {
  override readonly name = 'UpstreamError';
  constructor(
    message: string,
    readonly details: UpstreamErrorDetails,
  ) {
    const { status, errorCode, errorMsg, requestId, retryAfterSeconds } = details;
    super(apiCodeOf(details), message, {
      retryAfterSeconds,
      // no answer came: there is no upstream status or request id to report
      upstream: status === 0 ? undefined : { status, errorCode, errorMsg, requestId },
    });
  }
}
