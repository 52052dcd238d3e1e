import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../reliability/raw-request.ts';
import { GATEWAY_MESSAGES } from './gateway.ts';
import { type RunningSimulator, startSimulator } from './server.ts';
import { readAnswer, sdkFetch, sdkSign } from './test-client.ts';

const TOKEN = 'temporary-security-token-Zm9vYmFy';
let sim: RunningSimulator;
let instanceId: string;
let taskId: string;

beforeAll(async () => {
  sim = await startSimulator({
    extraCredentials: [{ ak: 'TEMPAK00000000000001', sk: 'temporary-secret-key-0123456789', securityToken: TOKEN }],
  });
  instanceId = sim.data.instances[0]!.instance_id;
  taskId = sim.data.tasks.get(instanceId)![20]!.id;
});
afterAll(() => sim.close());

/** The spec's canonical request built by hand, so Go-style header sets are signed independently of our signer. */
const handSign = (p: {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  signed: string[];
  ak: string;
  sk: string;
  body?: string;
}) => {
  const sha = (s: string) => createHash('sha256').update(s).digest('hex');
  const canonical = [
    p.method,
    p.path.endsWith('/') ? p.path : `${p.path}/`,
    p.query,
    p.signed.map((h) => `${h}:${p.headers[h]}\n`).join(''),
    p.signed.join(';'),
    sha(p.body ?? ''),
  ].join('\n');
  const toSign = ['SDK-HMAC-SHA256', p.headers['x-sdk-date'], sha(canonical)].join('\n');
  const sig = createHmac('sha256', p.sk).update(toSign).digest('hex');
  return `SDK-HMAC-SHA256 Access=${p.ak}, SignedHeaders=${p.signed.join(';')}, Signature=${sig}`;
};

const sdkDateNow = (offsetMs = 0) =>
  new Date(Date.now() + offsetMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

const expect401 = (answer: Awaited<ReturnType<typeof readAnswer>>, msg: string | RegExp) => {
  expect(answer.status).toBe(401);
  expect(answer.json.error_code).toBe('APIGW.0301');
  expect(answer.json.request_id).toBe(answer.requestId);
  if (typeof msg === 'string') expect(answer.json.error_msg).toBe(msg);
  else expect(answer.json.error_msg).toMatch(msg);
};

describe('requests signed by the official Node SDK', () => {
  it('are accepted for every operation and get the data', async () => {
    const list = await readAnswer(
      await sdkFetch(sim, { path: '/v2/{project_id}/instances', query: { engine: 'rabbitmq', offset: 0, limit: 10 } }),
    );
    expect(list.status).toBe(200);
    expect(list.json.instance_num).toBe(sim.data.instances.filter((i) => i.engine === 'rabbitmq').length);

    const show = await readAnswer(await sdkFetch(sim, { path: `/v2/{project_id}/instances/${instanceId}` }));
    expect(show.json.name).toBe('prod-orders');

    const tasks = await readAnswer(
      await sdkFetch(sim, { path: `/v2/{project_id}/instances/${instanceId}/tasks`, query: { start: 1, limit: 5 } }),
    );
    expect(tasks.status).toBe(200);
    expect((tasks.json.tasks as unknown[]).length).toBe(5);

    const one = await readAnswer(
      await sdkFetch(sim, { path: `/v2/{project_id}/instances/${instanceId}/tasks/${taskId}` }),
    );
    expect(one.json).toMatchObject({ task_count: '1', tasks: [{ id: taskId }] });

    const del = await sdkFetch(sim, {
      method: 'DELETE',
      path: `/v2/{project_id}/instances/${instanceId}/tasks/${taskId}`,
    });
    expect([204, 400]).toContain(del.status); // 400 only if the 21st newest task were still running
  });

  it('signs content-type;host;x-project-id;x-sdk-date, which the gateway verifies', async () => {
    const { init } = await sdkSign(sim, { path: `/v2/{project_id}/instances/${instanceId}` });
    expect(init.headers.Authorization).toContain('SignedHeaders=content-type;host;x-project-id;x-sdk-date,');
  });

  it('with temporary credentials (AK, SK, security token) are accepted; a wrong or missing token is not', async () => {
    const temp = { ak: 'TEMPAK00000000000001', sk: 'temporary-secret-key-0123456789' };
    const ok = await sdkFetch(sim, { ...temp, securityToken: TOKEN, path: `/v2/{project_id}/instances/${instanceId}` });
    expect(ok.status).toBe(200);
    const { init } = await sdkSign(sim, {
      ...temp,
      securityToken: TOKEN,
      path: `/v2/{project_id}/instances/${instanceId}`,
    });
    expect(init.headers.Authorization).toContain('x-security-token');
    expect401(
      await readAnswer(
        await sdkFetch(sim, { ...temp, securityToken: 'other', path: `/v2/{project_id}/instances/${instanceId}` }),
      ),
      GATEWAY_MESSAGES.badToken,
    );
    expect401(
      await readAnswer(await sdkFetch(sim, { ...temp, path: `/v2/{project_id}/instances/${instanceId}` })),
      GATEWAY_MESSAGES.badToken,
    );
    const wrongSk = await readAnswer(
      await sdkFetch(sim, {
        ...temp,
        sk: 'wrong',
        securityToken: TOKEN,
        path: `/v2/{project_id}/instances/${instanceId}`,
      }),
    );
    expect401(wrongSk, /verify aksk signature fail, canonicalRequest:.*\|x-security-token:\*{6}\|/);
    expect(wrongSk.text).not.toContain(TOKEN);
  });
});

describe('one byte changed anywhere signed is refused with APIGW.0301', () => {
  type Part = 'path' | 'query' | 'header' | 'body';
  const mismatch = /^Incorrect IAM authentication information: verify aksk signature fail, canonicalRequest:DELETE\|/;
  const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

  it('for the path, the query, a signed header value and the body (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Part>('path', 'query', 'header', 'body'),
        fc.nat(),
        fc.constantFrom(...ALNUM),
        fc.string({ minLength: 1, maxLength: 20, unit: fc.constantFrom(...ALNUM) }),
        async (part, at, replacement, note) => {
          const { url, init } = await sdkSign(sim, {
            method: 'DELETE',
            path: `/v2/{project_id}/instances/${instanceId}/tasks/ff808082000000000000000000000000`,
            query: { note },
            body: { note },
          });
          const flip = (s: string, from: number, to: number) => {
            const i = from + (at % (to - from));
            const c = s[i] === replacement ? (replacement === 'a' ? 'b' : 'a') : replacement;
            return s.slice(0, i) + c + s.slice(i + 1);
          };
          const u = new URL(url);
          let target = `${u.pathname}${u.search}`;
          const headers = { ...init.headers };
          let body = init.body!;
          if (part === 'path') {
            const start = target.indexOf('/tasks/') + '/tasks/'.length; // inside the task id: still a routed path
            target = flip(target, start, start + 32);
          } else if (part === 'query') {
            target = flip(target, target.indexOf('?') + 1, target.length);
          } else if (part === 'header') {
            const name = (['Content-Type', 'X-Project-Id', 'X-Sdk-Date'] as const)[at % 3]!;
            const value = headers[name]!;
            const bump = (s: string, i: number) => s.slice(0, i) + String((Number(s[i]) + 1) % 10) + s.slice(i + 1);
            if (name === 'X-Sdk-Date') {
              // the last digit of the seconds, so the date stays valid and within 15 minutes
              headers[name] = bump(value, value.length - 2);
            } else {
              headers[name] = flip(value, 0, value.length);
            }
          } else {
            body = flip(body, 0, body.length);
          }
          const answer = await readAnswer(await fetch(`${u.origin}${target}`, { method: 'DELETE', headers, body }));
          expect(answer.status).toBe(401);
          expect(answer.json.error_code).toBe('APIGW.0301');
          expect(answer.json.error_msg).toMatch(mismatch);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('for the Host header, which the Node SDK signs (sent raw: fetch would put back its own)', async () => {
    const { url, init } = await sdkSign(sim, { path: `/v2/{project_id}/instances/${instanceId}` });
    const u = new URL(url);
    const send = (host: string) => rawRequest(url, { path: u.pathname, headers: { ...init.headers, host } });
    expect((await send(u.host)).status).toBe(200);
    const changed = await send(u.host.replace('127.0.0.1', '127.0.0.2'));
    expect(changed.status).toBe(401);
    expect(JSON.parse(changed.body).error_msg).toMatch(/verify aksk signature fail.*\|host:127\.0\.0\.2:/);
  });

  it('while the unchanged request passes', async () => {
    const { url, init } = await sdkSign(sim, {
      method: 'DELETE',
      path: `/v2/{project_id}/instances/${instanceId}/tasks/ff808082000000000000000000000000`,
      query: { note: 'x' },
      body: { note: 'x' },
    });
    const answer = await readAnswer(await fetch(url, init));
    expect(answer.status).not.toBe(401);
  });
});

describe('Go SDK style: user-agent;x-project-id;x-sdk-date, no host or content-type', () => {
  it('the hand-built signer reproduces the Go SDK vector', () => {
    const auth = handSign({
      method: 'GET',
      path: '/path',
      query: 'limit=1',
      headers: { 'x-sdk-date': '20060102T150405Z' },
      signed: ['x-sdk-date'],
      ak: 'AccessKey',
      sk: 'SecretKey',
    });
    expect(auth).toContain('Signature=5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624');
  });

  it('passes, and fails once a signed header changes', async () => {
    const path = `/v2/${sim.projectId}/instances/${instanceId}/tasks`;
    const headers = {
      'user-agent': 'huaweicloud-usdk-go/3.0',
      'x-project-id': sim.projectId,
      'x-sdk-date': sdkDateNow(),
    };
    const authorization = handSign({
      method: 'GET',
      path,
      query: 'limit=2&start=1',
      headers,
      signed: ['user-agent', 'x-project-id', 'x-sdk-date'],
      ak: sim.ak,
      sk: sim.sk,
    });
    const send = (ua: string) =>
      fetch(`${sim.url}${path}?start=1&limit=2`, {
        headers: { ...headers, 'user-agent': ua, 'content-type': 'application/json', authorization },
      }).then(readAnswer);
    const ok = await send(headers['user-agent']);
    expect(ok.status).toBe(200);
    expect((ok.json.tasks as unknown[]).length).toBe(2);
    expect401(await send('huaweicloud-usdk-go/3.1'), /verify aksk signature fail/);
  });

  it('a request that does not sign x-sdk-date is refused', async () => {
    const path = `/v2/${sim.projectId}/instances/${instanceId}`;
    const headers = { 'x-project-id': sim.projectId, 'x-sdk-date': sdkDateNow() };
    const authorization = handSign({
      method: 'GET',
      path,
      query: '',
      headers,
      signed: ['x-project-id'],
      ak: sim.ak,
      sk: sim.sk,
    });
    expect401(
      await fetch(`${sim.url}${path}`, { headers: { ...headers, authorization } }).then(readAnswer),
      GATEWAY_MESSAGES.dateNotSigned,
    );
  });
});

describe('the gateway refuses', () => {
  const path = () => `/v2/{project_id}/instances/${instanceId}`;

  it('an X-Sdk-Date more than 15 minutes off, naming both times', async () => {
    const stale = sdkDateNow(-16 * 60_000);
    const answer = await readAnswer(await sdkFetch(sim, { path: path(), headers: { 'X-Sdk-Date': stale } }));
    expect401(
      answer,
      new RegExp(
        `^Incorrect IAM authentication information: calc aksk signature fail:signature expired, signature time:${stale},server time:\\d{8}T\\d{6}Z$`,
      ),
    );
    const fresh = await sdkFetch(sim, { path: path(), headers: { 'X-Sdk-Date': sdkDateNow(-14 * 60_000) } });
    expect(fresh.status).toBe(200);
  });

  it('an unknown AK', async () => {
    expect401(
      await readAnswer(await sdkFetch(sim, { path: path(), ak: 'NOSUCHAK000000000000' })),
      GATEWAY_MESSAGES.unknownAk,
    );
  });

  it('a wrong SK with the signature mismatch and the canonical request', async () => {
    const answer = await readAnswer(await sdkFetch(sim, { path: path(), sk: 'wrong' }));
    expect401(
      answer,
      new RegExp(
        `canonicalRequest:GET\\|/v2/${sim.projectId}/instances/${instanceId}/\\|\\|content-type:application/json\\|`,
      ),
    );
  });

  it('a wrong project id (path and X-Project-Id both signed by the SDK)', async () => {
    const answer = await readAnswer(
      await sdkFetch(sim, { path: path(), projectId: 'ffffffffffffffffffffffffffffffff' }),
    );
    expect401(answer, GATEWAY_MESSAGES.wrongProject);
  });

  it('no Authorization at all', async () => {
    expect401(
      await readAnswer(await fetch(`${sim.url}/v2/${sim.projectId}/instances?engine=rabbitmq`)),
      GATEWAY_MESSAGES.noAuthorization,
    );
  });
});

describe('the canonical request is built from the request target as received', () => {
  it('a raw `"` in the path is signed as %22, not as the %2522 a re-encoded URL would give', async () => {
    const path = `/v2/${sim.projectId}/instances/bad"id`;
    const headers = { 'x-project-id': sim.projectId, 'x-sdk-date': sdkDateNow() };
    const authorization = handSign({
      method: 'GET',
      path: `/v2/${sim.projectId}/instances/bad%22id`,
      query: '',
      headers,
      signed: ['x-project-id', 'x-sdk-date'],
      ak: sim.ak,
      sk: sim.sk,
    });
    const answer = await rawRequest(sim.url, { path, headers: { ...headers, authorization } });
    // past the gateway: DMS itself rejects the id
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toEqual({ error_code: 'DMS.00400061', error_msg: 'Invalid instance ID format.' });
  });
});
