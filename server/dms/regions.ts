/** The RabbitMQ region ids of the official SDKs (docs/UPSTREAM.md), in their order. */
export const DMS_REGIONS = [
  'eu-west-101',
  'cn-north-1',
  'cn-north-2',
  'cn-north-4',
  'cn-north-9',
  'cn-north-11',
  'cn-north-12',
  'cn-east-2',
  'cn-east-3',
  'cn-east-4',
  'cn-east-5',
  'cn-south-1',
  'cn-south-2',
  'cn-south-4',
  'cn-southwest-2',
  'cn-southwest-3',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'af-south-1',
  'af-north-1',
  'ru-northwest-2',
  'ru-moscow-1',
  'la-south-2',
  'la-north-2',
  'sa-brazil-1',
  'na-mexico-1',
  'tr-west-1',
  'ae-ad-1',
  'me-east-1',
  'eu-west-0',
  'my-kualalumpur-1',
] as const;
export type DmsRegion = (typeof DMS_REGIONS)[number];

const known: ReadonlySet<string> = new Set(DMS_REGIONS);
export const isDmsRegion = (region: string): region is DmsRegion => known.has(region);

/** The DMS endpoint of a known region; eu-west-101 alone lives under `.eu`. */
export const endpointForRegion = (region: DmsRegion): string =>
  region === 'eu-west-101' ? 'https://dms.eu-west-101.myhuaweicloud.eu' : `https://dms.${region}.myhuaweicloud.com`;

/** The region an official-looking endpoint names, e.g. https://dms.cn-north-4.myhuaweicloud.com. */
export const regionOfEndpoint = (endpoint: string): string | undefined => {
  let host: string;
  try {
    host = new URL(endpoint).hostname;
  } catch {
    return undefined;
  }
  return /^dms\.([a-z0-9-]+)\.myhuaweicloud\.(?:com|eu)$/.exec(host)?.[1];
};
