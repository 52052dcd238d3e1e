import { createHash } from 'node:crypto';

const digest = (value: string, length: number) => createHash('sha256').update(value).digest('hex').slice(0, length);

/**
 * How a target is named where anyone may read it (/api/ready, metric labels): its region and a
 * hash of its project id, stable across replicas and restarts, with no project id in it.
 */
export const targetName = (t: { region: string; projectId: string }) => `${t.region}/${digest(t.projectId, 8)}`;

/** A credential as a metric label or Redis key: a hash, never the access key itself. */
export const credentialName = (ak: string) => `ak-${digest(ak, 12)}`;
