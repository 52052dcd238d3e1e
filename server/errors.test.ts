import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { apiErrorSchema } from '../shared/api-error.ts';
import { API_ERROR_CODES } from '../shared/error-codes.ts';
import { DomainError } from './domain-error.ts';
import { HTTP_STATUS, onError } from './errors.ts';

const answer = async (thrown: Error) => {
  const app = new Hono().get('/', () => {
    throw thrown;
  });
  app.onError(onError);
  const res = await app.request('/');
  return {
    status: res.status,
    body: apiErrorSchema.parse(await res.json()),
    retryAfter: res.headers.get('retry-after'),
  };
};

describe('onError', () => {
  it.each(API_ERROR_CODES)('answers a %s domain error with its status and code', async (code) => {
    const { status, body } = await answer(new DomainError(code, 'why'));
    expect(status).toBe(HTTP_STATUS[code]);
    expect(body.error).toEqual({ code, message: 'why' });
  });

  it('sends Retry-After and the upstream answer when the error has them', async () => {
    const upstream = { status: 429, errorCode: 'APIGW.0308', errorMsg: null, requestId: null };
    const { body, retryAfter } = await answer(
      new DomainError('UPSTREAM_THROTTLED', 'slow down', { retryAfterSeconds: 2.2, upstream }),
    );
    expect(retryAfter).toBe('3');
    expect(body.error.upstream).toEqual(upstream);
  });

  it.each([
    [400, 'BAD_REQUEST'],
    [401, 'UNAUTHORIZED'],
    [404, 'NOT_FOUND'],
    [413, 'PAYLOAD_TOO_LARGE'],
    [429, 'TOO_MANY_LOGINS'],
    [405, 'BAD_REQUEST'],
    [503, 'INTERNAL'],
  ] as const)('gives an HTTPException %i its own code, %s, and keeps its status', async (status, code) => {
    const res = await answer(new HTTPException(status, { message: 'm' }));
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
  });
});
