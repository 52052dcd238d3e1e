import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { basicAuth } from 'hono/basic-auth';
import { bearerAuth } from 'hono/bearer-auth';
import { some } from 'hono/combine';
import { HTTPException } from 'hono/http-exception';
import { timingSafeEqual } from 'hono/utils/buffer';
import { RateLimiterMemory } from 'rate-limiter-flexible';
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

export interface Access {
  token?: string | undefined;
  basic?: { user: string; pass: string } | undefined;
}

/** Failed logins a client may make before it waits; at 10 a minute a 16-char secret is out of reach. */
export const LOGIN_FAILURES_ALLOWED = { failures: 10, perSeconds: 60 };

/** The socket's peer (Node's adapter); one key for in-process requests, which have none. */
const clientOf = (c: Context) =>
  (c.env as { incoming?: unknown } | undefined)?.incoming ? (getConnInfo(c).remote.address ?? 'unknown') : 'local';

const unauthorized = (c: Context) => {
  c.header('WWW-Authenticate', 'Basic realm="DMS Task Console", charset="UTF-8"');
  return c.json<ApiError>(
    { error: { code: 'UNAUTHORIZED', message: 'This console requires a login (CONSOLE_TOKEN or CONSOLE_BASIC_AUTH)' } },
    401,
  );
};

/**
 * Dashboard access control: `Authorization: Bearer <CONSOLE_TOKEN>` (hono/bearer-auth), or Basic
 * (hono/basic-auth) with CONSOLE_BASIC_AUTH's user:password or any user and the token as password,
 * so a browser's own login prompt works with the token too; either one lets a request in
 * (hono/combine's `some`). /api/health and /api/ready stay open for probes. A client whose logins keep failing
 * is answered 429 with Retry-After, right credentials or not, until its failures age out
 * (rate-limiter-flexible, in memory): guessing is capped at LOGIN_FAILURES_ALLOWED. A login that
 * succeeds clears its client's count.
 */
export const accessControl = (access: Access, allowed = LOGIN_FAILURES_ALLOWED) => {
  const { token, basic } = access;
  if (!token && !basic) return createMiddleware((_c, next) => next());
  const failures = new RateLimiterMemory({ points: allowed.failures, duration: allowed.perSeconds });
  const check = some(
    ...(token ? [bearerAuth({ token })] : []),
    basicAuth({
      verifyUser: async (user, pass) => {
        // both comparisons run, so timing does not tell which part was wrong
        const [userOk, passOk, tokenOk] = await Promise.all([
          basic ? timingSafeEqual(basic.user, user) : false,
          basic ? timingSafeEqual(basic.pass, pass) : false,
          token ? timingSafeEqual(token, pass) : false,
        ]);
        return (userOk && passOk) || tokenOk;
      },
    }),
  );
  return createMiddleware(async (c, next) => {
    if (c.req.path === '/api/health' || c.req.path === '/api/ready') return next();
    const client = clientOf(c);
    const record = await failures.get(client);
    if (record && record.consumedPoints >= allowed.failures) {
      c.header('Retry-After', String(Math.max(1, Math.ceil(record.msBeforeNext / 1000))));
      return c.json<ApiError>(
        { error: { code: 'TOO_MANY_LOGINS', message: 'Too many failed logins from this address; wait, then retry' } },
        429,
      );
    }
    let admitted = false;
    try {
      // the check runs on its own, so an error further down is never taken for a failed login
      await check(c, async () => {
        admitted = true;
      });
    } catch (error) {
      if (!(error instanceof HTTPException)) throw error;
    }
    if (!admitted) {
      await failures.penalty(client);
      return unauthorized(c);
    }
    // whoever holds the secret has nothing left to guess: mistypes before it are forgiven
    if (record) await failures.delete(client);
    await next();
  });
};

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
