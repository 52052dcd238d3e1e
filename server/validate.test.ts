import { Hono } from 'hono';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { onError } from './errors.ts';
import { validate } from './validate.ts';

const schema = z.object({ page: z.coerce.number().int().min(1), tags: z.string().transform((s) => s.split(',')) });

const appFor = (seen: unknown[]) =>
  new Hono()
    .get('/', validate('query', schema), (c) => {
      seen.push(c.req.valid('query'));
      return c.json(c.req.valid('query'));
    })
    .onError(onError);

describe('validate', () => {
  it('parses an input once and shares its frozen outcome with every request that repeats it', async () => {
    const parse = vi.spyOn(schema, 'safeParse');
    const seen: unknown[] = [];
    const app = appFor(seen);
    for (let i = 0; i < 3; i++)
      expect(await (await app.request('/?page=2&tags=a,b')).json()).toEqual({ page: 2, tags: ['a', 'b'] });
    expect(parse).toHaveBeenCalledTimes(1);
    expect(new Set(seen).size).toBe(1);
    expect(Object.isFrozen(seen[0])).toBe(true);
    await app.request('/?page=3&tags=a,b');
    expect(parse).toHaveBeenCalledTimes(2);
    parse.mockRestore();
  });

  it('parses a refused input again each time, answering 400 with the parameter', async () => {
    const parse = vi.spyOn(schema, 'safeParse');
    const app = appFor([]);
    for (let i = 0; i < 2; i++) {
      const res = await app.request('/?page=0&tags=a');
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({
        error: { code: 'BAD_REQUEST', message: expect.stringContaining('"page"') },
      });
    }
    expect(parse).toHaveBeenCalledTimes(2);
    parse.mockRestore();
  });
});
