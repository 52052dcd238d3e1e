import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
  src?: string;
  name?: string;
}

/** Bull Board's UI initial JS (@bull-board/ui 9.10.2 dist, gzip -9), the baseline. */
export const BULL_BOARD_INITIAL_GZIP_KB = 206.8;
export const FIRST_VIEW_BUDGET_KB = 125;

const gzipKb = (path: string) => gzipSync(readFileSync(path), { level: 9 }).length / 1000;

/**
 * Splits the production build into what the first view loads (the entry, its static imports,
 * their CSS) and what loads on demand, from Vite's manifest, and gzips each file at level 9.
 */
export const measureBundle = (distDir = 'dist') => {
  const manifest = JSON.parse(readFileSync(join(distDir, '.vite/manifest.json'), 'utf8')) as Record<
    string,
    ManifestChunk
  >;
  const entryKey = Object.keys(manifest).find((k) => manifest[k]!.isEntry);
  if (!entryKey) throw new Error('no entry in the Vite manifest');
  const initial = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key]!;
    if (initial.has(chunk.file)) return;
    initial.add(chunk.file);
    chunk.css?.forEach((css) => initial.add(css));
    chunk.imports?.forEach(visit);
  };
  visit(entryKey);
  const allFiles = new Set(Object.values(manifest).flatMap((c) => [c.file, ...(c.css ?? [])]));
  const lazy = [...allFiles].filter((f) => !initial.has(f) && /\.(js|css)$/.test(f));
  const sum = (files: Iterable<string>, ext: string) =>
    [...files].filter((f) => f.endsWith(ext)).reduce((kb, f) => kb + gzipKb(join(distDir, f)), 0);
  // What each dynamic import loads beyond the first view (its chunk, its CSS, and the shared
  // chunks it needs that the first view does not have), named by the module the SPA imports.
  const dynamic = new Set(Object.values(manifest).flatMap((c) => c.dynamicImports ?? []));
  const chunks = [...dynamic]
    .map((key) => {
      const files = new Set<string>();
      const walk = (k: string) => {
        const m = manifest[k]!;
        if (initial.has(m.file) || files.has(m.file)) return;
        files.add(m.file);
        m.css?.forEach((css) => files.add(css));
        m.imports?.forEach(walk);
      };
      walk(key);
      return {
        module: manifest[key]!.src ?? `${manifest[key]!.name ?? key} (shared chunk)`,
        kb: sum(files, '.js') + sum(files, '.css'),
      };
    })
    .sort((a, b) => a.module.localeCompare(b.module));
  const initialJs = sum(initial, '.js');
  const initialCss = sum(initial, '.css');
  return {
    initialJsKb: initialJs,
    initialCssKb: initialCss,
    initialKb: initialJs + initialCss,
    lazyKb: sum(lazy, '.js') + sum(lazy, '.css'),
    lazyChunks: lazy.length,
    chunks,
  };
};
