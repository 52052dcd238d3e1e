import { createHash, timingSafeEqual } from 'node:crypto';
import { createMiddleware } from 'hono/factory';
import { secureHeaders } from 'hono/secure-headers';
import type { ApiError } from '../shared/api-error.ts';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/** `host[:port]` lowercased, split; undefined when it is not a plausible Host value. */
const splitHost = (value: string): { name: string; port: string | undefined } | undefined => {
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/.exec(value.trim().toLowerCase());
  return m ? { name: m[1]!, port: m[2] } : undefined;
};

/**
 * Answers 421 to a Host the server does not serve, so a page on another origin that rebinds its
 * DNS name to 127.0.0.1 cannot read the API. Loopback names are served on any port: the name is
 * what rebinding cannot fake, and Vite's dev proxy forwards its own port (5173). `allowed`
 * entries without a port match any port.
 */
export const hostGuard = (options: { allowed: readonly string[] }) => {
  const allowed = options.allowed.map(splitHost).filter((h) => h !== undefined);
  const served = (host: string) => {
    const h = splitHost(host);
    if (!h) return false;
    if (LOOPBACK_NAMES.includes(h.name)) return true;
    return allowed.some((a) => a.name === h.name && (a.port === undefined || a.port === h.port));
  };
  return createMiddleware(async (c, next) => {
    const host = c.req.header('host') ?? new URL(c.req.url).host;
    if (!served(host)) {
      return c.json<ApiError>(
        {
          error: {
            code: 'MISDIRECTED_REQUEST',
            message: 'This server does not answer for that Host; add it to ALLOWED_HOSTS if it is yours',
          },
        },
        421,
      );
    }
    await next();
  });
};

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
const sameSecret = (given: string, expected: string) => timingSafeEqual(digest(given), digest(expected));

/**
 * Dashboard access control: `Authorization: Bearer <CONSOLE_TOKEN>`, or Basic with
 * CONSOLE_BASIC_AUTH's user:password (or any user and the token as password, so a browser's
 * own login prompt works with the token too). /api/health stays open for probes.
 */
export const accessControl = (access: {
  token?: string | undefined;
  basic?: { user: string; pass: string } | undefined;
}) =>
  createMiddleware(async (c, next) => {
    if (!access.token && !access.basic) return next();
    if (c.req.path === '/api/health') return next();
    const header = c.req.header('authorization') ?? '';
    const [scheme = '', value = ''] = header.split(' ', 2);
    let ok = false;
    if (scheme.toLowerCase() === 'bearer' && access.token) ok = sameSecret(value, access.token);
    if (scheme.toLowerCase() === 'basic') {
      // Node's base64 decoder skips what it cannot read; it never throws.
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const user = colon < 0 ? '' : decoded.slice(0, colon);
      const pass = colon < 0 ? '' : decoded.slice(colon + 1);
      // Both comparisons run so timing does not tell which part was wrong.
      const basicOk = access.basic ? sameSecret(user, access.basic.user) && sameSecret(pass, access.basic.pass) : false;
      const tokenOk = access.token ? sameSecret(pass, access.token) : false;
      ok = basicOk || tokenOk;
    }
    if (!ok) {
      c.header('WWW-Authenticate', 'Basic realm="DMS Task Console", charset="UTF-8"');
      return c.json<ApiError>(
        {
          error: {
            code: 'UNAUTHORIZED',
            message: 'This console requires a login (CONSOLE_TOKEN or CONSOLE_BASIC_AUTH)',
          },
        },
        401,
      );
    }
    await next();
  });

/** Strict headers on every answer: no inline script, no framing, no referrer, no sniffing. */
export const securityHeaders = () =>
  secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'"],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    xFrameOptions: 'DENY',
    referrerPolicy: 'no-referrer',
    xContentTypeOptions: 'nosniff',
    // Served over plain HTTP on loopback by default; HSTS belongs to a TLS proxy in front.
    strictTransportSecurity: false,
    crossOriginOpenerPolicy: 'same-origin',
    crossOriginResourcePolicy: 'same-origin',
  });

/** Hashed file names under /assets never change content: cache them for a year. */
export const immutableAssets = () =>
  createMiddleware(async (c, next) => {
    await next();
    if (c.res.status === 200) c.header('Cache-Control', 'public, max-age=31536000, immutable');
  });

/** index.html must be revalidated, so a new build is picked up on the next load. */
export const noCache = () =>
  createMiddleware(async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-cache');
  });
