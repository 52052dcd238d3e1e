import type { MiddlewareHandler } from 'hono';
import {
  type Credentials,
  canonicalRequest,
  formatSdkDate,
  parseAuthorization,
  parseSdkDate,
  signature,
  signaturesEqual,
  stringToSign,
} from '../dms/signer.ts';

export const MAX_CLOCK_SKEW_MS = 15 * 60_000;

const gatewayError = (status: 401 | 403, code: string, msg: string, requestId: string) =>
  new Response(JSON.stringify({ error_msg: msg, error_code: code, request_id: requestId }), {
    status,
    headers: { 'content-type': 'application/json', 'x-request-id': requestId },
  });

const authFailure = (msg: string, requestId: string) =>
  gatewayError(401, 'APIGW.0301', `Incorrect IAM authentication information: ${msg}`, requestId);

/**
 * The API gateway's AK/SK check: rebuilds the canonical request from the request as received,
 * with the signed-header list the request names, and compares signatures in constant time.
 */
export const gatewayAuth = (options: {
  credentials: () => Credentials[];
  now: () => number;
}): MiddlewareHandler<{ Variables: { requestId: string } }> => {
  return async (c, next) => {
    const requestId = c.get('requestId');
    const auth = parseAuthorization(c.req.header('authorization'));
    if (!auth) return authFailure('verify aksk signature fail, Authorization header missing or malformed', requestId);
    const credential = options.credentials().find((cred) => cred.ak === auth.ak);
    if (!credential) return authFailure(`Get secretKey failed,ak:******,err:ak not exist`, requestId);
    if (!auth.signedHeaders.includes('x-sdk-date')) {
      return authFailure('verify aksk signature fail, x-sdk-date is not a signed header', requestId);
    }
    const sdkDate = c.req.header('x-sdk-date') ?? '';
    const signedAt = parseSdkDate(sdkDate);
    const now = options.now();
    if (!signedAt) return authFailure('calc aksk signature fail:invalid x-sdk-date', requestId);
    if (Math.abs(now - signedAt.getTime()) > MAX_CLOCK_SKEW_MS) {
      return authFailure(
        `calc aksk signature fail:signature expired, signature time:${sdkDate},server time:${formatSdkDate(new Date(now))}`,
        requestId,
      );
    }
    if (credential.securityToken && c.req.header('x-security-token') !== credential.securityToken) {
      return authFailure('verify aksk signature fail, security token invalid', requestId);
    }
    const headers = new Map<string, string>();
    for (const name of auth.signedHeaders) headers.set(name, c.req.header(name) ?? '');
    const sha = c.req.header('x-sdk-content-sha256');
    if (sha !== undefined) headers.set('x-sdk-content-sha256', sha);
    const body = new Uint8Array(await c.req.arrayBuffer());
    const canonical = canonicalRequest({
      method: c.req.method,
      url: new URL(c.req.url),
      headers,
      signedHeaders: auth.signedHeaders,
      body,
    });
    const expected = signature(credential.sk, stringToSign(sdkDate, canonical));
    if (!signaturesEqual(expected, auth.signature)) {
      return authFailure(`verify aksk signature fail, canonicalRequest:${canonical.replaceAll('\n', '|')}`, requestId);
    }
    await next();
  };
};
