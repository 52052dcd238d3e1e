import { Hono } from 'hono';
import type { ApiErrorCode } from '../../shared/error-codes.ts';
import { DomainError } from '../domain-error.ts';
import type { InstanceDirectory } from '../instances.ts';
import { targetName } from '../labels.ts';

/** Where the replicas' shared state is: none (one replica), Redis, or this replica alone while Redis is away. */
export type SharedState = 'memory' | 'redis' | 'fallback';

export interface Readiness {
  ready: boolean;
  mode: 'simulator' | 'live';
  sharedState: SharedState;
  targets: { name: string; state: 'ok' | 'failed' | 'pending'; code?: ApiErrorCode }[];
}

export interface ReadyOptions {
  mode: Readiness['mode'];
  directory: InstanceDirectory;
  sharedState?: () => SharedState;
  /** How long the answer waits for a target's listing before calling it pending. */
  waitMs?: number;
}

/**
 * `GET /api/ready`: whether this replica can serve. The configuration was checked at start-up
 * (a bad one never listens); each target is as usable as its instance listing, the one the
 * routes share (cached 30 s, a failure 5 s), so a probe costs at most one call a target per
 * 5 s. Ready when at least one target lists its instances. No project id, endpoint or message.
 */
export const readyRoutes = ({ mode, directory, sharedState = () => 'memory', waitMs = 3_000 }: ReadyOptions) =>
  new Hono().get('/', async (c) => {
    const results = await directory.readiness(waitMs);
    const targets = results.map(({ upstream, state, error }) => ({
      name: targetName(upstream),
      state,
      ...(state === 'failed' ? { code: error instanceof DomainError ? error.code : ('INTERNAL' as const) } : {}),
    }));
    const body: Readiness = {
      ready: targets.some((t) => t.state === 'ok'),
      mode,
      sharedState: sharedState(),
      targets,
    };
    c.header('Cache-Control', 'no-store');
    return c.json(body, body.ready ? 200 : 503);
  });
