import { diffPair, loadTask, toFailure } from './params-diff-session.ts';

/** Messages from the page: read a task ahead, or diff a pair (answered with the same `seq`). */
export type DiffWorkerRequest =
  | { kind: 'load'; instanceId: string; taskId: string }
  | { kind: 'diff'; seq: number; instanceId: string; ids: [string, string] };

// Reading two big params, parsing and comparing them here keeps the page's thread free for the pick's render.
globalThis.addEventListener('message', (e: MessageEvent<DiffWorkerRequest>) => {
  const m = e.data;
  if (m.kind === 'load') void loadTask(m.instanceId, m.taskId).catch(() => undefined);
  else
    diffPair(m.instanceId, m.ids).then(
      (ok) => globalThis.postMessage({ seq: m.seq, ok }),
      (error: unknown) => globalThis.postMessage({ seq: m.seq, error: toFailure(error) }),
    );
});
