import { describe } from 'vitest';
import { fuzzTest } from '../server/reliability/fuzz.ts';

describe('bad input, long run', () => {
  fuzzTest(Number(process.env.STRESS_FUZZ_RUNS ?? 50_000), 600_000);
});
