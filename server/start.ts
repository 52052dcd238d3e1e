import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { getRequestListener, RequestError } from '@hono/node-server';
import { Hono } from 'hono';
import type { ApiError } from '../shared/api-error.ts';
import { createApp } from './app.ts';
import { diagnose } from './diagnostics.ts';
import { type CallBudget, createCallBudget } from './budget.ts';
import type { Config } from './config.ts';
import { createDmsClient, type DmsCallInfo } from './dms/client.ts';
import { createPagingMemory, type PagingMemory } from './dms/paging.ts';
import { createInstanceDirectory, type Upstream } from './instances.ts';
import { countUpstreamCall, type LogSink, requestIds, requestLog, stdoutSink, ThrownValue, writeLog } from './log.ts';
import { onError } from './errors.ts';
import { securityHeaders } from './security.ts';
import { createWindowStore, type OutOfRangeReport } from './tasks/window.ts';
import { createFleetReader } from './tasks/fleet.ts';
import { credentialName } from './labels.ts';
import { createMetrics } from './metrics.ts';
import { connectCluster } from './cluster.ts';

export interface StartOptions {
  staticRoot?: string | undefined;
  log?: LogSink;
  /** Sees every upstream attempt (tests count calls with it). */
  onUpstreamCall?: (info: { operation: string; status: number; attempt: number }) => void;
  /** How long a stale window is kept as the base of a refresh (the store's default, 10 min); benchmarks shorten it. */
  windowRetainMs?: number | undefined;
}

/** Builds the console for a config (live, or simulator mode with the embedded simulator) and listens. */
export const startConsole = async (config: Config, options: StartOptions = {}) => {
  const log = options.log ?? stdoutSink;
  // loaded only in simulator mode: a live console carries none of the simulator's code or seed
  const simulator =
    config.mode === 'simulator'
      ? await (await import('./simulator/server.ts')).startSimulator({ fleet: config.simulatorFleet })
      : undefined;
  // With REDIS_URL, replicas share the budget and the windows (docs/decisions/0011).
  const cluster = config.redis
    ? connectCluster({
        url: config.redis.url,
        maxWindowBytes: config.windowCacheMaxBytes,
        onState: (state) =>
          writeLog(log, {
            level: state === 'redis' ? 'info' : 'warn',
            msg:
              state === 'redis'
                ? 'shared state: Redis reached; the budget and windows are shared'
                : `shared state: Redis is away; this replica spends its own share of the budget (1/${config.redis!.replicas})`,
            sharedState: state,
          }),
        onWindow: (how) => metrics.sharedWindow(how),
      })
    : undefined;
  const sharedState = () => cluster?.state() ?? 'memory';
  // One budget per credential: the gateway throttles per user, whatever the project or region.
  // Keyed (and labelled in the metrics) by a hash of the access key, never the key itself.
  const buckets = new Map<string, CallBudget>();
  const bucketFor = (ak: string) => {
    const credential = credentialName(ak);
    let b = buckets.get(credential);
    if (!b)
      buckets.set(
        credential,
        (b = createCallBudget({
          ratePerMinute: config.upstreamRatePerMinute,
          maxWaitMs: config.upstreamMaxWaitMs,
          onWait: () => metrics.budgetWait(credential),
          onRefusal: () => metrics.budgetRefusal(credential),
          shared: cluster && { redis: cluster.redis, key: credential, replicas: config.redis!.replicas },
        })),
      );
    return b;
  };
  const metrics = createMetrics({
    budgets: () => [...buckets].map(([credential, budget]) => ({ credential, budget })),
    cacheSize: () => windows.size,
    sharedState,
  });
  // What an endpoint's paging convention is, learned once for every project that uses it.
  const pagingByEndpoint = new Map<string, PagingMemory>();
  const pagingFor = (endpoint: string) => {
    let p = pagingByEndpoint.get(endpoint);
    if (!p) pagingByEndpoint.set(endpoint, (p = createPagingMemory(config.upstreamPaging)));
    return p;
  };
  const clientHooks = (bucket: CallBudget, endpoint: string) => ({
    paging: pagingFor(endpoint),
    maxBodyBytes: config.upstreamMaxBodyBytes,
    limiter: bucket,
    onCall: (info: DmsCallInfo) => {
      countUpstreamCall();
      metrics.upstreamCall(info);
      options.onUpstreamCall?.(info);
    },
  });
  const upstreams: Upstream[] = simulator
    ? simulator.targets.map((t) => ({
        projectId: t.projectId,
        region: t.region,
        engines: config.engines,
        budget: bucketFor(simulator.ak),
        client: createDmsClient({
          endpoint: t.url,
          projectId: t.projectId,
          credentials: { ak: simulator.ak, sk: simulator.sk },
          timeoutMs: config.upstreamTimeoutMs,
          maxAttempts: config.upstreamMaxAttempts,
          ...clientHooks(bucketFor(simulator.ak), t.url),
        }),
      }))
    : config.targets.map((t) => ({
        projectId: t.projectId,
        region: t.region,
        engines: config.engines,
        budget: bucketFor(config.credentials!.ak),
        client: createDmsClient({
          ...t,
          credentials: config.credentials!,
          timeoutMs: config.upstreamTimeoutMs,
          maxAttempts: config.upstreamMaxAttempts,
          ...clientHooks(bucketFor(config.credentials!.ak), t.endpoint),
        }),
      }));

  // What the window fetches saw of each target's time filter, for the doctor (docs/UPSTREAM.md, "Time filters").
  const outOfRange = new Map<
    string,
    { report: OutOfRangeReport; at: string; count: number; loggedAt: number; loggedCount: number }
  >();
  const windows = createWindowStore({
    ttlMs: config.windowCacheTtlMs,
    maxTasks: config.windowMaxTasks,
    retainMs: options.windowRetainMs,
    maxBytes: config.windowCacheMaxBytes,
    zoneOffsetMin: config.upstreamZoneOffsetMin,
    reconcileMs: config.windowReconcileMs,
    onOutOfRange: (report) => {
      const key = `${report.endpoint}|${report.projectId}`;
      const now = Date.now();
      const seen = outOfRange.get(key) ?? { count: 0, loggedAt: -Infinity, loggedCount: 0 };
      const entry = { ...seen, report, at: new Date(now).toISOString(), count: seen.count + 1 };
      outOfRange.set(key, entry);
      // a watched window refreshes every few seconds: a line a minute a target says it, with the count
      if (now - seen.loggedAt < 60_000) return;
      outOfRange.set(key, { ...entry, loggedAt: now, loggedCount: entry.count });
      writeLog(log, {
        level: 'warn',
        msg: 'DMS listed tasks outside the asked time range; they are left out of the window',
        ...report,
        listings: entry.count - seen.loggedCount,
        advice:
          report.offsetMin === null
            ? 'DMS answered a wider range than asked: compare a window with the Huawei Cloud console and report it'
            : `begin_time/end_time seem read at UTC${report.offsetMin >= 0 ? '+' : ''}${report.offsetMin / 60} h: set DMS_TIME_ZONE_OFFSET_MIN=${report.offsetMin} if the doctor agrees`,
      });
    },
    onLookup: (hit) => metrics.windowLookup(hit),
    onServe: (lagMs) => metrics.windowServed(lagMs),
    shared: cluster?.sharedWindow,
  });
  const rollingStepMs = Math.max(1_000, config.windowCacheTtlMs);
  // the fleet view reads through the same windows, paced by the same budget
  const fleet = createFleetReader({
    windows,
    rollingStepMs,
    liveMs: Math.max(rollingStepMs, 5_000),
    ratePerMinute: config.upstreamRatePerMinute,
  });
  const app = createApp({
    mode: config.mode,
    directory: createInstanceDirectory(upstreams),
    windows,
    fleet,
    rollingStepMs,
    staticRoot: options.staticRoot,
    access: config.access,
    allowedHosts: [...config.allowedHosts, ...(config.host.includes(':') ? [`[${config.host}]`] : [config.host])],
    log,
    metrics,
    metricsRoute: config.metrics.port === undefined,
    sharedState,
    diagnostics: () => {
      const credentials = simulator ? { ak: simulator.ak, sk: simulator.sk } : config.credentials!;
      return diagnose(
        upstreams.map((u) => ({ projectId: u.projectId, region: u.region, endpoint: u.client.endpoint })),
        config.mode,
        {
          credentials,
          timeoutMs: config.upstreamTimeoutMs,
          limiter: bucketFor(credentials.ak),
          zoneOffsetMin: config.upstreamZoneOffsetMin,
          outOfRange: (t) => outOfRange.get(`${t.endpoint}|${t.projectId}`),
        },
      );
    },
  });

  // Node's adapter answers a request target that is not a URL (a backslash in the path) with a
  // bare 400 before the app runs; answer it with the error body and headers every answer has.
  // Anything else that escapes the app is answered 500 here and logged with its stack.
  const refusal = new Hono<{ Bindings: { error: unknown } }>()
    .use(requestIds(), requestLog(log), securityHeaders())
    .get('/bad-target', (c) =>
      c.json<ApiError>({ error: { code: 'BAD_REQUEST', message: 'The request path is not a valid URL' } }, 400),
    )
    .all('*', (c) => {
      throw c.env.error instanceof Error ? c.env.error : new ThrownValue(String(c.env.error), { cause: c.env.error });
    })
    .onError(onError);
  const listener = getRequestListener(app.fetch, {
    hostname: config.host,
    errorHandler: (error) =>
      error instanceof RequestError ? refusal.request('/bad-target') : refusal.request('/failed', {}, { error }),
  });
  const server = await new Promise<Server>((resolve) => {
    const s = createServer(listener).listen(config.port, config.host, () => resolve(s));
  });
  // Sockets that carry a request the app has been handed; every other socket is idle or still
  // sending its request, and is closed at shutdown (closeIdleConnections spares the latter, so
  // a few slowloris sockets would hold the exit until the forced one).
  const sockets = new Set<Socket>();
  const answering = new Map<Socket, number>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      answering.delete(socket);
    });
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const socket = req.socket;
    answering.set(socket, (answering.get(socket) ?? 0) + 1);
    res.once('close', () => {
      const left = (answering.get(socket) ?? 1) - 1;
      if (left > 0) answering.set(socket, left);
      else answering.delete(socket);
    });
  });
  const closeUnanswering = () => {
    for (const socket of sockets) if (!answering.has(socket)) socket.destroySoon();
  };
  const { port } = server.address() as AddressInfo;
  // Prometheus scrapes its own port, which answers /metrics and nothing else, with no access control.
  const metricsServer =
    config.metrics.port === undefined
      ? undefined
      : await new Promise<Server>((resolve) => {
          const s = createServer((req, res) => {
            if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
              res.writeHead(404, { 'content-type': 'text/plain' }).end('Only GET /metrics is served here\n');
              return;
            }
            metrics.scrape().then(
              ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(body),
              () => res.writeHead(500, { 'content-type': 'text/plain' }).end('Metrics could not be collected\n'),
            );
          }).listen(config.metrics.port, config.metrics.host, () => resolve(s));
        });
  const metricsPort = metricsServer ? (metricsServer.address() as AddressInfo).port : undefined;
  const shownHost = config.host.includes(':') ? `[${config.host}]` : config.host;

  let closing: Promise<void> | undefined;
  /** Stops accepting, lets requests in flight finish, then stops the simulator. */
  const close = () =>
    (closing ??= new Promise<void>((resolve) => {
      // A socket whose answer is sent goes at once; one that starts a request after the signal
      // is not answered (a new connection would be refused the same way).
      const http = server;
      const sweep = setInterval(closeUnanswering, 50);
      http.close(() => {
        clearInterval(sweep);
        resolve();
      });
      closeUnanswering();
    })
      .then(
        () =>
          new Promise<void>((resolve) => {
            if (!metricsServer) return resolve();
            metricsServer.close(() => resolve());
            metricsServer.closeAllConnections();
          }),
      )
      .then(() => fleet.close())
      .then(() => windows.close())
      .then(() => cluster?.close())
      .then(() => simulator?.close()));

  writeLog(log, {
    level: 'info',
    msg: 'listening',
    url: `http://${shownHost}:${port}`,
    mode: config.mode,
    accessControl: config.access.token || config.access.basic ? 'on' : 'off',
    ...(simulator ? { simulator: simulator.url } : {}),
    ...(metricsPort !== undefined ? { metricsPort } : {}),
  });
  return { url: `http://${shownHost}:${port}`, port, metricsPort, app, windows, fleet, simulator, metrics, close };
};
