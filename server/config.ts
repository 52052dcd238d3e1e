import { z } from 'zod';

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
  upstreamTimeoutMs: number;
  /** Dashboard access control; required to listen on a non-loopback HOST. */
  access: { token?: string | undefined; basic?: { user: string; pass: string } | undefined };
  /** Extra Host header values the server answers (besides localhost/127.0.0.1/[::1]). */
  allowedHosts: string[];
  windowCacheTtlMs: number;
  windowMaxTasks: number;
  upstreamRatePerMinute: number;
  upstreamMaxWaitMs: number;
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
  DMS_ENDPOINT: z.url().optional(),
  DMS_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  CONSOLE_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  CONSOLE_BASIC_AUTH: z
    .string()
    .regex(/^[^:]+:.{8,}$/, 'must be user:password with a password of at least 8 characters')
    .optional(),
  ALLOWED_HOSTS: z
    .string()
    .regex(/^[a-z0-9.:[\],-]*$/i, 'must be a comma list of host or host:port')
    .default(''),
  WINDOW_CACHE_TTL_MS: z.coerce.number().int().min(0).max(600_000).default(5_000),
  WINDOW_MAX_TASKS: z.coerce.number().int().min(100).max(1_000_000).default(10_000),
  UPSTREAM_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(100),
  UPSTREAM_MAX_WAIT_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
});

/** Loopback addresses: anything else needs access control before the server will listen on it. */
export const isLoopbackHost = (host: string): boolean =>
  host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);

const nonEmpty = (v: string | undefined) => (v === undefined || v === '' ? undefined : v);

export const endpointForRegion = (region: string): string =>
  region === 'eu-west-101' ? 'https://dms.eu-west-101.myhuaweicloud.eu' : `https://dms.${region}.myhuaweicloud.com`;

export const parseConfig = (env: Record<string, string | undefined>): Config => {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${String(issue.path[0])}: ${issue.message}`);
  }
  const e = parsed.data;
  const ak = nonEmpty(e.CLOUD_SDK_AK) ?? nonEmpty(e.HUAWEICLOUD_SDK_AK);
  const sk = nonEmpty(e.CLOUD_SDK_SK) ?? nonEmpty(e.HUAWEICLOUD_SDK_SK);
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
    upstreamTimeoutMs: e.DMS_TIMEOUT_MS,
    access,
    allowedHosts: e.ALLOWED_HOSTS.split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
    windowCacheTtlMs: e.WINDOW_CACHE_TTL_MS,
    windowMaxTasks: e.WINDOW_MAX_TASKS,
    upstreamRatePerMinute: e.UPSTREAM_RATE_PER_MINUTE,
    upstreamMaxWaitMs: e.UPSTREAM_MAX_WAIT_MS,
  };
  if (!ak && !sk) return { ...base, mode: 'simulator', targets: [] };
  if (!ak) throw new ConfigError('CLOUD_SDK_AK (or HUAWEICLOUD_SDK_AK) is missing while a secret key is set');
  if (!sk) throw new ConfigError('CLOUD_SDK_SK (or HUAWEICLOUD_SDK_SK) is missing while an access key is set');
  const projectId = nonEmpty(e.HUAWEICLOUD_SDK_PROJECT_ID);
  if (!projectId) throw new ConfigError('HUAWEICLOUD_SDK_PROJECT_ID is required with credentials');
  const region = nonEmpty(e.HUAWEICLOUD_SDK_REGION);
  if (!region && !e.DMS_ENDPOINT)
    throw new ConfigError('HUAWEICLOUD_SDK_REGION (or DMS_ENDPOINT) is required with credentials');
  return {
    ...base,
    mode: 'live',
    credentials: { ak, sk, securityToken: nonEmpty(e.HUAWEICLOUD_SDK_SECURITY_TOKEN) },
    targets: [{ projectId, region: region ?? 'custom', endpoint: e.DMS_ENDPOINT ?? endpointForRegion(region!) }],
  };
};
