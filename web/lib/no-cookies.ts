/**
 * Stands in for hono's cookie serialiser in the API client (vite.config.ts): the client serialises
 * a request's `cookie` argument, which the SPA never passes (the browser sends its own cookies).
 */
export const serialize = (): never => {
  throw new Error('the API client sends no cookie argument');
};
