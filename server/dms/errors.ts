/** The one error the upstream layer throws: what failed, as the cloud said it, and never a secret. */
export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
  constructor(
    message: string,
    readonly details: {
      /** HTTP status from the upstream, or 0 when no answer came (network error, timeout). */
      status: number;
      errorCode: string | null;
      errorMsg: string | null;
      requestId: string | null;
      /**
       * What kind of failure, for the BFF to map to its own answer. `clock-skew` is the gateway's
       * "signature expired" (APIGW.0301): this server's clock is off by more than 15 minutes.
       * `too-large`: the answer's body passed DMS_MAX_BODY_MB and was not read further.
       */
      kind: 'http' | 'timeout' | 'network' | 'invalid-response' | 'throttled-locally' | 'clock-skew' | 'too-large';
      /** The DMS operation, e.g. ListBackgroundTasks. */
      operation?: string | undefined;
      /** How many HTTP attempts were made before giving up. */
      attempts?: number | undefined;
      /** Seconds the caller should wait before trying again, when known. */
      retryAfterSeconds?: number | undefined;
      /** For clock-skew answers: the gateway's time and ours (ISO-8601 UTC). */
      serverTime?: string | undefined;
      localTime?: string | undefined;
    },
  ) {
    super(message);
  }
}
