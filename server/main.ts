import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { ConfigError, parseConfig, type Config } from './config.ts';
import { createDmsClient } from './dms/client.ts';
import { createInstanceDirectory, type Upstream } from './instances.ts';
import { startSimulator } from './simulator/server.ts';

const staticRoot = fileURLToPath(new URL('../dist', import.meta.url));

const loadConfig = (): Config => {
  try {
    return parseConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Configuration error: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
};

const config = loadConfig();
const simulator = config.mode === 'simulator' ? await startSimulator() : undefined;
const upstreams: Upstream[] = simulator
  ? [
      {
        projectId: simulator.projectId,
        region: 'simulator',
        client: createDmsClient({
          endpoint: simulator.url,
          projectId: simulator.projectId,
          credentials: { ak: simulator.ak, sk: simulator.sk },
          timeoutMs: config.upstreamTimeoutMs,
        }),
      },
    ]
  : config.targets.map((t) => ({
      projectId: t.projectId,
      region: t.region,
      client: createDmsClient({ ...t, credentials: config.credentials!, timeoutMs: config.upstreamTimeoutMs }),
    }));

if (!existsSync(staticRoot)) console.warn('No built SPA in dist/: run `npm run build` (the API works without it).');
const app = createApp({ mode: config.mode, directory: createInstanceDirectory(upstreams), staticRoot });

const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, (info) => {
  console.log(`DMS Task Console listening on http://${config.host}:${info.port} (${config.mode} mode)`);
  if (simulator) console.log(`Embedded DMS simulator at ${simulator.url}`);
});

const shutdown = () => {
  server.close(() => {
    void simulator?.close().finally(() => process.exit(0));
    if (!simulator) process.exit(0);
  });
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
