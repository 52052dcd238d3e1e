import { useState } from 'react';
import './list-states.css';

type Format = 'csv' | 'json';

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

/**
 * Export of the filtered tasks. Fetched here rather than by a plain download link, so a failed
 * export (a budget refusal, a timeout) says so in the page instead of saving an error as a file;
 * with nothing to export the buttons are disabled.
 */
export function ExportButtons({ href, count }: { href: (format: Format) => string; count: number | undefined }) {
  const [busy, setBusy] = useState<Format | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const empty = !count;
  const run = async (format: Format) => {
    setBusy(format);
    setFailure(null);
    try {
      const res = await fetch(href(format));
      if (!res.ok) {
        setFailure(`The ${format.toUpperCase()} export failed: ${await failureOf(res)}`);
        return;
      }
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = filenameOf(res, format);
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch {
      setFailure(`The ${format.toUpperCase()} export failed: the console server did not answer.`);
    } finally {
      setBusy(null);
    }
  };
  return (
    <div className="export" role="group" aria-label="Export the filtered tasks">
      {(['csv', 'json'] as const).map((format) => (
        <button
          key={format}
          type="button"
          className="button"
          disabled={empty || busy !== null}
          title={empty ? 'Nothing to export: no task matches' : undefined}
          onClick={() => void run(format)}
        >
          {busy === format ? `Exporting ${format.toUpperCase()}…` : `Export ${format.toUpperCase()}`}
        </button>
      ))}
      {failure && (
        <p className="export__failure" role="alert">
          {failure}
        </p>
      )}
    </div>
  );
}
