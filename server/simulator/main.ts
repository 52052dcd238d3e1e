import { startSimulator } from './server.ts';

/** `npm run simulator`: the simulated DMS API on its own, for curl, the SDKs, or a live-mode console. */
const sim = await startSimulator({
  host: process.env.SIMULATOR_HOST ?? '127.0.0.1',
  port: Number(process.env.SIMULATOR_PORT ?? 18080),
  ak: process.env.SIMULATOR_AK,
  sk: process.env.SIMULATOR_SK,
  projectId: process.env.SIMULATOR_PROJECT_ID,
});
console.log(`DMS simulator listening on ${sim.url}
  project id: ${sim.projectId}
  AK:         ${sim.ak}
  SK:         ${sim.sk}
Point the console at it in live mode:
  DMS_ENDPOINT=${sim.url} CLOUD_SDK_AK=${sim.ak} CLOUD_SDK_SK=<SK above> HUAWEICLOUD_SDK_PROJECT_ID=${sim.projectId} npm start`);
const stop = () => void sim.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
