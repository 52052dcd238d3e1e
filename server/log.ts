import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { requestId, type RequestIdVariables } from 'hono/request-id';
import { routePath } from 'hono/route';

/** Where log lines go: stdout in production, a capture in tests. */
export type LogSink = (line: string) => void;

/** Lines held before a write whatever the turn; a burst of large error lines stays bounded. */
const BATCH_MAX_CHARS = 64 * 1024;

/**
 * A sink that writes the lines of one event-loop turn together: under load a turn answers dozens
 * of requests, and a write each (synchronous for a file or pipe) was a tenth of a warm answer's
 * cost (docs/BENCHMARKS.md, api-warm). The batch goes out after the turn (setImmediate), at once
 * past BATCH_MAX_CHARS, and at exit, which Node reaches after `process.exit()`, an uncaught
 * exception or an unhandled rejection too; only a kill (SIGKILL, the OOM killer) loses the
 * current turn's lines.
 */
export const batchedSink = (write: (chunk: string) => void): LogSink => {
  let batch = '';
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (!batch) return;
    const chunk = batch;
    batch = '';
    write(chunk);
  };
  process.on('exit', flush);
  return (line) => {
    batch += `${line}\n`;
    if (batch.length >= BATCH_MAX_CHARS) flush();
    else if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
};

export const stdoutSink: LogSink = batchedSink((chunk) => process.stdout.write(chunk));

/** hono/request-id with this console's id shape (32 hex, as DMS's own request ids). */
export const requestIds = () => requestId({ generator: () => randomUUID().replaceAll('-', '') });

export const writeLog = (sink: LogSink, fields: Record<string, unknown>) =>
  sink(JSON.stringify({ time: new Date().toISOString(), ...fields }));

interface RequestScope {
  upstreamCalls: number;
}
const scope = new AsyncLocalStorage<RequestScope>();

/**
 * The client's `onCall` hook: counts upstream attempts against the request that caused them
 * (a shared window fetch counts against the request that started it).
 */
export const countUpstreamCall = () => {
  const s = scope.getStore();
  if (s) s.upstreamCalls += 1;
};

/** HTTP's unofficial "client closed request" (nginx): the client left before its answer. */
export const CLIENT_CLOSED_REQUEST = 499;

/** What a log line says of an error: never a request body or query, which may hold user data. */
const describeError = (err: Error, status: number) => ({
  name: err.name,
  message: err.message,
  // a stack only where it helps: a fault of this server, not an answered 4xx or upstream error
  ...(status >= 500 && status !== 502 && status !== 503 && status !== 504 ? { stack: err.stack } : {}),
});

/**
 * One JSON line per request: method, route pattern (never the query string, never bodies),
 * status, duration, upstream calls, the error that shaped the answer if one did, and the request
 * id (hono/request-id: it also answers it in `X-Request-Id`, and keeps a proxy's id when sent).
 * Mount after `requestIds()`.
 */
export const requestLog = (sink: LogSink) =>
  createMiddleware<{ Variables: RequestIdVariables }>(async (c, next) => {
    const started = performance.now();
    const s: RequestScope = { upstreamCalls: 0 };
    await scope.run(s, next);
    const status = c.res.status;
    const error = c.error;
    writeLog(sink, {
      level:
        status >= 500 ? 'error' : status === CLIENT_CLOSED_REQUEST ? 'info' : error || status >= 400 ? 'warn' : 'info',
      msg: 'request',
      method: c.req.method,
      route: routePath(c),
      status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      upstreamCalls: s.upstreamCalls,
      requestId: c.get('requestId'),
      ...(error ? { error: describeError(error, status) } : {}),
    });
  });

/** Thrown in place of a non-Error value, so Hono's onError sees it (compose skips non-Errors). */
export class ThrownValue extends Error {
  override readonly name = 'ThrownValue';
}

/**
 * Node's adapter aborts a request whose client went away with a string reason, and an upstream
 * call rejects with that string; Hono hands only Errors to onError, so without this the string
 * escapes the app and the adapter answers a bare 500 at `/*`. Mount right after requestLog.
 */
export const errorsOnly = () =>
  createMiddleware(async (_c: Context, next) => {
    try {
      await next();
    } catch (thrown) {
      if (thrown instanceof Error) throw thrown;
      throw new ThrownValue(typeof thrown === 'string' ? thrown : 'A non-Error value was thrown', { cause: thrown });
    }
  });
