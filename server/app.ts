import { Hono } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';
import type { ApiError, Health } from '../shared/api-error.ts';
import { onError } from './errors.ts';
import type { InstanceDirectory } from './instances.ts';
import { errorsOnly, type LogSink, requestIds, requestLog, stdoutSink } from './log.ts';
import type { Diagnostics } from '../shared/diagnostics.ts';
import { diagnosticsRoutes } from './routes/diagnostics.ts';
import type { Metrics } from './metrics.ts';
import { healthRoutes } from './routes/health.ts';
import { insightsRoutes } from './routes/insights.ts';
import { fleetRoutes } from './routes/fleet.ts';
import { instanceRoutes } from './routes/instances.ts';
import { createFleetReader, type FleetReader } from './tasks/fleet.ts';
import { readyRoutes, type SharedState } from './routes/ready.ts';
import { accessControl, hostGuard, immutableAssets, noCache, securityHeaders } from './security.ts';
import type { WindowStore } from './tasks/window.ts';

export interface AppOptions {
  mode: Health['mode'];
  directory: InstanceDirectory;
  windows: WindowStore;
  /** The fleet view's reads over the same windows; absent, one with the default budget (100 a minute). */
  fleet?: FleetReader;
  /** Rolling ranges share a window (and its cache entry) for this long; defaults to 5 s. */
  rollingStepMs?: number;
  /** Folder of the built SPA; omitted in tests and in `npm run dev` (Vite serves it). */
  staticRoot?: string;
  access?: { token?: string | undefined; basic?: { user: string; pass: string } | undefined };
  /** Host header values served besides the loopback names. */
  allowedHosts?: readonly string[];
  log?: LogSink;
  /** Runs the doctor over every target (`GET /api/diagnostics`); absent: the route answers 404. */
  diagnostics?: () => Promise<Diagnostics>;
  /** Where the replicas' shared state is, for /api/ready; absent: one replica, in memory. */
  sharedState?: () => SharedState;
  /** Times every request; `/metrics` is served here (behind access control) unless `metricsRoute` is false. */
  metrics?: Pick<Metrics, 'middleware' | 'scrape'>;
  metricsRoute?: boolean;
}

export const createApp = (options: AppOptions) => {
  const { mode, directory, windows, staticRoot } = options;
  const rollingStepMs = options.rollingStepMs ?? 5_000;
  const fleet = options.fleet ?? createFleetReader({ windows, rollingStepMs, liveMs: 5_000, ratePerMinute: 100 });
  const api = new Hono()
    .route('/health', healthRoutes(mode))
    .route('/ready', readyRoutes({ mode, directory, sharedState: options.sharedState }))
    .route('/instances', instanceRoutes({ directory, windows, rollingStepMs: options.rollingStepMs ?? 5_000 }))
    .route('/instances', insightsRoutes({ directory, windows, rollingStepMs: options.rollingStepMs ?? 5_000 }))
    .route('/tasks', fleetRoutes({ directory, fleet }))
    .route('/diagnostics', options.diagnostics ? diagnosticsRoutes(options.diagnostics) : new Hono());

  const app = new Hono();
  app.use(requestIds(), requestLog(options.log ?? stdoutSink), errorsOnly());
  if (options.metrics) app.use(options.metrics.middleware());
  app.use(securityHeaders());
  app.use(hostGuard({ allowed: options.allowedHosts ?? [] }));
  app.use(accessControl(options.access ?? {}));
  const routes = app.route('/api', api);
  if (options.metrics && options.metricsRoute !== false) {
    const { scrape } = options.metrics;
    app.get('/metrics', async (c) => {
      const { contentType, body } = await scrape();
      c.header('Cache-Control', 'no-store');
      return c.body(body, 200, { 'Content-Type': contentType });
    });
  }
  app.all('/api/*', (c) =>
    c.json<ApiError>({ error: { code: 'NOT_FOUND', message: `No API route ${c.req.path}` } }, 404),
  );
  if (staticRoot) {
    // the build keeps a .br and a .gz of each text file (vite.config.ts): the one the browser accepts goes
    const files = serveStatic({ root: staticRoot, precompressed: true });
    app.use('/assets/*', immutableAssets(), files);
    // A missing asset is a 404, never index.html cached for a year under the asset's name.
    app.all('/assets/*', (c) => c.json<ApiError>({ error: { code: 'NOT_FOUND', message: 'No such asset' } }, 404));
    app.use('/favicon.svg', files);
    // Every other path is a view of the SPA (deep links included).
    app.get('*', noCache(), serveStatic({ root: staticRoot, path: 'index.html', precompressed: true }));
  }
  app.notFound((c) => c.json<ApiError>({ error: { code: 'NOT_FOUND', message: 'Not found' } }, 404));
  app.onError(onError);
  return routes;
};

export type AppType = ReturnType<typeof createApp>;
