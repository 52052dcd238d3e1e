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

  it('keeps outcomes by the raw query string: the same query written another way is parsed once more, to an equal value', async () => {
    const parse = vi.spyOn(schema, 'safeParse');
    const seen: unknown[] = [];
    const app = appFor(seen);
    for (const q of ['page=2&tags=a,b', 'tags=a,b&page=2', 'page=2&tags=a%2Cb', 'page=2&tags=a,b'])
      expect((await app.request(`/?${q}`)).status).toBe(200);
    expect(parse).toHaveBeenCalledTimes(3);
    expect(seen).toEqual(Array(4).fill({ page: 2, tags: ['a', 'b'] }));
    expect(seen[3]).toBe(seen[0]);
    parse.mockRestore();
  });

  it('keeps path params by the path, one route each', async () => {
    const param = z.object({ id: z.string().regex(/^\w+$/) });
    const parse = vi.spyOn(param, 'safeParse');
    const app = new Hono()
      .get('/a/:id', validate('param', param), (c) => c.json({ a: c.req.valid('param').id }))
      .get('/b/:id', validate('param', param), (c) => c.json({ b: c.req.valid('param').id }))
      .onError(onError);
    expect(await (await app.request('/a/x1')).json()).toEqual({ a: 'x1' });
    expect(await (await app.request('/a/x1')).json()).toEqual({ a: 'x1' });
    expect(await (await app.request('/a/x2')).json()).toEqual({ a: 'x2' });
    expect(await (await app.request('/b/x1')).json()).toEqual({ b: 'x1' });
    expect(parse).toHaveBeenCalledTimes(3);
    expect((await app.request('/a/x-1')).status).toBe(400);
    parse.mockRestore();
  });
});
