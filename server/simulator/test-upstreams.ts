import type { CallBudget } from '../budget.ts';
import { createDmsClient, type DmsClientOptions } from '../dms/client.ts';
import type { Upstream } from '../instances.ts';
import type { RunningSimulator } from './server.ts';

/**
 * For tests: one upstream per simulated target (project and region), signing with the
 * simulator's keys, one attempt a call, every call on the one credential's `budget`.
 */
export const simulatorUpstreams = (
  sim: Pick<RunningSimulator, 'targets' | 'ak' | 'sk'>,
  budget: CallBudget,
  onCall?: DmsClientOptions['onCall'],
): Upstream[] =>
  sim.targets.map((t) => ({
    projectId: t.projectId,
    region: t.region,
    budget,
    client: createDmsClient({
      endpoint: t.url,
      projectId: t.projectId,
      credentials: { ak: sim.ak, sk: sim.sk },
      timeoutMs: 10_000,
      maxAttempts: 1,
      limiter: budget,
      ...(onCall ? { onCall } : {}),
    }),
  }));
