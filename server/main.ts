import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError, parseConfig, type Config } from './config.ts';
import { stdoutSink, writeLog } from './log.ts';
import { startConsole } from './start.ts';

// Built (dist/server/main.js) the SPA is beside it in dist/; from source (server/main.ts), in ../dist.
const staticRoot = fileURLToPath(new URL(import.meta.url.endsWith('.js') ? '..' : '../dist', import.meta.url));

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
if (!existsSync(staticRoot)) console.warn('No built SPA in dist/: run `npm run build` (the API works without it).');
const running = await startConsole(config, { staticRoot: existsSync(staticRoot) ? staticRoot : undefined });
console.log(`DMS Task Console listening on ${running.url} (${config.mode} mode)`);
if (running.simulator) console.log(`Embedded DMS simulator at ${running.simulator.url}`);

let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) return;
  stopping = true;
  writeLog(stdoutSink, { level: 'info', msg: 'shutting down', signal });
  // A request that never ends must not keep the process alive forever.
  setTimeout(() => process.exit(1), 15_000).unref();
  void running.close().then(() => process.exit(0));
};
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
