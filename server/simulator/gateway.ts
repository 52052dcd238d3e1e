import {
  type Credentials,
  canonicalQuery,
  canonicalUri,
  formatSdkDate,
  parseAuthorization,
  parseSdkDate,
  payloadHash,
  sha256Hex,
  signature,
  signaturesEqual,
  stringToSign,
} from '../dms/signer.ts';

export const MAX_CLOCK_SKEW_MS = 15 * 60_000;

const IAM = 'Incorrect IAM authentication information: ';

/** The gateway's messages: the first three as the real gateway words them, the rest INVENTED. */
export const GATEWAY_MESSAGES = {
  // the security token is a credential: masked, so it never travels in an error body
  signatureMismatch: (canonical: string) =>
    `${IAM}verify aksk signature fail, canonicalRequest:${canonical
      .replace(/^x-security-token:.*$/m, 'x-security-token:******')
      .replaceAll('\n', '|')}`,
  expired: (signedAt: string, serverTime: string) =>
    `${IAM}calc aksk signature fail:signature expired, signature time:${signedAt},server time:${serverTime}`,
  unknownAk: `${IAM}Get secretKey failed,ak:******,err:ak not exist`,
  // INVENTED from here on
  noAuthorization: `${IAM}Authorization header is missing or malformed`,
  dateNotSigned: `${IAM}verify aksk signature fail, x-sdk-date is not among the signed headers`,
  badDate: `${IAM}calc aksk signature fail:invalid x-sdk-date`,
  badToken: `${IAM}decrypt token fail`,
  wrongProject: `${IAM}the project id does not match the credentials`,
  unknownApi: 'The API does not exist or has not been published in the environment.',
  throttled: (limit: number) =>
    `The throttling threshold has been reached: policy user over ratelimit,limit:${limit},time:1 minute`,
} as const;

export const gatewayError = (
  status: number,
  code: string,
  msg: string,
  requestId: string,
  headers: Record<string, string> = {},
) =>
  new Response(JSON.stringify({ error_msg: msg, error_code: code, request_id: requestId }), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });

const authFailure = (msg: string, requestId: string) => gatewayError(401, 'APIGW.0301', msg, requestId);

/** What the gateway sees of a request: the target exactly as received, not a re-encoded URL. */
export interface ReceivedRequest {
  method: string;
  /** Path and query as on the request line, e.g. `/v2/p/instances?engine=rabbitmq`. */
  target: string;
  header: (name: string) => string | undefined;
  body: Uint8Array;
}

export interface GatewayOptions {
  credentials: () => readonly Credentials[];
  revokedAks: () => readonly string[];
  /** The projects these credentials may name (a fleet simulator serves several). */
  projectId: string | readonly string[];
  /** The gateway's clock (the real one plus any configured skew). */
  now: () => number;
}

/** The canonical request the gateway rebuilds, with the signed-header list the request names. */
export const gatewayCanonicalRequest = (req: ReceivedRequest, signedHeaders: readonly string[]) => {
  const q = req.target.indexOf('?');
  const path = q === -1 ? req.target : req.target.slice(0, q);
  const query = q === -1 ? '' : req.target.slice(q + 1);
  const headers = new Map<string, string>();
  for (const name of signedHeaders) headers.set(name, req.header(name) ?? '');
  const sha = req.header('x-sdk-content-sha256');
  if (sha !== undefined) headers.set('x-sdk-content-sha256', sha);
  const canonicalHeaders = signedHeaders.map((name) => `${name}:${(headers.get(name) ?? '').trim()}\n`).join('');
  return [
    req.method.toUpperCase(),
    canonicalUri(path),
    canonicalQuery(new URLSearchParams(query)),
    canonicalHeaders,
    signedHeaders.join(';'),
    payloadHash(headers, req.body),
  ].join('\n');
};

/**
 * The API gateway's AK/SK check. Returns the AK on success, or the gateway's 401 answer.
 * Order as the gateway does it: Authorization parsed, AK looked up, date checked, signature
 * compared (in constant time), then the project.
 */
export const authenticate = (
  req: ReceivedRequest,
  options: GatewayOptions,
  requestId: string,
): { ak: string } | { response: Response } => {
  const fail = (msg: string) => ({ response: authFailure(msg, requestId) });
  const auth = parseAuthorization(req.header('authorization'));
  if (!auth) return fail(GATEWAY_MESSAGES.noAuthorization);
  const credential = options.credentials().find((cred) => cred.ak === auth.ak);
  if (!credential || options.revokedAks().includes(auth.ak)) return fail(GATEWAY_MESSAGES.unknownAk);
  if (!auth.signedHeaders.includes('x-sdk-date')) return fail(GATEWAY_MESSAGES.dateNotSigned);
  const sdkDate = req.header('x-sdk-date') ?? '';
  const signedAt = parseSdkDate(sdkDate);
  if (!signedAt) return fail(GATEWAY_MESSAGES.badDate);
  const now = options.now();
  if (Math.abs(now - signedAt.getTime()) > MAX_CLOCK_SKEW_MS) {
    return fail(GATEWAY_MESSAGES.expired(sdkDate, formatSdkDate(new Date(now))));
  }
  if (credential.securityToken !== undefined) {
    const token = req.header('x-security-token');
    if (token === undefined || !auth.signedHeaders.includes('x-security-token')) return fail(GATEWAY_MESSAGES.badToken);
    if (!signaturesEqual(sha256Hex(token), sha256Hex(credential.securityToken))) return fail(GATEWAY_MESSAGES.badToken);
  }
  const canonical = gatewayCanonicalRequest(req, auth.signedHeaders);
  const expected = signature(credential.sk, stringToSign(sdkDate, canonical));
  if (!signaturesEqual(expected, auth.signature)) return fail(GATEWAY_MESSAGES.signatureMismatch(canonical));
  const pathProject = /^\/v2\/([^/?]*)/.exec(req.target)?.[1];
  const projects: readonly string[] = typeof options.projectId === 'string' ? [options.projectId] : options.projectId;
  if (pathProject === undefined || !projects.includes(pathProject) || req.header('x-project-id') !== pathProject) {
    return fail(GATEWAY_MESSAGES.wrongProject);
  }
  return { ak: auth.ak };
};
