import { readFileSync } from 'node:fs';
import type { BenchResult } from './result.ts';

/** bench/results.json as a Markdown table, for docs/BENCHMARKS.md: `npx tsx bench/markdown.ts [file]`. */
const file = process.argv[2] ?? 'bench/results.json';
const results = JSON.parse(readFileSync(file, 'utf8')) as BenchResult[];
const fmt = (n: number | null) => (n === null ? '—' : Number.isInteger(n) ? String(n) : n.toFixed(n < 10 ? 2 : 1));
const lines = [
  '| benchmark | metric | value | baseline | ratio | budget | pass |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  ...results.map((r) =>
    [
      r.name,
      r.metric,
      `${fmt(r.value)} ${r.unit}`,
      r.baseline === null ? '—' : `${fmt(r.baseline)} ${r.unit}`,
      fmt(r.ratio),
      r.budget === null ? '—' : `${r.budgetKind === 'min' ? '≥' : '≤'} ${fmt(r.budget)} ${r.unit}`,
      r.pass === null ? '' : r.pass ? 'yes' : '**no**',
    ].join(' | '),
  ),
].map((l) => `| ${l.replace(/^\| | \|$/g, '')} |`);
console.log(lines.join('\n'));
