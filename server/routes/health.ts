import { Hono } from 'hono';
import type { Health } from '../../shared/api-error.ts';

export const healthRoutes = (mode: Health['mode']) =>
  new Hono().get('/', (c) => c.json<Health>({ status: 'ok', mode }));
