import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../simulator/server.ts';
import { createWindowStore } from '../tasks/window.ts';
import { simulatorApp, simulatorClient } from '../test-app.ts';

let sim: RunningSimulator;
let app: ReturnType<typeof simulatorApp>;
let windows: ReturnType<typeof createWindowStore>;

beforeAll(async () => {
  sim = await startSimulator();
  app = simulatorApp(sim, simulatorClient(sim), {
    windows: (windows = createWindowStore({ ttlMs: 60_000, maxTasks: 10_000 })),
  });
});
afterAll(() => sim.close());

const orders = () => sim.data.instances.find((i) => i.name === 'prod-orders')!.instance_id;
const to = new Date().toISOString();
const from = new Date(Date.now() - 86_400_000).toISOString();
const routes = () =>
  ['tasks?sort=name', 'insights?tz=UTC', 'timeline?status=SUCCESS'].map(
    (r) => `/api/instances/${orders()}/${r}&from=${from}&to=${to}`,
  );

const ask = async (path: string, acceptEncoding?: string) => {
  const res = await app.request(
    path,
    acceptEncoding === undefined ? {} : { headers: { 'accept-encoding': acceptEncoding } },
  );
  expect(res.status).toBe(200);
  return { res, bytes: Buffer.from(await res.arrayBuffer()) };
};
const decode = (coding: string | null, bytes: Buffer) =>
  coding === 'br' ? brotliDecompressSync(bytes) : coding === 'gzip' ? gunzipSync(bytes) : bytes;

describe('cached answers in the coding the client accepts', () => {
  it('answers brotli to a browser, the same JSON as the plain answer, at a fraction of its size, and says it varies', async () => {
    for (const path of routes()) {
      const plain = await ask(path);
      expect(plain.res.headers.get('content-encoding')).toBeNull();
      expect(plain.res.headers.get('vary')).toBe('Accept-Encoding');
      const before = windows.size.bytes;
      // what Chromium sends: gzip listed first, br preferred by the server at equal q
      const br = await ask(path, 'gzip, deflate, br, zstd');
      expect(br.res.headers.get('content-encoding')).toBe('br');
      expect(br.res.headers.get('vary')).toBe('Accept-Encoding');
      expect(brotliDecompressSync(br.bytes).equals(plain.bytes)).toBe(true);
      expect(br.bytes.length).toBeLessThan(plain.bytes.length / 2);
      // the compressed copy is held with the window, counted in its byte bound
      expect(windows.size.bytes).toBeGreaterThanOrEqual(before + br.bytes.length);
      expect((await ask(path, 'gzip, deflate, br, zstd')).bytes.equals(br.bytes)).toBe(true);
      const gzip = await ask(path, 'gzip');
      expect(gzip.res.headers.get('content-encoding')).toBe('gzip');
      expect(gunzipSync(gzip.bytes).equals(plain.bytes)).toBe(true);
    }
  });

  it('answers a task of a held window compressed too, kept with that window (a diff reads two of hundreds of KB)', async () => {
    const list = await ask(`/api/instances/${orders()}/tasks?sort=name&pageSize=500&from=${from}&to=${to}`);
    const { tasks } = JSON.parse(list.bytes.toString()) as { tasks: { id: string; params: string }[] };
    const id = tasks.reduce((a, b) => (b.params.length > a.params.length ? b : a)).id;
    const path = `/api/instances/${orders()}/tasks/${id}`;
    const plain = await ask(path);
    expect(plain.res.headers.get('content-encoding')).toBeNull();
    expect((JSON.parse(plain.bytes.toString()) as { task: { id: string } }).task.id).toBe(id);
    const before = windows.size.bytes;
    const br = await ask(path, 'gzip, deflate, br, zstd');
    expect(br.res.headers.get('content-encoding')).toBe('br');
    expect(brotliDecompressSync(br.bytes).equals(plain.bytes)).toBe(true);
    expect(br.bytes.length).toBeLessThan(plain.bytes.length);
    expect(windows.size.bytes).toBeGreaterThanOrEqual(before + br.bytes.length);
  });

  it('follows any Accept-Encoding: a coding only when accepted (q > 0), the best q, and always the same JSON', async () => {
    const [path] = routes();
    const plain = (await ask(path!)).bytes;
    const coding = fc.constantFrom('br', 'gzip', 'deflate', 'zstd', 'identity', 'x-unknown', 'BR', 'GZip');
    const q = fc.option(fc.integer({ min: 0, max: 1000 }).map((n) => n / 1000));
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.tuple(coding, q), { selector: ([c]) => c.toLowerCase(), maxLength: 6 }),
        async (list) => {
          const header = list.map(([c, w]) => (w === null ? c : `${c};q=${w}`)).join(', ');
          const { res, bytes } = await ask(path!, header);
          const got = res.headers.get('content-encoding');
          const weight = (name: string) => {
            const hit = list.find(([c]) => c.toLowerCase() === name);
            return hit ? (hit[1] ?? 1) : 0;
          };
          const best = Math.max(weight('br'), weight('gzip'));
          if (best === 0) expect(got).toBeNull();
          else expect(weight(got!)).toBe(best);
          expect(decode(got, bytes).equals(plain)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });
});
