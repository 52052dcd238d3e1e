/** One figure of one benchmark, as written to bench/results.json. */
export interface BenchResult {
  name: string;
  metric: string;
  value: number;
  unit: string;
  /** The figure it is compared with, measured in the same run (or a published one, said in `baselineNote`). */
  baseline: number | null;
  baselineNote?: string;
  /** value / baseline */
  ratio: number | null;
  /** The most (or least, for `budgetKind: 'min'`) the value may be. */
  budget: number | null;
  budgetKind?: 'max' | 'min';
  /** Every run's figure when the value is a median of several. */
  samples?: number[];
  pass: boolean | null;
}

export const result = (r: Omit<BenchResult, 'ratio' | 'pass'> & { ratio?: number | null }): BenchResult => {
  const ratio = r.ratio !== undefined ? r.ratio : r.baseline ? r.value / r.baseline : null;
  const pass = r.budget === null ? null : r.budgetKind === 'min' ? r.value >= r.budget : r.value <= r.budget;
  return { ...r, ratio, pass };
};
