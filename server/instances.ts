import { ENGINES, type Engine } from '../shared/contract.ts';
import type { Instance, TargetFailure } from '../shared/instance.ts';
import type { CallBudget } from './budget.ts';
import type { DmsClient } from './dms/client.ts';
import { UpstreamError } from './dms/errors.ts';
import type { DmsInstance } from './dms/types.ts';
import { upstreamErrorBody } from './errors.ts';

export interface Upstream {
  projectId: string;
  region: string;
  client: DmsClient;
  /** The engines whose instances are listed here (DMS_ENGINES); default all three. */
  engines?: readonly Engine[];
  /** The credential's call budget, shared by every upstream of that credential. */
  budget?: Pick<CallBudget, 'reserve'>;
}

const toInstance = (i: DmsInstance, u: Upstream, engine: Engine): Instance => {
  // A finite number can still lie outside what a Date holds (toISOString would throw).
  const created = i.created_at === null ? Number.NaN : new Date(i.created_at).getTime();
  return {
    id: i.instance_id,
    name: i.name,
    status: i.status,
    engine,
    engineVersion: i.engine_version ?? '',
    type: i.type ?? '',
    specification: i.specification ?? i.resource_spec_code ?? '',
    region: u.region,
    projectId: u.projectId,
    createdAt: Number.isNaN(created) ? null : new Date(created).toISOString(),
  };
};

interface Entry {
  instance: Instance;
  upstream: Upstream;
}
/** Every healthy target's instances, and the targets whose listing failed. */
interface Entries {
  entries: Entry[];
  failures: TargetFailure[];
}
/** What one target's listing came to: its instances, or why it failed. */
type Listing = { ok: true; entries: Entry[] } | { ok: false; error: unknown };

interface Load {
  promise: Promise<Listing>;
  controller: AbortController;
  waiters: number;
  /** Set when the listing has ended. */
  outcome?: { at: number; ok: boolean };
  listing?: Listing;
  /** The listing this one refreshes, answered from while this one runs (until it ends). */
  previous?: Load;
}

/** A failed target as the instance list names it. */
const targetFailure = (u: Upstream, error: unknown): TargetFailure => ({
  projectId: u.projectId,
  region: u.region,
  endpoint: u.client.endpoint,
  error:
    error instanceof UpstreamError
      ? upstreamErrorBody(error)
      : {
          code: 'INTERNAL',
          message: `Listing the instances failed (${error instanceof Error ? error.name : 'error'})`,
        },
});

/**
 * The instances of every configured project/region, and which upstream holds each. Each target
 * is listed on its own, so one that fails (a dead endpoint, a refused key) never hides the
 * others; its failure is kept `failTtlMs` so a dead target is not retried on every request, unless
 * a request asks past it (`retry`: the user's Retry after seeing the failure). A listing is shared
 * by the requests waiting for it and aborted when the last of them leaves, so no call is spent for
 * nobody. A listing past `ttlMs` but within `staleMs` more still answers plain requests at once
 * while one refresh runs behind it: listing a target takes a call an engine, in turn, and every
 * request that came in at expiry used to wait for them. A retry waits for the fresh listing.
 */
export const createInstanceDirectory = (upstreams: Upstream[], ttlMs = 30_000, failTtlMs = 5_000, staleMs = ttlMs) => {
  const loads = new Map<Upstream, Load>();

  const start = (u: Upstream): Load => {
    const controller = new AbortController();
    const load: Load = {
      controller,
      waiters: 0,
      // one listing an engine (ListInstancesDetails takes one `engine`), one after another: a
      // target that refuses the first costs one call, and any failing fails the target
      promise: (async () => {
        const entries: Entry[] = [];
        for (const engine of u.engines ?? ENGINES)
          for (const i of await u.client.listInstances(controller.signal, engine))
            entries.push({ instance: toInstance(i, u, engine), upstream: u });
        return entries;
      })().then(
        (entries): Listing => ({ ok: true, entries }),
        (error: unknown): Listing => ({ ok: false, error }),
      ),
    };
    void load.promise.then((l) => {
      load.outcome = { at: Date.now(), ok: l.ok };
      load.listing = l;
      delete load.previous;
    });
    loads.set(u, load);
    return load;
  };

  const usable = (o: NonNullable<Load['outcome']>, retry: boolean) =>
    o.ok ? Date.now() - o.at <= ttlMs : !retry && Date.now() - o.at <= failTtlMs;
  const servesStale = (o: NonNullable<Load['outcome']>, retry: boolean) =>
    !retry && o.ok && Date.now() - o.at <= ttlMs + staleMs;
  /**
   * A target's ended listing to answer from now: fresh, a remembered failure, or stale within
   * `staleMs` (then its refresh starts, once); undefined when the caller must wait for a listing.
   */
  const ready = (u: Upstream, retry: boolean): Load | undefined => {
    const load = loads.get(u);
    if (!load) return undefined;
    if (!load.outcome)
      return load.previous?.outcome && servesStale(load.previous.outcome, retry) ? load.previous : undefined;
    if (usable(load.outcome, retry)) return load;
    if (!servesStale(load.outcome, retry)) return undefined;
    start(u).previous = load;
    return load;
  };
  const current = (u: Upstream, retry: boolean): Load => {
    const now = ready(u, retry);
    if (now) return now;
    const load = loads.get(u);
    return load && !load.outcome ? load : start(u);
  };

  /** The last answer of `entries`, kept while every target's listing is the same. */
  let lastEntries: { listings: Listing[]; entries: Entries } | undefined;
  const entriesOf = (listings: Listing[]): Entries => {
    if (lastEntries && lastEntries.listings.every((l, i) => l === listings[i])) return lastEntries.entries;
    const first = listings[0];
    if (first && !first.ok && listings.every((l) => !l.ok)) throw first.error as Error;
    const entries = {
      entries: listings.flatMap((l) => (l.ok ? l.entries : [])),
      failures: listings.flatMap((l, i) => (l.ok ? [] : [targetFailure(upstreams[i]!, l.error)])),
    };
    lastEntries = { listings, entries };
    return entries;
  };

  /**
   * One waiter on each target's listing; the waiter may leave (its signal), each listing goes on
   * for the others. One abort listener for them all, however many targets: a request's signal
   * with one a target reached the EventTarget's limit of 10 at eleven targets.
   */
  const joinAll = (us: readonly Upstream[], signal?: AbortSignal, retry = false): Promise<Listing>[] => {
    if (signal?.aborted) return us.map(() => Promise.reject(signal.reason as Error));
    const waiting = new Map<number, { u: Upstream; load: Load; reject: (reason: unknown) => void }>();
    const leave = () => {
      for (const { u, load, reject } of waiting.values()) {
        load.waiters--;
        reject(signal!.reason);
        if (load.waiters === 0 && !load.outcome) {
          if (loads.get(u) === load) loads.delete(u);
          load.controller.abort(signal!.reason);
        }
      }
      waiting.clear();
    };
    const joined = us.map((u, i) => {
      const load = current(u, retry);
      load.waiters++;
      return new Promise<Listing>((resolve, reject) => {
        waiting.set(i, { u, load, reject });
        void load.promise.then((listing) => {
          // gone already: the request left while this listing ran
          if (!waiting.delete(i)) return;
          load.waiters--;
          if (waiting.size === 0) signal?.removeEventListener('abort', leave);
          resolve(listing);
        });
      });
    });
    if (waiting.size > 0) signal?.addEventListener('abort', leave, { once: true });
    return joined;
  };
  const join = (u: Upstream, signal?: AbortSignal, retry = false) => joinAll([u], signal, retry)[0]!;

  return {
    /**
     * The instance and its upstream from a listing that is done and fresh or served stale, at once (no promise,
     * no signal: a warm request's path); undefined when none holds it, and then `find` decides.
     */
    cached: (instanceId: string): Entry | undefined => {
      for (const u of upstreams) {
        const load = ready(u, false);
        if (!load?.listing?.ok) continue;
        const entry = load.listing.entries.find((e) => e.instance.id === instanceId);
        if (entry) return entry;
      }
      return undefined;
    },
    /**
     * Whether each target's instance listing (the same cached one the routes use) works: its
     * outcome, or `pending` when it has not answered within `waitMs` (it goes on, for later).
     */
    readiness: (
      waitMs: number,
    ): Promise<{ upstream: Upstream; state: 'ok' | 'failed' | 'pending'; error?: unknown }[]> =>
      Promise.all(
        upstreams.map(async (upstream) => {
          let timer: NodeJS.Timeout | undefined;
          const late = new Promise<'pending'>((resolve) => (timer = setTimeout(() => resolve('pending'), waitMs)));
          const outcome = await Promise.race([join(upstream), late]).finally(() => clearTimeout(timer));
          if (outcome === 'pending') return { upstream, state: 'pending' as const };
          return outcome.ok
            ? { upstream, state: 'ok' as const }
            : { upstream, state: 'failed' as const, error: outcome.error };
        }),
      ),
    /**
     * Every healthy target's instances with the upstream that holds each, and the failed targets.
     * The same object while no target is listed again, so a caller may key what it derives by it.
     */
    entries: async (signal?: AbortSignal, retry = false): Promise<Entries> =>
      entriesOf(await Promise.all(joinAll(upstreams, signal, retry))),
    /**
     * `entries` at once, when every target's listing is done and usable (no promise, no signal: a
     * warm request's path); undefined when one must be listed, or all failed (then `entries` decides).
     */
    settled: (retry = false): Entries | undefined => {
      const listings: Listing[] = [];
      for (const u of upstreams) {
        const listing = ready(u, retry)?.listing;
        if (!listing) return undefined;
        listings.push(listing);
      }
      return listings.some((l) => l.ok) ? entriesOf(listings) : undefined;
    },
    /** Every healthy target's instances, and each failed target with its error; when all fail, the first error. */
    list: async (
      signal?: AbortSignal,
      retry = false,
    ): Promise<{ instances: Instance[]; failures: TargetFailure[] }> => {
      const listings = await Promise.all(joinAll(upstreams, signal, retry));
      // with nothing to show, the failure is the answer (the SPA's error panel advises on it)
      const first = listings[0];
      if (first && !first.ok && listings.every((l) => !l.ok)) throw first.error as Error;
      return {
        instances: listings.flatMap((l) => (l.ok ? l.entries.map((e) => e.instance) : [])),
        failures: listings.flatMap((l, i) => (l.ok ? [] : [targetFailure(upstreams[i]!, l.error)])),
      };
    },
    /**
     * The instance and its upstream, as soon as a healthy target names it (a slow or dead target
     * does not delay it); undefined when no target has it; a failed target's error when the
     * instance is in no healthy target, since it may be in the failed one. `retry` lists again
     * a target whose failure is remembered.
     */
    find: (instanceId: string, signal?: AbortSignal, retry = false): Promise<Entry | undefined> =>
      new Promise((resolve, reject) => {
        let pending = upstreams.length;
        let failed: unknown;
        if (pending === 0) resolve(undefined);
        for (const joined of joinAll(upstreams, signal, retry))
          joined.then((listing) => {
            if (listing.ok) {
              const entry = listing.entries.find((e) => e.instance.id === instanceId);
              if (entry) resolve(entry);
            } else failed ??= listing.error;
            if (--pending === 0) {
              if (failed === undefined) resolve(undefined);
              else reject(failed as Error);
            }
          }, reject);
      }),
  };
};
export type InstanceDirectory = ReturnType<typeof createInstanceDirectory>;

/**
 * Whether a request asks past remembered failures: the SPA sends `Cache-Control: no-cache` when it
 * fetches again a query that failed (its Retry), so the user's retry reaches DMS.
 */
export const asksFresh = (req: Request) => /(^|[\s,])no-cache([\s,]|$)/i.test(req.headers.get('cache-control') ?? '');
