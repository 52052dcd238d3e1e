import { ApiRequestError } from '../lib/api.ts';

export interface Advice {
  title: string;
  advice: string;
}

/** What the user should do about a failure, from the BFF's code and the upstream's. */
export const adviceFor = (error: unknown): Advice => {
  if (!(error instanceof ApiRequestError))
    return { title: 'Something went wrong', advice: 'Reload the page; if it keeps happening, check the server log.' };
  const up = error.upstream;
  const code = up?.errorCode ?? '';
  const msg = `${up?.errorMsg ?? ''} ${error.message}`;
  if (error.code === 'NETWORK')
    return { title: 'The console server is unreachable', advice: 'Check that the server is running, then retry.' };
  if (
    error.code === 'INSTANCE_NOT_FOUND' ||
    code === 'DMS.00404022' ||
    (error.status === 400 && /instanceId/i.test(msg))
  )
    return {
      title: 'Unknown instance',
      advice:
        'This instance is not in the configured projects and regions. Pick another instance, or check the project id and region the server is configured with.',
    };
  if (code === 'APIGW.0308' || up?.status === 429 || error.status === 429)
    return {
      title: 'DMS is throttling requests',
      advice: 'The API gateway rate limit was reached. Wait a minute and retry; wider windows cost more calls.',
    };
  if (error.code === 'UPSTREAM_CLOCK_SKEW' || /signature expired|signature time|server time/i.test(msg))
    return {
      title: 'Clock skew',
      advice:
        "The server's clock is more than 15 minutes away from the gateway's. Synchronise the server's clock (NTP) and retry.",
    };
  if (code.startsWith('APIGW.03') || up?.status === 401 || up?.status === 403)
    return {
      title: 'Bad credentials',
      advice:
        'The gateway refused the signature. Check CLOUD_SDK_AK / CLOUD_SDK_SK (or HUAWEICLOUD_SDK_*) and the project id, then restart the server.',
    };
  if (error.status === 400)
    return { title: 'Invalid request', advice: 'A value in the link was refused. Reset the filters and try again.' };
  if (error.status === 504)
    return { title: 'DMS timed out', advice: 'The upstream did not answer in time. Retry, or choose a shorter range.' };
  return {
    title: up ? 'DMS answered with an error' : 'The request failed',
    advice: 'Retry. If it keeps failing, quote the request id below when you ask for help.',
  };
};

export function ErrorPanel({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { title, advice } = adviceFor(error);
  const e = error instanceof ApiRequestError ? error : undefined;
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
              <code>{e.code}</code> (HTTP {e.status})
            </dd>
          </>
        )}
        {e?.upstream && (
          <>
            <dt>Upstream</dt>
            <dd>
              {/* status 0: DMS never answered (a timeout), so there is no HTTP status to print */}
              {e.upstream.status > 0 ? `HTTP ${e.upstream.status}` : 'no answer'}
              {e.upstream.errorCode && (
                <>
                  {' '}
                  <code>{e.upstream.errorCode}</code>
                </>
              )}
              {e.upstream.errorMsg && <>: {e.upstream.errorMsg}</>}
            </dd>
            {e.upstream.requestId && (
              <>
                <dt>Request id</dt>
                <dd>
                  <code>{e.upstream.requestId}</code>
                </dd>
              </>
            )}
          </>
        )}
      </dl>
      {onRetry && (
        <button type="button" className="button" onClick={onRetry}>
          Retry
        </button>
      )}
    </section>
  );
}
