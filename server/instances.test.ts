import { getEventListeners } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDmsClient } from './dms/client.ts';
import { UpstreamError } from './dms/errors.ts';
import { asksFresh, createInstanceDirectory } from './instances.ts';
import { type RunningSimulator, startSimulator } from './simulator/server.ts';

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());

const directory = (ttlMs?: number, failTtlMs?: number) =>
  createInstanceDirectory(
    [
      {
        projectId: sim.projectId,
        region: 'simulator',
        client: createDmsClient({
          endpoint: sim.url,
          projectId: sim.projectId,
          credentials: { ak: sim.ak, sk: sim.sk },
        }),
      },
    ],
    ttlMs,
    failTtlMs,
  );

describe('instance directory', () => {
  it('gives createdAt null, not an error, for a created_at no Date can hold', async () => {
    const instance = sim.data.instances[0]!;
    const original = instance.created_at;
    instance.created_at = '1e17';
    try {
      const listed = (await directory().list()).instances;
      expect(listed.find((i) => i.id === instance.instance_id)?.createdAt).toBeNull();
      expect(listed.filter((i) => i.id !== instance.instance_id).every((i) => i.createdAt !== null)).toBe(true);
    } finally {
      instance.created_at = original;
    }
  });
});

describe("a request's signal over many targets", () => {
  // twelve projects or regions: past the EventTarget's limit of 10 listeners a signal
  const many = () =>
    createInstanceDirectory(
      Array.from({ length: 12 }, (_, i) => ({
        projectId: sim.projectId,
        region: `region-${i}`,
        client: createDmsClient({ endpoint: sim.url, projectId: sim.projectId, credentials: sim }),
      })),
    );

  it('holds one abort listener while every target is listed, and none once they are', async () => {
    const request = new AbortController();
    const listed = many().list(request.signal);
    expect(getEventListeners(request.signal, 'abort')).toHaveLength(1);
    expect((await listed).failures).toEqual([]);
    expect(getEventListeners(request.signal, 'abort')).toHaveLength(0);
    const d = many();
    const found = d.find(sim.data.instances[0]!.instance_id, request.signal);
    expect(getEventListeners(request.signal, 'abort')).toHaveLength(1);
    expect((await found)?.instance.id).toBe(sim.data.instances[0]!.instance_id);
    await d.list(); // the same listings: once they have all ended
    expect(getEventListeners(request.signal, 'abort')).toHaveLength(0);
  });

  it('leaves every listing, and keeps no listener, when the request goes', async () => {
    const request = new AbortController();
    const listed = many()
      .entries(request.signal)
      .catch((e: unknown) => e);
    request.abort(new Error('client left'));
    expect(await listed).toMatchObject({ message: 'client left' });
    expect(getEventListeners(request.signal, 'abort')).toHaveLength(0);
  });
});

describe('a listing in memory', () => {
  it('names an instance at once while it is fresh or served stale, and nothing before it is read or past staleMs', async () => {
    const d = directory(60_000);
    const instance = sim.data.instances[0]!;
    expect(d.cached(instance.instance_id)).toBeUndefined();
    const found = await d.find(instance.instance_id);
    expect(d.cached(instance.instance_id)).toBe(found);
    expect(d.cached('no-such-instance')).toBeUndefined();
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 60_001);
      expect(d.cached(instance.instance_id)).toBe(found);
      vi.setSystemTime(Date.now() + 60_000);
      expect(d.cached(instance.instance_id)).toBeUndefined();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('every listing in memory', () => {
  it('answers at once while every target is fresh, the same object until one is listed again', async () => {
    const d = directory(60_000);
    expect(d.settled()).toBeUndefined();
    const listed = await d.entries();
    expect(listed.entries.map((e) => e.instance.id)).toEqual(sim.data.instances.map((i) => i.instance_id));
    expect(d.settled()).toBe(listed);
    expect(d.settled(true)).toBe(listed);
    expect(await d.entries()).toBe(listed);
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 120_001);
      // past ttlMs and staleMs: a request waits for the listing
      expect(d.settled()).toBeUndefined();
      const again = await d.entries();
      expect(again).not.toBe(listed);
      expect(again.entries.map((e) => e.instance.id)).toEqual(listed.entries.map((e) => e.instance.id));
      expect(d.settled()).toBe(again);
    } finally {
      vi.useRealTimers();
    }
  });

  it('answers from a stale listing at once while one refresh runs, and from the refresh once it ends', async () => {
    const d = directory(60_000);
    const listed = await d.entries();
    const listings = () => sim.control.requests().filter((r) => r.operation === 'ListInstancesDetails').length;
    sim.control.clearRequests();
    // the refresh's calls are held until the test has asked everything it asks meanwhile
    sim.control.setFaults({ latencyMs: 200 });
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 60_001);
      expect(d.settled()).toBe(listed);
      expect(await d.entries()).toBe(listed);
      expect(d.cached(listed.entries[0]!.instance.id)).toBe(listed.entries[0]);
      // a retry asks past what is kept: it waits for the one refresh already running
      const fresh = await d.entries(undefined, true);
      expect(fresh).not.toBe(listed);
      expect(fresh.entries.map((e) => e.instance.id)).toEqual(listed.entries.map((e) => e.instance.id));
      expect(d.settled()).toBe(fresh);
      // one listing an engine, for the refresh alone
      expect(listings()).toBe(3);
    } finally {
      vi.useRealTimers();
      sim.control.setFaults({});
    }
  });

  it('leaves a failed target to entries: remembered for a plain request, listed again for a retry', async () => {
    const d = directory(60_000, 60_000);
    sim.control.setFaults({ badBody: { kind: 'non-json' }, operations: ['ListInstancesDetails'] });
    try {
      await expect(d.entries()).rejects.toMatchObject({ code: 'UPSTREAM_BAD_ANSWER' });
    } finally {
      sim.control.setFaults({});
    }
    // every target failed: nothing to answer at once, entries says why
    expect(d.settled()).toBeUndefined();
    await expect(d.entries()).rejects.toMatchObject({ code: 'UPSTREAM_BAD_ANSWER' });
    expect(d.settled(true)).toBeUndefined();
    const retried = await d.entries(undefined, true);
    expect(retried.failures).toEqual([]);
    expect(d.settled()).toBe(retried);
  });
});

describe('a remembered failure', () => {
  it('answers again within failTtlMs, but a retry (Cache-Control: no-cache) lists again', async () => {
    // a failure remembered far longer than the test takes, however loaded the machine
    const d = directory(60_000, 60_000);
    const instance = sim.data.instances[0]!;
    sim.control.setFaults({ badBody: { kind: 'non-json' }, operations: ['ListInstancesDetails'] });
    try {
      await expect(d.find(instance.instance_id)).rejects.toMatchObject({ code: 'UPSTREAM_BAD_ANSWER' });
    } finally {
      sim.control.setFaults({});
    }
    // the fault is gone, but the failure is remembered: a plain request gets it back
    await expect(d.list()).rejects.toMatchObject({ code: 'UPSTREAM_BAD_ANSWER' });
    await expect(d.find(instance.instance_id)).rejects.toMatchObject({ code: 'UPSTREAM_BAD_ANSWER' });
    // the user's Retry reaches DMS, and what it found serves the plain requests after it
    expect((await d.find(instance.instance_id, undefined, true))?.instance.name).toBe(instance.name);
    expect((await d.list()).instances.map((i) => i.id)).toContain(instance.instance_id);
  });

  it('is asked past only by a no-cache directive in Cache-Control', () => {
    const req = (value?: string) =>
      new Request('http://x/', value === undefined ? {} : { headers: { 'cache-control': value } });
    expect(asksFresh(req('no-cache'))).toBe(true);
    expect(asksFresh(req('max-age=0, No-Cache'))).toBe(true);
    expect(asksFresh(req())).toBe(false);
    expect(asksFresh(req('no-cache-please'))).toBe(false);
    expect(asksFresh(req('max-age=0'))).toBe(false);
  });
});

/**
 * A hostile upstream: claims 1e9 instances and sends one a page. `hold(n)` keeps the n-th request
 * (1-based) unanswered and resolves when it arrives, with a promise of its socket closing.
 */
const startLiar = async () => {
  const seen: number[] = [];
  const held = new Map<number, (r: { closed: Promise<void> }) => void>();
  const server = createServer((req, res) => {
    const offset = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('offset'));
    seen.push(offset);
    const hold = held.get(seen.length);
    if (hold) {
      hold({ closed: new Promise((resolve) => res.on('close', () => resolve())) });
      return;
    }
    const id = `00000000-0000-4000-8000-${offset.toString(16).padStart(12, '0')}`;
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({ instances: [{ instance_id: id, name: `i${offset}`, status: 'RUNNING' }], instance_num: 1e9 }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    hold: (n: number) => new Promise<{ closed: Promise<void> }>((resolve) => held.set(n, resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};

const PROJECT = '0123456789abcdef0123456789abcdef';
const liarClient = (url: string, over: Partial<Parameters<typeof createDmsClient>[0]> = {}) =>
  createDmsClient({ endpoint: url, projectId: PROJECT, credentials: { ak: 'AK', sk: 'SK' }, maxAttempts: 1, ...over });

describe('an upstream that lies about instance_num', () => {
  it('ends the listing at the page cap with a clear error, after exactly that many calls', async () => {
    const liar = await startLiar();
    try {
      const error = await liarClient(liar.url, { maxInstancePages: 7 })
        .listInstances()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UpstreamError);
      expect((error as UpstreamError).details.kind).toBe('invalid-response');
      expect((error as UpstreamError).message).toMatch(/more instances than 7 pages/);
      expect(liar.seen).toEqual([0, 1, 2, 3, 4, 5, 6]);
    } finally {
      await liar.close();
    }
  });

  it('ends the listing at its deadline when a page never comes', async () => {
    const liar = await startLiar();
    try {
      void liar.hold(3);
      const error = await liarClient(liar.url, { listDeadlineMs: 300, timeoutMs: 60_000 })
        .listInstances()
        .catch((e: unknown) => e);
      expect((error as UpstreamError).details.kind).toBe('timeout');
      expect((error as UpstreamError).message).toMatch(/did not finish within 300 ms \(\d pages read\)/);
    } finally {
      await liar.close();
    }
  });

  it('stops calling upstream when the last request waiting for the listing leaves', async () => {
    const liar = await startLiar();
    try {
      const dir = createInstanceDirectory([
        { projectId: PROJECT, region: 'liar', client: liarClient(liar.url, { timeoutMs: 60_000 }) },
      ]);
      const held = liar.hold(4);
      const a = new AbortController();
      const b = new AbortController();
      const first = dir.list(a.signal).catch((e: unknown) => e);
      const second = dir.list(b.signal).catch((e: unknown) => e);
      const { closed } = await held;
      expect(liar.seen).toEqual([0, 1, 2, 3]); // the two requests share one listing
      a.abort(new Error('first client left'));
      expect(await first).toMatchObject({ message: 'first client left' });
      b.abort(new Error('second client left'));
      await closed; // the upstream call in flight is cancelled, not left to run
      expect(await second).toMatchObject({ message: 'second client left' });
      expect(liar.seen).toEqual([0, 1, 2, 3]);
      // nothing cached from the abandoned listing: the next request starts afresh
      const next = liar.hold(6);
      // its listing is cut when the liar closes: that rejection is expected, not unhandled
      void dir.list(new AbortController().signal).catch(() => undefined);
      await next;
      expect(liar.seen.slice(4)).toEqual([0, 1]);
    } finally {
      await liar.close();
    }
  });
});
