import { type Browser, chromium } from '@playwright/test';
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM_ARGS, findChromium } from '../e2e/chromium.ts';
import { buildOnce } from './build.ts';
import { startConsoleProcess, TMP } from './console-process.ts';
import { BIG_INSTANCE, median } from './fixture.ts';
import { type BenchResult, result } from './result.ts';

/**
 * The release before the insights and the readable times (the last commit of 28 Nov): the list
 * view's per-keystroke cost is compared with its own, measured in the same run, side by side.
 */
export const BASELINE_REF = process.env.BENCH_SEARCH_BASELINE ?? '1af2fd3';
const ROUNDS = 5;
const TEXT = 'restart';
/** A little longer than the search box's 300 ms debounce: every keystroke is a search, as a slow typist's (or a loaded machine's) are. */
const CADENCE_MS = 350;
/** The current build may spend at most this much of the baseline's time per keystroke. */
const RATIO_BUDGET = 1;

/** A commit's SPA, from git (no worktree: `git archive`), built once and kept under bench/.tmp. */
const buildRef = (ref: string): string => {
  const sha = execSync(`git rev-parse --short ${ref}`, { encoding: 'utf8' }).trim();
  const dir = join(TMP, `baseline-${sha}`);
  const dist = join(dir, 'dist');
  if (existsSync(join(dist, 'index.html'))) return dist;
  const src = join(dir, 'src');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(src, { recursive: true });
  execSync(`git archive ${sha} | tar -x -C ${JSON.stringify(src)}`, { stdio: 'inherit' });
  symlinkSync(join(import.meta.dirname, '..', 'node_modules'), join(src, 'node_modules'));
  execSync(`npx vite build --logLevel error --emptyOutDir --outDir ${JSON.stringify(dist)}`, {
    cwd: src,
    stdio: 'inherit',
  });
  return dist;
};

interface Typed {
  /** Main-thread busy time (CDP TaskDuration) from the first keystroke until the last search shows, per keystroke. */
  perKeyMs: number;
  /** What the URL's q said at the end: a keystroke the box dropped shows here. */
  q: string | null;
}

/**
 * One visit: a fresh context on the list view, `TEXT` typed a key every `CADENCE_MS`, then the
 * page is left to settle (the last search's answer drawn, the network quiet).
 */
const typeInList = async (browser: Browser, url: string): Promise<Typed> => {
  const context = await browser.newContext({
    viewport: { width: 1400, height: 900 },
    timezoneId: 'UTC',
    locale: 'en-GB',
  });
  try {
    const page = await context.newPage();
    await page.goto(url);
    await page.locator('tbody tr.task-row').first().waitFor({ timeout: 60_000 });
    await page.waitForLoadState('networkidle');
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const busy = async () =>
      (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')!.value * 1000;
    await page.getByRole('searchbox', { name: 'Search' }).focus();
    const before = await busy();
    for (const key of TEXT) {
      await page.keyboard.press(key);
      await page.waitForTimeout(CADENCE_MS);
    }
    await page
      .waitForFunction((text) => new URL(location.href).searchParams.get('q') === text, TEXT, {
        timeout: 10_000,
      })
      .catch(() => undefined);
    await page.waitForLoadState('networkidle');
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));
    const after = await busy();
    return { perKeyMs: (after - before) / TEXT.length, q: new URL(page.url()).searchParams.get('q') };
  } finally {
    await context.close();
  }
};

/**
 * Chromium, the list view of a 24-hour window that ended ten minutes ago (nothing running, so
 * nothing polls): "restart" typed into the search box, one search per keystroke. The same
 * visits against the baseline release's SPA, served by the same server code, alternate with
 * the current build's, so a loaded machine slows both alike; the ratio is the figure.
 */
export const run = async (): Promise<BenchResult[]> => {
  // BENCH_SEARCH_CURRENT=<ref> measures a commit instead of the working tree (a before/after figure).
  const currentRef = process.env.BENCH_SEARCH_CURRENT;
  const current = currentRef ? buildRef(currentRef) : buildOnce();
  const baseline = buildRef(BASELINE_REF);
  const env = { WINDOW_CACHE_TTL_MS: '600000', UPSTREAM_RATE_PER_MINUTE: '100000' };
  const servers = {
    current: await startConsoleProcess('list-search-current', { ...env, BENCH_STATIC_ROOT: current }),
    baseline: await startConsoleProcess('list-search-baseline', { ...env, BENCH_STATIC_ROOT: baseline }),
  };
  const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
  try {
    const urls = {} as Record<keyof typeof servers, string>;
    const to = Math.floor((Date.now() - 600_000) / 1000) * 1000;
    for (const [which, server] of Object.entries(servers) as [keyof typeof servers, typeof servers.current][]) {
      const res = await fetch(`${server.url}/api/instances`);
      const { instances } = (await res.json()) as { instances: { id: string; name: string }[] };
      const id = instances.find((i) => i.name === BIG_INSTANCE)!.id;
      urls[which] = `${server.url}/instances/${id}?${new URLSearchParams({
        from: new Date(to - 86_400_000).toISOString(),
        to: new Date(to).toISOString(),
      })}`;
    }
    const typed: Record<keyof typeof servers, Typed[]> = { current: [], baseline: [] };
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 ? (['baseline', 'current'] as const) : (['current', 'baseline'] as const);
      for (const which of order) typed[which].push(await typeInList(browser, urls[which]));
    }
    const perKey = (which: keyof typeof servers) => median(typed[which].map((t) => t.perKeyMs));
    const dropped = (which: keyof typeof servers) => typed[which].filter((t) => t.q !== TEXT).length;
    const value = perKey('current');
    const base = perKey('baseline');
    const shape = `“${TEXT}”, a key every ${CADENCE_MS} ms, median of ${ROUNDS}`;
    const baselineNote = `the list view of ${BASELINE_REF} (the release before the insights), same server code, same run, visits alternating`;
    return [
      result({
        name: 'list-search',
        metric: `main-thread time per keystroke in the list's search (${shape})`,
        value,
        unit: 'ms',
        baseline: base,
        baselineNote,
        budget: null,
        samples: typed.current.map((t) => Math.round(t.perKeyMs * 10) / 10),
      }),
      result({
        name: 'list-search',
        metric: `per-keystroke time against the baseline release (${shape})`,
        value: value / base,
        unit: '×',
        baseline: null,
        baselineNote,
        budget: RATIO_BUDGET,
      }),
      result({
        name: 'list-search',
        metric: `visits whose search lost a keystroke (of ${ROUNDS}; baseline: ${dropped('baseline')})`,
        value: dropped('current'),
        unit: 'visits',
        baseline: null,
        budget: 0,
      }),
    ];
  } finally {
    await browser.close();
    await Promise.all([servers.current.stop(), servers.baseline.stop()]);
  }
};
