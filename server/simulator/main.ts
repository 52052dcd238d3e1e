import { SIMULATOR_ENV_DOC, settingsFromEnv } from './faults.ts';
import { startSimulator } from './server.ts';

/** `npm run simulator`: the simulated DMS API on its own, for curl, the SDKs, or a live-mode console. */
const settings = settingsFromEnv(process.env);
const sim = await startSimulator({
  host: process.env.SIMULATOR_HOST ?? '127.0.0.1',
  port: Number(process.env.SIMULATOR_PORT ?? 18080),
  ak: process.env.SIMULATOR_AK || undefined,
  sk: process.env.SIMULATOR_SK || undefined,
  projectId: process.env.SIMULATOR_PROJECT_ID || undefined,
  seed: settings.seed,
  faults: settings.faults,
  behaviour: settings.behaviour,
  fleet: settings.fleet,
});
const instances = sim.data.instances
  .slice(0, 20)
  .map(
    (i) =>
      `    ${i.instance_id}  ${i.engine.padEnd(8)}  ${i.name}  (${sim.data.tasks.get(i.instance_id)?.length ?? 0} tasks)`,
  )
  .join('\n');
const more = sim.data.instances.length > 20 ? `\n    … and ${sim.data.instances.length - 20} more` : '';
// a fleet has several projects and regions: a console reaches them all through DMS_TARGETS_FILE
const targetsFile = JSON.stringify(
  sim.targets.map((t) => ({ projectId: t.projectId, region: t.region, endpoint: t.url })),
);
const env = Object.entries(SIMULATOR_ENV_DOC)
  .map(([name, doc]) => `    ${name.padEnd(24)} ${doc}`)
  .join('\n');
// The simulator's own credentials are printed on purpose: they are what a client needs to reach it.
console.log(`DMS simulator listening on ${sim.url}  (seeded in ${sim.seedMs.toFixed(0)} ms)
  project id: ${sim.projectId}
  AK:         ${sim.ak}
  SK:         ${sim.sk}
Instances:
${instances}${more}
Point the console at it in live mode:
  DMS_ENDPOINT=${sim.url} CLOUD_SDK_AK=${sim.ak} CLOUD_SDK_SK=<SK above> HUAWEICLOUD_SDK_PROJECT_ID=${sim.projectId} npm start
  or every project and region: a DMS_TARGETS_FILE holding ${targetsFile}
Control (simulator only, no auth):
  GET|PUT|PATCH ${sim.url}/_simulator/faults     GET|PUT ${sim.url}/_simulator/behaviour
  GET|DELETE    ${sim.url}/_simulator/requests   POST    ${sim.url}/_simulator/reset
  POST          ${sim.url}/_simulator/tasks      a task arriving now: {"instanceId":"…","durationMs":60000,"final":"FAILED"}
  e.g. curl -X PATCH -H 'content-type: application/json' -d '{"errorRate":0.2}' ${sim.url}/_simulator/faults
Environment (also SIMULATOR_AK, SIMULATOR_SK, SIMULATOR_PROJECT_ID, SIMULATOR_HOST, SIMULATOR_PORT):
${env}
Active faults: ${JSON.stringify(sim.control.faults())}`);
const stop = () => void sim.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
