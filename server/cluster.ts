import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { taskSchema } from '../shared/task.ts';
import type { SharedState } from './routes/ready.ts';
import { isTaskId } from './tasks/normalise.ts';
import type { WindowEntry } from './tasks/window.ts';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);
const PREFIX = 'dms-console:';

/** A window as it travels between replicas; validated on the way back (Redis is outside this process). */
const sharedWindowSchema = z.object({
  instanceId: z.string(),
  from: z.number(),
  to: z.number(),
  rollingMs: z.number().nullable(),
  coveredUntil: z.number(),
  reconciledAt: z.number(),
  fetchedAt: z.number(),
  tasks: z.array(taskSchema),
});

export interface ClusterOptions {
  url: string;
  /** How long one replica may hold a window's fetch before another may take it over. */
  lockMs?: number;
  /** How often a replica waiting for another's fetch looks for its window. */
  pollMs?: number;
  /** Largest window read back from Redis, decompressed (bytes). */
  maxWindowBytes?: number;
  /** Told when Redis comes and goes (logs). */
  onState?: (state: SharedState) => void;
  /** Told how each shared window was got (metrics). */
  onWindow?: (how: SharedWindowOutcome) => void;
}

/**
 * `redis`: another replica's window, read from Redis; `fetched`: fetched here under the lock and
 * published; `unshared`: fetched here without Redis (away, or a waiter gave up).
 */
export type SharedWindowOutcome = 'redis' | 'fetched' | 'unshared';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Deletes the lock only if it is still ours (it may have expired and been taken by another replica). */
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * The state replicas share through Redis (REDIS_URL, docs/decisions/0011): the connection the
 * call budget's RateLimiterRedis uses, and windows fetched once across replicas and shared
 * compressed with their TTL. Every command fails at once while Redis is away (no offline
 * queue), so each replica falls back to its own share of the budget and its own fetches, and
 * rejoins when ioredis reconnects.
 */
export const connectCluster = (options: ClusterOptions) => {
  const lockMs = options.lockMs ?? 30_000;
  const pollMs = options.pollMs ?? 50;
  const maxWindowBytes = options.maxWindowBytes ?? 256 * 1024 * 1024;
  const redis = new Redis(options.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 2_000,
    connectTimeout: 2_000,
    // keep trying, at most every 2 s: a replica rejoins soon after Redis is back
    retryStrategy: (times) => Math.min(100 * times, 2_000),
    lazyConnect: false,
  });
  let last: SharedState | undefined;
  const state = (): SharedState => (redis.status === 'ready' ? 'redis' : 'fallback');
  const report = () => {
    const now = state();
    if (now !== last) options.onState?.((last = now));
  };
  redis.on('ready', report);
  redis.on('close', report);
  // ioredis reports every failed reconnection as an error event; the state change says enough
  redis.on('error', () => {});

  const windowKey = (key: string) => `${PREFIX}window:${key}`;
  const lockKey = (key: string) => `${PREFIX}lock:${key}`;

  const read = async (key: string): Promise<WindowEntry | undefined> => {
    const packed = await redis.getBuffer(windowKey(key));
    if (!packed) return undefined;
    try {
      const text = (await gunzipAsync(packed, { maxOutputLength: maxWindowBytes })).toString('utf8');
      const w = sharedWindowSchema.parse(JSON.parse(text));
      // as the store makes it: only DMS ids are looked up (an odd id is listed, never linked)
      const byId = new Map(w.tasks.flatMap((t) => (isTaskId(t.id) ? [[t.id, t] as const] : [])));
      return { ...w, rollingMs: w.rollingMs ?? undefined, byId };
    } catch {
      // not a window this version wrote, or cut: as if absent (it is fetched again and overwritten)
      return undefined;
    }
  };

  const publish = async (key: string, entry: WindowEntry, ttlMs: number) => {
    const left = ttlMs - (Date.now() - entry.fetchedAt);
    if (left <= 0) return;
    const { byId: _byId, ...rest } = entry;
    const packed = await gzipAsync(JSON.stringify({ ...rest, rollingMs: rest.rollingMs ?? null }));
    await redis.set(windowKey(key), packed, 'PX', Math.ceil(left));
  };

  /**
   * The window `key`: another replica's from Redis while fresh, else fetched by whichever replica
   * takes the lock (the others wait for it to appear), then published with what is left of its
   * TTL. Without Redis, or when the lock's holder outlives it, fetched here.
   */
  const sharedWindow = async (key: string, ttlMs: number, fetch: () => Promise<WindowEntry>) => {
    if (ttlMs <= 0 || state() !== 'redis') {
      options.onWindow?.('unshared');
      return fetch();
    }
    let token: string | undefined;
    const fresh = async () => {
      const shared = await read(key);
      return shared && Date.now() - shared.fetchedAt < ttlMs ? shared : undefined;
    };
    try {
      const giveUp = Date.now() + lockMs;
      for (;;) {
        const shared = await fresh();
        if (shared) {
          options.onWindow?.('redis');
          return shared;
        }
        const mine = randomUUID();
        if (await redis.set(lockKey(key), mine, 'PX', lockMs, 'NX')) {
          token = mine;
          break;
        }
        if (Date.now() > giveUp) break;
        await sleep(pollMs);
      }
      // The holder may have published and released between our look and our lock: look again.
      const published = token === undefined ? undefined : await fresh();
      if (published) {
        redis.eval(RELEASE, 1, lockKey(key), token!).catch(() => {});
        options.onWindow?.('redis');
        return published;
      }
    } catch {
      // Redis went away while we looked or waited: this replica fetches on its own
    }
    if (!token) {
      options.onWindow?.('unshared');
      return fetch();
    }
    const held = token;
    try {
      const entry = await fetch();
      await publish(key, entry, ttlMs).catch(() => {});
      options.onWindow?.('fetched');
      return entry;
    } finally {
      redis.eval(RELEASE, 1, lockKey(key), held).catch(() => {});
    }
  };

  return {
    redis,
    state,
    sharedWindow,
    close: async () => {
      redis.removeAllListeners('ready');
      redis.removeAllListeners('close');
      await redis.quit().catch(() => redis.disconnect());
    },
  };
};
export type Cluster = ReturnType<typeof connectCluster>;
