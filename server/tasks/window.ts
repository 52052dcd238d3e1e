import type { Task } from '../../shared/task.ts';
import { type DmsClient, formatDmsTime } from '../dms/client.ts';
import { toTask } from './normalise.ts';

export const PAGE_LIMIT = 100;

/**
 * Fetches every task created in [from, to] with end_time pinned, so paging is stable while new
 * tasks arrive: the first page tells the total, the rest are fetched with bounded concurrency,
 * and the result is de-duplicated by id.
 */
export const fetchWindow = async (
  client: DmsClient,
  instanceId: string,
  window: { from: number; to: number },
  options: { concurrency?: number; signal?: AbortSignal } = {},
): Promise<Task[]> => {
  const beginTime = formatDmsTime(window.from);
  const endTime = formatDmsTime(window.to);
  const page = (start: number) =>
    client.listTasks({ instanceId, start, limit: PAGE_LIMIT, beginTime, endTime, signal: options.signal });
  const first = await page(1);
  const starts: number[] = [];
  for (let start = 1 + PAGE_LIMIT; start <= first.task_count; start += PAGE_LIMIT) starts.push(start);
  const pages = [first.tasks];
  const concurrency = options.concurrency ?? 4;
  let next = 0;
  const rest: (typeof first.tasks)[] = [];
  await Promise.all(
    Array.from({ length: Math.min(concurrency, starts.length) }, async () => {
      while (next < starts.length) {
        const index = next++;
        rest[index] = (await page(starts[index]!)).tasks;
      }
    }),
  );
  pages.push(...rest);
  const byId = new Map<string, Task>();
  for (const list of pages) for (const t of list) if (!byId.has(t.id)) byId.set(t.id, toTask(t));
  return [...byId.values()];
};
