import { BasicCredentials } from '@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials';
import type { IHttpRequest } from '@huaweicloud/huaweicloud-sdk-core/http/IHttpRequest';
import type { RunningSimulator } from './server.ts';

/** For tests: requests built and signed by the official Node SDK (a client nobody here wrote). */
export interface SdkCall {
  method?: string;
  /** May contain `{project_id}`, which the SDK fills in. */
  path: string;
  query?: Record<string, string | number>;
  body?: unknown;
  headers?: Record<string, string>;
  ak?: string;
  sk?: string;
  projectId?: string;
  securityToken?: string;
}

export const sdkSign = async (sim: Pick<RunningSimulator, 'url' | 'ak' | 'sk' | 'projectId'>, call: SdkCall) => {
  const credentials = new BasicCredentials()
    .withAk(call.ak ?? sim.ak)
    .withSk(call.sk ?? sim.sk)
    .withProjectId(call.projectId ?? sim.projectId);
  if (call.securityToken) credentials.withSecurityToken(call.securityToken);
  const method = call.method ?? 'GET';
  const query = Object.fromEntries(Object.entries(call.query ?? {}).map(([k, v]) => [k, String(v)]));
  const request: IHttpRequest = {
    endpoint: sim.url,
    url: call.path,
    method,
    headers: { 'Content-Type': 'application/json', ...call.headers },
    queryParams: query,
    data: call.body,
  };
  const signed = await credentials.processAuthRequest(undefined as never, request);
  const qs = Object.entries(query)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  return {
    url: `${signed.endpoint as string}${qs ? `?${qs}` : ''}`,
    init: {
      method,
      headers: signed.headers as Record<string, string>,
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
    } satisfies RequestInit,
  };
};

export const sdkFetch = async (
  sim: Pick<RunningSimulator, 'url' | 'ak' | 'sk' | 'projectId'>,
  call: SdkCall,
  signal?: AbortSignal,
) => {
  const { url, init } = await sdkSign(sim, call);
  return fetch(url, { ...init, signal: signal ?? null });
};

/** The answer's body as JSON (or its text when it is not JSON), with status and request id. */
export const readAnswer = async (res: Response) => {
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return {
    status: res.status,
    requestId: res.headers.get('x-request-id'),
    text,
    json: json as Record<string, unknown>,
  };
};
