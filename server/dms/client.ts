import type { Engine } from '../../shared/contract.ts';
import { z } from 'zod';
import { UpstreamError, type UpstreamErrorDetails } from './errors.ts';
import { progress, type RetryCause } from '../progress.ts';
import { type PagingConvention, type PagingMemory, createPagingMemory, pagingQuery, repeatsFirst } from './paging.ts';
import { type Credentials, parseSdkDate, percentEncode, signRequest } from './signer.ts';
import {
  type DmsInstance,
  type DmsTask,
  type DmsTaskList,
  dmsErrorBodySchema,
  dmsInstanceListSchema,
  dmsTaskListSchema,
} from './types.ts';
import { sleep as globalSleep } from '../sleep.ts';

/** What the client reports after every HTTP attempt, for logs and call counting. */
export interface DmsCallInfo {
  operation: string;
  method: string;
  /** 0 when no answer came (network error, timeout, abort). */
  status: number;
  durationMs: number;
  /** 1-based */
  attempt: number;
  requestId: string | null;
}

export interface DmsClientOptions {
  /** e.g. https://dms.cn-north-4.myhuaweicloud.com, or the simulator's URL */
  endpoint: string;
  projectId: string;
  credentials: Credentials;
  /** Per HTTP attempt, body included. Default 10 s. */
  timeoutMs?: number;
  /** Attempts per read, first one included. Default 4. Writes always make one. */
  maxAttempts?: number;
  /** A read gives up when this much time has passed since the call began. Default 30 s. */
  deadlineMs?: number;
  /** Backoff: full jitter over min(maxDelayMs, baseDelayMs · 2^(attempt-1)). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A longer Retry-After is cut to this. Default 30 s. */
  maxRetryAfterMs?: number;
  /** The whole instance listing (every page) ends by then. Default 60 s. */
  listDeadlineMs?: number;
  /** Pages of 50 the instance listing reads at most (2,000 instances). Default 40. */
  maxInstancePages?: number;
  /** Awaited before every HTTP attempt (the BFF's token bucket). */
  limiter?: { acquire(signal?: AbortSignal): Promise<void> };
  onCall?: (info: DmsCallInfo) => void;
  /** Longest answer body read (bytes); past it the read stops and the call fails. Default 32 MiB. */
  maxBodyBytes?: number;
  /** What this endpoint's paging convention is known to be; shared by the clients of one endpoint. */
  paging?: PagingMemory;
  fetch?: typeof fetch;
  /** For tests: waiting between attempts, randomness of the jitter, the clock (signing, deadline). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

export interface ListTasksParams {
  instanceId: string;
  /**
   * Paging, sent exactly as given (see docs/UPSTREAM.md: the public sources disagree):
   * `start` is a 1-based record index, `offset` a 0-based one. Give one, or both consistently.
   */
  start?: number | undefined;
  offset?: number | undefined;
  /** 1–100 */
  limit: number;
  /** UTC `YYYYMMDDHHmmss` */
  beginTime?: string | undefined;
  endTime?: string | undefined;
  signal?: AbortSignal | undefined;
}

/** One page of a listing by its 0-based record index: the client picks the paging parameter. */
export interface TaskPageParams {
  instanceId: string;
  /** 0-based index of the page's first record */
  index: number;
  limit: number;
  beginTime?: string | undefined;
  endTime?: string | undefined;
  signal?: AbortSignal | undefined;
}

/** `YYYYMMDDHHmmss` in UTC, the format of begin_time/end_time. */
export const formatDmsTime = (ms: number): string => new Date(ms).toISOString().replace(/[-:T]/g, '').slice(0, 14);

const INSTANCE_PAGE = 50;
const DEFAULTS = {
  timeoutMs: 10_000,
  maxAttempts: 4,
  deadlineMs: 30_000,
  baseDelayMs: 250,
  maxDelayMs: 4_000,
  maxRetryAfterMs: 30_000,
  listDeadlineMs: 60_000,
  maxInstancePages: 40,
  maxBodyBytes: 32 * 1024 * 1024,
};

/** The body as text, or undefined once it passes `cap` bytes (the rest is never read). */
const readCapped = async (response: Response, cap: number): Promise<string | undefined> => {
  const declared = response.headers.get('content-length');
  if (declared !== null && Number(declared) > cap) {
    await response.body?.cancel();
    return undefined;
  }
  // a declared length within the cap bounds the read already (fetch refuses a longer body)
  if (declared !== null && /^\d+$/.test(declared)) return response.text();
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > cap) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
};

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export const parseRetryAfter = (value: string | null, now: number): number | undefined => {
  if (value === null) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
};

const sdkDateToIso = (value: string) => parseSdkDate(value)?.toISOString();

/**
 * The gateway's "signature expired" answer names both clocks:
 * `…signature expired, signature time:20211217T064303Z,server time:20211217T065804Z`.
 */
export const parseClockSkew = (errorMsg: string): { localTime?: string; serverTime?: string } | undefined => {
  if (!/signature expired/i.test(errorMsg)) return undefined;
  const signed = /signature time:\s*(\d{8}T\d{6}Z)/i.exec(errorMsg)?.[1];
  const server = /server time:\s*(\d{8}T\d{6}Z)/i.exec(errorMsg)?.[1];
  return {
    localTime: signed ? sdkDateToIso(signed) : undefined,
    serverTime: server ? sdkDateToIso(server) : undefined,
  };
};

/** A path segment for an id: encoded, and never a dot segment that a URL would resolve away. */
const segment = (id: string): string => {
  if (id === '' || id === '.' || id === '..') throw new RangeError(`Not a usable id: ${JSON.stringify(id)}`);
  return percentEncode(id);
};

interface Call<T> {
  operation: string;
  path: string;
  query?: Record<string, string | number | undefined>;
  schema: z.ZodType<T>;
  signal?: AbortSignal | undefined;
}

/** An attempt's outcome: a value, or an error and whether another attempt may help. */
type Outcome<T> =
  { ok: true; value: T } | { ok: false; error: UpstreamError; retryable: boolean; retryAfterMs?: number | undefined };

export const createDmsClient = (options: DmsClientOptions) => {
  const { endpoint, projectId, credentials } = options;
  const o = {
    timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
    maxAttempts: options.maxAttempts ?? DEFAULTS.maxAttempts,
    deadlineMs: options.deadlineMs ?? DEFAULTS.deadlineMs,
    baseDelayMs: options.baseDelayMs ?? DEFAULTS.baseDelayMs,
    maxDelayMs: options.maxDelayMs ?? DEFAULTS.maxDelayMs,
    maxRetryAfterMs: options.maxRetryAfterMs ?? DEFAULTS.maxRetryAfterMs,
    listDeadlineMs: options.listDeadlineMs ?? DEFAULTS.listDeadlineMs,
    maxInstancePages: options.maxInstancePages ?? DEFAULTS.maxInstancePages,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULTS.maxBodyBytes,
  };
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? globalSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const base = new URL(endpoint);
  const basePath = base.pathname.replace(/\/+$/, '');
  const secrets = [credentials.sk, credentials.ak, credentials.securityToken].filter(
    (s): s is string => typeof s === 'string' && s.length > 0,
  );
  /** Gateway messages echo what they saw (a canonical request names the token): keep secrets out. */
  const redact = (text: string) => secrets.reduce((t, s) => t.replaceAll(s, '******'), text);

  const fail = (message: string, details: ConstructorParameters<typeof UpstreamError>[1]) =>
    new UpstreamError(redact(message), {
      ...details,
      errorMsg: details.errorMsg === null ? null : redact(details.errorMsg),
    });

  const attempt = async <T>(call: Call<T>, n: number, timeoutMs: number): Promise<Outcome<T>> => {
    const url = new URL(`${basePath}/v2/${segment(projectId)}${call.path}`, base);
    for (const [k, v] of Object.entries(call.query ?? {})) if (v !== undefined) url.searchParams.append(k, String(v));
    const headers = signRequest(
      { method: 'GET', url, projectId, headers: { 'Content-Type': 'application/json' } },
      credentials,
      new Date(now()),
    );
    // fetch sets Host itself, from the same URL the signature used
    delete headers.host;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = call.signal ? AbortSignal.any([timeout, call.signal]) : timeout;
    const started = performance.now();
    let status = 0;
    let requestId: string | null = null;
    const report = () =>
      options.onCall?.({
        operation: call.operation,
        method: 'GET',
        status,
        durationMs: Math.round((performance.now() - started) * 10) / 10,
        attempt: n,
        requestId,
      });
    const common = { operation: call.operation, attempts: n };

    let text: string | undefined;
    let response: Response;
    try {
      response = await doFetch(url, { method: 'GET', headers, signal });
      status = response.status;
      requestId = response.headers.get('x-request-id');
      text = await readCapped(response, o.maxBodyBytes);
    } catch (error) {
      report();
      if (call.signal?.aborted) throw call.signal.reason;
      const timedOut = timeout.aborted;
      const cause =
        error instanceof Error ? ((error.cause as { code?: string } | undefined)?.code ?? error.message) : '';
      const during = status === 0 ? '' : ` while reading its ${status} answer`;
      return {
        ok: false,
        retryable: true,
        error: fail(
          timedOut
            ? `DMS ${call.operation} did not answer within ${timeoutMs} ms`
            : `DMS ${call.operation} could not be reached${during}${cause ? ` (${cause})` : ''}`,
          { ...common, status, errorCode: null, errorMsg: null, requestId, kind: timedOut ? 'timeout' : 'network' },
        ),
      };
    }
    report();

    if (text === undefined) {
      const mb = Math.round((o.maxBodyBytes / 1024 / 1024) * 10) / 10;
      // the same request would only send the same flood again
      return {
        ok: false,
        retryable: false,
        error: fail(
          `DMS ${call.operation} answered ${status} with a body larger than ${mb} MB (DMS_MAX_BODY_MB); it was cut off unread`,
          { ...common, status, errorCode: null, errorMsg: null, requestId, kind: 'too-large' },
        ),
      };
    }

    if (!response.ok) {
      let body: z.infer<typeof dmsErrorBodySchema> = {};
      try {
        body = dmsErrorBodySchema.parse(JSON.parse(text));
      } catch {
        // a body that is not the documented error shape still leaves the status and request id
      }
      const errorCode = body.error_code ?? null;
      const errorMsg = body.error_msg ?? null;
      requestId ??= body.request_id ?? null;
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), now());
      const skew = errorCode === 'APIGW.0301' && errorMsg ? parseClockSkew(errorMsg) : undefined;
      if (skew) {
        return {
          ok: false,
          retryable: false,
          error: fail(
            `DMS refused the request because its signature expired: this server's clock reads ${skew.localTime ?? 'unknown'} ` +
              `and the API gateway's ${skew.serverTime ?? 'unknown'}; they may differ by at most 15 minutes. Fix this server's clock (NTP).`,
            { ...common, status, errorCode, errorMsg, requestId, kind: 'clock-skew', ...skew },
          ),
        };
      }
      return {
        ok: false,
        retryable: status === 429 || status >= 500,
        retryAfterMs,
        error: fail(
          `DMS ${call.operation} answered ${status}${errorCode ? ` ${errorCode}` : ''}${errorMsg ? `: ${errorMsg}` : ''}`,
          {
            ...common,
            status,
            errorCode,
            errorMsg,
            requestId,
            kind: 'http',
            retryAfterSeconds: retryAfterMs === undefined ? undefined : Math.ceil(retryAfterMs / 1000),
          },
        ),
      };
    }

    let parsed: ReturnType<z.ZodType<T>['safeParse']> | undefined;
    try {
      parsed = call.schema.safeParse(JSON.parse(text));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success) {
      const issue = parsed?.error.issues[0];
      const where = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'not JSON';
      return {
        ok: false,
        // a body cut short or garbled on the way may come whole next time; a wrong shape will not
        retryable: parsed === undefined,
        error: fail(`DMS ${call.operation} answered with a body that is not the documented shape (${where})`, {
          ...common,
          status,
          errorCode: null,
          errorMsg: null,
          requestId,
          kind: 'invalid-response',
        }),
      };
    }
    return { ok: true, value: parsed.data };
  };

  /** Why a read is retried, in the words the SPA's progress uses. */
  const retryCause = (d: UpstreamErrorDetails): RetryCause =>
    d.kind === 'timeout'
      ? 'timeout'
      : d.kind === 'network'
        ? 'unreachable'
        : d.status === 429 || d.kind === 'throttled-locally'
          ? 'throttled'
          : 'error';

  /** Every call is a read: it retries on network errors, timeouts, 429 and 5xx. */
  const call = async <T>(c: Call<T>): Promise<T> => {
    const deadline = now() + o.deadlineMs;
    const tries = Math.max(1, o.maxAttempts);
    let last: UpstreamError | undefined;
    for (let n = 1; ; n++) {
      if (c.signal?.aborted) throw c.signal.reason;
      await options.limiter?.acquire(c.signal);
      const remaining = deadline - now();
      if (remaining <= 0) {
        throw (
          last ??
          fail(`DMS ${c.operation} was not sent: its ${o.deadlineMs} ms deadline passed while waiting for a turn`, {
            operation: c.operation,
            attempts: n - 1,
            status: 0,
            errorCode: null,
            errorMsg: null,
            requestId: null,
            kind: 'timeout',
          })
        );
      }
      const timeoutMs = Math.min(o.timeoutMs, remaining);
      progress()?.waitAnswer(c.operation, n, timeoutMs);
      const outcome = await attempt(c, n, timeoutMs);
      if (outcome.ok) return outcome.value;
      last = outcome.error;
      if (!outcome.retryable || n >= tries) throw outcome.error;
      const delay =
        outcome.retryAfterMs !== undefined
          ? Math.min(outcome.retryAfterMs, o.maxRetryAfterMs)
          : random() * Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** (n - 1));
      // waiting past the deadline would only fail later: give up now with what we know
      if (now() + delay >= deadline) throw outcome.error;
      progress()?.waitRetry(c.operation, n + 1, retryCause(outcome.error.details), delay);
      await sleep(delay, c.signal);
    }
  };

  const listTasks = ({
    instanceId,
    start,
    offset,
    limit,
    beginTime,
    endTime,
    signal,
  }: ListTasksParams): Promise<DmsTaskList> =>
    call({
      operation: 'ListBackgroundTasks',
      path: `/instances/${segment(instanceId)}/tasks`,
      query: { start, offset, limit, begin_time: beginTime, end_time: endTime },
      schema: dmsTaskListSchema,
      signal,
    });

  const paging = options.paging ?? createPagingMemory();
  const idsOf = (page: DmsTaskList) => page.tasks.flatMap((t) => (t.id ? [t.id] : []));
  const sameIds = (a: DmsTaskList, b: DmsTaskList) => idsOf(a).join() === idsOf(b).join();
  const pagingFailure = (message: string) =>
    fail(message, {
      operation: 'ListBackgroundTasks',
      status: 200,
      errorCode: null,
      errorMsg: null,
      requestId: null,
      kind: 'invalid-response',
    });

  /** Asks the page both ways (one extra call) and keeps the convention whose answer is not page 1 again. */
  const learn = async (p: TaskPageParams, first: ReadonlySet<string>): Promise<DmsTaskList> => {
    const base = { instanceId: p.instanceId, limit: p.limit, beginTime: p.beginTime, endTime: p.endTime };
    const [byStart, byOffset] = await Promise.all([
      listTasks({ ...base, start: p.index + 1, signal: p.signal }),
      listTasks({ ...base, offset: p.index, signal: p.signal }),
    ]);
    const startIgnored = repeatsFirst(idsOf(byStart), first);
    const offsetIgnored = repeatsFirst(idsOf(byOffset), first);
    const at = `record ${p.index + 1}`;
    if (startIgnored && offsetIgnored)
      throw pagingFailure(
        `DMS ListBackgroundTasks ignored both start and offset: the page at ${at} repeated the first page, so a listing longer than one page cannot be read`,
      );
    const learned = (convention: PagingConvention, evidence: string, page: DmsTaskList) => {
      paging.learned(convention, evidence, 1);
      return page;
    };
    if (startIgnored)
      return learned(
        'offset',
        `start was ignored (the page at ${at} repeated page 1); offset (0-based) was honoured`,
        byOffset,
      );
    if (offsetIgnored)
      return learned(
        'start',
        `offset was ignored (the page at ${at} repeated page 1); start (1-based) was honoured`,
        byStart,
      );
    return sameIds(byStart, byOffset)
      ? learned('both', `start (1-based) and offset (0-based) answered the same page at ${at}`, byStart)
      : learned(
          'start',
          `start and offset answered different pages at ${at}; start (1-based, as the API's example requests) is used`,
          byStart,
        );
  };

  const listTaskPage = async (p: TaskPageParams): Promise<DmsTaskList> => {
    const key = `${p.instanceId}|${p.beginTime ?? ''}|${p.endTime ?? ''}|${p.limit}`;
    const read = (q: { start?: number; offset?: number }) =>
      listTasks({
        instanceId: p.instanceId,
        limit: p.limit,
        beginTime: p.beginTime,
        endTime: p.endTime,
        signal: p.signal,
        ...q,
      });
    if (p.index === 0) {
      // The first page needs no paging parameter whichever the API honours.
      const page = await read(paging.forced ? pagingQuery(paging.forced, 0) : {});
      paging.rememberFirst(key, idsOf(page));
      return page;
    }
    /** Learns from this page (single flight), or waits for a learning already running. */
    const viaLearning = async (): Promise<DmsTaskList | undefined> => {
      const first = paging.firstPage(key);
      const running = first && first.size > 0 ? paging.learnOnce(() => learn(p, first)) : undefined;
      if (running) return running;
      await paging.whileLearning()?.catch(() => undefined);
      return undefined;
    };
    if (paging.convention() === null) {
      const page = await viaLearning();
      if (page) return page;
    }
    const convention = paging.convention();
    // No first page to compare with: both names, consistently, are right whichever is honoured.
    if (convention === null) return read({ start: p.index + 1, offset: p.index });
    const page = await read(pagingQuery(convention, p.index));
    if (!repeatsFirst(idsOf(page), paging.firstPage(key))) return page;
    const evidence = `the page at record ${p.index + 1} asked with ${convention === 'offset' ? 'offset' : 'start'} repeated the first page`;
    paging.contradicted(evidence);
    if (paging.forced)
      throw pagingFailure(
        `DMS ListBackgroundTasks ignored ${paging.forced}: ${evidence}. DMS_PAGING=${paging.forced} is wrong for this endpoint: unset it (the console then learns the convention) or set the other one.`,
      );
    const relearned = await viaLearning();
    if (relearned) return relearned;
    const now = paging.convention();
    return read(now === null ? { start: p.index + 1, offset: p.index } : pagingQuery(now, p.index));
  };

  return {
    projectId,
    endpoint: base.href.replace(/\/+$/, ''),
    /**
     * ListInstancesDetails, every page (offset/limit 50) until instance_num, within a page cap
     * and a deadline: an upstream that claims 1e9 instances and sends one a page must end in an
     * error, not in a listing that never finishes and spends the call budget for ever.
     */
    async listInstances(signal?: AbortSignal, engine: Engine = 'rabbitmq'): Promise<DmsInstance[]> {
      const byId = new Map<string, DmsInstance>();
      const deadline = AbortSignal.timeout(o.listDeadlineMs);
      const both = signal ? AbortSignal.any([signal, deadline]) : deadline;
      let pages = 0;
      const stop = (message: string, kind: 'timeout' | 'invalid-response') =>
        fail(`DMS ListInstancesDetails ${message}`, {
          operation: 'ListInstancesDetails',
          status: 0,
          errorCode: null,
          errorMsg: null,
          requestId: null,
          kind,
        });
      for (let offset = 0; ;) {
        if (pages >= o.maxInstancePages)
          throw stop(
            `claims more instances than ${o.maxInstancePages} pages hold (${byId.size} read, ${offset} asked past): the listing was stopped`,
            'invalid-response',
          );
        let page;
        try {
          page = await call({
            operation: 'ListInstancesDetails',
            path: '/instances',
            query: { engine, offset, limit: INSTANCE_PAGE },
            schema: dmsInstanceListSchema,
            signal: both,
          });
        } catch (error) {
          if (deadline.aborted && !signal?.aborted)
            throw stop(`did not finish within ${o.listDeadlineMs} ms (${pages} pages read)`, 'timeout');
          throw error;
        }
        pages++;
        for (const i of page.instances) if (!byId.has(i.instance_id)) byId.set(i.instance_id, i);
        offset += page.instances.length;
        if (page.instances.length === 0 || offset >= page.instance_num) return [...byId.values()];
      }
    },
    /** ListBackgroundTasks with `start`/`offset` sent exactly as given; task_count is the total of matching tasks. */
    listTasks,
    /**
     * One page of ListBackgroundTasks by record index, asked the way this endpoint honours
     * (learned from the answers with at most one extra call, or forced by DMS_PAGING).
     */
    listTaskPage,
    /** What this endpoint's paging is known to be (for the doctor). */
    paging,
    /**
     * Learns the paging convention now if it is not known, for two or three calls of one task
     * each on an instance with at least two tasks (the doctor's check). Returns what is known.
     */
    async learnPaging(instanceId: string, signal?: AbortSignal) {
      if (paging.convention() === null) {
        const first = await listTaskPage({ instanceId, index: 0, limit: 1, signal });
        if (first.task_count >= 2) await listTaskPage({ instanceId, index: 1, limit: 1, signal });
      }
      return paging.report();
    },
    /** ShowBackgroundTask; undefined when DMS answers an empty list for an unknown id. */
    showTask: async (instanceId: string, taskId: string, signal?: AbortSignal): Promise<DmsTask | undefined> =>
      (
        await call({
          operation: 'ShowBackgroundTask',
          path: `/instances/${segment(instanceId)}/tasks/${segment(taskId)}`,
          schema: dmsTaskListSchema,
          signal,
        })
      ).tasks[0],
  };
};
export type DmsClient = ReturnType<typeof createDmsClient>;
