import { rangeToMs } from '../../shared/contract.ts';
import { DomainError } from '../domain-error.ts';
import { asksFresh, type InstanceDirectory } from '../instances.ts';
import { type WindowStore, windowKeyFor } from '../tasks/window.ts';

export interface WindowRouteOptions {
  directory: InstanceDirectory;
  windows: WindowStore;
  /** Rolling ranges resolve to a window end rounded up to this step, so they share a cache entry. */
  rollingStepMs: number;
}

/** The instance a request names and its upstream; INSTANCE_NOT_FOUND when no target lists it. */
export const instanceFor = async (directory: InstanceDirectory, instanceId: string, req: Request) => {
  // A request that asks past remembered failures (the SPA's Retry) goes the whole way.
  const fresh = asksFresh(req);
  const entry = (!fresh && directory.cached(instanceId)) || (await directory.find(instanceId, req.signal, fresh));
  if (!entry) throw new DomainError('INSTANCE_NOT_FOUND', `No instance ${instanceId} in the configured projects`);
  return entry;
};

/**
 * The window a list, insights or timeline query names. A warm one (instance listing and window
 * both fresh in memory) is returned as it is, not in a promise, and without the request's abort
 * signal, which Node's adapter makes on first use: most of what a warm request cost besides its
 * answer's bytes.
 */
export const loadWindow = (
  options: WindowRouteOptions,
  instanceId: string,
  query: { range?: string | undefined; from?: string | undefined; to?: string | undefined },
  req: Request,
) => {
  const known = !asksFresh(req) && options.directory.cached(instanceId);
  const entry =
    known && options.windows.fresh(windowKeyFor(instanceId, query, Date.now(), rangeToMs, options.rollingStepMs));
  return known && entry ? { instance: known.instance, entry } : loadCold(options, instanceId, query, req);
};

const loadCold = async (
  { directory, windows, rollingStepMs }: WindowRouteOptions,
  instanceId: string,
  query: { range?: string | undefined; from?: string | undefined; to?: string | undefined },
  req: Request,
) => {
  const { instance, upstream } = await instanceFor(directory, instanceId, req);
  const target = windowKeyFor(instanceId, query, Date.now(), rangeToMs, rollingStepMs);
  return { instance, entry: windows.fresh(target) ?? (await windows.get(upstream, target, req.signal)) };
};
