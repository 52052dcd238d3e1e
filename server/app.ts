import { Hono } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';
import type { ApiError, Health } from '../shared/api-error.ts';
import { onError } from './errors.ts';
import type { InstanceDirectory } from './instances.ts';
import { healthRoutes } from './routes/health.ts';
import { instanceRoutes } from './routes/instances.ts';

export interface AppOptions {
  mode: Health['mode'];
  directory: InstanceDirectory;
  /** Folder of the built SPA; omitted in tests and in `npm run dev` (Vite serves it). */
  staticRoot?: string;
}

export const createApp = ({ mode, directory, staticRoot }: AppOptions) => {
  const api = new Hono().route('/health', healthRoutes(mode)).route('/instances', instanceRoutes(directory));

  const app = new Hono().route('/api', api);
  app.all('/api/*', (c) =>
    c.json<ApiError>({ error: { code: 'NOT_FOUND', message: `No API route ${c.req.path}` } }, 404),
  );
  if (staticRoot) {
    app.use('/assets/*', serveStatic({ root: staticRoot }));
    app.use('/favicon.svg', serveStatic({ root: staticRoot }));
    // Every other path is a view of the SPA (deep links included).
    app.get('*', serveStatic({ root: staticRoot, path: 'index.html' }));
  }
  app.onError(onError);
  return app;
};

export type AppType = ReturnType<typeof createApp>;
