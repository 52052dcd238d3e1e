import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckName, TargetDiagnostics } from '../shared/diagnostics.ts';
import { diagnoseTarget, formatDiagnostics } from './diagnostics.ts';
import { type RunningSimulator, type StartSimulatorOptions, startSimulator } from './simulator/server.ts';

const AK = 'DOCTORAK000000000001';
const SK = 'doctor-secret-key-never-printed-0123456789';

const withSimulator = async <T>(options: StartSimulatorOptions, run: (sim: RunningSimulator) => Promise<T>) => {
  const sim = await startSimulator({ ak: AK, sk: SK, ...options });
  try {
    return await run(sim);
  } finally {
    await sim.close();
  }
};
const check = (d: TargetDiagnostics, name: CheckName) => d.checks.find((c) => c.name === name)!;
const doctor = (sim: RunningSimulator, sk = SK) =>
  diagnoseTarget(
    { projectId: sim.projectId, region: 'cn-north-4', endpoint: sim.url },
    { credentials: { ak: AK, sk }, timeoutMs: 5_000 },
  );
const statuses = (d: TargetDiagnostics) => Object.fromEntries(d.checks.map((c) => [c.name, c.status]));

describe('the doctor against the standalone simulator', () => {
  it.each([
    ['start', /Only `start` \(1-based\)/],
    ['offset', /Only `offset` \(0-based\)/],
    ['both', /Both `start` \(1-based\) and `offset` \(0-based\)/],
  ] as const)('finds the paging convention when the API honours %s', async (paging, found) => {
    await withSimulator({ behaviour: { paging } }, async (sim) => {
      const d = await doctor(sim);
      expect(d.usable).toBe(true);
      expect(check(d, 'paging').summary).toMatch(found);
      expect(statuses(d)).toEqual({
        reachable: 'ok',
        credentials: 'ok',
        clock: 'ok',
        instances: 'ok',
        paging: 'ok',
        'time-filter': 'ok',
        throttling: 'ok',
      });
      // the doctor lists RabbitMQ's instances; the default seed has a Kafka and a RocketMQ one besides
      const rabbitmq = sim.data.instances.filter((i) => i.engine === 'rabbitmq');
      expect(rabbitmq.length).toBeLessThan(sim.data.instances.length);
      expect(check(d, 'instances').summary).toBe(`${rabbitmq.length} RabbitMQ instances visible.`);
    });
  });

  it('says the credentials are refused, and what to do, on a wrong SK', async () => {
    await withSimulator({}, async (sim) => {
      const d = await doctor(sim, 'a-wrong-secret-key-0123456789abcdef');
      expect(d.usable).toBe(false);
      expect(check(d, 'credentials')).toMatchObject({ status: 'fail', advice: expect.stringMatching(/CLOUD_SDK_SK/) });
      expect(check(d, 'credentials').summary).toMatch(/401 APIGW\.0301 \(request id [0-9a-f]{32}\)/);
      expect(check(d, 'instances').status).toBe('skipped');
      expect(formatDiagnostics({ mode: 'live', usable: false, checkedAt: '', targets: [d] })).not.toContain(SK);
    });
  });

  it('measures a clock skew from the gateway’s Date header: a warning at 10 minutes, a failure past 15', async () => {
    await withSimulator({ faults: { clockSkewMs: 10 * 60_000 } }, async (sim) => {
      const d = await doctor(sim);
      expect(check(d, 'clock')).toMatchObject({ status: 'warn', advice: expect.stringMatching(/NTP/) });
      expect(check(d, 'clock').summary).toMatch(
        /^This machine’s clock is (9\.9|10\.0|10\.1) min behind the gateway’s\.$/,
      );
      expect(d.usable).toBe(true);
    });
    await withSimulator({ faults: { clockSkewMs: -20 * 60_000 } }, async (sim) => {
      const d = await doctor(sim);
      expect(check(d, 'clock')).toMatchObject({ status: 'fail', advice: expect.stringMatching(/NTP/) });
      expect(check(d, 'clock').summary).toMatch(/refused the signature as expired/);
      expect(d.usable).toBe(false);
    });
  });

  it('finds an exclusive end and a time zone offset in begin_time/end_time', async () => {
    await withSimulator({ behaviour: { endExclusive: true } }, async (sim) => {
      expect(check(await doctor(sim), 'time-filter').summary).toMatch(/end_time is exclusive/);
    });
    await withSimulator({ behaviour: { timeZoneOffsetMin: 480 } }, async (sim) => {
      expect(check(await doctor(sim), 'time-filter').summary).toMatch(/another time zone/);
    });
  });
});

describe('the doctor against a dead endpoint', () => {
  let dead: string;
  beforeAll(async () => {
    const s = createServer();
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    dead = `http://127.0.0.1:${(s.address() as { port: number }).port}`;
    await new Promise<void>((resolve) => s.close(() => resolve()));
  });

  it('says it cannot be reached and checks nothing else', async () => {
    const d = await diagnoseTarget(
      { projectId: 'a'.repeat(32), region: 'cn-north-4', endpoint: dead },
      { credentials: { ak: AK, sk: SK }, timeoutMs: 2_000 },
    );
    expect(d.usable).toBe(false);
    expect(check(d, 'reachable')).toMatchObject({ status: 'fail', advice: expect.stringMatching(/DMS_ENDPOINT/) });
    expect(check(d, 'reachable').summary).toMatch(/could not be reached \(.*ECONNREFUSED/);
    expect(d.checks.filter((c) => c.name !== 'reachable' && c.name !== 'throttling').map((c) => c.status)).toEqual(
      Array(5).fill('skipped'),
    );
  });
});

describe('npm run doctor', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ ak: AK, sk: SK });
  });
  afterAll(() => sim.close());
  const root = fileURLToPath(new URL('..', import.meta.url));
  const run = (sk: string) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', 'server/doctor.ts'], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        CLOUD_SDK_AK: AK,
        CLOUD_SDK_SK: sk,
        HUAWEICLOUD_SDK_PROJECT_ID: sim.projectId,
        DMS_ENDPOINT: sim.url,
      },
    }).then(
      (r) => ({ code: 0, out: r.stdout + r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
    );

  it('exits 0 when usable and non-zero otherwise, never printing a key', async () => {
    const good = await run(SK);
    expect(good.code).toBe(0);
    expect(good.out).toMatch(/✓ Credentials accepted/);
    expect(good.out).toMatch(/Result: usable\./);
    const wrongSk = 'doctor-wrong-secret-key-0123456789abcdef';
    const bad = await run(wrongSk);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/✗ Credentials accepted: The gateway refused/);
    expect(bad.out).toMatch(/What to do: Check CLOUD_SDK_AK/);
    for (const secret of [SK, wrongSk, AK, SK.slice(0, 16), wrongSk.slice(0, 16)])
      expect(bad.out + good.out).not.toContain(secret);
  }, 60_000);
});
