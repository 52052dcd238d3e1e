// `npm start`: build when dist/ is missing or older than the sources, then run the built server.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { STAMP, sourceHash } from './source-hash.mjs';

const built = existsSync(STAMP) ? readFileSync(STAMP, 'utf8').trim() : undefined;
if (built !== sourceHash()) {
  console.log(built ? 'Sources changed since the last build: building.' : 'No build in dist/: building.');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const { status } = spawnSync(npm, ['run', 'build'], { stdio: 'inherit' });
  if (status !== 0) process.exit(status ?? 1);
}
await import('../dist/server/main.js');
