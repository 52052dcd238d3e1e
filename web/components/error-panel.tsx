import './error-panel.css';
import { ApiRequestError, type ErrorCode } from '../lib/api.ts';
import { Link } from './link.tsx';

/** What the panel offers besides the advice; each shows only where its handler or target exists. */
type Action = 'retry' | 'narrow-range' | 'instances' | 'reset-filters' | 'reload';

export interface Advice {
  title: string;
  advice: string;
  actions: readonly Action[];
}

/** Only where a retry may help is a failure that persists worth reporting upstream. */
const REPORT = 'If it keeps failing, quote the request id below when you ask for help.';

/** One entry per code: the compiler fails when a code has none. */
export const ADVICE = {
  BAD_REQUEST: {
    title: 'Invalid request',
    advice: 'A value in the link was refused (the message says which). Reset the filters to start again.',
    actions: ['reset-filters'],
  },
  INVALID_INSTANCE_ID: {
    title: 'Not an instance id',
    advice: 'The link names something that is not a DMS instance id (a UUID). Choose an instance instead.',
    actions: ['instances'],
  },
  INVALID_TASK_ID: {
    title: 'Not a task id',
    advice: 'DMS task ids are 32 lowercase hex characters; this link names something else.',
    actions: ['instances'],
  },
  UNAUTHORIZED: {
    title: 'Sign-in needed',
    advice: 'The console asks for a login or token that this page no longer has. Reload the page to sign in.',
    actions: ['reload'],
  },
  TOO_MANY_LOGINS: {
    title: 'Too many sign-in attempts',
    advice: 'The console refuses logins from here for a while. Wait a minute, then reload the page.',
    actions: ['reload'],
  },
  MISDIRECTED_REQUEST: {
    title: 'Unknown host name',
    advice:
      "This server does not answer to the host name in the address bar. Open it by its own address, or add the name to the server's ALLOWED_HOSTS.",
    actions: [],
  },
  NOT_FOUND: {
    title: 'No such API route',
    advice: 'The page and the server may be from different versions. Reload the page.',
    actions: ['reload'],
  },
  PAYLOAD_TOO_LARGE: {
    title: 'Request too large',
    advice: 'The filters make a request larger than the server takes. Reset the filters.',
    actions: ['reset-filters'],
  },
  INSTANCE_NOT_FOUND: {
    title: 'Unknown instance',
    advice:
      'This instance is not in the configured projects and regions. Choose another instance, or check the project id and region the server is configured with.',
    actions: ['instances'],
  },
  TASK_NOT_FOUND: {
    title: 'Task not found',
    advice: 'DMS does not know this task on this instance; it may have been deleted.',
    actions: ['instances'],
  },
  UPSTREAM_AUTH: {
    title: 'Bad credentials',
    advice:
      'The API gateway refused the signature. Check CLOUD_SDK_AK / CLOUD_SDK_SK (or HUAWEICLOUD_SDK_*) and the project id, restart the server, then retry.',
    actions: ['retry'],
  },
  UPSTREAM_FORBIDDEN: {
    title: 'Not permitted',
    advice:
      "The credentials are valid, but the IAM user may not read this instance's tasks (or the tenant is read-only). Grant it DMS read access, then retry.",
    actions: ['retry'],
  },
  UPSTREAM_CLOCK_SKEW: {
    title: 'Clock skew',
    advice:
      "The server's clock is more than 15 minutes away from the gateway's. Synchronise the server's clock (NTP), then retry.",
    actions: ['retry'],
  },
  UPSTREAM_THROTTLED: {
    title: 'DMS is throttling requests',
    advice: `The API gateway's rate limit was reached. Wait a minute and retry; wider ranges cost more calls. ${REPORT}`,
    actions: ['retry', 'narrow-range'],
  },
  UPSTREAM_UNREACHABLE: {
    title: 'DMS is unreachable',
    advice: `The server could not connect to the DMS endpoint. Check its network, proxy and DMS_ENDPOINT, then retry. ${REPORT}`,
    actions: ['retry'],
  },
  UPSTREAM_TIMEOUT: {
    title: 'DMS timed out',
    advice: 'DMS did not answer in time. Retry, or choose a shorter range.',
    actions: ['retry', 'narrow-range'],
  },
  UPSTREAM_BAD_ANSWER: {
    title: 'Unreadable answer from DMS',
    advice: `DMS answered with a body the console cannot read (cut short, or not the documented shape). Retry. ${REPORT}`,
    actions: ['retry'],
  },
  UPSTREAM_BUDGET: {
    title: 'Call budget spent',
    advice:
      'This range needs more DMS calls than the budget allows right now. Retry in the time the message names, or choose a shorter range.',
    actions: ['retry', 'narrow-range'],
  },
  WINDOW_TOO_LARGE: {
    title: 'Too many tasks in this range',
    advice:
      'The console reads a whole range at once and this one holds more tasks than it takes. Choose a shorter range.',
    actions: ['narrow-range'],
  },
  WINDOW_CHANGED: {
    title: 'The task list changed while it was read',
    advice: 'Tasks were deleted on DMS while the console read them. Retry.',
    actions: ['retry'],
  },
  UPSTREAM_ERROR: {
    title: 'DMS answered with an error',
    advice: `Retry. ${REPORT}`,
    actions: ['retry'],
  },
  INTERNAL: {
    title: 'The console server failed',
    advice: 'Retry. If it keeps failing, the server log names the cause.',
    actions: ['retry'],
  },
  CONSOLE_UNREACHABLE: {
    title: 'The console server is unreachable',
    advice: 'Check that the server is running, then retry.',
    actions: ['retry'],
  },
  CONSOLE_BAD_ANSWER: {
    title: 'Unexpected answer',
    advice:
      'Something between the page and the console server (a proxy?) answered instead of it. Retry, or reload the page.',
    actions: ['retry', 'reload'],
  },
} as const satisfies Record<ErrorCode, Advice>;

const UNKNOWN: Advice = {
  title: 'Something went wrong',
  advice: 'Reload the page; if it keeps happening, check the server log.',
  actions: ['reload'],
};

export const adviceFor = (error: unknown): Advice => (error instanceof ApiRequestError ? ADVICE[error.code] : UNKNOWN);

export interface ErrorPanelProps {
  error: unknown;
  onRetry?: (() => void) | undefined;
  /** A shorter range than the one that failed, and what to call it ("the last 7 days"). */
  narrowRange?: { label: string; apply: () => void } | undefined;
  onResetFilters?: (() => void) | undefined;
}

export function ErrorPanel({ error, onRetry, narrowRange, onResetFilters }: ErrorPanelProps) {
  const { title, advice, actions } = adviceFor(error);
  const e = error instanceof ApiRequestError ? error : undefined;
  const up = e?.upstream;
  return (
    <section className="panel panel--error" role="alert" aria-labelledby="error-title">
      <h2 id="error-title">{title}</h2>
      <p>{advice}</p>
      <dl className="error-facts">
        <dt>Message</dt>
        <dd>{error instanceof Error ? error.message : String(error)}</dd>
        {e && (
          <>
            <dt>Console code</dt>
            <dd>
              <code>{e.code}</code>
              {e.status > 0 && <> (HTTP {e.status})</>}
            </dd>
          </>
        )}
        {up && (
          <>
            <dt>Upstream</dt>
            <dd>
              {/* status 0: DMS never answered (a timeout), so there is no HTTP status to print */}
              {up.status > 0 ? `HTTP ${up.status}` : 'no answer'}
              {up.errorCode && (
                <>
                  {' '}
                  <code>{up.errorCode}</code>
                </>
              )}
              {up.errorMsg && <>: {up.errorMsg}</>}
            </dd>
          </>
        )}
        {up?.requestId && (
          <>
            <dt>Request id</dt>
            <dd>
              <code>{up.requestId}</code>
            </dd>
          </>
        )}
      </dl>
      <div className="error-actions">
        {actions.map((action) => {
          switch (action) {
            case 'retry':
              return (
                onRetry && (
                  <button key={action} type="button" className="button" onClick={onRetry}>
                    Retry
                  </button>
                )
              );
            case 'narrow-range':
              return (
                narrowRange && (
                  <button key={action} type="button" className="button button--primary" onClick={narrowRange.apply}>
                    Show {narrowRange.label}
                  </button>
                )
              );
            case 'instances':
              return (
                <Link key={action} href="/" className="button button--primary">
                  Choose another instance
                </Link>
              );
            case 'reset-filters':
              return (
                onResetFilters && (
                  <button key={action} type="button" className="button" onClick={onResetFilters}>
                    Reset the filters
                  </button>
                )
              );
            case 'reload':
              return (
                <button key={action} type="button" className="button" onClick={() => location.reload()}>
                  Reload the page
                </button>
              );
          }
        })}
      </div>
    </section>
  );
}
