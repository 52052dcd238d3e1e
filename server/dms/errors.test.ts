import { describe, expect, it } from 'vitest';
import type { ApiErrorCode } from '../../shared/error-codes.ts';
import { apiCodeOf, UpstreamError, type UpstreamErrorDetails } from './errors.ts';

type Answer = Pick<UpstreamErrorDetails, 'kind' | 'status' | 'errorCode'> & { operation?: string };

// Codes and statuses as docs UPSTREAM.md lists the gateway's and DMS's answers.
const table: [string, Answer, ApiErrorCode][] = [
  ['signature mismatch', { kind: 'http', status: 401, errorCode: 'APIGW.0301' }, 'UPSTREAM_AUTH'],
  ['signature expired', { kind: 'clock-skew', status: 401, errorCode: 'APIGW.0301' }, 'UPSTREAM_CLOCK_SKEW'],
  ['not authorised', { kind: 'http', status: 403, errorCode: 'APIGW.0302' }, 'UPSTREAM_FORBIDDEN'],
  ['read-only tenant', { kind: 'http', status: 403, errorCode: 'DMS.00403002' }, 'UPSTREAM_FORBIDDEN'],
  ['a 403 without a known code', { kind: 'http', status: 403, errorCode: null }, 'UPSTREAM_FORBIDDEN'],
  ['a 401 without a body', { kind: 'http', status: 401, errorCode: null }, 'UPSTREAM_AUTH'],
  ['gateway throttling', { kind: 'http', status: 429, errorCode: 'APIGW.0308' }, 'UPSTREAM_THROTTLED'],
  ['a bare 429', { kind: 'http', status: 429, errorCode: null }, 'UPSTREAM_THROTTLED'],
  ['throttled before sending', { kind: 'throttled-locally', status: 0, errorCode: null }, 'UPSTREAM_THROTTLED'],
  ['no connection', { kind: 'network', status: 0, errorCode: null }, 'UPSTREAM_UNREACHABLE'],
  ['no answer in time', { kind: 'timeout', status: 0, errorCode: null }, 'UPSTREAM_TIMEOUT'],
  [
    'a body not the documented shape',
    { kind: 'invalid-response', status: 200, errorCode: null },
    'UPSTREAM_BAD_ANSWER',
  ],
  ['a body past DMS_MAX_BODY_MB', { kind: 'too-large', status: 200, errorCode: null }, 'UPSTREAM_BAD_ANSWER'],
  ['instance not found', { kind: 'http', status: 404, errorCode: 'DMS.00404022' }, 'INSTANCE_NOT_FOUND'],
  [
    'instance gone while showing a task',
    { kind: 'http', status: 404, errorCode: 'DMS.00404022', operation: 'ShowBackgroundTask' },
    'INSTANCE_NOT_FOUND',
  ],
  [
    'unknown task as a DMS 404',
    { kind: 'http', status: 404, errorCode: 'DMS.00404070', operation: 'ShowBackgroundTask' },
    'TASK_NOT_FOUND',
  ],
  [
    'a gateway 404 is not an unknown task',
    { kind: 'http', status: 404, errorCode: 'APIGW.0101', operation: 'ShowBackgroundTask' },
    'UPSTREAM_ERROR',
  ],
  ['unknown API path', { kind: 'http', status: 404, errorCode: 'APIGW.0101' }, 'UPSTREAM_ERROR'],
  ['internal', { kind: 'http', status: 500, errorCode: 'DMS.00500000' }, 'UPSTREAM_ERROR'],
  ['invalid parameter', { kind: 'http', status: 400, errorCode: 'DMS.00400062' }, 'UPSTREAM_ERROR'],
  ['a code named like an Object key', { kind: 'http', status: 502, errorCode: 'constructor' }, 'UPSTREAM_ERROR'],
];

describe('upstream answers to API error codes', () => {
  it.each(table)('%s', (_name, answer, code) => {
    const details = { errorMsg: null, requestId: null, ...answer };
    expect(apiCodeOf(details)).toBe(code);
    expect(new UpstreamError('m', details).code).toBe(code);
  });

  it('reports what DMS answered only when an answer came', () => {
    const timedOut = new UpstreamError('m', {
      kind: 'timeout',
      status: 0,
      errorCode: null,
      errorMsg: null,
      requestId: null,
    });
    expect(timedOut.extra.upstream).toBeUndefined();
    const refused = new UpstreamError('m', {
      kind: 'http',
      status: 429,
      errorCode: 'APIGW.0308',
      errorMsg: 'over ratelimit',
      requestId: 'a'.repeat(32),
      retryAfterSeconds: 3,
    });
    expect(refused.extra).toEqual({
      retryAfterSeconds: 3,
      upstream: { status: 429, errorCode: 'APIGW.0308', errorMsg: 'over ratelimit', requestId: 'a'.repeat(32) },
    });
  });
});
