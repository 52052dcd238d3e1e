import { z } from 'zod';
import { type Credentials, signRequest } from './signer.ts';
import { UpstreamError } from './errors.ts';
import {
  type DmsInstance,
  type DmsTask,
  dmsErrorBodySchema,
  dmsInstanceListSchema,
  dmsInstanceSchema,
  dmsTaskListSchema,
} from './types.ts';

export interface DmsClientOptions {
  /** e.g. https://dms.cn-north-4.myhuaweicloud.com, or the simulator's URL */
  endpoint: string;
  projectId: string;
  credentials: Credentials;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export interface ListTasksParams {
  instanceId: string;
  /** 1-based index of the first record. */
  start: number;
  /** 1–100 */
  limit: number;
  /** UTC `YYYYMMDDHHmmss` */
  beginTime?: string;
  endTime?: string;
  signal?: AbortSignal;
}

/** `YYYYMMDDHHmmss` in UTC, the format of begin_time/end_time. */
export const formatDmsTime = (ms: number): string => new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14);

export const createDmsClient = (options: DmsClientOptions) => {
  const { endpoint, projectId, credentials, timeoutMs = 10_000 } = options;
  const doFetch = options.fetch ?? fetch;
  const base = new URL(endpoint);

  const call = async <T>(
    method: 'GET' | 'DELETE',
    path: string,
    query: Record<string, string | number | undefined>,
    schema: z.ZodType<T> | null,
    signal?: AbortSignal,
  ): Promise<T> => {
    const url = new URL(`/v2/${encodeURIComponent(projectId)}${path}`, base);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.append(k, String(v));
    const headers = signRequest(
      { method, url, headers: { 'Content-Type': 'application/json', 'X-Project-Id': projectId } },
      credentials,
    );
    delete headers.host;
    const signals = [AbortSignal.timeout(timeoutMs), ...(signal ? [signal] : [])];
    let response: Response;
    try {
      response = await doFetch(url, { method, headers, signal: AbortSignal.any(signals) });
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      throw new UpstreamError(timedOut ? `DMS did not answer within ${timeoutMs} ms` : 'DMS could not be reached', {
        status: 0,
        errorCode: null,
        errorMsg: null,
        requestId: null,
        kind: timedOut ? 'timeout' : 'network',
      });
    }
    const requestId = response.headers.get('x-request-id');
    const text = await response.text();
    if (!response.ok) {
      let body: z.infer<typeof dmsErrorBodySchema> = {};
      try {
        body = dmsErrorBodySchema.parse(JSON.parse(text));
      } catch {
        // a body that is not the documented error shape still leaves the status and request id
      }
      throw new UpstreamError(`DMS answered ${response.status}${body.error_code ? ` ${body.error_code}` : ''}`, {
        status: response.status,
        errorCode: body.error_code ?? null,
        errorMsg: body.error_msg ?? null,
        requestId: requestId ?? body.request_id ?? null,
        kind: 'http',
      });
    }
    if (schema === null) return undefined as T;
    const parsed = (() => {
      try {
        return schema.safeParse(JSON.parse(text));
      } catch {
        return undefined;
      }
    })();
    if (!parsed?.success) {
      throw new UpstreamError('DMS answered with a body that is not the documented shape', {
        status: response.status,
        errorCode: null,
        errorMsg: null,
        requestId,
        kind: 'invalid-response',
      });
    }
    return parsed.data;
  };

  return {
    projectId,
    async listInstances(signal?: AbortSignal): Promise<DmsInstance[]> {
      const instances: DmsInstance[] = [];
      for (let offset = 0; ;) {
        const page = await call(
          'GET',
          '/instances',
          { engine: 'rabbitmq', offset, limit: 50 },
          dmsInstanceListSchema,
          signal,
        );
        instances.push(...page.instances);
        offset += page.instances.length;
        if (page.instances.length === 0 || offset >= page.instance_num) return instances;
      }
    },
    showInstance: (instanceId: string, signal?: AbortSignal) =>
      call('GET', `/instances/${instanceId}`, {}, dmsInstanceSchema, signal),
    listTasks: ({ instanceId, start, limit, beginTime, endTime, signal }: ListTasksParams) =>
      call(
        'GET',
        `/instances/${instanceId}/tasks`,
        { start, limit, begin_time: beginTime, end_time: endTime },
        dmsTaskListSchema,
        signal,
      ),
    showTask: async (instanceId: string, taskId: string, signal?: AbortSignal): Promise<DmsTask | undefined> =>
      (await call('GET', `/instances/${instanceId}/tasks/${taskId}`, {}, dmsTaskListSchema, signal)).tasks[0],
    deleteTask: (instanceId: string, taskId: string, signal?: AbortSignal) =>
      call<void>('DELETE', `/instances/${instanceId}/tasks/${taskId}`, {}, null, signal),
  };
};
export type DmsClient = ReturnType<typeof createDmsClient>;
