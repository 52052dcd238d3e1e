import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** SDK-HMAC-SHA256, the AK/SK signature of Huawei Cloud's API gateway (see docs/UPSTREAM.md). */
export const ALGORITHM = 'SDK-HMAC-SHA256';
export const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export interface Credentials {
  ak: string;
  sk: string;
  /** Temporary credentials carry a security token, sent and signed as X-Security-Token. */
  securityToken?: string | undefined;
}

export interface SignableRequest {
  method: string;
  url: URL;
  /** Sent and signed as X-Project-Id unless the headers already carry one. */
  projectId?: string | undefined;
  /** Header names in any case; values are signed as given. */
  headers: Record<string, string>;
  body?: string | Uint8Array | undefined;
}

const UNRESERVED = /[A-Za-z0-9\-_.~]/;
const ALL_UNRESERVED = /^[A-Za-z0-9\-_.~]*$/;

/** RFC 3986 encoding as the signers do it: unreserved kept, every other UTF-8 byte as upper-case %XX. */
export const percentEncode = (value: string): string => {
  // ids, paths and every query value the client sends: nothing to encode (signed on every call)
  if (ALL_UNRESERVED.test(value)) return value;
  let out = '';
  for (const char of value) {
    if (UNRESERVED.test(char)) {
      out += char;
      continue;
    }
    for (const byte of Buffer.from(char, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
};

/**
 * Each segment of the path as it stands in the URL (already percent-encoded), encoded again; a
 * trailing slash added. This is what the official Node signer does (url.parse's pathname, then
 * urlEncode per segment), so `%20` in a path is signed as `%2520`. Both sides of this project sign
 * the URL's own pathname, so they agree; the client only ever sends unreserved characters in a path
 * (ids go through percentEncode), where every signer agrees anyway.
 */
export const canonicalUri = (pathname: string): string => {
  const path = pathname.split('/').map(percentEncode).join('/');
  return path.endsWith('/') ? path : `${path}/`;
};

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Sorted by the decoded name, then by the decoded value for repeated names (JavaScript's code-unit
 * order, as the official Node signer's `keys.sort()` / `values.sort()`), then `enc(k)=enc(v)`
 * joined with `&`. Sorting before encoding matters: `a~` sorts before `aé` raw, after it encoded.
 */
export const canonicalQuery = (params: URLSearchParams): string =>
  [...params]
    .sort(([ka, va], [kb, vb]) => byCodeUnits(ka, kb) || byCodeUnits(va, vb))
    .map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`)
    .join('&');

const lowerCaseHeaders = (headers: Record<string, string>): Map<string, string> =>
  new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));

export const sha256Hex = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

export const payloadHash = (headers: Map<string, string>, body: string | Uint8Array | undefined): string =>
  headers.get('x-sdk-content-sha256') ??
  (body === undefined || body.length === 0 ? EMPTY_BODY_SHA256 : sha256Hex(body));

export interface CanonicalParts {
  method: string;
  url: URL;
  headers: Map<string, string>;
  signedHeaders: readonly string[];
  body?: string | Uint8Array | undefined;
}

export const canonicalRequest = ({ method, url, headers, signedHeaders, body }: CanonicalParts): string => {
  const canonicalHeaders = signedHeaders.map((name) => `${name}:${(headers.get(name) ?? '').trim()}\n`).join('');
  return [
    method.toUpperCase(),
    canonicalUri(url.pathname),
    canonicalQuery(url.searchParams),
    canonicalHeaders,
    signedHeaders.join(';'),
    payloadHash(headers, body),
  ].join('\n');
};

export const stringToSign = (sdkDate: string, canonical: string): string =>
  [ALGORITHM, sdkDate, sha256Hex(canonical)].join('\n');

export const signature = (sk: string, toSign: string): string => createHmac('sha256', sk).update(toSign).digest('hex');

/** `20240102T030405Z` from a Date. */
export const formatSdkDate = (date: Date): string =>
  date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/** The Date an X-Sdk-Date names, or undefined when it is not one. */
export const parseSdkDate = (value: string): Date | undefined => {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return date.getUTCDate() === d && date.getUTCHours() === h ? date : undefined;
};

/**
 * Signs a request the way the official Node SDK does: X-Sdk-Date, Host, X-Project-Id and
 * X-Security-Token are added, and every header present is signed. Returns the headers to send,
 * Authorization included. Header values are trimmed as the Go signer and the wire do (the Node
 * signer does not trim, but HTTP cannot carry edge whitespace anyway); Host is the URL's host as
 * fetch sends it (a default port is dropped, where the Node signer would keep an explicit `:443`).
 * The payload hash covers the exact body bytes; the Node signer hashes JSON.stringify(data), which
 * is the same bytes for the JSON object bodies it sends.
 */
export const signRequest = (
  request: SignableRequest,
  credentials: Credentials,
  now: Date = new Date(),
): Record<string, string> => {
  const sent: Record<string, string> = { ...request.headers };
  const given = lowerCaseHeaders(sent);
  if (!given.has('x-sdk-date')) sent['X-Sdk-Date'] = formatSdkDate(now);
  if (request.projectId && !given.has('x-project-id')) sent['X-Project-Id'] = request.projectId;
  if (credentials.securityToken && !given.has('x-security-token')) sent['X-Security-Token'] = credentials.securityToken;
  if (!given.has('host')) sent.host = request.url.host;
  const headers = lowerCaseHeaders(sent);
  const signedHeaders = [...headers.keys()].sort();
  const canonical = canonicalRequest({
    method: request.method,
    url: request.url,
    headers,
    signedHeaders,
    body: request.body,
  });
  const sig = signature(credentials.sk, stringToSign(headers.get('x-sdk-date')!, canonical));
  sent.Authorization = `${ALGORITHM} Access=${credentials.ak}, SignedHeaders=${signedHeaders.join(';')}, Signature=${sig}`;
  return sent;
};

export interface ParsedAuthorization {
  ak: string;
  signedHeaders: string[];
  signature: string;
}

/** Parses `SDK-HMAC-SHA256 Access=…, SignedHeaders=a;b, Signature=…`; undefined when malformed. */
export const parseAuthorization = (header: string | undefined): ParsedAuthorization | undefined => {
  const m = /^SDK-HMAC-SHA256\s+Access=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(
    header?.trim() ?? '',
  );
  if (!m) return undefined;
  return { ak: m[1]!, signedHeaders: m[2]!.split(';'), signature: m[3]! };
};

/** Constant-time comparison of two hex signatures. */
export const signaturesEqual = (a: string, b: string): boolean => {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length === bb.length && timingSafeEqual(ba, bb);
};
