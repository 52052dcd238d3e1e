import { diffPair, type DiffFailure, fromFailure, loadTask, type PairDiff } from './params-diff-session.ts';
import type { DiffWorkerRequest } from './params-diff.worker.ts';

type Answer = { seq: number; ok: PairDiff } | { seq: number; error: DiffFailure };
interface Waiting {
  instanceId: string;
  ids: [string, string];
  resolve: (d: PairDiff) => void;
  reject: (e: unknown) => void;
}

let worker: Worker | null | undefined;
let seq = 0;
const waiting = new Map<number, Waiting>();

/** Without a worker (it failed to start, or none exists, as in jsdom) the same work runs here. */
const inThread = (w: Waiting) => diffPair(w.instanceId, w.ids).then(w.resolve, w.reject);

const workerOf = () => {
  if (worker !== undefined) return worker;
  if (typeof Worker !== 'function') return (worker = null);
  const w = new Worker(new URL('./params-diff.worker.ts', import.meta.url), { type: 'module' });
  w.addEventListener('message', (e: MessageEvent<Answer>) => {
    const m = e.data;
    const at = waiting.get(m.seq);
    waiting.delete(m.seq);
    if (!at) return;
    if ('ok' in m) at.resolve(m.ok);
    else at.reject(fromFailure(m.error));
  });
  w.addEventListener('error', () => {
    worker = null;
    w.terminate();
    for (const at of waiting.values()) void inThread(at);
    waiting.clear();
  });
  return (worker = w);
};

const post = (w: Worker, m: DiffWorkerRequest) => w.postMessage(m);

/** Starts reading (and parsing) a task the diff is about to need. */
export const readTask = (instanceId: string, taskId: string) => {
  const w = workerOf();
  if (w) post(w, { kind: 'load', instanceId, taskId });
  else void loadTask(instanceId, taskId).catch(() => undefined);
};

const pairDiff = (instanceId: string, ids: [string, string]) =>
  new Promise<PairDiff>((resolve, reject) => {
    const at = { instanceId, ids, resolve, reject };
    const w = workerOf();
    if (!w) return void inThread(at);
    waiting.set(++seq, at);
    post(w, { kind: 'diff', seq, instanceId, ids });
  });

export const pairDiffOptions = (instanceId: string, ids: readonly [string, string]) => ({
  queryKey: ['insights', 'diff', instanceId, ids[0], ids[1]] as const,
  queryFn: () => pairDiff(instanceId, [ids[0], ids[1]]),
  staleTime: 60_000,
});
