// Bundles the server (our code only; packages stay imports of node_modules) into dist/server,
// so production runs plain Node with production dependencies. Runs after `vite build`, which
// empties dist/.
import { writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import { STAMP, sourceHash } from './source-hash.mjs';

// SERVER_OUT_DIR: a test builds elsewhere, and leaves dist/ and its stamp alone
const outdir = process.env.SERVER_OUT_DIR ?? 'dist/server';
await build({
  entryPoints: { main: 'server/main.ts' },
  outdir,
  bundle: true,
  platform: 'node',
  target: 'node20.19',
  format: 'esm',
  // the simulator stays its own chunk, loaded only in simulator mode
  splitting: true,
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
});
if (!process.env.SERVER_OUT_DIR) writeFileSync(STAMP, `${sourceHash()}\n`);
