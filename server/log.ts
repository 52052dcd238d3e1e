import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { createMiddleware } from 'hono/factory';

/** Where log lines go: stdout in production, a capture in tests. */
export type LogSink = (line: string) => void;
export const stdoutSink: LogSink = (line) => process.stdout.write(`${line}\n`);

export const writeLog = (sink: LogSink, fields: Record<string, unknown>) =>
  sink(JSON.stringify({ time: new Date().toISOString(), ...fields }));

interface RequestScope {
  requestId: string;
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

export type RequestLogVariables = { requestId: string };

/**
 * One JSON line per request: method, route pattern (never the query string, never bodies),
 * status, duration, upstream calls and the request id it also answers in `X-Request-Id`.
 */
export const requestLog = (sink: LogSink) =>
  createMiddleware<{ Variables: RequestLogVariables }>(async (c, next) => {
    const started = performance.now();
    const s: RequestScope = { requestId: randomBytes(16).toString('hex'), upstreamCalls: 0 };
    c.set('requestId', s.requestId);
    await scope.run(s, next);
    c.header('X-Request-Id', s.requestId);
    writeLog(sink, {
      level: c.res.status >= 500 ? 'error' : 'info',
      msg: 'request',
      method: c.req.method,
      route: c.req.routePath,
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      upstreamCalls: s.upstreamCalls,
      requestId: s.requestId,
    });
  });
