import type { Instance } from '../shared/instance.ts';
import type { CallBudget } from './budget.ts';
import type { DmsClient } from './dms/client.ts';
import type { DmsInstance } from './dms/types.ts';

export interface Upstream {
  projectId: string;
  region: string;
  client: DmsClient;
  /** The credential's call budget, shared by every upstream of that credential. */
  budget?: Pick<CallBudget, 'reserve'>;
}

const toInstance = (i: DmsInstance, u: Upstream): Instance => {
  // A finite number can still lie outside what a Date holds (toISOString would throw).
  const created = i.created_at === null ? Number.NaN : new Date(i.created_at).getTime();
  return {
    id: i.instance_id,
    name: i.name,
    status: i.status,
    engineVersion: i.engine_version ?? '',
    type: i.type ?? '',
    specification: i.specification ?? i.resource_spec_code ?? '',
    region: u.region,
    projectId: u.projectId,
    createdAt: Number.isNaN(created) ? null : new Date(created).toISOString(),
  };
};

/** The instances of every configured project/region, and which upstream holds each. */
export const createInstanceDirectory = (upstreams: Upstream[], ttlMs = 30_000) => {
  let cached: { at: number; promise: Promise<{ instance: Instance; upstream: Upstream }[]> } | undefined;
  const load = () => {
    if (!cached || Date.now() - cached.at > ttlMs) {
      const promise = Promise.all(
        upstreams.map(async (u) =>
          (await u.client.listInstances()).map((i) => ({ instance: toInstance(i, u), upstream: u })),
        ),
      ).then((lists) => lists.flat());
      cached = { at: Date.now(), promise };
      promise.catch(() => {
        if (cached?.promise === promise) cached = undefined;
      });
    }
    return cached.promise;
  };
  return {
    list: async () => (await load()).map((e) => e.instance),
    find: async (instanceId: string) => (await load()).find((e) => e.instance.id === instanceId),
  };
};
export type InstanceDirectory = ReturnType<typeof createInstanceDirectory>;
