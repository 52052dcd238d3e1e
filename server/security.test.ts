import { request as httpRequest } from 'node:http';
import { Hono } from 'hono';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiErrorSchema } from '../shared/api-error.ts';
import { parseConfig } from './config.ts';
import { accessControl, LOGIN_FAILURES_ALLOWED } from './security.ts';
import { startConsole } from './start.ts';

const TOKEN = 'a-long-shared-secret-token';
const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;

const guarded = () =>
  new Hono()
    .use(accessControl({ token: TOKEN, basic: { user: 'ops', pass: 'a-long-pass-word-1' } }))
    .get('/api/health', (c) => c.text('ok'))
    .get('/api/instances', (c) => c.text('in'));

afterEach(() => vi.useRealTimers());

describe('failed logins', () => {
  it('are answered 429 with Retry-After once a client has used its allowance, right credentials included, until they age out', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    const app = guarded();
    const send = (authorization?: string) =>
      app.request('/api/instances', { headers: authorization ? { authorization } : {} });
    const wrong = ['Bearer not-the-token', basic('ops:guess'), basic('root:a-long-pass-word-1'), 'Bearer', 'Digest x'];
    for (let i = 0; i < LOGIN_FAILURES_ALLOWED.failures; i++)
      expect((await send(wrong[i % wrong.length])).status).toBe(401);
    const refused = await send(`Bearer ${TOKEN}`);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe(String(LOGIN_FAILURES_ALLOWED.perSeconds));
    expect(apiErrorSchema.parse(await refused.json()).error.code).toBe('TOO_MANY_LOGINS');
    // probes are never throttled
    expect((await app.request('/api/health')).status).toBe(200);
    vi.advanceTimersByTime(LOGIN_FAILURES_ALLOWED.perSeconds * 1000 - 2_000);
    expect((await send(`Bearer ${TOKEN}`)).headers.get('retry-after')).toBe('2');
    vi.advanceTimersByTime(2_000);
    expect((await send(`Bearer ${TOKEN}`)).status).toBe(200);
    expect((await send(basic('ops:a-long-pass-word-1'))).status).toBe(200);
  });

  it('a login that succeeds forgives the mistypes before it', async () => {
    const app = guarded();
    const send = (authorization: string) => app.request('/api/instances', { headers: { authorization } });
    for (let round = 0; round < 3; round++) {
      for (let i = 1; i < LOGIN_FAILURES_ALLOWED.failures; i++)
        expect((await send('Bearer mistyped')).status).toBe(401);
      expect((await send(`Bearer ${TOKEN}`)).status).toBe(200);
    }
  });
});

describe('failed logins over the network', () => {
  let running: Awaited<ReturnType<typeof startConsole>> | undefined;
  afterEach(async () => running?.close());

  const status = (port: number, from: string, authorization: string) =>
    new Promise<number>((resolve, reject) => {
      httpRequest(
        { host: '127.0.0.1', port, path: '/api/instances', localAddress: from, headers: { authorization } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      )
        .on('error', reject)
        .end();
    });

  it('are counted per client address: a guesser is refused, a colleague is not', async () => {
    running = await startConsole(parseConfig({ PORT: '0', CONSOLE_TOKEN: TOKEN }), { log: () => {} });
    const guesses: number[] = [];
    for (let i = 0; i <= LOGIN_FAILURES_ALLOWED.failures + 5; i++)
      guesses.push(await status(running.port, '127.0.0.2', `Bearer guess-${i}`));
    expect(guesses.filter((s) => s === 401)).toHaveLength(LOGIN_FAILURES_ALLOWED.failures);
    expect(guesses.slice(LOGIN_FAILURES_ALLOWED.failures).every((s) => s === 429)).toBe(true);
    expect(await status(running.port, '127.0.0.2', `Bearer ${TOKEN}`)).toBe(429);
    expect(await status(running.port, '127.0.0.1', `Bearer ${TOKEN}`)).toBe(200);
  });
});
