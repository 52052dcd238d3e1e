import { type IncomingHttpHeaders, request as httpRequest } from 'node:http';

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * One HTTP request sent as written: the path goes out byte for byte and the Host header can be
 * anything (fetch would encode the one and set the other).
 */
export const rawRequest = (url: string, options: { path?: string; headers?: Record<string, string> } = {}) =>
  new Promise<RawAnswer>((resolve, reject) => {
    const u = new URL(url);
    const req = httpRequest(
      { host: u.hostname, port: u.port, path: options.path ?? `${u.pathname}${u.search}`, headers: options.headers },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
