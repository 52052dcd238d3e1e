import type { Format } from './export-buttons.tsx';

/** The BFF's error body in words, or its status when the body is not one. */
const failureOf = async (res: Response) => {
  const body = (await res.json().catch(() => undefined)) as
    { error?: { code?: unknown; message?: unknown } } | undefined;
  const { code, message } = body?.error ?? {};
  return typeof code === 'string' && typeof message === 'string'
    ? `${message} (${code})`
    : `the console server answered ${res.status}.`;
};

const filenameOf = (res: Response, format: Format) =>
  /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? `dms-tasks.${format}`;

/** Fetches the export and saves it as a file; the failure in words when the server refused it. */
export const download = async (href: string, format: Format): Promise<string | undefined> => {
  const res = await fetch(href);
  if (!res.ok) return failureOf(res);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = filenameOf(res, format);
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return undefined;
};
