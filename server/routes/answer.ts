import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Context } from 'hono';
import { accepts } from 'hono/accepts';
import { LRUCache } from 'lru-cache';

/** Content codings a cached answer is kept in besides its plain bytes, best first. */
const CODINGS = ['br', 'gzip'] as const;
type Coding = (typeof CODINGS)[number];

/**
 * Once per cached answer, so the level can favour size; brotli 5 and gzip 6 take about a
 * millisecond on a 70 KB list page (docs/BENCHMARKS.md, api-warm). The copy keeps the answer at
 * its own size: zlib's sync output is a slice of a larger chunk, which the cache would otherwise hold.
 */
const encode: Record<Coding, (body: Uint8Array) => Uint8Array<ArrayBuffer>> = {
  br: (body) =>
    new Uint8Array(
      brotliCompressSync(body, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: 5,
          [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
          [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength,
        },
      }),
    ),
  gzip: (body) => new Uint8Array(gzipSync(body)),
};

/** A client sends one Accept-Encoding on every request (a browser: always the same): parsed once each. */
const chosen = new LRUCache<string, Coding | 'identity'>({ max: 100 });
const codingFor = (c: Context): Coding | 'identity' => {
  const header = c.req.header('accept-encoding');
  if (!header) return 'identity';
  let coding = chosen.get(header);
  if (coding === undefined) {
    coding = accepts(c, {
      header: 'Accept-Encoding',
      supports: [...CODINGS],
      default: 'identity',
      // the best q wins, and at equal q our order (a browser lists gzip before br)
      match: (accepted) => {
        const q = (coding: string) => accepted.find((a) => a.type.toLowerCase() === coding)?.q ?? 0;
        const best = Math.max(...CODINGS.map(q));
        return best > 0 ? CODINGS.find((coding) => q(coding) === best)! : 'identity';
      },
    }) as Coding | 'identity';
    if (header.length <= 256) chosen.set(header, coding);
  }
  return coding;
};

/** Keeps bytes under a key (the window store's derive, a fleet read's memo). */
export type BytesMemo = (key: string, make: () => Uint8Array<ArrayBuffer>) => Uint8Array<ArrayBuffer>;

/**
 * A JSON answer that is a pure function of what `key` names: serialised once, and compressed once
 * per coding a client accepts, all kept by `memo`. A warm answer is then the cached bytes of the
 * coding asked for (a fifth of the plain ones for a list page), with Vary so no cache in between
 * hands them to a client that did not ask.
 */
export const cachedJson = (
  c: Context,
  memo: BytesMemo,
  key: string,
  json: () => Uint8Array<ArrayBuffer>,
  headers: Record<string, string> = {},
) => {
  const coding = codingFor(c);
  // no named closure on this path: tsx (keepNames, as the benchmarks run) names each one per call
  return coding === 'identity'
    ? c.body(memo(key, json), 200, { 'content-type': 'application/json', vary: 'Accept-Encoding', ...headers })
    : c.body(
        memo(`${coding}|${key}`, () => encode[coding](memo(key, json))),
        200,
        {
          'content-type': 'application/json',
          vary: 'Accept-Encoding',
          'content-encoding': coding,
          ...headers,
        },
      );
};

export const jsonBytes = (value: unknown): Uint8Array<ArrayBuffer> => new TextEncoder().encode(JSON.stringify(value));

const jsonKeys = new WeakMap<object, string>();
/**
 * The JSON of a validated input, as a cache key: made once per kept outcome (validate() hands
 * every request with the same raw input the same frozen object).
 */
export const jsonKey = (value: object) => {
  let key = jsonKeys.get(value);
  if (key === undefined) jsonKeys.set(value, (key = JSON.stringify(value)));
  return key;
};
