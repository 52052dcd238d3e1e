import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.ts';
import { DMS_REGIONS, endpointForRegion, regionOfEndpoint } from './dms/regions.ts';

const AK = 'HPUATESTAKEXAMPLE0001';
const SK = 'config-test-secret-key-never-shown-0123';
const TOKEN = 'config-test-security-token-never-shown';
const PROJECT = '0123456789abcdef0123456789abcdef';
const OTHER_PROJECT = 'fedcba9876543210fedcba9876543210';

const dir = mkdtempSync(join(tmpdir(), 'dms-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const file = (content: string) => {
  const path = join(dir, `targets-${files++}.json`);
  writeFileSync(path, content);
  return path;
};

const live = { CLOUD_SDK_AK: AK, CLOUD_SDK_SK: SK, HUAWEICLOUD_SDK_PROJECT_ID: PROJECT };

/** The ConfigError a configuration gives; fails the test if it parses. */
const configError = (env: Record<string, string | undefined>): ConfigError => {
  try {
    parseConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(Object.keys(env))}`);
};

describe('regions', () => {
  it('knows the 34 SDK regions, eu-west-101 under .eu', () => {
    expect(DMS_REGIONS).toHaveLength(34);
    expect(new Set(DMS_REGIONS).size).toBe(34);
    expect(endpointForRegion('eu-west-101')).toBe('https://dms.eu-west-101.myhuaweicloud.eu');
    expect(endpointForRegion('cn-north-4')).toBe('https://dms.cn-north-4.myhuaweicloud.com');
    expect(endpointForRegion('my-kualalumpur-1')).toBe('https://dms.my-kualalumpur-1.myhuaweicloud.com');
    for (const r of DMS_REGIONS) expect(regionOfEndpoint(endpointForRegion(r))).toBe(r);
  });
});

describe('credentials', () => {
  it('runs the simulator when nothing is set', () => {
    const config = parseConfig({});
    expect(config).toMatchObject({ mode: 'simulator', targets: [], upstreamTimeoutMs: 10_000, upstreamMaxAttempts: 4 });
    expect(config.credentials).toBeUndefined();
  });

  it('reads CLOUD_SDK_* and HUAWEICLOUD_SDK_* alike, with a security token', () => {
    const a = parseConfig({ ...live, HUAWEICLOUD_SDK_REGION: 'cn-north-4' });
    const b = parseConfig({
      HUAWEICLOUD_SDK_AK: AK,
      HUAWEICLOUD_SDK_SK: SK,
      HUAWEICLOUD_SDK_SECURITY_TOKEN: TOKEN,
      HUAWEICLOUD_SDK_PROJECT_ID: PROJECT,
      HUAWEICLOUD_SDK_REGION: 'cn-north-4',
    });
    expect(a.credentials).toEqual({ ak: AK, sk: SK, securityToken: undefined });
    expect(b.credentials).toEqual({ ak: AK, sk: SK, securityToken: TOKEN });
    expect(a.targets).toEqual(b.targets);
    expect(a.mode).toBe('live');
  });

  it('accepts both names when they agree, refuses them when they differ', () => {
    expect(parseConfig({ ...live, HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_REGION: 'cn-east-3' }).credentials?.ak).toBe(
      AK,
    );
    expect(
      configError({ ...live, HUAWEICLOUD_SDK_AK: 'ANOTHERAK', HUAWEICLOUD_SDK_REGION: 'cn-east-3' }).message,
    ).toMatch(/CLOUD_SDK_AK and HUAWEICLOUD_SDK_AK/);
    expect(
      configError({ ...live, HUAWEICLOUD_SDK_SK: 'another-sk', HUAWEICLOUD_SDK_REGION: 'cn-east-3' }).message,
    ).toMatch(/CLOUD_SDK_SK and HUAWEICLOUD_SDK_SK/);
  });

  it('refuses half a key pair, naming the missing variable', () => {
    expect(configError({ CLOUD_SDK_AK: AK }).message).toMatch(/^CLOUD_SDK_SK/);
    expect(configError({ HUAWEICLOUD_SDK_SK: SK }).message).toMatch(/^CLOUD_SDK_AK/);
  });

  it('refuses live settings without credentials instead of silently simulating', () => {
    expect(configError({ HUAWEICLOUD_SDK_PROJECT_ID: PROJECT }).message).toMatch(/^HUAWEICLOUD_SDK_PROJECT_ID is set/);
    expect(configError({ HUAWEICLOUD_SDK_SECURITY_TOKEN: TOKEN }).message).toMatch(/^HUAWEICLOUD_SDK_SECURITY_TOKEN/);
    expect(configError({ DMS_TARGETS_FILE: '/nowhere.json' }).message).toMatch(/^DMS_TARGETS_FILE/);
  });
});

describe('one project and region', () => {
  it('takes the endpoint from the region table', () => {
    expect(parseConfig({ ...live, HUAWEICLOUD_SDK_REGION: 'eu-west-101' }).targets).toEqual([
      { projectId: PROJECT, region: 'eu-west-101', endpoint: 'https://dms.eu-west-101.myhuaweicloud.eu' },
    ]);
  });

  it('names the variable for an unknown region and says how to override', () => {
    const message = configError({ ...live, HUAWEICLOUD_SDK_REGION: 'cn-north-99' }).message;
    expect(message).toMatch(/^HUAWEICLOUD_SDK_REGION: "cn-north-99"/);
    expect(message).toContain('DMS_ENDPOINT');
    expect(message).toContain('cn-north-4');
  });

  it('lets DMS_ENDPOINT override, with or without a region', () => {
    expect(
      parseConfig({ ...live, HUAWEICLOUD_SDK_REGION: 'private-1', DMS_ENDPOINT: 'http://127.0.0.1:9000/' }).targets,
    ).toEqual([{ projectId: PROJECT, region: 'private-1', endpoint: 'http://127.0.0.1:9000' }]);
    expect(parseConfig({ ...live, DMS_ENDPOINT: 'https://dms.cn-south-1.myhuaweicloud.com' }).targets[0]!.region).toBe(
      'cn-south-1',
    );
    expect(parseConfig({ ...live, DMS_ENDPOINT: 'https://proxy.example/dms' }).targets[0]).toMatchObject({
      region: 'custom',
      endpoint: 'https://proxy.example/dms',
    });
    expect(configError({ ...live, DMS_ENDPOINT: 'dms.example' }).message).toMatch(/^DMS_ENDPOINT: not a URL/);
    expect(configError({ ...live, DMS_ENDPOINT: 'ftp://dms.example' }).message).toMatch(/^DMS_ENDPOINT/);
  });

  it('needs a project id of 32 hex digits and a region or endpoint', () => {
    expect(configError({ CLOUD_SDK_AK: AK, CLOUD_SDK_SK: SK, HUAWEICLOUD_SDK_REGION: 'cn-north-4' }).message).toMatch(
      /^HUAWEICLOUD_SDK_PROJECT_ID is required/,
    );
    expect(
      configError({ ...live, HUAWEICLOUD_SDK_PROJECT_ID: 'cn-north-4', HUAWEICLOUD_SDK_REGION: 'cn-north-4' }).message,
    ).toMatch(/^HUAWEICLOUD_SDK_PROJECT_ID: a project id is 32 hex digits/);
    expect(configError(live).message).toMatch(/^HUAWEICLOUD_SDK_REGION \(or DMS_ENDPOINT\) is required/);
  });

  it('reads timeouts and attempts, naming a bad value', () => {
    expect(
      parseConfig({ ...live, HUAWEICLOUD_SDK_REGION: 'cn-north-4', DMS_TIMEOUT_MS: '2500', DMS_MAX_ATTEMPTS: '2' }),
    ).toMatchObject({ upstreamTimeoutMs: 2500, upstreamMaxAttempts: 2 });
    expect(configError({ DMS_MAX_ATTEMPTS: '0' }).message).toMatch(/^DMS_MAX_ATTEMPTS/);
    expect(configError({ DMS_TIMEOUT_MS: 'soon' }).message).toMatch(/^DMS_TIMEOUT_MS/);
  });

  it('reads DMS_PAGING (unset: learned) and DMS_MAX_BODY_MB (default 32), naming a bad value', () => {
    const region = { ...live, HUAWEICLOUD_SDK_REGION: 'cn-north-4' };
    expect(parseConfig(region)).toMatchObject({ upstreamPaging: undefined, upstreamMaxBodyBytes: 32 * 1024 * 1024 });
    expect(parseConfig({ ...region, DMS_PAGING: 'offset', DMS_MAX_BODY_MB: '0.5' })).toMatchObject({
      upstreamPaging: 'offset',
      upstreamMaxBodyBytes: 512 * 1024,
    });
    expect(configError({ DMS_PAGING: 'page' }).message).toMatch(/^DMS_PAGING/);
    expect(configError({ DMS_MAX_BODY_MB: '0' }).message).toMatch(/^DMS_MAX_BODY_MB/);
  });

  it('reads WINDOW_RECONCILE_MS (default two minutes), naming a bad value', () => {
    const region = { ...live, HUAWEICLOUD_SDK_REGION: 'cn-north-4' };
    expect(parseConfig(region).windowReconcileMs).toBe(120_000);
    expect(parseConfig({ ...region, WINDOW_RECONCILE_MS: '30000' }).windowReconcileMs).toBe(30_000);
    expect(configError({ WINDOW_RECONCILE_MS: '10' }).message).toMatch(/^WINDOW_RECONCILE_MS/);
  });

  it('sizes WINDOW_MAX_TASKS to the call budget, and refuses one that the budget could never admit', () => {
    const region = { ...live, HUAWEICLOUD_SDK_REGION: 'cn-north-4' };
    // 90 pages and the paging-learning call leave 9 of the default 100 calls a minute for the rest
    expect(parseConfig(region).windowMaxTasks).toBe(9_000);
    expect(parseConfig({ ...region, UPSTREAM_RATE_PER_MINUTE: '40' }).windowMaxTasks).toBe(3_600);
    expect(parseConfig({ ...region, UPSTREAM_RATE_PER_MINUTE: '5000' }).windowMaxTasks).toBe(10_000);
    expect(parseConfig({ ...region, WINDOW_MAX_TASKS: '9900' }).windowMaxTasks).toBe(9_900);
    expect(parseConfig({ ...region, WINDOW_MAX_TASKS: '20000', UPSTREAM_RATE_PER_MINUTE: '1000' }).windowMaxTasks).toBe(
      20_000,
    );
    expect(configError({ WINDOW_MAX_TASKS: '10000' }).message).toMatch(
      /^WINDOW_MAX_TASKS: a window of 10000 tasks needs 101 DMS calls.*UPSTREAM_RATE_PER_MINUTE=100.*at most 9900/,
    );
    expect(configError({ WINDOW_MAX_TASKS: '50' }).message).toMatch(/^WINDOW_MAX_TASKS/);
  });

  it('reads DMS_TIME_ZONE_OFFSET_MIN (default 0: UTC) in quarter hours within the world’s zones', () => {
    const region = { ...live, HUAWEICLOUD_SDK_REGION: 'cn-north-4' };
    expect(parseConfig(region).upstreamZoneOffsetMin).toBe(0);
    expect(parseConfig({ ...region, DMS_TIME_ZONE_OFFSET_MIN: '480' }).upstreamZoneOffsetMin).toBe(480);
    expect(parseConfig({ ...region, DMS_TIME_ZONE_OFFSET_MIN: '-345' }).upstreamZoneOffsetMin).toBe(-345);
    expect(configError({ DMS_TIME_ZONE_OFFSET_MIN: '470' }).message).toMatch(/^DMS_TIME_ZONE_OFFSET_MIN.*15/);
    expect(configError({ DMS_TIME_ZONE_OFFSET_MIN: '900' }).message).toMatch(/^DMS_TIME_ZONE_OFFSET_MIN/);
  });
});

describe('several projects and regions from DMS_TARGETS_FILE', () => {
  const withFile = (content: string, extra: Record<string, string> = {}) => {
    const path = file(content);
    return { path, env: { CLOUD_SDK_AK: AK, CLOUD_SDK_SK: SK, DMS_TARGETS_FILE: path, ...extra } };
  };

  it('reads every entry, endpoints from the table or the entry', () => {
    const { env } = withFile(
      JSON.stringify([
        { projectId: PROJECT, region: 'cn-north-4' },
        { projectId: OTHER_PROJECT, region: 'eu-west-101' },
        { projectId: OTHER_PROJECT, region: 'private-9', endpoint: 'https://dms.private.example' },
      ]),
    );
    expect(parseConfig(env).targets).toEqual([
      { projectId: PROJECT, region: 'cn-north-4', endpoint: 'https://dms.cn-north-4.myhuaweicloud.com' },
      { projectId: OTHER_PROJECT, region: 'eu-west-101', endpoint: 'https://dms.eu-west-101.myhuaweicloud.eu' },
      { projectId: OTHER_PROJECT, region: 'private-9', endpoint: 'https://dms.private.example' },
    ]);
  });

  it('names the file and the entry at fault', () => {
    const unknown = withFile(
      JSON.stringify([
        { projectId: PROJECT, region: 'cn-north-4' },
        { projectId: PROJECT, region: 'xx-nowhere-1' },
      ]),
    );
    const message = configError(unknown.env).message;
    expect(message).toContain(`DMS_TARGETS_FILE (${unknown.path}): entry 1, "region"`);
    expect(message).toContain('"endpoint"');

    const missing = withFile(JSON.stringify([{ projectId: PROJECT }]));
    expect(configError(missing.env).message).toContain(`(${missing.path}): entry 0, "region"`);
    const extra = withFile(JSON.stringify([{ projectId: PROJECT, region: 'cn-north-4', zone: 'a' }]));
    expect(configError(extra.env).message).toContain(`(${extra.path}): entry 0`);
    const badProject = withFile(JSON.stringify([{ projectId: 'my-project', region: 'cn-north-4' }]));
    expect(configError(badProject.env).message).toContain('entry 0, "projectId"');
    const twice = withFile(
      JSON.stringify([
        { projectId: PROJECT, region: 'cn-north-4' },
        { projectId: PROJECT, region: 'cn-north-4' },
      ]),
    );
    expect(configError(twice.env).message).toMatch(/entry 1: .*listed twice/);
  });

  it('refuses a file that is missing, not JSON, not a list or empty', () => {
    expect(
      configError({ ...live, HUAWEICLOUD_SDK_PROJECT_ID: undefined, DMS_TARGETS_FILE: join(dir, 'nope.json') }).message,
    ).toMatch(/^DMS_TARGETS_FILE \(.*nope\.json\): cannot be read \(ENOENT\)/);
    expect(configError(withFile('{"projectId":').env).message).toMatch(/is not JSON/);
    expect(configError(withFile('{}').env).message).toMatch(/DMS_TARGETS_FILE .*: the list:/);
    expect(configError(withFile('[]').env).message).toMatch(/at least one/);
  });

  it('refuses DMS_TARGETS_FILE together with a single project, region or endpoint', () => {
    const good = JSON.stringify([{ projectId: PROJECT, region: 'cn-north-4' }]);
    for (const [name, value] of [
      ['HUAWEICLOUD_SDK_PROJECT_ID', PROJECT],
      ['HUAWEICLOUD_SDK_REGION', 'cn-north-4'],
      ['DMS_ENDPOINT', 'https://dms.example'],
    ] as const) {
      expect(configError(withFile(good, { [name]: value }).env).message).toMatch(
        new RegExp(`^${name} and DMS_TARGETS_FILE are both set`),
      );
    }
  });
});

describe('secrets', () => {
  it('no ConfigError message ever contains the secret key or token', () => {
    const targets = file(JSON.stringify([{ projectId: SK, region: SK, endpoint: SK }]));
    const misconfigurations: Record<string, string | undefined>[] = [
      { CLOUD_SDK_SK: SK },
      { CLOUD_SDK_SK: SK, HUAWEICLOUD_SDK_SK: `${SK}x`, CLOUD_SDK_AK: AK },
      { CLOUD_SDK_AK: AK, CLOUD_SDK_SK: SK, HUAWEICLOUD_SDK_PROJECT_ID: PROJECT, HUAWEICLOUD_SDK_REGION: 'nowhere' },
      { CLOUD_SDK_AK: AK, CLOUD_SDK_SK: SK, HUAWEICLOUD_SDK_SECURITY_TOKEN: TOKEN },
      { HUAWEICLOUD_SDK_SECURITY_TOKEN: TOKEN },
      { CLOUD_SDK_AK: AK, CLOUD_SDK_SK: SK, DMS_TARGETS_FILE: targets },
      { CLOUD_SDK_AK: AK, CLOUD_SDK_SK: SK, HUAWEICLOUD_SDK_PROJECT_ID: PROJECT, DMS_ENDPOINT: SK },
      { CLOUD_SDK_AK: AK, CLOUD_SDK_SK: SK, DMS_TIMEOUT_MS: SK },
    ];
    for (const env of misconfigurations) {
      const error = configError(env);
      expect(error.message).not.toContain(SK);
      expect(error.message).not.toContain(TOKEN);
    }
  });

  it('holds for any secret value and any mix of settings', () => {
    const optional = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
    fc.assert(
      fc.property(
        fc.string({ minLength: 12, maxLength: 40 }).filter((s) => s.trim() === s && !/^\d+$/.test(s)),
        fc.record({
          CLOUD_SDK_AK: optional(fc.constant(AK)),
          HUAWEICLOUD_SDK_AK: optional(fc.constantFrom(AK, 'OTHERAK')),
          HUAWEICLOUD_SDK_PROJECT_ID: optional(fc.constantFrom(PROJECT, 'not-a-project')),
          HUAWEICLOUD_SDK_REGION: optional(fc.constantFrom('cn-north-4', 'nowhere-1')),
          DMS_ENDPOINT: optional(fc.constantFrom('https://dms.example', 'not a url')),
          secretIn: fc.constantFrom('CLOUD_SDK_SK', 'HUAWEICLOUD_SDK_SK', 'both-different', 'token-only'),
        }),
        (secret, { secretIn, ...env }) => {
          const full: Record<string, string | undefined> = { ...env };
          if (secretIn === 'CLOUD_SDK_SK' || secretIn === 'both-different') full.CLOUD_SDK_SK = secret;
          if (secretIn === 'HUAWEICLOUD_SDK_SK') full.HUAWEICLOUD_SDK_SK = secret;
          if (secretIn === 'both-different') full.HUAWEICLOUD_SDK_SK = `${secret}!`;
          if (secretIn === 'token-only') full.HUAWEICLOUD_SDK_SECURITY_TOKEN = secret;
          try {
            parseConfig(full);
          } catch (error) {
            expect(error).toBeInstanceOf(ConfigError);
            expect((error as Error).message).not.toContain(secret);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('replicas and metrics', () => {
  it('takes REDIS_URL and REPLICAS together, and refuses a URL that is not Redis without echoing it', () => {
    expect(parseConfig({}).redis).toBeUndefined();
    expect(parseConfig({ REDIS_URL: '' }).redis).toBeUndefined();
    expect(parseConfig({ REDIS_URL: 'redis://:pw@10.0.0.5:6379/2', REPLICAS: '3' }).redis).toEqual({
      url: 'redis://:pw@10.0.0.5:6379/2',
      replicas: 3,
    });
    expect(parseConfig({ REDIS_URL: 'rediss://cache.internal:6380' }).redis?.replicas).toBe(1);
    const bad = configError({ REDIS_URL: `http://user:${SK}@cache` });
    expect(bad.message).toMatch(/^REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/);
    expect(bad.message).not.toContain(SK);
    expect(configError({ REDIS_URL: 'redis://x', REPLICAS: '0' }).message).toMatch(/^REPLICAS:/);
  });

  it('serves /metrics on the main port unless METRICS_PORT is set', () => {
    expect(parseConfig({}).metrics).toEqual({ port: undefined, host: '127.0.0.1' });
    expect(parseConfig({ METRICS_PORT: '' }).metrics.port).toBeUndefined();
    expect(parseConfig({ METRICS_PORT: '9464', METRICS_HOST: '10.0.0.7' }).metrics).toEqual({
      port: 9464,
      host: '10.0.0.7',
    });
    expect(configError({ METRICS_PORT: '70000' }).message).toMatch(/^METRICS_PORT:/);
  });
});

describe('engines and the fleet seed', () => {
  it('reads all three engines by default, and DMS_ENGINES limits them', () => {
    expect(parseConfig({}).engines).toEqual(['rabbitmq', 'kafka', 'rocketmq']);
    expect(parseConfig({ DMS_ENGINES: ' Kafka,rabbitmq,kafka ' }).engines).toEqual(['kafka', 'rabbitmq']);
  });

  it('refuses an engine it does not know, naming it', () => {
    expect(() => parseConfig({ DMS_ENGINES: 'rabbitmq,activemq' })).toThrow(/DMS_ENGINES: .*not "activemq"/);
    expect(() => parseConfig({ DMS_ENGINES: ',' })).toThrow(/DMS_ENGINES/);
  });

  it('takes SIMULATOR_FLEET as a count of instances', () => {
    expect(parseConfig({ SIMULATOR_FLEET: '200' }).simulatorFleet).toBe(200);
    expect(parseConfig({}).simulatorFleet).toBeUndefined();
    expect(() => parseConfig({ SIMULATOR_FLEET: 'many' })).toThrow(/SIMULATOR_FLEET/);
  });
});
