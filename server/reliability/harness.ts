import { Agent, request as httpRequest } from 'node:http';
import { parseConfig } from '../config.ts';
import { type RunningSimulator, startSimulator } from '../simulator/server.ts';
import { startConsole } from '../start.ts';
import { liveEnv } from './spawn-console.ts';

/** Known fake credentials: everything the console says is searched for them. */
export const FAKE_AK = 'RELIABILITYAK9X8C7V6B5N4M';
export const FAKE_SK = 'reliability-fake-secret-key-must-never-leak-0123456789';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  ms: number;
}

/**
 * The real console (start.ts, as main.ts runs it) in live mode, signing with fake keys against
 * the real simulator over HTTP, with every answer and log line kept for the secrets check.
 */
export const startHarness = async (env: Record<string, string> = {}) => {
  const sim: RunningSimulator = await startSimulator({ ak: FAKE_AK, sk: FAKE_SK });
  const logs: string[] = [];
  const config = parseConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    ...liveEnv(sim),
    DMS_TIMEOUT_MS: '300',
    DMS_MAX_ATTEMPTS: '3',
    WINDOW_CACHE_TTL_MS: '0',
    UPSTREAM_RATE_PER_MINUTE: '100000',
    ...env,
  });
  const running = await startConsole(config, { log: (line) => logs.push(line) });
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const answers: string[] = [];

  /** A raw HTTP request: the path goes out byte for byte (no `..` folding), any Host header. */
  const send = (path: string, options: { method?: string; headers?: Record<string, string> } = {}) =>
    new Promise<Answer>((resolve, reject) => {
      const started = performance.now();
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port: running.port,
          path,
          method: options.method ?? 'GET',
          headers: options.headers,
          agent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const a = {
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString('utf8'),
              ms: performance.now() - started,
            };
            answers.push(`${a.status} ${JSON.stringify(a.headers)} ${a.body}`);
            resolve(a);
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end();
    });

  const instanceId = (name: string) => sim.data.instances.find((i) => i.name === name)!.instance_id;

  /** What would betray a credential: either key, a recognisable piece, or a signed Authorization header. */
  const leaks = (text: string) =>
    [FAKE_AK, FAKE_SK, FAKE_AK.slice(0, 12), FAKE_SK.slice(0, 16), 'SDK-HMAC-SHA256', 'Access='].filter((s) =>
      text.includes(s),
    );

  return {
    sim,
    console: running,
    logs,
    answers,
    send,
    instanceId,
    leaks,
    close: async () => {
      agent.destroy();
      await running.close();
      await sim.close();
    },
  };
};
export type Harness = Awaited<ReturnType<typeof startHarness>>;

export const json = <T = Record<string, unknown>>(a: Answer): T => JSON.parse(a.body) as T;
