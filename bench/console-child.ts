import { parseConfig } from '../server/config.ts';
import { startConsole } from '../server/start.ts';

/**
 * The console as `server/main.ts` starts it (same config parsing, same startConsole), run as a
 * child of the benchmark so load generator and server do not share an event loop. It reports its
 * URL and, on request, its memory over IPC.
 */
export interface ChildRequest {
  type: 'memory';
  gc: boolean;
}
export type ChildMessage =
  | { type: 'ready'; url: string }
  | { type: 'memory'; rss: number; heapUsed: number; heapTotal: number; external: number };

const retainMs = process.env.BENCH_WINDOW_RETAIN_MS;
const running = await startConsole(parseConfig(process.env), {
  staticRoot: process.env.BENCH_STATIC_ROOT || undefined,
  windowRetainMs: retainMs ? Number(retainMs) : undefined,
});
const send = (m: ChildMessage) => process.send?.(m);
send({ type: 'ready', url: running.url });

const gc = (globalThis as { gc?: () => void }).gc;
process.on('message', (m: ChildRequest) => {
  if (m.type !== 'memory') return;
  if (m.gc) {
    if (!gc) throw new Error('start the child with --expose-gc to force GC');
    // Twice: the first pass can leave objects whose finalisers free more on the second.
    gc();
    gc();
  }
  const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
  send({ type: 'memory', rss, heapUsed, heapTotal, external });
});
process.on('SIGTERM', () => void running.close().then(() => process.exit(0)));
