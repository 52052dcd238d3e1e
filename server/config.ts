import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ENGINES, type Engine } from '../shared/contract.ts';
import { DMS_REGIONS, endpointForRegion, isDmsRegion, regionOfEndpoint } from './dms/regions.ts';

/** Configuration problems are reported once, at start-up, naming the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export interface UpstreamTarget {
  projectId: string;
  region: string;
  endpoint: string;
}

export interface Config {
  host: string;
  port: number;
  mode: 'simulator' | 'live';
  /** Live mode only: the credentials and where to use them. */
  credentials?: { ak: string; sk: string; securityToken?: string | undefined };
  targets: UpstreamTarget[];
  /** DMS_ENGINES: which engines' instances are listed (and so read); default all three. */
  engines: Engine[];
  /** SIMULATOR_FLEET: simulator mode seeds this many instances over 3 regions and 2 projects. */
  simulatorFleet?: number | undefined;
  upstreamTimeoutMs: number;
  /** Attempts per DMS read (retries on network errors, 429, 5xx); writes always make one. */
  upstreamMaxAttempts: number;
  /** DMS_PAGING: the paging parameter ListBackgroundTasks is asked with; undefined: learned from the answers. */
  upstreamPaging?: 'start' | 'offset' | undefined;
  /** Longest upstream answer body read, in bytes; a longer one is cut off and answered 502. */
  upstreamMaxBodyBytes: number;
  /** DMS_TIME_ZONE_OFFSET_MIN: minutes east of UTC at which DMS reads begin_time/end_time (0: UTC). */
  upstreamZoneOffsetMin: number;
  /** Dashboard access control; required to listen on a non-loopback HOST. */
  access: { token?: string | undefined; basic?: { user: string; pass: string } | undefined };
  /** Extra Host header values the server answers (besides localhost/127.0.0.1/[::1]). */
  allowedHosts: string[];
  windowCacheTtlMs: number;
  /** How often a watched window checks for tasks deleted upstream (one count call). */
  windowReconcileMs: number;
  windowMaxTasks: number;
  /** What the window cache may hold (windows, query results, page bodies), in bytes. */
  windowCacheMaxBytes: number;
  upstreamRatePerMinute: number;
  upstreamMaxWaitMs: number;
  /** `/metrics` on a port of its own (no access control there), else on the main port behind it. */
  metrics: { port?: number | undefined; host: string };
  /** Replicas share the call budget and windows through Redis (docs/decisions/0011); absent: one replica, in memory. */
  redis?: { url: string; replicas: number } | undefined;
}

const envSchema = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  CLOUD_SDK_AK: z.string().optional(),
  CLOUD_SDK_SK: z.string().optional(),
  HUAWEICLOUD_SDK_AK: z.string().optional(),
  HUAWEICLOUD_SDK_SK: z.string().optional(),
  HUAWEICLOUD_SDK_SECURITY_TOKEN: z.string().optional(),
  HUAWEICLOUD_SDK_PROJECT_ID: z.string().optional(),
  HUAWEICLOUD_SDK_REGION: z.string().optional(),
  DMS_ENDPOINT: z.string().optional(),
  DMS_TARGETS_FILE: z.string().optional(),
  DMS_ENGINES: z
    .string()
    .default(ENGINES.join(','))
    .transform((v, ctx) => {
      const names = [
        ...new Set(
          v
            .split(',')
            .map((e) => e.trim().toLowerCase())
            .filter(Boolean),
        ),
      ];
      const unknown = names.find((n) => !ENGINES.some((e) => e === n));
      if (unknown !== undefined || names.length === 0) {
        ctx.addIssue({
          code: 'custom',
          message: `must be a comma list of ${ENGINES.join(', ')}${unknown === undefined ? '' : ` (not "${unknown}")`}`,
        });
        return z.NEVER;
      }
      return names as Engine[];
    }),
  SIMULATOR_FLEET: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.coerce.number().int().min(0).max(10_000).optional(),
  ),
  DMS_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  DMS_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(4),
  DMS_PAGING: z.enum(['start', 'offset']).optional(),
  DMS_MAX_BODY_MB: z.coerce.number().positive().max(1024).default(32),
  DMS_TIME_ZONE_OFFSET_MIN: z.coerce
    .number()
    .int()
    .min(-720)
    .max(840)
    .refine((m) => m % 15 === 0, 'must be a multiple of 15 minutes')
    .default(0),
  CONSOLE_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  CONSOLE_BASIC_AUTH: z
    .string()
    .regex(/^[^:]+:.{16,}$/, 'must be user:password with a password of at least 16 characters')
    .optional(),
  ALLOWED_HOSTS: z
    .string()
    .regex(/^[a-z0-9.:[\],-]*$/i, 'must be a comma list of host or host:port')
    .default(''),
  WINDOW_CACHE_TTL_MS: z.coerce.number().int().min(0).max(600_000).default(5_000),
  WINDOW_RECONCILE_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(120_000),
  WINDOW_MAX_TASKS: z.coerce.number().int().min(100).max(1_000_000).optional(),
  WINDOW_CACHE_MAX_MB: z.coerce.number().int().min(16).max(65_536).default(256),
  UPSTREAM_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(100),
  UPSTREAM_MAX_WAIT_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  METRICS_PORT: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(0).max(65535).optional()),
  METRICS_HOST: z.string().default('127.0.0.1'),
  REDIS_URL: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL')
      .optional(),
  ),
  REPLICAS: z.coerce.number().int().min(1).max(1000).default(1),
});

/** Loopback addresses: anything else needs access control before the server will listen on it. */
export const isLoopbackHost = (host: string): boolean =>
  host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);

const nonEmpty = (v: string | undefined) => (v === undefined || v === '' ? undefined : v);

/** Huawei Cloud project ids are 32 hex digits; anything else is a pasted name or region. */
const PROJECT_ID = /^[0-9a-f]{32}$/i;

const checkEndpoint = (value: string, where: string): string => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${where}: not a URL (expected e.g. https://dms.cn-north-4.myhuaweicloud.com)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new ConfigError(`${where}: must be an http(s) URL, not ${url.protocol}`);
  if (url.search || url.hash || url.username || url.password)
    throw new ConfigError(`${where}: must not carry a query, fragment or user info`);
  return url.href.replace(/\/+$/, '');
};

const unknownRegion = (region: string, where: string, override: string) =>
  new ConfigError(
    `${where}: "${region}" is not a DMS for RabbitMQ region this console knows (${DMS_REGIONS.join(', ')}). ` +
      `Check the spelling, or ${override} to reach it anyway.`,
  );

/** Where the endpoint of one project/region comes from: an override, or the region table. */
const resolveTarget = (
  projectId: string,
  region: string | undefined,
  endpoint: string | undefined,
  names: { where: string; region: string; endpoint: string; projectId: string; override: string },
): UpstreamTarget => {
  if (!PROJECT_ID.test(projectId))
    throw new ConfigError(`${names.projectId}: a project id is 32 hex digits (IAM console, My Credentials)`);
  if (endpoint !== undefined) {
    const checked = checkEndpoint(endpoint, names.endpoint);
    return { projectId, region: region ?? regionOfEndpoint(checked) ?? 'custom', endpoint: checked };
  }
  if (region === undefined) throw new ConfigError(`${names.region} (or ${names.endpoint}) is required`);
  if (!isDmsRegion(region)) throw unknownRegion(region, names.region, names.override);
  return { projectId, region, endpoint: endpointForRegion(region) };
};

const targetsFileSchema = z
  .array(
    z.strictObject({
      projectId: z.string().min(1),
      region: z.string().min(1),
      endpoint: z.string().min(1).optional(),
    }),
  )
  .min(1, 'must list at least one {"projectId","region"}');

/** Several project/region pairs: `[{"projectId","region","endpoint?"}]`. */
const readTargetsFile = (file: string): UpstreamTarget[] => {
  const where = `DMS_TARGETS_FILE (${file})`;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError(`${where}: cannot be read (${code})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ConfigError(`${where}: is not JSON; expected [{"projectId":"…","region":"…","endpoint":"(optional)"}]`);
  }
  const parsed = targetsFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const [index, field] = issue.path;
    const at =
      typeof index === 'number' ? `entry ${index}${field !== undefined ? `, "${String(field)}"` : ''}` : 'the list';
    throw new ConfigError(`${where}: ${at}: ${issue.message}`);
  }
  const seen = new Set<string>();
  return parsed.data.map((entry, index) => {
    const at = `${where}: entry ${index}`;
    const target = resolveTarget(entry.projectId, entry.region, entry.endpoint, {
      where: at,
      region: `${at}, "region"`,
      endpoint: `${at}, "endpoint"`,
      projectId: `${at}, "projectId"`,
      override: 'give the entry an "endpoint"',
    });
    const key = `${target.projectId}/${target.region}`;
    if (seen.has(key)) throw new ConfigError(`${at}: project ${target.projectId} in ${target.region} is listed twice`);
    seen.add(key);
    return target;
  });
};

/** Two names for one setting (the samples' CLOUD_SDK_* and the SDK's HUAWEICLOUD_SDK_*) must agree. */
const eitherOf = (a: [string, string | undefined], b: [string, string | undefined]): string | undefined => {
  const [nameA, valueA] = a;
  const [nameB, valueB] = b;
  // the values themselves stay out of the message: they are credentials
  if (valueA !== undefined && valueB !== undefined && valueA !== valueB)
    throw new ConfigError(`${nameA} and ${nameB} are both set and differ; set only one of them`);
  return valueA ?? valueB;
};

/** Tasks a DMS page holds (server/tasks/window.ts reads pages of 100). */
const TASKS_PER_CALL = 100;
/** The largest default window: memory, and a view nobody pages through. */
const WINDOW_MAX_TASKS_CAP = 10_000;

/**
 * The largest window the call budget can admit while the rest of the console keeps working
 * (docs/decisions/0005): its pages, plus the one call that learns the endpoint's paging, leave a
 * tenth of the minute's calls for instance listings, task details and refreshes. With the default
 * budget of 100 a minute: 90 pages, 9,000 tasks.
 */
export const defaultWindowMaxTasks = (ratePerMinute: number) =>
  Math.min(WINDOW_MAX_TASKS_CAP, Math.max(1, ratePerMinute - Math.ceil(ratePerMinute / 10)) * TASKS_PER_CALL);

/** A window needs all its calls in one minute's budget (reserved up front): more can never be admitted. */
const checkWindowFitsBudget = (maxTasks: number, ratePerMinute: number) => {
  const calls = Math.ceil(maxTasks / TASKS_PER_CALL) + 1;
  if (calls > ratePerMinute)
    throw new ConfigError(
      `WINDOW_MAX_TASKS: a window of ${maxTasks} tasks needs ${calls} DMS calls (pages of ${TASKS_PER_CALL}, plus one ` +
        `to learn the paging), more than UPSTREAM_RATE_PER_MINUTE=${ratePerMinute} allows, so it could never be read; ` +
        `set it to at most ${(ratePerMinute - 1) * TASKS_PER_CALL}, or leave it unset (${defaultWindowMaxTasks(ratePerMinute)} for this budget)`,
    );
};

export const parseConfig = (env: Record<string, string | undefined>): Config => {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${String(issue.path[0])}: ${issue.message}`);
  }
  const e = parsed.data;
  if (e.WINDOW_MAX_TASKS !== undefined) checkWindowFitsBudget(e.WINDOW_MAX_TASKS, e.UPSTREAM_RATE_PER_MINUTE);
  const ak = eitherOf(
    ['CLOUD_SDK_AK', nonEmpty(e.CLOUD_SDK_AK)],
    ['HUAWEICLOUD_SDK_AK', nonEmpty(e.HUAWEICLOUD_SDK_AK)],
  );
  const sk = eitherOf(
    ['CLOUD_SDK_SK', nonEmpty(e.CLOUD_SDK_SK)],
    ['HUAWEICLOUD_SDK_SK', nonEmpty(e.HUAWEICLOUD_SDK_SK)],
  );
  const securityToken = nonEmpty(e.HUAWEICLOUD_SDK_SECURITY_TOKEN);
  const projectId = nonEmpty(e.HUAWEICLOUD_SDK_PROJECT_ID);
  const region = nonEmpty(e.HUAWEICLOUD_SDK_REGION);
  const endpoint = nonEmpty(e.DMS_ENDPOINT);
  const targetsFile = nonEmpty(e.DMS_TARGETS_FILE);
  const basicAuth = nonEmpty(e.CONSOLE_BASIC_AUTH);
  const access = {
    token: nonEmpty(e.CONSOLE_TOKEN),
    basic: basicAuth
      ? { user: basicAuth.slice(0, basicAuth.indexOf(':')), pass: basicAuth.slice(basicAuth.indexOf(':') + 1) }
      : undefined,
  };
  if (!isLoopbackHost(e.HOST) && !access.token && !access.basic)
    throw new ConfigError(
      `HOST: ${e.HOST} is not a loopback address; set CONSOLE_TOKEN or CONSOLE_BASIC_AUTH before listening on it`,
    );
  const base = {
    host: e.HOST,
    port: e.PORT,
    engines: e.DMS_ENGINES,
    simulatorFleet: e.SIMULATOR_FLEET,
    upstreamTimeoutMs: e.DMS_TIMEOUT_MS,
    upstreamMaxAttempts: e.DMS_MAX_ATTEMPTS,
    upstreamPaging: e.DMS_PAGING,
    upstreamMaxBodyBytes: Math.round(e.DMS_MAX_BODY_MB * 1024 * 1024),
    upstreamZoneOffsetMin: e.DMS_TIME_ZONE_OFFSET_MIN,
    access,
    allowedHosts: e.ALLOWED_HOSTS.split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
    windowCacheTtlMs: e.WINDOW_CACHE_TTL_MS,
    windowReconcileMs: e.WINDOW_RECONCILE_MS,
    windowMaxTasks: e.WINDOW_MAX_TASKS ?? defaultWindowMaxTasks(e.UPSTREAM_RATE_PER_MINUTE),
    windowCacheMaxBytes: e.WINDOW_CACHE_MAX_MB * 1024 * 1024,
    upstreamRatePerMinute: e.UPSTREAM_RATE_PER_MINUTE,
    upstreamMaxWaitMs: e.UPSTREAM_MAX_WAIT_MS,
    metrics: { port: e.METRICS_PORT, host: e.METRICS_HOST },
    redis: e.REDIS_URL ? { url: e.REDIS_URL, replicas: e.REPLICAS } : undefined,
  };
  if (!ak && !sk) {
    // live settings without credentials would silently show the simulator's made-up data
    const stray = (
      [
        ['HUAWEICLOUD_SDK_SECURITY_TOKEN', securityToken],
        ['HUAWEICLOUD_SDK_PROJECT_ID', projectId],
        ['HUAWEICLOUD_SDK_REGION', region],
        ['DMS_ENDPOINT', endpoint],
        ['DMS_TARGETS_FILE', targetsFile],
      ] as const
    ).find(([, v]) => v !== undefined);
    if (stray)
      throw new ConfigError(
        `${stray[0]} is set but no credentials are: set CLOUD_SDK_AK and CLOUD_SDK_SK (or HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK), or unset ${stray[0]} to run with the simulator`,
      );
    return { ...base, mode: 'simulator', targets: [] };
  }
  if (!ak) throw new ConfigError('CLOUD_SDK_AK (or HUAWEICLOUD_SDK_AK) is missing while a secret key is set');
  if (!sk) throw new ConfigError('CLOUD_SDK_SK (or HUAWEICLOUD_SDK_SK) is missing while an access key is set');
  let targets: UpstreamTarget[];
  if (targetsFile !== undefined) {
    const clash = (
      [
        ['HUAWEICLOUD_SDK_PROJECT_ID', projectId],
        ['HUAWEICLOUD_SDK_REGION', region],
        ['DMS_ENDPOINT', endpoint],
      ] as const
    ).find(([, v]) => v !== undefined);
    if (clash)
      throw new ConfigError(
        `${clash[0]} and DMS_TARGETS_FILE are both set; the file names every project and region, so unset ${clash[0]}`,
      );
    targets = readTargetsFile(targetsFile);
  } else {
    if (!projectId)
      throw new ConfigError(
        'HUAWEICLOUD_SDK_PROJECT_ID is required with credentials (or DMS_TARGETS_FILE for several)',
      );
    targets = [
      resolveTarget(projectId, region, endpoint, {
        where: 'HUAWEICLOUD_SDK_REGION',
        region: 'HUAWEICLOUD_SDK_REGION',
        endpoint: 'DMS_ENDPOINT',
        projectId: 'HUAWEICLOUD_SDK_PROJECT_ID',
        override: 'set DMS_ENDPOINT',
      }),
    ];
  }
  return { ...base, mode: 'live', credentials: { ak, sk, securityToken }, targets };
};
