import type { CheckName, DiagnosticCheck, Diagnostics, TargetDiagnostics } from '../shared/diagnostics.ts';
import { createDmsClient, type DmsClientOptions, formatDmsTime } from './dms/client.ts';
import { UpstreamError } from './dms/errors.ts';
import type { Credentials } from './dms/signer.ts';
import type { OutOfRangeReport } from './tasks/window.ts';

export interface DoctorTarget {
  projectId: string;
  region: string;
  endpoint: string;
}

export interface DoctorOptions {
  credentials: Credentials;
  timeoutMs?: number;
  /** The credential's call budget, when run inside the console. */
  limiter?: DmsClientOptions['limiter'];
  /** DMS_TIME_ZONE_OFFSET_MIN: the zone the console reads begin_time/end_time in. */
  zoneOffsetMin?: number | undefined;
  /** What the console's window fetches last saw outside their asked range, for a target. */
  outOfRange?: (target: DoctorTarget) => { report: OutOfRangeReport; at: string; count: number } | undefined;
  /** For tests: this machine's clock. */
  now?: () => number;
}

const TITLES: Record<CheckName, string> = {
  reachable: 'Endpoint reachable',
  credentials: 'Credentials accepted',
  clock: 'Clock agrees with the gateway',
  instances: 'Instances visible',
  paging: 'Paging convention',
  'time-filter': 'Time filter',
  throttling: 'Throttling (429)',
};
/** The gateway refuses a signature dated more than 15 minutes away from its own clock. */
const SKEW_LIMIT_MS = 15 * 60_000;
const SKEW_WARN_MS = 5 * 60_000;

const minutes = (ms: number) => `${(Math.abs(ms) / 60_000).toFixed(1)} min`;

/** Why a call got no answer, in words a person can act on. */
const unreachable = (e: UpstreamError, endpoint: string): Omit<DiagnosticCheck, 'name' | 'title'> => {
  const host = new URL(endpoint).host;
  if (e.details.kind === 'timeout')
    return {
      status: 'fail',
      summary: `${host} did not answer in time (${e.message}).`,
      advice: 'Check that this machine can reach the endpoint (firewall, proxy, VPN), or raise DMS_TIMEOUT_MS.',
    };
  const m = e.message;
  if (/ENOTFOUND|EAI_AGAIN/.test(m))
    return {
      status: 'fail',
      summary: `The name ${new URL(endpoint).hostname} does not resolve (DNS).`,
      advice: 'Check the region (HUAWEICLOUD_SDK_REGION) or DMS_ENDPOINT, and this machine’s DNS.',
    };
  if (/CERT|SSL|TLS|self.signed|certificate/i.test(m))
    return {
      status: 'fail',
      summary: `The TLS handshake with ${host} failed (${m}).`,
      advice: 'A proxy may be intercepting TLS: trust its CA with NODE_EXTRA_CA_CERTS, or check DMS_ENDPOINT.',
    };
  return {
    status: 'fail',
    summary: `${host} could not be reached (${m}).`,
    advice: 'Check DMS_ENDPOINT (or the region) and that the endpoint is up and reachable from this machine.',
  };
};

/** Checks one target, spending about ten calls; never throws, never puts a secret in its words. */
export const diagnoseTarget = async (target: DoctorTarget, options: DoctorOptions): Promise<TargetDiagnostics> => {
  const now = options.now ?? Date.now;
  let throttled = 0;
  /** The gateway's Date header and our clock half way through the call that carried it. */
  let dated: { server: number; local: number } | undefined;
  const client = createDmsClient({
    endpoint: target.endpoint,
    projectId: target.projectId,
    credentials: options.credentials,
    timeoutMs: options.timeoutMs ?? 10_000,
    maxAttempts: 2,
    limiter: options.limiter,
    now,
    onCall: (info) => {
      if (info.status === 429) throttled++;
    },
    fetch: async (input, init) => {
      const sent = now();
      const res = await fetch(input, init);
      const server = Date.parse(res.headers.get('date') ?? '');
      if (Number.isFinite(server)) dated = { server, local: (sent + now()) / 2 };
      return res;
    },
  });
  const checks: DiagnosticCheck[] = [];
  const add = (name: CheckName, c: Omit<DiagnosticCheck, 'name' | 'title'>) =>
    checks.push({ name, title: TITLES[name], ...c });
  const skipRest = (reason: string) => {
    for (const name of Object.keys(TITLES) as CheckName[])
      if (name !== 'throttling' && !checks.some((c) => c.name === name))
        add(name, { status: 'skipped', summary: reason });
  };
  const finish = (): TargetDiagnostics => {
    add(
      'throttling',
      throttled === 0
        ? { status: 'ok', summary: 'No call was throttled.' }
        : {
            status: 'warn',
            summary: `${throttled} call${throttled === 1 ? ' was' : 's were'} answered 429 (throttled).`,
            advice:
              'Another client may share this key’s limit; lower UPSTREAM_RATE_PER_MINUTE or use a key of its own.',
          },
    );
    return { ...target, usable: !checks.some((c) => c.status === 'fail'), checks };
  };

  let instances;
  try {
    instances = await client.listInstances();
  } catch (error) {
    if (!(error instanceof UpstreamError)) throw error;
    const { kind, status, errorCode, requestId } = error.details;
    const rid = requestId ? ` (request id ${requestId})` : '';
    if (kind === 'network' || kind === 'timeout') {
      add('reachable', unreachable(error, target.endpoint));
      skipRest('Not checked: the endpoint could not be reached.');
      return finish();
    }
    add('reachable', { status: 'ok', summary: `${new URL(target.endpoint).host} answered.` });
    if (kind === 'clock-skew') {
      add('credentials', { status: 'skipped', summary: 'Not checked: the gateway refused the request’s date.' });
      const { serverTime, localTime } = error.details;
      add('clock', {
        status: 'fail',
        summary: `The gateway refused the signature as expired: its clock reads ${serverTime ?? 'unknown'}, this machine’s ${localTime ?? 'unknown'}${rid}.`,
        advice: 'Synchronise this machine’s clock (NTP); the gateway allows at most 15 minutes of difference.',
      });
      skipRest('Not checked: no call was accepted.');
      return finish();
    }
    if (status === 401 || status === 403 || errorCode?.startsWith('APIGW.03')) {
      add('credentials', {
        status: 'fail',
        summary:
          `The gateway refused the credentials: ${status} ${errorCode ?? ''}${rid}. ${error.details.errorMsg ?? ''}`.trim(),
        advice:
          'Check CLOUD_SDK_AK / CLOUD_SDK_SK (or HUAWEICLOUD_SDK_*), that the key is active, and that the project id belongs to this region.',
      });
    } else {
      add('credentials', { status: 'skipped', summary: 'Not checked: the listing failed for another reason.' });
      add('instances', {
        status: 'fail',
        summary: `Listing the instances failed: ${error.message}${rid}.`,
        advice: 'Retry; if it persists, quote the request id to Huawei Cloud support.',
      });
    }
    skipRest('Not checked: the instances could not be listed.');
    return finish();
  }
  add('reachable', { status: 'ok', summary: `${new URL(target.endpoint).host} answered.` });
  add('credentials', { status: 'ok', summary: 'The gateway accepted the signed requests.' });
  if (!dated) add('clock', { status: 'skipped', summary: 'The gateway sent no Date header to compare with.' });
  else {
    const skew = dated.server - dated.local;
    const direction = skew > 0 ? 'behind' : 'ahead of';
    add(
      'clock',
      Math.abs(skew) < 2_000
        ? { status: 'ok', summary: 'This machine’s clock agrees with the gateway’s (within 2 s).' }
        : {
            status: Math.abs(skew) >= SKEW_LIMIT_MS ? 'fail' : Math.abs(skew) >= SKEW_WARN_MS ? 'warn' : 'ok',
            summary: `This machine’s clock is ${minutes(skew)} ${direction} the gateway’s.`,
            ...(Math.abs(skew) >= SKEW_WARN_MS
              ? {
                  advice: 'Synchronise this machine’s clock (NTP): from 15 minutes on, the gateway refuses every call.',
                }
              : {}),
          },
    );
  }
  if (instances.length === 0) {
    add('instances', {
      status: 'warn',
      summary: 'The project has no DMS for RabbitMQ instances in this region.',
      advice: 'Check the project id and region: the instances may live in another one.',
    });
    skipRest('Not checked: no instance to list tasks of.');
    return finish();
  }
  add('instances', {
    status: 'ok',
    summary: `${instances.length} RabbitMQ instance${instances.length === 1 ? '' : 's'} visible.`,
  });

  try {
    // the first instance (of at most three) with two tasks or more: enough to tell page 1 from page 2
    let probe: { instanceId: string; count: number } | undefined;
    for (const i of instances.slice(0, 3)) {
      const first = await client.listTasks({ instanceId: i.instance_id, start: 1, limit: 1 });
      if (first.task_count >= 2) {
        probe = { instanceId: i.instance_id, count: first.task_count };
        break;
      }
    }
    if (!probe) {
      skipRest('Not checked: no instance has two tasks or more to compare.');
      return finish();
    }
    const id = async (p: { start?: number; offset?: number }) =>
      (await client.listTasks({ instanceId: probe.instanceId, limit: 1, ...p })).tasks[0];
    const [s1, s2, o0, o1] = [
      await id({ start: 1 }),
      await id({ start: 2 }),
      await id({ offset: 0 }),
      await id({ offset: 1 }),
    ];
    const startHonoured = s1?.id !== s2?.id;
    const offsetHonoured = o0?.id !== o1?.id;
    add(
      'paging',
      startHonoured && offsetHonoured
        ? { status: 'ok', summary: 'Both `start` (1-based) and `offset` (0-based) page the task list.' }
        : startHonoured
          ? { status: 'ok', summary: 'Only `start` (1-based) pages the task list; `offset` is ignored.' }
          : offsetHonoured
            ? { status: 'ok', summary: 'Only `offset` (0-based) pages the task list; `start` is ignored.' }
            : {
                status: 'fail',
                summary: 'Neither `start` nor `offset` moves to the next page: every page repeats the first.',
                advice:
                  'Windows of more than 100 tasks cannot be read; report this with the endpoint to the maintainers.',
              },
    );

    // a task just seen, asked for by a window that ends on the second it was created in
    const known = s1 ?? o0;
    const created = known?.created_at ? Date.parse(known.created_at) : Number.NaN;
    const zoneMs = (options.zoneOffsetMin ?? 0) * 60_000;
    const zoneName = options.zoneOffsetMin
      ? `at UTC${zoneMs > 0 ? '+' : ''}${zoneMs / 3_600_000} h (DMS_TIME_ZONE_OFFSET_MIN)`
      : 'as UTC';
    const seen = options.outOfRange?.(target);
    if (seen)
      add('time-filter', {
        status: 'warn',
        summary:
          `${seen.count} window listing${seen.count === 1 ? '' : 's'} answered tasks outside the asked range, the last at ${seen.at} ` +
          `(${seen.report.before} before ${seen.report.begin}, ${seen.report.after} after ${seen.report.end}, of ${seen.report.listed}); ` +
          (seen.report.offsetMin === null
            ? 'no zone offset explains them.'
            : `they fit begin_time/end_time read at UTC${seen.report.offsetMin >= 0 ? '+' : ''}${seen.report.offsetMin / 60} h.`),
        advice:
          seen.report.offsetMin === null
            ? 'Tasks outside a window are left out of it; compare a window with the Huawei Cloud console and report it.'
            : `Windows are shifted and miss tasks at one edge: set DMS_TIME_ZONE_OFFSET_MIN=${seen.report.offsetMin} and restart.`,
      });
    else if (!known || !Number.isFinite(created))
      add('time-filter', { status: 'skipped', summary: 'No task with a readable created_at.' });
    else {
      const second = Math.floor(created / 1000) * 1000;
      const holds = async (begin: number, end: number) =>
        (
          await client.listTasks({
            instanceId: probe.instanceId,
            start: 1,
            offset: 0,
            limit: 100,
            beginTime: formatDmsTime(begin + zoneMs),
            endTime: formatDmsTime(end + zoneMs),
          })
        ).tasks.some((t) => t.id === known.id);
      if (await holds(second - 60_000, second))
        add('time-filter', {
          status: 'ok',
          summary: `begin_time/end_time are read ${zoneName} and the end is inclusive.`,
        });
      else if (await holds(second - 60_000, second + 1_000))
        add('time-filter', {
          status: 'warn',
          summary: 'end_time is exclusive: a task created in the window’s last second is left out.',
          advice: 'The console reads windows to the second after their end; nothing to do unless tasks are missing.',
        });
      else
        add('time-filter', {
          status: 'warn',
          summary: `A task is missing from a window around its own created_at: begin_time/end_time seem read in another time zone than ${options.zoneOffsetMin ? `UTC${zoneMs > 0 ? '+' : ''}${zoneMs / 3_600_000} h` : 'UTC'}.`,
          advice:
            'Windows may be shifted by hours: open a window in the console, whose log then names the offset the tasks fit (DMS_TIME_ZONE_OFFSET_MIN).',
        });
    }
  } catch (error) {
    if (!(error instanceof UpstreamError)) throw error;
    skipRest(`Not checked: listing tasks failed (${error.message}).`);
  }
  return finish();
};

/** Every target, one after another (they share one call budget). */
export const diagnose = async (
  targets: readonly DoctorTarget[],
  mode: Diagnostics['mode'],
  options: DoctorOptions,
): Promise<Diagnostics> => {
  const reports: TargetDiagnostics[] = [];
  for (const t of targets) reports.push(await diagnoseTarget(t, options));
  return { mode, usable: reports.every((r) => r.usable), checkedAt: new Date().toISOString(), targets: reports };
};

const MARK = { ok: '✓', warn: '!', fail: '✗', skipped: '-' } as const;

/** The report as plain text, for the terminal. */
export const formatDiagnostics = (d: Diagnostics): string => {
  const lines = [`DMS doctor: ${d.targets.length} target${d.targets.length === 1 ? '' : 's'} (${d.mode} mode)`];
  for (const t of d.targets) {
    lines.push('', `${t.region} · project ${t.projectId} · ${t.endpoint}`);
    for (const c of t.checks) {
      lines.push(`  ${MARK[c.status]} ${c.title}: ${c.summary}`);
      if (c.advice && (c.status === 'warn' || c.status === 'fail')) lines.push(`      What to do: ${c.advice}`);
    }
    lines.push(`  => ${t.usable ? 'usable' : 'NOT usable'}`);
  }
  lines.push('', d.usable ? 'Result: usable.' : 'Result: NOT usable (see ✗ above).');
  return lines.join('\n');
};
