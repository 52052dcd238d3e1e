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
});

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
  const base = { host: e.HOST, port: e.PORT, upstreamTimeoutMs: e.DMS_TIMEOUT_MS };
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
