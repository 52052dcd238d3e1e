import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { type BenchResult } from './result.ts';

/**
 * `npm run bench` runs every benchmark, prints a table and writes bench/results.json (a run with
 * `--only` writes bench/.tmp/results.json instead, so the committed figures stay one whole run);
 * `npm run bench -- --check` exits non-zero when a budget is missed; `--only name,name` picks some.
 */
const args = process.argv.slice(2);
const check = args.includes('--check');
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');

const benchmarks: Record<string, () => Promise<BenchResult[]>> = {
  'api-warm': async () => (await import('./bench-api.ts')).run(),
  'insights-warm': async () => (await import('./bench-insights.ts')).run(),
  'cold-window': async () => (await import('./bench-cold-window.ts')).run(),
  'fan-in': async () => (await import('./bench-fan-in.ts')).run(),
  replicas: async () => (await import('./bench-replicas.ts')).run(),
  bundle: async () => (await import('./bench-bundle.ts')).run(),
  browser: async () => (await import('./bench-browser.ts')).run(),
  'list-search': async () => (await import('./bench-list-search.ts')).run(),
  memory: async () => (await import('./bench-memory.ts')).run(),
  fleet: async () => (await import('./bench-fleet.ts')).run(),
};

// Figures on a shared machine mean little without how busy it was: printed before and after.
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
console.log(`${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), Node ${process.version}, load average ${load()}`);
const results: BenchResult[] = [];
for (const [name, run] of Object.entries(benchmarks)) {
  if (only && !only.includes(name)) continue;
  const started = performance.now();
  process.stdout.write(`running ${name}… `);
  results.push(...(await run()));
  console.log(`${((performance.now() - started) / 1000).toFixed(1)} s`);
}

console.log(`load average after: ${load()}`);
const fmt = (n: number | null, digits = 2) => (n === null ? '—' : Number.isInteger(n) ? String(n) : n.toFixed(digits));
console.table(
  results.map((r) => ({
    benchmark: r.name,
    metric: r.metric,
    value: `${fmt(r.value)} ${r.unit}`,
    baseline: r.baseline === null ? '—' : `${fmt(r.baseline)} ${r.unit}`,
    ratio: fmt(r.ratio),
    budget: r.budget === null ? '—' : `${r.budgetKind === 'min' ? '≥' : '≤'} ${fmt(r.budget)}`,
    pass: r.pass === null ? '' : r.pass ? 'yes' : 'NO',
  })),
);
// Only a full run replaces the committed figures; a partial one goes beside the build, ignored by git.
const out = only ? 'bench/.tmp/results.json' : 'bench/results.json';
mkdirSync('bench/.tmp', { recursive: true });
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
console.log(`written to ${out}`);
const missed = results.filter((r) => r.pass === false);
if (check && missed.length) {
  console.error(`budget missed: ${missed.map((r) => `${r.name} ${r.metric}`).join(', ')}`);
  process.exit(1);
}
