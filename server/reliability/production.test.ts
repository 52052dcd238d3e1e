import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
// inside the tree, so the bundle resolves its packages from node_modules as dist/server does
const out = join(root, 'node_modules', '.cache', 'console-server-build-test');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};

let child: ChildProcess | undefined;
beforeAll(() => {
  rmSync(out, { recursive: true, force: true });
  execFileSync(process.execPath, ['scripts/build-server.mjs'], {
    cwd: root,
    env: { ...process.env, SERVER_OUT_DIR: join(out, 'server') },
  });
}, 60_000);
afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(out, { recursive: true, force: true });
});

describe('the production server build', () => {
  it('imports only Node built-ins and production dependencies', () => {
    const files = readdirSync(join(out, 'server')).filter((f) => f.endsWith('.js'));
    // esbuild's ESM output: static imports at the top of a line, dynamic ones as import("…")
    const specifiers = files.flatMap((f) => {
      const code = readFileSync(join(out, 'server', f), 'utf8');
      return [...code.matchAll(/^import\s[^;]*?["']([^"']+)["'];$|\bimport\(["']([^"']+)["']\)/gm)].map(
        (m) => (m[1] ?? m[2])!,
      );
    });
    const packages = new Set(
      specifiers
        .filter((s) => !s.startsWith('.') && !s.startsWith('node:'))
        .map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!)),
    );
    expect(packages.size).toBeGreaterThan(3);
    for (const name of packages) expect(pkg.dependencies, name).toHaveProperty([name]);
    // the simulator is a chunk of its own, imported only in simulator mode
    const main = readFileSync(join(out, 'server', 'main.js'), 'utf8');
    expect(main).toMatch(/import\("\.\/server-[\w-]+\.js"\)/);
    expect(main).not.toContain('SIMULATORAK0000000001');
  });

  it('runs under plain Node in live mode and answers health', async () => {
    child = spawn(process.execPath, [join(out, 'server', 'main.js')], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        PORT: '0',
        CLOUD_SDK_AK: 'AKEXAMPLE0000000001',
        CLOUD_SDK_SK: 'an-example-secret-key',
        HUAWEICLOUD_SDK_PROJECT_ID: '0123456789abcdef0123456789abcdef',
        HUAWEICLOUD_SDK_REGION: 'cn-north-4',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const url = await new Promise<string>((resolve, reject) => {
      let seen = '';
      const onData = (c: Buffer) => {
        seen += c.toString();
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(seen);
        if (m) resolve(m[1]!);
      };
      child!.stdout!.on('data', onData);
      child!.stderr!.on('data', onData);
      child!.on('exit', (code) => reject(new Error(`exited ${code}: ${seen}`)));
    });
    const res = await fetch(`${url}/api/health`);
    expect(await res.json()).toEqual({ status: 'ok', mode: 'live' });
    child.kill('SIGTERM');
    expect(await new Promise((r) => child!.once('exit', r))).toBe(0);
  }, 30_000);
});
