import { ConfigError, parseConfig } from './config.ts';
import { diagnose, formatDiagnostics } from './diagnostics.ts';

/**
 * `npm run doctor`: checks every configured target (reachable, credentials, clock, instances,
 * paging, time filter, throttling) and says what to do. Exit 0 when usable, 1 when not, 2 on a
 * configuration error. With no credentials it checks the embedded simulator.
 */
let config;
try {
  config = parseConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`Configuration error: ${error.message}`);
  process.exit(2);
}
let simulator: Awaited<ReturnType<typeof import('./simulator/server.ts').startSimulator>> | undefined;
if (config.mode === 'simulator') {
  console.log('No credentials are configured: checking the embedded simulator the console would use.');
  simulator = await (await import('./simulator/server.ts')).startSimulator();
}
const targets = simulator
  ? [{ projectId: simulator.projectId, region: 'simulator', endpoint: simulator.url }]
  : config.targets;
const credentials = simulator ? { ak: simulator.ak, sk: simulator.sk } : config.credentials!;
const report = await diagnose(targets, config.mode, { credentials, timeoutMs: config.upstreamTimeoutMs });
await simulator?.close();
console.log(formatDiagnostics(report));
process.exit(report.usable ? 0 : 1);
